import CScoreboard
import Glibc
import ScoreboardSources

/// A POSIX shared-memory object named as APR names the object of a `ScoreboardFile`, mapped
/// read-write so the benchmark can play Apache's part. `remove()` unlinks it.
final class SharedMemorySegment {
    let scoreboardFile: String
    let objectName: String
    let payloadSize: Int
    /// Start of the payload, after APR's 8-byte size header.
    let payload: UnsafeMutableRawPointer
    private let mapping: UnsafeMutableRawPointer
    private let mappingSize: Int

    /// Creates the object for a unique `ScoreboardFile` path under /tmp, filled with `bytes`
    /// (the payload preceded by the size header).
    init(bytes: [UInt8], tag: String) {
        scoreboardFile = "/tmp/scoreboard-bench-\(getpid())-\(tag)/scoreboard"
        objectName = ScoreboardPath.posixObjectName(forScoreboardFile: scoreboardFile)
        mappingSize = bytes.count
        payloadSize = bytes.count - Int(SC_APR_SIZE_HEADER)

        let descriptor = shm_open(objectName, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            BenchOutput.fail("cannot create shared memory object \(objectName): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(bytes.count)) == 0,
            let base = mmap(nil, bytes.count, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
            base != MAP_FAILED
        else {
            shm_unlink(objectName)
            BenchOutput.fail("cannot size or map \(objectName): \(String(cString: strerror(errno)))")
        }
        bytes.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        mapping = base
        payload = base + Int(SC_APR_SIZE_HEADER)
    }

    func remove() {
        munmap(mapping, mappingSize)
        shm_unlink(objectName)
    }
}
