import Derivation
import History
import ScoreboardSources
import Synchronization

/// Drives one tick: read every source, derive, append to history, and log state changes.
///
/// All mutable state lives behind one mutex and is touched only by the sampling queue and,
/// on reload, by the signal handler; HTTP handlers read `history` and `latestApache`.
final class Sampler: Sendable {
    private struct State {
        var apacheSource: ApacheScoreboardSource
        var apacheDerivation: ApacheDerivation
        var sequence: UInt64 = 0
        var lastMonotonic: UInt64?
        var completed: [UInt64] = []
        /// Text of the last Apache problem logged, so a lasting condition is logged once.
        var loggedApacheProblem: String?
        var capacityNeedsRefresh = false
    }

    /// The newest raw readings, for the `/v1/scoreboard/*` routes and in-flight detail.
    struct LatestReadings: Sendable {
        var apache: ApacheScoreboardSnapshot?
        var apacheUnavailable: SourceUnavailable?
    }

    let history: SampleHistory
    private let logger: Logger
    private let state: Mutex<State>
    private let latest = Mutex(LatestReadings())
    private let options: Mutex<CollectorOptions>

    init(options: CollectorOptions, history: SampleHistory, logger: Logger) {
        self.history = history
        self.logger = logger
        self.options = Mutex(options)
        var derivation = ApacheDerivation(capacityLimits: CapacityResolution.resolve(options))
        derivation.counterWidth = MemoryLayout<UInt>.size * 8
        state = Mutex(
            State(
                apacheSource: ApacheScoreboardSource(configuration: Self.sourceConfiguration(options)),
                apacheDerivation: derivation))
        logCapacity(derivation.capacityLimits)
    }

    var latestReadings: LatestReadings { latest.withLock { $0 } }

    /// Takes one sample and stores it; returns it for the caller's status line.
    @discardableResult
    func tick() -> DerivedSample {
        let (sample, events, refreshCapacity) = state.withLock { state in
            takeSample(&state)
        }
        report(events)
        if refreshCapacity { refreshCapacityLimits() }
        return sample
    }

    /// Applies reloaded options that change where and how sources are read.
    func apply(_ newOptions: CollectorOptions) {
        let capacity = CapacityResolution.resolve(newOptions)
        options.withLock { $0 = newOptions }
        state.withLock { state in
            let configuration = Self.sourceConfiguration(newOptions)
            if configuration != state.apacheSource.configuration {
                state.apacheSource = ApacheScoreboardSource(configuration: configuration)
                state.loggedApacheProblem = nil
            }
            state.apacheDerivation.capacityLimits = capacity
        }
        logCapacity(capacity)
    }

    // MARK: - One tick

    private func takeSample(_ state: inout State) -> (DerivedSample, [CollectorEvent], Bool) {
        let reading = state.apacheSource.read()
        let monotonic = Clocks.monotonicNanoseconds()
        let wallTime = Clocks.wallMicroseconds()
        let interval = state.lastMonotonic.map { Double(monotonic &- $0) / 1e9 }
        state.lastMonotonic = monotonic
        state.sequence += 1

        state.completed.removeAll(keepingCapacity: true)
        let tick = Tick(wallTimeMicroseconds: wallTime, intervalSeconds: interval)
        let apache = state.apacheDerivation.derive(reading, tick: tick, completedDurations: &state.completed)

        switch reading {
        case .snapshot(let snapshot): latest.withLock { $0 = LatestReadings(apache: snapshot, apacheUnavailable: nil) }
        case .unavailable(let reason): latest.withLock { $0 = LatestReadings(apache: nil, apacheUnavailable: reason) }
        }
        logApacheAvailability(apache, state: &state)

        let sample = DerivedSample(
            sequence: state.sequence, wallTimeMicroseconds: wallTime, intervalSeconds: interval,
            apache: apache.metrics, apacheUnavailable: apache.unavailable)
        history.append(sample, events: apache.events, completedDurations: state.completed)

        let restarted = apache.events.contains { [.start, .hardRestart, .gracefulRestart].contains($0.kind) }
        return (sample, apache.events, restarted)
    }

    // MARK: - Logging

    private func logApacheAvailability(_ result: ApacheDerivationResult, state: inout State) {
        if let problem = result.unavailable {
            guard problem.message != state.loggedApacheProblem else { return }
            state.loggedApacheProblem = problem.message
            var fields = ["SOURCE": "apache", "REASON": problem.kind.rawValue]
            if let object = problem.object { fields["SCOREBOARD_PATH"] = object }
            if let code = problem.errno { fields["ERRNO"] = String(code) }
            let level: LogLevel = problem.kind == .absent ? .notice : .error
            logger.log(level, "Apache scoreboard unavailable: \(problem.message)", fields: fields, rateLimitKey: "apache-unavailable")
        } else if let metrics = result.metrics, state.loggedApacheProblem != nil || state.sequence == 1 {
            state.loggedApacheProblem = nil
            var fields = ["SOURCE": "apache", "SCOREBOARD_PATH": metrics.segment, "MECHANISM": metrics.mechanism.rawValue]
            if case .running(let pid) = metrics.parent { fields["APACHE_PID"] = String(pid) }
            logger.log(
                .info,
                "attached to Apache scoreboard \(metrics.segment) (\(metrics.mechanism.rawValue), httpd \(metrics.layoutGroup.httpdVersions) layout, \(metrics.serverLimit)×\(metrics.threadLimit) slots)",
                fields: fields)
        }
    }

    private func report(_ events: [CollectorEvent]) {
        for event in events {
            var fields = ["SOURCE": event.source, "EVENT": event.kind.rawValue]
            if let pid = event.pid { fields["PID"] = String(pid) }
            switch event.kind {
            case .anomaly:
                logger.log(.warning, event.detail, fields: fields, rateLimitKey: "anomaly:\(event.source)")
            case .crash:
                logger.log(.warning, event.detail, fields: fields)
            case .childRecycled:
                logger.log(.debug, event.detail, fields: fields)
            case .start, .attach:
                // Logged with the segment's ids by logApacheAvailability.
                continue
            case .stop, .gracefulRestart, .hardRestart, .unavailable:
                logger.log(.info, event.detail, fields: fields)
            }
        }
    }

    private func logCapacity(_ capacity: CapacityLimits) {
        let workers = capacity.maxRequestWorkers.map(String.init) ?? "unknown"
        logger.log(.info, "Apache capacity: MaxRequestWorkers \(workers) (\(capacity.source))", fields: ["SOURCE": "apache"])
    }

    private func refreshCapacityLimits() {
        let capacity = CapacityResolution.resolve(options.withLock { $0 })
        let changed = state.withLock { state -> Bool in
            defer { state.apacheDerivation.capacityLimits = capacity }
            return state.apacheDerivation.capacityLimits != capacity
        }
        if changed { logCapacity(capacity) }
    }

    private static func sourceConfiguration(_ options: CollectorOptions) -> ApacheSourceConfiguration {
        ApacheSourceConfiguration(scoreboardFile: options.scoreboardFile, pidFile: options.apachePIDFile)
    }
}
