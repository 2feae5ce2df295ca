import Derivation

/// Completed-request durations with their completion tick, for percentiles over a window.
///
/// Each entry packs the tick's wall time in whole seconds (upper 32 bits) and the duration in
/// µs (lower 32 bits, capped at about 71 minutes), so a full buffer of 262,144 entries is 2 MiB.
struct LatencyWindow: Sendable {
    private var entries: RingBuffer<UInt64>

    init(capacity: Int) {
        entries = RingBuffer(capacity: capacity)
    }

    mutating func append(durations: [UInt64], wallTimeMicroseconds: Int64) {
        let second = UInt64(UInt32(clamping: wallTimeMicroseconds / 1_000_000))
        for duration in durations {
            entries.append(second << 32 | UInt64(UInt32(clamping: duration)))
        }
    }

    /// Durations (µs) of requests completed at or after `fromWallTime` (µs since the epoch).
    func durations(fromWallTimeMicroseconds fromWallTime: Int64) -> [UInt64] {
        let fromSecond = UInt64(UInt32(clamping: fromWallTime / 1_000_000))
        let start = entries.firstOffset { $0 >> 32 >= fromSecond }
        var result: [UInt64] = []
        result.reserveCapacity(entries.count - start)
        for offset in start..<entries.count {
            result.append(entries[offset] & 0xFFFF_FFFF)
        }
        return result
    }

    /// Time of the oldest entry kept once the buffer has started to overwrite, µs since the
    /// epoch; a window reaching further back misses requests. Nil while nothing was dropped.
    var droppedBeforeWallTimeMicroseconds: Int64? {
        guard entries.count == entries.capacity else { return nil }
        return entries.first.map { Int64($0 >> 32) * 1_000_000 }
    }
}
