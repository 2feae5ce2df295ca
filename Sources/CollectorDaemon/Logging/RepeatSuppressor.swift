/// Rate limiting of recurring log entries: an entry with a given key is written at most
/// once per interval, and the next one written reports how many were left out.
struct RepeatSuppressor {
    /// Outcome for one entry.
    enum Decision: Equatable {
        /// Write it; `suppressedRepeats` entries with its key were left out since the last one.
        case write(suppressedRepeats: Int)
        /// Leave it out; it is counted.
        case suppress
    }

    private struct KeyState {
        var lastWritten: Duration
        var suppressedRepeats: Int
    }

    /// Number of keys above which keys that are past their interval and have nothing
    /// suppressed are dropped, so a daemon that logs many distinct keys stays bounded.
    static let pruneThreshold = 1024

    var interval: Duration
    private var keys: [String: KeyState] = [:]

    init(interval: Duration) {
        self.interval = interval
    }

    /// Decides about one entry with `key` at monotonic time `now`.
    mutating func decide(key: String, now: Duration) -> Decision {
        guard var state = keys[key] else {
            pruneIfLarge(now: now)
            keys[key] = KeyState(lastWritten: now, suppressedRepeats: 0)
            return .write(suppressedRepeats: 0)
        }

        if now - state.lastWritten < interval {
            state.suppressedRepeats += 1
            keys[key] = state
            return .suppress
        }

        let suppressed = state.suppressedRepeats
        keys[key] = KeyState(lastWritten: now, suppressedRepeats: 0)
        return .write(suppressedRepeats: suppressed)
    }

    /// Forgets `key`, so its next entry is written at once. Returns the repeats that were
    /// left out since it was last written.
    mutating func reset(key: String) -> Int {
        keys.removeValue(forKey: key)?.suppressedRepeats ?? 0
    }

    /// Repeats left out for `key` since it was last written.
    func suppressedRepeats(key: String) -> Int {
        keys[key]?.suppressedRepeats ?? 0
    }

    private mutating func pruneIfLarge(now: Duration) {
        guard keys.count >= Self.pruneThreshold else { return }
        let interval = self.interval
        keys = keys.filter { _, state in
            state.suppressedRepeats > 0 || now - state.lastWritten < interval
        }
    }
}
