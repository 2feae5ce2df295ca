import CScoreboard
import Glibc

/// The locations the Apache source looks at for the scoreboard.
public struct ApacheSourceConfiguration: Sendable, Equatable {
    /// Apache's `ScoreboardFile`, absolute; `nil` discovers the segment through the PID file.
    public var scoreboardFile: String?
    /// Apache's `PidFile`.
    public var pidFile: String

    public init(scoreboardFile: String?, pidFile: String) {
        self.scoreboardFile = scoreboardFile
        self.pidFile = pidFile
    }
}

/// Reads Apache's scoreboard once per call: attaches read-only when needed, notices a
/// stopped, replaced or abandoned segment, and copies the payload into private memory.
///
/// Not thread-safe: one sampler owns it. In steady state a read allocates nothing: the
/// payload and its worker digests go into one of two pairs of reused buffers, so the snapshot
/// handed out last stays intact while the next copy is made.
public final class ApacheScoreboardSource {
    public let configuration: ApacheSourceConfiguration

    private var attachment: ScoreboardAttachment?
    private var parentPID: Int32?
    private var parentStartTime: UInt64?
    private var parentWatch: ParentWatch?
    /// The parent watch's result at the start of this read, kept so that one read polls it once.
    private var watchedParentRunning: Bool?
    private var attachmentCount: UInt64 = 0
    private var buffers: [[UInt8]] = [[], []]
    private var digests: [[WorkerDigest]] = [[], []]
    private var nextBuffer = 0

    public init(configuration: ApacheSourceConfiguration) {
        self.configuration = configuration
    }

    /// The segment attached now, if any.
    public var currentSegment: SegmentIdentity? { attachment?.identity }

    /// Takes one snapshot, attaching or re-attaching first when the segment changed.
    public func read() -> SourceReading<ApacheScoreboardSnapshot> {
        watchedParentRunning = parentWatch?.isRunning
        if let attachment, let problem = validate(attachment) {
            detach()
            if problem.kind != .absent { return .unavailable(problem) }
        }
        if attachment == nil, case .failure(let problem) = attach() {
            return .unavailable(problem)
        }
        guard let attachment else {
            return .unavailable(SourceUnavailable(kind: .absent, message: "Apache's scoreboard is not attached"))
        }

        let layout: ScoreboardLayout
        switch attachment.detectLayout() {
        case .success(let detected): layout = detected
        case .failure(let mismatch):
            let object = attachment.identity.object
            detach()
            return .unavailable(SourceUnavailable(kind: .invalidSegment, message: "\(object): \(mismatch)", object: object))
        }

        let index = nextBuffer
        nextBuffer ^= 1
        guard attachment.copyPayload(into: &buffers[index], digests: &digests[index], layout: layout) else {
            let object = attachment.identity.object
            detach()
            return .unavailable(
                SourceUnavailable(
                    kind: .invalidSegment, message: "\(object): its size no longer matches its \(layout.serverLimit) × \(layout.threadLimit) layout",
                    object: object))
        }
        let wallTime = Clocks.wallMicroseconds()
        let monotonic = Clocks.monotonicNanoseconds()
        let image = ScoreboardImage(payload: buffers[index], layout: layout, workers: digests[index])
        let parent = parentState(image: image)
        if case .orphaned(let former, 0) = parent {
            // A clean stop clears every process record before the parent exits; a crash leaves
            // the pids of children that are gone.
            if Self.allProcessRecordsCleared(image) {
                detach()
                return .unavailable(
                    SourceUnavailable(
                        kind: .absent,
                        message: "Apache stopped: \(former.map { "parent PID \($0)" } ?? "the parent") exited and cleared its process records",
                        object: attachment.identity.object))
            }
            return .unavailable(staleSegment(attachment.identity, formerParent: former, processes: image))
        }
        return .snapshot(
            ApacheScoreboardSnapshot(
                image: image, segment: attachment.identity, parent: parent,
                wallTimeMicroseconds: wallTime, monotonicNanoseconds: monotonic))
    }

    // MARK: - Lifecycle

