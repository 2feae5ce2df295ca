import ScoreboardSources

/// Worker records per state, indexed by `WorkerStatus.index`.
///
/// The counts are stored inline, so taking a census allocates nothing. The 12 slots are
/// `WorkerStatus.count`, the eleven `SERVER_*` states and unknown.
public struct WorkerStateCounts: Sendable, Equatable {
    private var counts = InlineArray<12, Int>(repeating: 0)

    public init() {}

    /// Gets or sets the count for the state with dense index `index`.
    public subscript(index: Int) -> Int {
        get { counts[index] }
        set { counts[index] = newValue }
    }

    /// Worker records in any state: server_limit × thread_limit for a whole image.
    public var total: Int {
        var sum = 0
        for index in counts.indices { sum += counts[index] }
        return sum
    }

    public static func == (lhs: WorkerStateCounts, rhs: WorkerStateCounts) -> Bool {
        for index in lhs.counts.indices where lhs.counts[index] != rhs.counts[index] { return false }
        return true
    }
}
