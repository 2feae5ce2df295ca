import Glibc
import ScoreboardSources

/// Per-sample durations of one run, in nanoseconds on the monotonic clock.
struct SampleTimes {
    private(set) var nanoseconds: [UInt64] = []

    mutating func measure(_ body: () -> Void) {
        let start = Clocks.monotonicNanoseconds()
        body()
        nanoseconds.append(Clocks.monotonicNanoseconds() - start)
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

/// User plus system CPU time of this process, in nanoseconds.
func processCPUNanoseconds() -> UInt64 {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func nanoseconds(_ time: timeval) -> UInt64 { UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_usec) * 1_000 }
    return nanoseconds(usage.ru_utime) + nanoseconds(usage.ru_stime)
}

/// Formats a number with up to one decimal for result lines.
func formatted(_ value: Double) -> String {
    String(Double(Int((value * 10).rounded())) / 10)
}
