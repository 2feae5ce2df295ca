import CScoreboard
import Foundation
import ScoreboardSources

/// A scoreboard segment made by a test, with a unique ScoreboardFile path, removed on `remove()`.
/// Fixtures never touch objects a real Apache may own.
final class SegmentFixture {
    enum Kind { case posix, sysv }

    let kind: Kind
    let directory: String
    let scoreboardFile: String
    private(set) var shmid: Int32 = -1

    init(kind: Kind, board: SyntheticScoreboard) throws {
        self.kind = kind
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sbc-fixture-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        scoreboardFile = directory + "/scoreboard"
        try write(board)
    }

    var posixName: String { ScoreboardPath.posixObjectName(forScoreboardFile: scoreboardFile) }

    /// Creates the segment, or replaces it with a new one (a new inode or shmid).
    func write(_ board: SyntheticScoreboard) throws {
        switch kind {
        case .posix: try writePOSIX(board.bytesWithSizeHeader)
        case .sysv: try writeSysV(board)
        }
    }

    /// Overwrites the live segment in place, as Apache does while it runs.
    func update(_ board: SyntheticScoreboard) throws {
        switch kind {
        case .posix:
            let fd = shm_open(posixName, O_RDWR, 0)
            guard fd >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
            defer { close(fd) }
            let bytes = board.bytesWithSizeHeader
            _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        case .sysv:
            let base = shmat(shmid, nil, 0)
            guard base != UnsafeMutableRawPointer(bitPattern: -1) else { throw POSIXError(.init(rawValue: errno)!) }
            board.payload.withUnsafeBytes { base!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            shmdt(base)
        }
    }

    func remove() {
        switch kind {
        case .posix: shm_unlink(posixName)
        case .sysv:
            if shmid >= 0 { shmctl(shmid, IPC_RMID, nil) }
            unlink(scoreboardFile)
        }
    }

    deinit {
        remove()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func writePOSIX(_ bytes: [UInt8]) throws {
        shm_unlink(posixName)
        let fd = shm_open(posixName, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(bytes.count)) == 0 else { throw POSIXError(.init(rawValue: errno)!) }
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Creates the segment as APR ≤ 1.7.0 does: a file at the path, key = ftok(path, times33(path)).
    private func writeSysV(_ board: SyntheticScoreboard) throws {
        if shmid >= 0 { shmctl(shmid, IPC_RMID, nil) }
        unlink(scoreboardFile)
        _ = FileManager.default.createFile(atPath: scoreboardFile, contents: Data(count: 8))
        let key = sc_apr_sysv_key(scoreboardFile)
        guard key != -1 else { throw POSIXError(.init(rawValue: errno)!) }
        shmid = shmget(key, board.payload.count, IPC_CREAT | IPC_EXCL | 0o600)
        guard shmid >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
        try update(board)
    }
}

