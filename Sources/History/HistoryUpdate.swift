import Derivation

/// The samples a `SampleHistory` gained since a given sequence number, read at one instant.
public struct HistoryUpdate: Sendable {
    /// Samples newer than the given sequence number, oldest first.
    public var newSamples: [DerivedSample]

    /// Sequence number of the oldest sample the history still holds; nil when it is empty.
    public var oldestSequence: UInt64?

    /// Samples the history keeps before it evicts the oldest.
    public var capacity: Int
}
