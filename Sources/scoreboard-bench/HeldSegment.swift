import Glibc
import Synchronization

/// Set by SIGTERM or SIGINT; the `segment` loop polls it.
let stopRequested = Atomic<Bool>(false)

/// `segment`: keeps a synthetic scoreboard alive for a running collector, moving its counters
/// every second, until `--seconds` pass or SIGTERM arrives; then removes it.
enum HeldSegment {
    static func run(_ arguments: BenchArguments) {
        let serverLimit = arguments.integer("processes", default: 64)
        let threadLimit = arguments.integer("threads", default: 64)
        let seconds = arguments.integer("seconds", default: 600)
        let apache = SyntheticApache(serverLimit: serverLimit, threadLimit: threadLimit, tag: "segment")

        signal(SIGTERM) { _ in stopRequested.store(true, ordering: .relaxed) }
        signal(SIGINT) { _ in stopRequested.store(true, ordering: .relaxed) }
        BenchOutput.record(
            "segment", [("scoreboard_file", apache.segment.scoreboardFile), ("pid_file", apache.pidFile),
                        ("bytes", String(apache.segment.payloadSize))])

        let pausesPerSecond = 10
        var pauses = 0
        while !stopRequested.load(ordering: .relaxed), pauses < seconds * pausesPerSecond {
            usleep(UInt32(1_000_000 / pausesPerSecond))
            pauses += 1
            if pauses % pausesPerSecond == 0 { apache.advance() }
        }
        apache.remove()
    }
}
