#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Reads every WSGI scoreboard segment in a directory, read-only, once per call.
///
/// Each call lists the directory, keeps a mapping per file (re-opened when the inode changes,
/// dropped when the file is gone), copies every record under its seqlock and returns an immutable
/// snapshot. Format: docs/wsgi-scoreboard.md.
public final class WSGIScoreboardReader: Sendable {
    /// Default directory of the writer and the reader.
    public static let defaultDirectory = "/run/scoreboard-collector/wsgi"
    /// Segment file suffix; the writer's temporary files end in `.wsb.tmp` and are ignored.
    static let segmentSuffix = ".wsb"

    public let directory: String
    private let mappings = Mutex<[String: WSGISegmentMapping]>([:])

    public init(directory: String = WSGIScoreboardReader.defaultDirectory) {
        self.directory = directory
    }

    /// Reads all segments. A missing or empty directory is `.unavailable` with kind `.absent`;
    /// an unreadable directory, or segments that all refuse access, `.permissionDenied`.
    public func read() -> SourceReading<WSGIScoreboardSnapshot> {
        let names: [String]
        switch listSegmentNames() {
        case .failure(let unavailable):
            mappings.withLock { $0.removeAll() }
            return .unavailable(unavailable)
        case .success(let listed):
            names = listed
        }

        if names.isEmpty {
            mappings.withLock { $0.removeAll() }
            return .unavailable(SourceUnavailable(
                kind: .absent,
                message: "no WSGI scoreboard segment in \(directory): no mod_wsgi process with the "
                    + "scoreboard_collector_wsgi writer is running",
                object: directory
            ))
        }

        return mappings.withLock { cache in
            readSegments(names: names, cache: &cache)
        }
    }

    private func readSegments(names: [String], cache: inout [String: WSGISegmentMapping]) -> SourceReading<WSGIScoreboardSnapshot> {
        let listed = Set(names)
        for name in cache.keys where !listed.contains(name) {
            cache[name] = nil
        }

        var snapshot = WSGIScoreboardSnapshot(
            directory: directory, processes: [], skippedSegments: [], tornRecords: 0, abandonedRecords: 0, copyRetries: 0
        )
        var deniedPaths: [String] = []

        for name in names {
            let path = directory + "/" + name
            guard let mapping = currentMapping(name: name, path: path, cache: &cache, snapshot: &snapshot, deniedPaths: &deniedPaths) else {
                continue
            }
            readSegment(name: name, mapping: mapping, into: &snapshot)
        }

        if snapshot.processes.isEmpty, let firstDenied = deniedPaths.first, deniedPaths.count == snapshot.skippedSegments.count {
            return .unavailable(SourceUnavailable(
                kind: .permissionDenied,
                message: "cannot open WSGI scoreboard segment \(firstDenied): permission denied; run the "
                    + "collector with group scoreboard-collector and keep \(directory) setgid "
                    + "(mode 2770, group scoreboard-collector) so segments are created with that group",
                errno: EACCES,
                object: firstDenied
            ))
        }
        return .snapshot(snapshot)
    }

    /// Returns the cached mapping of `name` if it still maps the file at `path`, else a new one.
    /// Returns nil when the file cannot be used in this sample, and records the reason.
    private func currentMapping(
        name: String, path: String, cache: inout [String: WSGISegmentMapping],
        snapshot: inout WSGIScoreboardSnapshot, deniedPaths: inout [String]
    ) -> WSGISegmentMapping? {
        var status = stat()
        if stat(path, &status) != 0 {
            let error = errno
            cache[name] = nil
            if error != ENOENT {
                snapshot.skippedSegments.append(WSGISkippedSegment(name: name, reason: .unreadable(errno: error)))
            }
            return nil
        }

        if let cached = cache[name] {
            let sameFile = cached.device == UInt64(status.st_dev) && cached.inode == UInt64(status.st_ino)
            if sameFile && cached.isStillReadable {
                return cached
            }
            cache[name] = nil
        }

        switch WSGISegmentMapping.open(path: path) {
        case .success(let mapping):
            cache[name] = mapping
            return mapping
        case .failure(let failure):
            if failure.isInvalidFormat {
                snapshot.skippedSegments.append(WSGISkippedSegment(name: name, reason: .invalid(failure.statusName)))
            } else if failure.errno == ENOENT {
                // Removed between stat and open; a normal race with the writer's cleanup.
            } else {
                if failure.errno == EACCES || failure.errno == EPERM {
                    deniedPaths.append(path)
                }
                snapshot.skippedSegments.append(WSGISkippedSegment(name: name, reason: .unreadable(errno: failure.errno)))
            }
            return nil
        }
    }

