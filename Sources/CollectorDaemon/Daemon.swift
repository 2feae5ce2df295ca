// Dispatch sources are not marked Sendable; the timer is only touched on the sampling and main queues.
@preconcurrency import Dispatch
import Glibc
import HTTPServer
import History
import Reporters
import ScoreboardSources
import Synchronization

/// The long-running service: HTTP on its own thread, sampling on a timer, signals on the main queue.
enum Daemon {
    static func run(options: CollectorOptions, arguments: CommandLineArguments) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let logger = Logger(options: options)
        let notifier = SystemdNotifier()
        let settings = RuntimeSettings(options)
        let history = SampleHistory(capacity: options.historySamples, nominalIntervalSeconds: options.intervalSeconds)
        let info = CollectorInfo(
            version: CollectorVersion.string, nominalIntervalSeconds: options.intervalSeconds,
            historyCapacity: options.historySamples, startedAtMicroseconds: Clocks.wallMicroseconds())
        logger.log(
            .notice, "starting \(CollectorVersion.programName) \(CollectorVersion.string)",
            fields: ["CONFIG_PATH": arguments.configurationPath])

        let sampler = Sampler(options: options, history: history, logger: logger)
        let server = startServer(options: options, info: info, sampler: sampler, settings: settings, logger: logger)

        // The first attach attempt happens before READY=1, so the first STATUS= already tells whether Apache is attached.
        let first = sampler.tick()
        notifier.ready(status: StatusLine.render(first, listen: server.address))
        if let watchdog = notifier.watchdogTimeout, watchdog < .seconds(options.intervalSeconds * 2) {
            logger.log(.warning, "WatchdogSec (\(watchdog)) is shorter than twice the sampling interval (\(options.intervalSeconds) s); systemd may restart a healthy collector")
        }

        let samplingQueue = DispatchQueue(label: "scoreboard-collector.sampling")
        let timer = DispatchSource.makeTimerSource(queue: samplingQueue)
        schedule(timer, intervalSeconds: options.intervalSeconds)
        timer.setEventHandler {
            let sample = sampler.tick()
            notifier.watchdog()
            notifier.status(StatusLine.render(sample, listen: server.address))
        }
        timer.resume()

        let signals = installSignalHandlers { received in
            switch received {
            case SIGHUP:
                samplingQueue.async {
                    let reloaded = ReloadProcedure.run(
                        arguments: arguments, current: settings.options, logger: logger, notifier: notifier,
                        readyStatus: StatusLine.render(history.latest(), listen: server.address))
                    let intervalChanged = reloaded.intervalSeconds != settings.options.intervalSeconds
                    settings.update(reloaded)
                    sampler.apply(reloaded)
                    if intervalChanged { schedule(timer, intervalSeconds: reloaded.intervalSeconds) }
                }
            default:
                notifier.stopping(status: "stopping on signal \(received)")
                timer.cancel()
                server.stop()
                logger.log(.notice, "stopping on signal \(received) after \(history.latest()?.sequence ?? 0) samples")
                exit(ExitStatus.success)
            }
        }
        withExtendedLifetime(signals) { dispatchMain() }
    }

    private static func startServer(
        options: CollectorOptions, info: CollectorInfo, sampler: Sampler, settings: RuntimeSettings, logger: Logger
    ) -> HTTPServer {
        var configuration = HTTPServerConfiguration(host: options.listen.host, port: options.listen.port)
        configuration.serverName = CollectorVersion.programName
        let router = Routes.router(
            info: info, sampler: sampler, redact: { settings.redactRequests },
            wsgiDirectory: { settings.options.wsgiDirectory })
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: configuration, router: router,
                onError: { message in logger.log(.error, "HTTP: \(message)", rateLimitKey: "http-error") })
        } catch {
            logger.log(.error, "\(error)", fields: ["LISTEN": options.listen.description])
            exit(ExitStatus.failure)
        }
        logger.log(.notice, "listening on \(server.address)", fields: ["LISTEN": server.address])
        DispatchQueue(label: "scoreboard-collector.http").async { server.run() }
        return server
    }

    private static func schedule(_ timer: DispatchSourceTimer, intervalSeconds: Double) {
        let interval = DispatchTimeInterval.nanoseconds(Int(intervalSeconds * 1e9))
        timer.schedule(deadline: .now() + interval, repeating: interval, leeway: .milliseconds(20))
    }

    /// Ignores SIGTERM, SIGINT and SIGHUP as signals and delivers them to `handler` on the main queue.
    private static func installSignalHandlers(_ handler: @escaping @Sendable (Int32) -> Void) -> [DispatchSourceSignal] {
        [SIGTERM, SIGINT, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }
}

/// Settings that change on reload and are read from other threads.
final class RuntimeSettings: Sendable {
    private let current: Mutex<CollectorOptions>
    private let redact: Atomic<Bool>

    init(_ options: CollectorOptions) {
        current = Mutex(options)
        redact = Atomic(options.redactRequests)
    }

    var options: CollectorOptions { current.withLock { $0 } }
    var redactRequests: Bool { redact.load(ordering: .relaxed) }

    func update(_ options: CollectorOptions) {
        current.withLock { $0 = options }
        redact.store(options.redactRequests, ordering: .relaxed)
    }
}
