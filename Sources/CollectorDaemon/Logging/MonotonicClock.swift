import Glibc

/// CLOCK_MONOTONIC, the clock systemd uses for `MONOTONIC_USEC=` and that intervals are
/// measured on, because wall-clock steps must not stretch or shorten them.
public enum MonotonicClock {
    public static func now() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// Microseconds since boot on CLOCK_MONOTONIC, as `MONOTONIC_USEC=` expects.
    public static func microseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec) / 1_000
    }
}
