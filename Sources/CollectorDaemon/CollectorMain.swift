/// The program: resolve the command line and configuration, then run, sample once, or exit.
public enum CollectorMain {
    public static func run() -> Never {
        switch Startup.resolve(Array(CommandLine.arguments.dropFirst())) {
        case .exit(let exit):
            exit.perform()
        case .once(let options, _):
            OnceMode.run(options)
        case .run(let options, let arguments):
            Daemon.run(options: options, arguments: arguments)
        }
    }
}
