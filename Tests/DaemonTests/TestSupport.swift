import Foundation
import Glibc
import Synchronization

/// A pipe whose write end is handed to the code under test and whose read end the test reads.
struct CapturePipe {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        readEnd = descriptors[0]
        writeEnd = descriptors[1]
    }

    /// Closes the write end and returns everything written, then closes the read end.
    func finish() -> String {
        close(writeEnd)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        close(readEnd)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `<device>:<inode>` of the write end, the form of `JOURNAL_STREAM`.
    func deviceAndInode() -> String {
        var status = stat()
        fstat(writeEnd, &status)
        return "\(status.st_dev):\(status.st_ino)"
    }
}

/// A monotonic clock that moves only when the test advances it.
final class ManualClock: Sendable {
    private let nanoseconds = Atomic<Int64>(1_000_000_000)

    func advance(seconds: Int64) {
        nanoseconds.add(seconds * 1_000_000_000, ordering: .relaxed)
    }

    var now: Duration {
        .nanoseconds(nanoseconds.load(ordering: .relaxed))
    }
}

/// Sets an environment variable for the duration of `body`, then restores the old value.
func withEnvironment<T>(_ name: String, _ value: String?, _ body: () throws -> T) rethrows -> T {
    let previous = getenv(name).map { String(cString: $0) }
    if let value {
        setenv(name, value, 1)
    } else {
        unsetenv(name)
    }
    defer {
        if let previous {
            setenv(name, previous, 1)
        } else {
            unsetenv(name)
        }
    }
    return try body()
}
