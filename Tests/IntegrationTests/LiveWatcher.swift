import Derivation
import Foundation
import ScoreboardSources

/// The sampling path without the daemon: source → derivation, on real clocks.
final class LiveWatcher {
    let source: ApacheScoreboardSource
    var derivation = ApacheDerivation()
    private var lastMonotonic: UInt64?
    private var completed: [UInt64] = []
    private(set) var results: [ApacheDerivationResult] = []
    private(set) var lastSnapshot: ApacheScoreboardSnapshot?

    init(pidFile: String, scoreboardFile: String? = nil) {
        source = ApacheScoreboardSource(configuration: ApacheSourceConfiguration(scoreboardFile: scoreboardFile, pidFile: pidFile))
    }

    @discardableResult
    func tick() -> ApacheDerivationResult {
        let reading = source.read()
        if case .snapshot(let snapshot) = reading { lastSnapshot = snapshot }
        let now = Clocks.monotonicNanoseconds()
        let interval = lastMonotonic.map { Double(now - $0) / 1e9 }
        lastMonotonic = now
        completed.removeAll(keepingCapacity: true)
        let result = derivation.derive(
            reading, tick: Tick(wallTimeMicroseconds: Clocks.wallMicroseconds(), intervalSeconds: interval),
            completedDurations: &completed)
        results.append(result)
        if getenv("SBC_DEBUG") != nil { print("tick", Date(), result.metrics.map { "gen \($0.generation) restart \(String(describing: $0.restart)) idle \($0.workers.idle) req \(String(describing: $0.intervalRequests))" } ?? "unavailable \(String(describing: result.unavailable))") }
        return result
    }

    /// Ticks every 0.25 s until `condition` holds or `seconds` pass; returns the last result.
    @discardableResult
    func tick(until condition: (ApacheDerivationResult) -> Bool, within seconds: Double = 2.0) -> ApacheDerivationResult? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            let result = tick()
            if condition(result) { return result }
            Thread.sleep(forTimeInterval: 0.25)
        } while Date() < deadline
        return nil
    }

    /// Requests counted over all ticks so far.
    var countedRequests: UInt64 {
        results.reduce(0) { $0 + ($1.metrics?.intervalRequests ?? 0) }
    }

    var events: [CollectorEvent] { results.flatMap(\.events) }

    /// Every rate ever derived, which must never be negative.
    var allRates: [Double] {
        results.compactMap(\.metrics).flatMap { [$0.requestsPerSecond, $0.bytesPerSecond, $0.meanResponseTimeSeconds].compactMap { $0 } }
    }

    /// Kills the Apache parent, waits for the orphaned state, then kills every child and waits
    /// for the segment to turn stale. Apache may fork a child after the caller's snapshot, so
    /// the pids listed once the parent is gone are killed as well as `children`.
    func killParent(_ parent: Int32, children: [Int32]) -> (orphaned: ApacheDerivationResult?, stale: ApacheDerivationResult?) {
        kill(parent, SIGKILL)
        // Event-MPM children may also exit by themselves when the parent's pipe closes, clearing
        // their records: the source then reports a stop, which ends the wait too.
        let orphaned = tick(until: {
            if case .orphaned = $0.metrics?.parent { return true }
            return $0.unavailable?.kind == .absent
        }, within: 3)
        guard orphaned?.metrics != nil else { return (orphaned, nil) }

        var orphans: [Int32] = []
        if let image = lastSnapshot?.image {
            orphans = (0..<image.serverLimit).map { image.process($0).pid }.filter { $0 > 0 }
        }
        for pid in Set(children + orphans) { kill(pid, SIGKILL) }

        let stale = tick(until: { $0.unavailable?.kind == .stale }, within: 4)
        return (orphaned, stale)
    }
}
