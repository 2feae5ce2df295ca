import Derivation
import Synchronization

/// The last N derived samples, their events and the completed-request durations, shared
/// between the sampler (one writer) and the HTTP server (readers).
public final class SampleHistory: Sendable {
    private struct State: Sendable {
        var samples: RingBuffer<DerivedSample>
        var events: EventLog
        var latencies: LatencyWindow
    }

    private let state: Mutex<State>
    /// Window summaries of the newest sample: computed by the first caller after a tick (the
    /// daemon's render queue or a request) and reused by every other caller until the next tick.
    private let windowCache = Mutex(WindowCache())
    /// Interval the sampler aims for; a longer interval between two samples is a gap.
    public let nominalIntervalSeconds: Double
    /// Sequence number of the newest sample, readable without waiting for `state`, which a
    /// window computation may hold while it copies up to 262,144 durations.
    private let newestSequence = Atomic<UInt64>(0)
    /// Called with the sequence number after each append, on the appending thread.
    private let appendObservers = Mutex<[@Sendable (UInt64) -> Void]>([])

    public init(capacity: Int, nominalIntervalSeconds: Double, latencyCapacity: Int = 1 << 18, eventCapacity: Int = 4096) {
        self.nominalIntervalSeconds = nominalIntervalSeconds
        state = Mutex(
            State(
                samples: RingBuffer(capacity: capacity),
                events: EventLog(capacity: eventCapacity),
                latencies: LatencyWindow(capacity: latencyCapacity)))
    }

    /// Stores one tick's results, then calls the append observers outside the lock.
    public func append(_ sample: DerivedSample, events: [CollectorEvent], completedDurations: [UInt64]) {
        state.withLock { state in
            state.samples.append(sample)
            if !events.isEmpty { state.events.append(events) }
            if !completedDurations.isEmpty {
                state.latencies.append(durations: completedDurations, wallTimeMicroseconds: sample.wallTimeMicroseconds)
            }
        }

        newestSequence.store(sample.sequence, ordering: .releasing)
        let observers = appendObservers.withLock { $0 }
        for observer in observers {
            observer(sample.sequence)
        }
    }

    /// Registers `observer`, called with the new sequence number after every append on the
    /// thread that appended (the sampler's), so it must return quickly, for instance by
    /// handing work to a queue.
    public func observeAppends(_ observer: @escaping @Sendable (UInt64) -> Void) {
        appendObservers.withLock { $0.append(observer) }
    }

    public var capacity: Int { state.withLock { $0.samples.capacity } }
    public var count: Int { state.withLock { $0.samples.count } }

    /// Keeps the newest samples that fit a new capacity (after a configuration reload).
    public func resize(capacity: Int) {
        state.withLock { $0.samples.resize(to: capacity) }
    }

    public func latest() -> DerivedSample? {
        state.withLock { $0.samples.last }
    }

    /// Sequence number of the newest sample, 0 before the first. Unlike `latest()` it copies
    /// no sample and takes no lock, so the HTTP thread never waits for the sampler here.
    public var latestSequence: UInt64 {
        newestSequence.load(ordering: .acquiring)
    }

    /// Samples newer than `afterSequence`, oldest first, together with the oldest sequence
    /// number still held and the capacity, all read under one lock. A cache that mirrors the
    /// history uses it to add what is new and drop what the history has evicted.
    public func update(afterSequence: UInt64?) -> HistoryUpdate {
        state.withLock { state in
            HistoryUpdate(
                newSamples: Self.newest(of: state.samples, afterSequence: afterSequence, limit: nil),
                oldestSequence: state.samples.first?.sequence,
                capacity: state.samples.capacity)
        }
    }

    /// Samples with a sequence number greater than `afterSequence`, oldest first, at most the
    /// newest `limit` of them.
    public func samples(afterSequence: UInt64? = nil, limit: Int? = nil) -> [DerivedSample] {
        state.withLock { Self.newest(of: $0.samples, afterSequence: afterSequence, limit: limit) }
    }

    /// Returns the samples after `afterSequence`, oldest first, at most the newest `limit`.
    private static func newest(of samples: RingBuffer<DerivedSample>, afterSequence: UInt64?, limit: Int?) -> [DerivedSample] {
        let start = afterSequence.map { after in samples.firstOffset { $0.sequence > after } } ?? 0
        let first = max(start, samples.count - (limit ?? samples.count))
        return (first..<samples.count).map { samples[$0] }
    }

    /// Events at or after a wall time (µs since the epoch), oldest first.
    public func events(fromWallTimeMicroseconds from: Int64 = 0, limit: Int = 4096) -> [CollectorEvent] {
        state.withLock { $0.events.events(fromWallTimeMicroseconds: from, limit: limit) }
    }

    /// Returns whether a sample follows a gap: it has no previous tick, or its interval is
    /// longer than 1.5 × the nominal one.
    public func isGap(_ sample: DerivedSample) -> Bool {
        guard let interval = sample.intervalSeconds else { return true }
        return interval > nominalIntervalSeconds * 1.5
    }

