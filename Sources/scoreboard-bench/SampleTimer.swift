import Glibc
import ScoreboardSources

/// Per-sample durations of one run, in nanoseconds on the monotonic clock, or on a CPU-time
/// clock such as `CLOCK_PROCESS_CPUTIME_ID`.
struct SampleTimes {
    private(set) var nanoseconds: [UInt64] = []
    private let clock: clockid_t?

    init(clock: clockid_t? = nil) {
        self.clock = clock
    }

    mutating func measure(_ body: () -> Void) {
        let start = now()
        body()
        nanoseconds.append(now() &- start)
    }

    private func now() -> UInt64 {
        guard let clock else { return Clocks.monotonicNanoseconds() }
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    var median: Double {
        let sorted = nanoseconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    var mean: Double { nanoseconds.isEmpty ? 0 : Double(nanoseconds.reduce(0, +)) / Double(nanoseconds.count) }

    func percentile(_ fraction: Double) -> Double {
        let sorted = nanoseconds.sorted()
        guard !sorted.isEmpty else { return 0 }
        return Double(sorted[min(sorted.count - 1, Int(fraction * Double(sorted.count)))])
    }
}

/// Formats a number with up to one decimal for result lines.
func formatted(_ value: Double) -> String {
    String(Double(Int((value * 10).rounded())) / 10)
}