    /// Returns why the attached segment is no longer Apache's live scoreboard, or nil.
    /// A `.absent` kind means "stopped or replaced: look again now".
    private func validate(_ attachment: ScoreboardAttachment) -> SourceUnavailable? {
        let object = attachment.identity.object

        // Graceful and hard restarts keep the segment; only a stop, after which the parent exits,
        // unlinks or replaces it. While the watched parent runs, the segment is the live one.
        if attachment.identity.mechanism != .anonymous, watchedParentRunning == true { return nil }

        switch attachment.segmentState() {
        case .current: break
        case .removed, .replaced:
            return SourceUnavailable(kind: .absent, message: "scoreboard \(object) was removed or replaced", object: object)
        case .failed(let code):
            return SourceUnavailable(
                kind: .systemError, message: "cannot check scoreboard \(object): \(describeErrno(code))", errno: code,
                object: object)
        }

        // An anonymous mapping belongs to one parent. Our own mapping keeps the memory alive after
        // the parent dies, so orphaned children stay visible, and a segment no process uses is
        // reported stale. Only a new running parent in the PID file means a new instance.
        if attachment.identity.mechanism == .anonymous, !parentIsCurrent(), newParentIsRunning() {
            return SourceUnavailable(kind: .absent, message: "Apache parent of \(object) was replaced", object: object)
        }
        return nil
    }

    /// Returns whether the PID file now names a running process other than the parent we attached through.
    private func newParentIsRunning() -> Bool {
        guard case .success(let pid) = ScoreboardDiscovery.readPIDFile(configuration.pidFile) else { return false }
        return pid != parentPID && ProcessLiveness.isRunning(pid)
    }

    private func parentIsCurrent() -> Bool {
        guard let parentPID else { return false }
        if let parentWatch, parentWatch.pid == parentPID, let running = watchedParentRunning ?? parentWatch.isRunning {
            return running
        }
        guard ProcessLiveness.isRunning(parentPID) else { return false }
        return parentStartTime == nil || ProcessLiveness.startTime(parentPID) == parentStartTime
    }

    private func parentState(image: ScoreboardImage) -> ParentState {
        guard let parentPID else {
            // No PID file: the process records are the only evidence of life.
            return liveProcessCount(image) > 0 ? .unknown : .orphaned(formerPID: nil, orphans: 0)
        }
        if parentIsCurrent() { return .running(pid: parentPID) }
        return .orphaned(formerPID: parentPID, orphans: liveProcessCount(image))
    }

    private static func allProcessRecordsCleared(_ image: ScoreboardImage) -> Bool {
        for index in 0..<image.serverLimit where image.process(index).pid != 0 { return false }
        return true
    }

    private func liveProcessCount(_ image: ScoreboardImage) -> Int {
        var live = 0
        for index in 0..<image.serverLimit {
            let pid = image.process(index).pid
            if pid > 0 && ProcessLiveness.isRunning(pid) { live += 1 }
        }
        return live
    }

    private func staleSegment(_ segment: SegmentIdentity, formerParent: Int32?, processes image: ScoreboardImage) -> SourceUnavailable {
        let parentText = formerParent.map { "Apache parent PID \($0)" } ?? "the Apache parent"
        return SourceUnavailable(
            kind: .stale,
            message: "scoreboard \(segment.object) is left over: \(parentText) is gone and none of the processes in it is alive; waiting for Apache to start again",
            object: segment.object)
    }

    private func detach() {
        attachment = nil
        parentPID = nil
        parentStartTime = nil
        parentWatch = nil
        watchedParentRunning = nil
    }

    /// Remembers the parent a segment was found through. The start time is read before and
    /// after the watch is opened. If it changed, another process reused the PID in between, so
    /// the watch is dropped.
    private func rememberParent(_ pid: Int32) {
        parentPID = pid
        parentStartTime = ProcessLiveness.startTime(pid)
        parentWatch = ParentWatch(pid: pid)
        if parentWatch != nil, ProcessLiveness.startTime(pid) != parentStartTime { parentWatch = nil }
        watchedParentRunning = parentWatch?.isRunning
    }

    // MARK: - Attaching

    private func attach() -> Result<Void, SourceUnavailable> {
        if let file = configuration.scoreboardFile {
            return attachConfiguredFile(file)
        }
        return attachThroughParent()
    }

    /// Attaches by `ScoreboardFile`: the POSIX object APR names after the path, else the
    /// SysV segment keyed by `ftok` on it.
    private func attachConfiguredFile(_ file: String) -> Result<Void, SourceUnavailable> {
        let normalized = ScoreboardPath.normalize(file)
        let name = ScoreboardDiscovery.posixName(forScoreboardFile: normalized)
        rememberParentFromPIDFile()

        var result = attachCandidate(ScoreboardCandidate(location: .posix(name: name)))
        if case .failure(let problem) = result, problem.errno == ENOENT {
            let key = sc_apr_sysv_key(normalized)
            let shmid = key == -1 ? -1 : shmget(key, 0, 0)
            guard shmid >= 0 else {
                detach()
                return .failure(
                    SourceUnavailable(
                        kind: .absent,
                        message: "Apache is not running, or uses another ScoreboardFile: neither /dev/shm\(name) nor a SysV segment exists for \(normalized)",
                        errno: ENOENT, object: "/dev/shm\(name)"))
            }
            result = attachCandidate(ScoreboardCandidate(location: .sysv(shmid: shmid, key: key)))
        }
        if case .failure = result { detach() }
        return result
    }

