/// CPU use and context-switch rates of one process between two samples.
///
/// Pure arithmetic for the derivation layer. A rate exists only when both samples come from the
/// same process instance (same PID and start time) and no counter went down, so no rate is
/// ever negative.
public struct ProcessRates: Sendable, Equatable {
    /// User-mode CPU time as a percentage of one core: Δutime / ticks per second / Δt × 100.
    /// A process with several busy threads can exceed 100.
    public var userCPUPercentOfOneCore: Double

    /// Kernel-mode CPU time as a percentage of one core, computed like the user value.
    public var systemCPUPercentOfOneCore: Double

    /// Voluntary context switches per second; nil when either sample lacks the counter.
    public var voluntaryContextSwitchesPerSecond: Double?

    /// Involuntary context switches per second; nil when either sample lacks the counter.
    public var involuntaryContextSwitchesPerSecond: Double?

    public init(
        userCPUPercentOfOneCore: Double, systemCPUPercentOfOneCore: Double,
        voluntaryContextSwitchesPerSecond: Double?, involuntaryContextSwitchesPerSecond: Double?
    ) {
        self.userCPUPercentOfOneCore = userCPUPercentOfOneCore
        self.systemCPUPercentOfOneCore = systemCPUPercentOfOneCore
        self.voluntaryContextSwitchesPerSecond = voluntaryContextSwitchesPerSecond
        self.involuntaryContextSwitchesPerSecond = involuntaryContextSwitchesPerSecond
    }

    static let percent = 100.0

    /// Computes rates from `earlier` to `later`, which were taken `elapsedSeconds` apart on the
    /// monotonic clock. Returns nil when the identities differ (the PID was reused), when any
    /// counter went down, or when `elapsedSeconds` is not a positive finite number.
    public init?(
        from earlier: ProcessSample, to later: ProcessSample,
        elapsedSeconds: Double, clockTicksPerSecond: Int
    ) {
        guard earlier.identity == later.identity,
              elapsedSeconds.isFinite, elapsedSeconds > 0,
              clockTicksPerSecond > 0,
              later.userCPUTicks >= earlier.userCPUTicks,
              later.systemCPUTicks >= earlier.systemCPUTicks
        else { return nil }

        let ticksPerSecond = Double(clockTicksPerSecond)
        let userTicks = Double(later.userCPUTicks - earlier.userCPUTicks)
        let systemTicks = Double(later.systemCPUTicks - earlier.systemCPUTicks)

        var voluntary: Double?
        if let before = earlier.voluntaryContextSwitches, let after = later.voluntaryContextSwitches {
            guard after >= before else { return nil }
            voluntary = Double(after - before) / elapsedSeconds
        }
        var involuntary: Double?
        if let before = earlier.involuntaryContextSwitches, let after = later.involuntaryContextSwitches {
            guard after >= before else { return nil }
            involuntary = Double(after - before) / elapsedSeconds
        }

        self.init(
            userCPUPercentOfOneCore: userTicks / ticksPerSecond / elapsedSeconds * Self.percent,
            systemCPUPercentOfOneCore: systemTicks / ticksPerSecond / elapsedSeconds * Self.percent,
            voluntaryContextSwitchesPerSecond: voluntary,
            involuntaryContextSwitchesPerSecond: involuntary
        )
    }
}
