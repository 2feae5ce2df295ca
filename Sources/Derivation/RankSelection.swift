/// Finds values of given ranks in an unsorted buffer without sorting all of it (quickselect).
///
/// After `select(rank:in:range:)`, the value at `rank` is the one a full sort would put there, every
/// value before it is not greater and every value after it is not smaller. Selecting a lower rank
/// next only needs the part before the previous one, so the four percentiles of a window cost a
/// few passes over the values instead of an O(n log n) sort.
enum RankSelection {
    /// Places the value of `rank` (0-based) of `values[range]` at `values[rank]`.
    static func select(rank: Int, in values: UnsafeMutableBufferPointer<UInt64>, range: Range<Int>) {
        precondition(range.contains(rank), "rank outside the range")
        var low = range.lowerBound
        var high = range.upperBound - 1
        // Beyond this many rounds the pivots are unlucky; sorting the rest bounds the time.
        var roundsLeft = 2 * (Int.bitWidth - range.count.leadingZeroBitCount) + 8

        while low < high {
            if roundsLeft == 0 {
                var rest = UnsafeMutableBufferPointer(rebasing: values[low...high])
                rest.sort()
                return
            }
            roundsLeft -= 1

            let pivot = medianOfThree(values[low], values[low + (high - low) / 2], values[high])
            // Hoare partition: equal values go to both sides, so many duplicates still split evenly.
            var left = low
            var right = high
            while left <= right {
                while values[left] < pivot { left += 1 }
                while values[right] > pivot { right -= 1 }
                if left <= right {
                    values.swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            // Now values[low...right] ≤ pivot ≤ values[left...high], and between them all equal the pivot.
            if rank <= right {
                high = right
            } else if rank >= left {
                low = left
            } else {
                return
            }
        }
    }

    private static func medianOfThree(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        max(min(a, b), min(max(a, b), c))
    }
}
