import Glibc

/// Reads of the two clocks a sample carries.
public enum Clocks {
    /// `CLOCK_MONOTONIC` in nanoseconds: for intervals, immune to wall-clock steps.
    public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// `CLOCK_REALTIME` in µs since the epoch: the clock Apache stamps scoreboard times with.
    public static func wallMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) &* 1_000_000 &+ Int64(now.tv_nsec / 1000)
    }
}
