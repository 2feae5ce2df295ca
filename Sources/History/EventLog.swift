import Derivation

/// The newest events, in a fixed-size ring (4,096 by default); older ones are dropped first.
struct EventLog: Sendable {
    private var events: RingBuffer<CollectorEvent>

    init(capacity: Int) {
        events = RingBuffer(capacity: capacity)
    }

    mutating func append(_ new: [CollectorEvent]) {
        for event in new { events.append(event) }
    }

    /// Events at or after `fromWallTime`, oldest first, at most `limit` of the newest.
    func events(fromWallTimeMicroseconds fromWallTime: Int64, limit: Int) -> [CollectorEvent] {
        let start = events.firstOffset { $0.wallTimeMicroseconds >= fromWallTime }
        let first = max(start, events.count - limit)
        return (first..<events.count).map { events[$0] }
    }
}