    private func readSegment(name: String, mapping: WSGISegmentMapping, into snapshot: inout WSGIScoreboardSnapshot) {
        // The writer names its file after its identity; a name that does not parse gets the
        // benefit of the doubt.
        let nameIdentity = Self.segmentIdentity(name: name)
        let writerMayBeLive = nameIdentity.map { Self.isLive(pid: $0.pid, startTime: $0.startTime) } ?? true
        let copy = mapping.copyRecords(writerMayBeLive: writerMayBeLive)
        snapshot.copyRetries += copy.retries

        guard copy.processRecordConsistent else {
            let isLive = nameIdentity != nil && writerMayBeLive
            let reason: WSGISkippedSegment.Reason = isLive ? .tornProcessRecord : .abandonedProcessRecord
            if isLive {
                snapshot.tornRecords += 1 + copy.tornThreadRecords
            } else {
                snapshot.abandonedRecords += 1 + copy.tornThreadRecords
            }
            snapshot.skippedSegments.append(WSGISkippedSegment(name: name, reason: reason))
            return
        }

        let record = mapping.copiedProcessRecord
        let isLive = Self.isLive(pid: Int32(bitPattern: record.pointee.pid), startTime: record.pointee.start_time_ticks)
        if isLive {
            snapshot.tornRecords += copy.tornThreadRecords
        } else {
            snapshot.abandonedRecords += copy.tornThreadRecords
        }
        snapshot.processes.append(WSGIProcessSnapshot(
            segmentName: name,
            isLive: isLive,
            record: record.pointee,
            threadRecordCount: mapping.threadRecordCount,
            threads: mapping.copiedThreads(),
            tornThreadRecords: copy.tornThreadRecords
        ))
    }

    /// Returns whether the writer runs (a zombie does not) with the pid and start time it recorded.
    static func isLive(pid: Int32, startTime: UInt64) -> Bool {
        ProcessLiveness.isRunning(pid) && ProcessLiveness.startTime(pid) == startTime
    }

    /// Pid and start time from a `<pid>-<starttime>.wsb` file name.
    static func segmentIdentity(name: String) -> (pid: Int32, startTime: UInt64)? {
        guard name.hasSuffix(segmentSuffix) else {
            return nil
        }
        let stem = name.dropLast(segmentSuffix.count)
        let parts = stem.split(separator: "-")
        guard parts.count == 2, let pid = Int32(parts[0]), let startTime = UInt64(parts[1]) else {
            return nil
        }
        return (pid, startTime)
    }

    /// Names of `*.wsb` files in the directory, sorted.
    private func listSegmentNames() -> Result<[String], SourceUnavailable> {
        guard let stream = opendir(directory) else {
            return .failure(directoryUnavailable(errno: errno))
        }
        defer { closedir(stream) }

        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { WSGIText.decode($0) } ?? ""
            if name.hasSuffix(Self.segmentSuffix) {
                names.append(name)
            }
        }
        return .success(names.sorted())
    }

    private func directoryUnavailable(errno error: Int32) -> SourceUnavailable {
        switch error {
        case ENOENT:
            return SourceUnavailable(
                kind: .absent,
                message: "WSGI scoreboard directory \(directory) does not exist: no writer has run yet; "
                    + "create it (root:scoreboard-collector, mode 2770) or set --wsgi-dir",
                errno: error, object: directory
            )
        case EACCES, EPERM:
            return SourceUnavailable(
                kind: .permissionDenied,
                message: "cannot list WSGI scoreboard directory \(directory): permission denied; run the "
                    + "collector with group scoreboard-collector and give the directory mode 2770, "
                    + "owner root:scoreboard-collector",
                errno: error, object: directory
            )
        case ENOTDIR:
            return SourceUnavailable(
                kind: .systemError,
                message: "WSGI scoreboard path \(directory) is not a directory; point --wsgi-dir at the "
                    + "directory the writers use",
                errno: error, object: directory
            )
        default:
            return SourceUnavailable(
                kind: .systemError,
                message: "cannot list WSGI scoreboard directory \(directory): \(String(cString: strerror(error)))",
                errno: error, object: directory
            )
        }
    }
}
