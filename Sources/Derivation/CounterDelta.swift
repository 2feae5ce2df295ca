/// The change of one cumulative counter between two samples of the same slot.
public enum CounterDelta: Sendable, Equatable {
    /// The counter grew by this much (a wrap of a narrow counter included).
    case increase(UInt64)
    /// The counter went down although nothing explains a reset: an anomaly that adds 0.
    case decrease
    /// The counter grew by more than any slot can in the interval: an anomaly that adds 0.
    case implausible

    /// Compares two readings of a counter that was not reset in between.
    ///
    /// - Parameters:
    ///   - width: bits of the C type; 32 on ILP32 builds, where `unsigned long` wraps at 2^32.
    ///     A wrap is only assumed for 32-bit counters: a 64-bit counter never wraps in practice,
    ///     so a decrease there is an anomaly.
    ///   - limit: the largest increase accepted.
    public static func between(previous: UInt64, current: UInt64, width: Int = 64, limit: UInt64) -> CounterDelta {
        if current >= previous {
            let increase = current - previous
            return increase <= limit ? .increase(increase) : .implausible
        }
        if width == 32, previous <= UInt64(UInt32.max) {
            let wrapped = (UInt64(UInt32.max) - previous) + current + 1
            return wrapped <= limit ? .increase(wrapped) : .decrease
        }
        return .decrease
    }
}

/// Largest per-slot increases accepted in one interval of `seconds` (at least one second is assumed).
///
/// One worker slot serves one connection at a time, so a million requests or ten gigabytes per
/// second through one slot is far beyond any real server. A corrupt or torn 64-bit value is
/// almost always many orders of magnitude larger.
public struct PlausibilityLimits: Sendable, Equatable {
    public var requestsPerSlotPerSecond: UInt64 = 1_000_000
    public var bytesPerSlotPerSecond: UInt64 = 10_000_000_000
    /// Cumulative request time a slot can add: a request may have run for days before it ends.
    public var durationMicrosecondsPerSlot: UInt64 = 30 * 86_400 * 1_000_000

    public init() {}

    func requests(over seconds: Double) -> UInt64 { scaled(requestsPerSlotPerSecond, seconds) }
    func bytes(over seconds: Double) -> UInt64 { scaled(bytesPerSlotPerSecond, seconds) }

    private func scaled(_ perSecond: UInt64, _ seconds: Double) -> UInt64 {
        let factor = max(1.0, seconds.isFinite ? seconds : 1.0)
        let product = Double(perSecond) * factor
        return product >= Double(UInt64.max) ? UInt64.max : UInt64(product)
    }
}
