import Derivation
import History
import Reporters
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
        var wsgiReader: WSGIScoreboardReader
        var wsgiDerivation = WSGIDerivation()
        var processReader = ProcessReader()
        var processDerivation = ProcessDerivation()
        var loggedWSGIProblem: String?
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
        var wsgi: WSGIScoreboardSnapshot?
        var wsgiUnavailable: SourceUnavailable?
        /// Monotonic histograms per WSGI process group, for Prometheus.
        var wsgiCumulative: [WSGICumulativeHistograms] = []
    }

    let history: SampleHistory
    private let logger: Logger
    /// Push sinks, called once per tick after the sample is stored.
    private let reporters: [any SampleReporter]
    private let state: Mutex<State>
    private let latest = Mutex(LatestReadings())
    private let options: Mutex<CollectorOptions>

    init(options: CollectorOptions, history: SampleHistory, logger: Logger, reporters: [any SampleReporter]? = nil) {
        self.history = history
        self.logger = logger
        self.reporters = reporters ?? [EventLogReporter(logger: logger)]
        self.options = Mutex(options)
        var derivation = ApacheDerivation(capacityLimits: CapacityResolution.resolve(options))
        derivation.counterWidth = MemoryLayout<UInt>.size * 8
        state = Mutex(
            State(
                apacheSource: ApacheScoreboardSource(configuration: Self.sourceConfiguration(options)),
                apacheDerivation: derivation,
                wsgiReader: WSGIScoreboardReader(directory: options.wsgiDirectory)))
        logCapacity(derivation.capacityLimits)
    }

    var latestReadings: LatestReadings { latest.withLock { $0 } }

    /// Takes one sample and stores it; returns it for the caller's status line.
    @discardableResult
    func tick() -> DerivedSample {
        let (sample, events, refreshCapacity) = state.withLock { state in
            takeSample(&state)
        }
        for reporter in reporters { reporter.report(sample, events: events) }
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
            if newOptions.wsgiDirectory != state.wsgiReader.directory {
                state.wsgiReader = WSGIScoreboardReader(directory: newOptions.wsgiDirectory)
                state.wsgiDerivation = WSGIDerivation()
                state.loggedWSGIProblem = nil
            }
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

        let wsgiReading = state.wsgiReader.read()
        let wsgi = state.wsgiDerivation.derive(wsgiReading, tick: tick)

        var readings = LatestReadings(wsgiCumulative: state.wsgiDerivation.cumulativeHistograms)
        switch reading {
        case .snapshot(let snapshot): readings.apache = snapshot
        case .unavailable(let reason): readings.apacheUnavailable = reason
        }
        switch wsgiReading {
        case .snapshot(let snapshot): readings.wsgi = snapshot
        case .unavailable(let reason): readings.wsgiUnavailable = reason
        }
        latest.withLock { $0 = readings }
        logApacheAvailability(apache, state: &state)
        logWSGIAvailability(wsgi.unavailable, state: &state)

        let watched = Self.watchedProcesses(apache: readings.apache, wsgi: readings.wsgi)
        let processTable = state.processReader.read(pids: watched.map(\.pid))
        let processes = state.processDerivation.derive(processTable, watched: watched, intervalSeconds: interval)

        let sample = DerivedSample(
            sequence: state.sequence, wallTimeMicroseconds: wallTime, intervalSeconds: interval,
            apache: apache.metrics, apacheUnavailable: apache.unavailable, wsgiGroups: wsgi.groups,
            wsgiUnavailable: wsgi.unavailable, wsgiSkippedRecordsTotal: wsgi.skippedRecordsTotal,
            processes: processes)
        let events = apache.events + wsgi.events
        history.append(sample, events: events, completedDurations: state.completed)

        let restarted = apache.events.contains { [.start, .hardRestart, .gracefulRestart].contains($0.kind) }
        return (sample, events, restarted)
    }

    /// Lists the Apache parent, every pid in Apache's process records, and every live WSGI writer.
    private static func watchedProcesses(apache: ApacheScoreboardSnapshot?, wsgi: WSGIScoreboardSnapshot?) -> [WatchedProcess] {
        var watched: [WatchedProcess] = []
        if let apache {
            if case .running(let pid) = apache.parent { watched.append(WatchedProcess(pid: pid, role: .apacheParent)) }
            for index in 0..<apache.image.serverLimit {
                let pid = apache.image.process(index).pid
                if pid > 0 { watched.append(WatchedProcess(pid: pid, role: .apacheChild)) }
            }
        }
        for process in wsgi?.processes ?? [] where process.isLive {
            // Embedded writers are Apache children, already listed with that role.
            guard !watched.contains(where: { $0.pid == process.pid }) else { continue }
            let group = process.processGroup.isEmpty ? "(embedded)" : process.processGroup
            watched.append(WatchedProcess(pid: process.pid, role: .wsgi, processGroup: group))
        }
        return watched
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

    /// Logs a WSGI problem once; an absent directory or no writer yet is normal and logged at debug.
    private func logWSGIAvailability(_ problem: SourceUnavailable?, state: inout State) {
        guard let problem else {
            if state.loggedWSGIProblem != nil {
                logger.log(.info, "WSGI scoreboard readable again in \(state.wsgiReader.directory)", fields: ["SOURCE": "wsgi"])
            }
            state.loggedWSGIProblem = nil
            return
        }
        guard problem.message != state.loggedWSGIProblem else { return }
        state.loggedWSGIProblem = problem.message
        var fields = ["SOURCE": "wsgi", "REASON": problem.kind.rawValue, "WSGI_DIR": state.wsgiReader.directory]
        if let code = problem.errno { fields["ERRNO"] = String(code) }
        logger.log(problem.kind == .absent ? .debug : .error, "WSGI scoreboard unavailable: \(problem.message)",
                   fields: fields, rateLimitKey: "wsgi-unavailable")
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
