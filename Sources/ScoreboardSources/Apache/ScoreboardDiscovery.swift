import CScoreboard
import Glibc

/// A shared mapping that may be Apache's scoreboard.
struct ScoreboardCandidate: Equatable {
    enum Location: Equatable {
        /// POSIX object name with its leading slash, as `shm_open` takes it.
        case posix(name: String)
        /// SysV segment id (the inode column of `/proc/<pid>/maps`) and key, when known.
        case sysv(shmid: Int32, key: key_t)
        /// `/proc/<pid>/map_files/<start>-<end>` of an anonymous shared mapping.
        case anonymous(path: String)
    }

    var location: Location
}

/// Finds where a running Apache keeps its scoreboard: from the `ScoreboardFile` path, or
/// from the parent's PID file and `/proc/<pid>/maps`.
enum ScoreboardDiscovery {
    /// Reads the PID from Apache's `PidFile`.
    static func readPIDFile(_ path: String) -> Result<Int32, SourceUnavailable> {
        switch readSmallFile(path, limit: 64) {
        case .failure(let error) where error.errno == ENOENT:
            return .failure(
                SourceUnavailable(
                    kind: .absent,
                    message: "Apache is not running: PID file \(path) does not exist; start Apache, or set --apache-pid-file to its PidFile",
                    errno: error.errno, object: path))
        case .failure(let error):
            return .failure(
                SourceUnavailable(
                    kind: error.errno == EACCES ? .permissionDenied : .systemError,
                    message: "cannot read Apache's PID file: \(error); check --apache-pid-file",
                    errno: error.errno, object: path))
        case .success(let bytes):
            let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
            guard let pid = Int32(text), pid > 0 else {
                return .failure(
                    SourceUnavailable(
                        kind: .invalidSegment,
                        message: "invalid PID file \(path): '\(text.prefix(32))' is not a process id; check --apache-pid-file",
                        object: path))
            }
            return .success(pid)
        }
    }

    /// Lists the shared mappings of `pid` that can hold a scoreboard, in `maps` order.
    static func candidates(parentPID pid: Int32) -> Result<[ScoreboardCandidate], SourceUnavailable> {
        let mapsPath = "/proc/\(pid)/maps"
        let bytes: [UInt8]
        switch readSmallFile(mapsPath) {
        case .success(let read): bytes = read
        case .failure(let error):
            let denied = error.errno == EACCES || error.errno == EPERM
            return .failure(
                SourceUnavailable(
                    kind: denied ? .permissionDenied : (error.errno == ENOENT ? .absent : .systemError),
                    message: denied
                        ? "cannot read \(mapsPath) to find the scoreboard: \(describeErrno(error.errno)); run as root or with CAP_SYS_PTRACE, or set --scoreboard-file to Apache's ScoreboardFile"
                        : "cannot read \(mapsPath): \(describeErrno(error.errno))",
                    errno: error.errno, object: mapsPath))
        }
        return .success(parseMaps(String(decoding: bytes, as: UTF8.self), pid: pid))
    }

    /// Parses `/proc/<pid>/maps` lines: `start-end perms offset dev inode pathname`.
    static func parseMaps(_ text: String, pid: Int32) -> [ScoreboardCandidate] {
        var found: [ScoreboardCandidate] = []
        for line in text.split(separator: "\n") {
            let columns = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            let rangeColumn = 0, permissionsColumn = 1, inodeColumn = 4, pathColumn = 5
            guard columns.count > pathColumn else { continue }

            let permissions = Array(columns[permissionsColumn].utf8)
            let sharedFlagIndex = 3
            guard permissions.count > sharedFlagIndex, permissions[sharedFlagIndex] == UInt8(ascii: "s") else { continue }
            let path = columns[pathColumn].trimmingWhitespace()

            if path.hasPrefix("/dev/shm/") {
                found.append(ScoreboardCandidate(location: .posix(name: String(path.dropFirst("/dev/shm".count)))))
            } else if path.hasPrefix("/SYSV"), let shmid = Int32(columns[inodeColumn]) {
                let keyText = path.dropFirst("/SYSV".count).prefix(8)
                let key = key_t(truncatingIfNeeded: UInt32(keyText, radix: 16) ?? 0)
                found.append(ScoreboardCandidate(location: .sysv(shmid: shmid, key: key)))
            } else if path.hasPrefix("/dev/zero") {
                found.append(ScoreboardCandidate(location: .anonymous(path: "/proc/\(pid)/map_files/\(columns[rangeColumn])")))
            }
        }
        return found
    }

    /// APR's POSIX object name for a `ScoreboardFile` path.
    static func posixName(forScoreboardFile path: String) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = buffer.withUnsafeMutableBufferPointer { sc_apr_posix_name(path, $0.baseAddress, $0.count) }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