    /// Apache response times over the last `seconds`, ending at the newest sample. The durations
    /// are copied under the lock and summarised after it, so a large window never delays a tick.
    public func apacheResponseTimes(windowSeconds seconds: Double) -> ApacheResponseTimeWindow {
        let sequence = latest()?.sequence ?? 0
        if let cached = windowCache.withLock({ $0.apache(sequence: sequence, seconds: seconds) }) { return cached }
        let window = computeApacheResponseTimes(windowSeconds: seconds)
        windowCache.withLock { $0.store(window, sequence: sequence, seconds: seconds) }
        return window
    }

    private func computeApacheResponseTimes(windowSeconds seconds: Double) -> ApacheResponseTimeWindow {
        struct Collected {
            var requests: UInt64 = 0
            var duration: UInt64 = 0
            var durationRequests: UInt64 = 0
            var durations: [UInt64] = []
            var truncated = false
        }
        var collected = state.withLock { state -> Collected in
            var collected = Collected()
            let end = state.samples.last?.wallTimeMicroseconds ?? 0
            let from = end - Int64(seconds * 1e6)
            let start = state.samples.firstOffset { $0.wallTimeMicroseconds > from }
            for offset in start..<state.samples.count {
                guard let apache = state.samples[offset].apache, let count = apache.intervalRequests else { continue }
                collected.requests += count
                if let micros = apache.intervalDurationMicroseconds {
                    collected.duration += micros
                    collected.durationRequests += count
                }
            }
            collected.durations = state.latencies.durations(fromWallTimeMicroseconds: from + 1)
            let oldestSample = state.samples.first?.wallTimeMicroseconds ?? end
            let latenciesDropped = state.latencies.droppedBeforeWallTimeMicroseconds.map { $0 > from } ?? false
            collected.truncated = oldestSample > from || latenciesDropped
            return collected
        }

        let summary = DurationSummary.summarize(microseconds: &collected.durations)
        return ApacheResponseTimeWindow(
            windowSeconds: seconds,
            requests: collected.requests,
            meanSeconds: collected.durationRequests > 0
                ? Double(collected.duration) / Double(collected.durationRequests) / 1e6 : nil,
            sampled: summary,
            sampleCount: summary?.count ?? 0,
            coverage: collected.requests > 0 ? Double(summary?.count ?? 0) / Double(collected.requests) : nil,
            truncated: collected.truncated)
    }

    /// Returns the cached WSGI window of the newest sample, or computes and caches it.
    func cachedWSGIWindow(group: String, seconds: Double, compute: () -> WSGIWindow) -> WSGIWindow {
        let sequence = latest()?.sequence ?? 0
        let key = "\(seconds) \(group)"
        if let cached = windowCache.withLock({ $0.wsgi(sequence: sequence, key: key) }) { return cached }
        let window = compute()
        windowCache.withLock { $0.store(window, sequence: sequence, key: key) }
        return window
    }

    /// Calls `body` for each sample of the last `seconds`, oldest first. These are the newest
    /// sample and those taken less than `seconds` − half an interval before it, so timer
    /// jitter never adds or drops a sample from a window of whole intervals.
    func forEachSample(inLastSeconds seconds: Double, _ body: (DerivedSample) -> Void) {
        state.withLock { state in
            guard let end = state.samples.last?.wallTimeMicroseconds else { return }
            let from = end - Int64((seconds - nominalIntervalSeconds / 2) * 1e6)
            let start = state.samples.firstOffset { $0.wallTimeMicroseconds > from }
            for offset in start..<state.samples.count { body(state.samples[offset]) }
        }
    }
}

/// Window summaries keyed by window length (and WSGI group), valid for one sample sequence.
struct WindowCache: Sendable {
    private var sequence: UInt64 = 0
    private var apacheWindows: [Double: ApacheResponseTimeWindow] = [:]
    private var wsgiWindows: [String: WSGIWindow] = [:]

    mutating func apache(sequence: UInt64, seconds: Double) -> ApacheResponseTimeWindow? {
        reset(for: sequence)
        return apacheWindows[seconds]
    }

    mutating func wsgi(sequence: UInt64, key: String) -> WSGIWindow? {
        reset(for: sequence)
        return wsgiWindows[key]
    }

    mutating func store(_ window: ApacheResponseTimeWindow, sequence: UInt64, seconds: Double) {
        reset(for: sequence)
        apacheWindows[seconds] = window
    }

    mutating func store(_ window: WSGIWindow, sequence: UInt64, key: String) {
        reset(for: sequence)
        wsgiWindows[key] = window
    }

    private mutating func reset(for newSequence: UInt64) {
        guard newSequence != sequence else { return }
        sequence = newSequence
        apacheWindows.removeAll(keepingCapacity: true)
        wsgiWindows.removeAll(keepingCapacity: true)
    }
}
