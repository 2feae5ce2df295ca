import Glibc
import ScoreboardSources

/// A synthetic scoreboard in a real POSIX shared-memory object plus a PID file naming this
/// process as Apache's parent, so the source attaches exactly as to an Apache started with
/// `ScoreboardFile`.
final class SyntheticApache {
    let segment: SharedMemorySegment
    var traffic: SyntheticTraffic
    let directory: String
    let pidFile: String

    init(serverLimit: Int, threadLimit: Int, tag: String) {
        traffic = SyntheticTraffic(serverLimit: serverLimit, threadLimit: threadLimit)
        segment = SharedMemorySegment(bytes: traffic.initialBytes(), tag: tag)
        directory = String(segment.scoreboardFile.dropLast("/scoreboard".count))
        pidFile = directory + "/apache.pid"
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            segment.remove()
            BenchOutput.fail("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        let text = "\(getpid())\n"
        let descriptor = open(pidFile, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else {
            segment.remove()
            BenchOutput.fail("cannot write \(pidFile): \(String(cString: strerror(errno)))")
        }
        _ = write(descriptor, text, text.utf8.count)
        close(descriptor)
    }

    var sourceConfiguration: ApacheSourceConfiguration {
        ApacheSourceConfiguration(scoreboardFile: segment.scoreboardFile, pidFile: pidFile)
    }

    func advance() { traffic.advance(payload: segment.payload) }

    func remove() {
        segment.remove()
        unlink(pidFile)
        rmdir(directory)
    }
}
