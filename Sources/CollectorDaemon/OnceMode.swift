import Glibc
import History
import Reporters
import ScoreboardSources

/// `--once`: two samples one interval apart, so rates exist, then the metrics document on stdout.
enum OnceMode {
    static func run(_ options: CollectorOptions) -> Never {
        let startedAt = Clocks.wallMicroseconds()
        let logger = Logger(options: options)
        let history = SampleHistory(capacity: 2, nominalIntervalSeconds: options.intervalSeconds)
        let sampler = Sampler(options: options, history: history, logger: logger)

        sampler.tick()
        usleep(useconds_t(options.intervalSeconds * 1e6))
        sampler.tick()

        let info = CollectorInfo(
            version: CollectorVersion.string, nominalIntervalSeconds: options.intervalSeconds, historyCapacity: 2,
            startedAtMicroseconds: startedAt)
        let document = MetricsDocument.render(
            info: info, history: history, latestApache: sampler.latestReadings.apache, redact: options.redactRequests,
            wsgiDirectory: options.wsgiDirectory)
        ProcessExit(status: ExitStatus.success, standardOutput: document + "\n").perform()
    }
}