    /// Attaches through the parent's PID file and the shared mappings in its `/proc/<pid>/maps`.
    private func attachThroughParent() -> Result<Void, SourceUnavailable> {
        let pid: Int32
        switch ScoreboardDiscovery.readPIDFile(configuration.pidFile) {
        case .success(let read): pid = read
        case .failure(let problem): return .failure(problem)
        }
        guard ProcessLiveness.isRunning(pid) else {
            return .failure(
                SourceUnavailable(
                    kind: .absent,
                    message: "Apache is not running: PID \(pid) from \(configuration.pidFile) is not alive",
                    object: configuration.pidFile))
        }
        rememberParent(pid)

        let candidates: [ScoreboardCandidate]
        switch ScoreboardDiscovery.candidates(parentPID: pid) {
        case .success(let found): candidates = found
        case .failure(let problem):
            detach()
            return .failure(problem)
        }

        var firstProblem: SourceUnavailable?
        for candidate in candidates {
            switch attachCandidate(candidate) {
            case .success: return .success(())
            case .failure(let problem):
                // A permission problem outranks "this mapping is something else".
                if firstProblem == nil || problem.kind == .permissionDenied { firstProblem = problem }
            }
        }
        detach()
        return .failure(
            firstProblem
                ?? SourceUnavailable(
                    kind: .invalidSegment,
                    message: "no scoreboard found among the shared mappings of Apache PID \(pid) (\(candidates.count) checked); set --scoreboard-file to Apache's ScoreboardFile",
                    object: "/proc/\(pid)/maps"))
    }

    /// Attaches one candidate and keeps it only if its size identity matches a known layout.
    private func attachCandidate(_ candidate: ScoreboardCandidate) -> Result<Void, SourceUnavailable> {
        attachmentCount += 1
        switch ScoreboardAttachment.attach(candidate, attachmentNumber: attachmentCount) {
        case .failure(let failure):
            return .failure(attachProblem(failure, candidate: candidate))
        case .success(let attached):
            if case .failure(let mismatch) = attached.detectLayout() {
                return .failure(
                    SourceUnavailable(
                        kind: .invalidSegment, message: "\(attached.identity.object): \(mismatch)",
                        object: attached.identity.object))
            }
            attachment = attached
            return .success(())
        }
    }

    private func rememberParentFromPIDFile() {
        if case .success(let pid) = ScoreboardDiscovery.readPIDFile(configuration.pidFile), ProcessLiveness.isRunning(pid) {
            rememberParent(pid)
        }
    }

    private func attachProblem(_ failure: AttachFailure, candidate: ScoreboardCandidate) -> SourceUnavailable {
        let denied = failure.errno == EACCES || failure.errno == EPERM
        guard denied else {
            let kind: SourceUnavailable.Kind =
                failure.errno == ENOENT ? .absent : (failure.errno == EINVAL ? .invalidSegment : .systemError)
            return SourceUnavailable(
                kind: kind, message: "cannot attach to scoreboard \(failure.object): \(describeErrno(failure.errno))",
                errno: failure.errno, object: failure.object)
        }
        let fix: String
        switch candidate.location {
        case .posix: fix = "run as root or grant CAP_DAC_READ_SEARCH"
        case .sysv: fix = "run as root or grant CAP_IPC_OWNER"
        case .anonymous:
            fix = "run as root or grant CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE and CAP_CHECKPOINT_RESTORE; or set ScoreboardFile in Apache and --scoreboard-file here"
        }
        return SourceUnavailable(
            kind: .permissionDenied,
            message: "cannot attach to scoreboard \(failure.object): \(describeErrno(failure.errno)); \(fix)",
            errno: failure.errno, object: failure.object)
    }
}

/// The path string APR hashes for `ScoreboardFile`, and the names derived from it.
public enum ScoreboardPath {
    /// Collapses `//` and `/./` as Apache does before hashing; symlinks are kept as written,
    /// because Apache does not resolve them either.
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}

extension ScoreboardPath {
    /// APR's POSIX object name (`/ShM.<h1>H<h2>`) for a `ScoreboardFile` path as written.
    public static func posixObjectName(forScoreboardFile path: String) -> String {
        ScoreboardDiscovery.posixName(forScoreboardFile: normalize(path))
    }
}
