import Derivation

/// Apache response times over a window of history.
public struct ApacheResponseTimeWindow: Sendable {
    public var windowSeconds: Double
    /// Requests counted in the window (Σ interval requests), weighting every aggregate.
    public var requests: UInt64
    /// Mean per request: Σ Δduration ÷ Σ Δaccess_count over the window; nil without requests.
    public var meanSeconds: Double?
    /// Percentiles of the completed requests the scoreboard showed; a sample, not every request.
    public var sampled: DurationSummary?
    /// Completed requests seen, and seen ÷ counted.
    public var sampleCount: Int
    public var coverage: Double?
    /// Whether the window reaches further back than the history or the sample buffer holds.
    public var truncated: Bool
}
