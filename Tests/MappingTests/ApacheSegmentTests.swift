import CScoreboard
import Foundation
import ScoreboardSources
import Testing

/// The Apache source against real POSIX and SysV segments made by the tests.
@Suite(.serialized) struct ApacheSegmentTests {
    /// Makes a board whose one process is this test process, so liveness checks find it alive.
    static func board(serverLimit: Int = 2, threadLimit: Int = 3, accessCount: UInt64 = 42) -> SyntheticScoreboard {
        var board = SyntheticScoreboard(layout: ScoreboardLayout(group: .l5l6, serverLimit: serverLimit, threadLimit: threadLimit)!)
        board.setGlobal(runningGeneration: 3, restartTime: 1_700_000_000_000_000)
        board.setProcess(0, pid: getpid(), generation: 3)
        var worker = SyntheticWorker(status: .busyWrite)
        worker.accessCount = accessCount
        worker.bytesServed = 1234
        board.setWorker(process: 0, thread: 1, worker)
        board.setString(.request, process: 0, thread: 1, "GET /fixture HTTP/1.1")
        return board
    }

    static func source(_ fixture: SegmentFixture) -> ApacheScoreboardSource {
        ApacheScoreboardSource(configuration: ApacheSourceConfiguration(scoreboardFile: fixture.scoreboardFile, pidFile: "/nonexistent/apache2.pid"))
    }

    @Test(arguments: [SegmentFixture.Kind.posix, .sysv])
    func readsEveryField(kind: SegmentFixture.Kind) throws {
        let fixture = try SegmentFixture(kind: kind, board: Self.board())
        let source = Self.source(fixture)

        guard case .snapshot(let snapshot) = source.read() else { Issue.record("no snapshot"); return }
        let worker = snapshot.image.worker(process: 0, thread: 1)

        #expect(snapshot.segment.mechanism == (kind == .posix ? .posix : .sysv))
        #expect(snapshot.image.global.runningGeneration == 3)
        #expect(snapshot.image.global.restartTime == 1_700_000_000_000_000)
        #expect(snapshot.image.process(0).pid == getpid())
        #expect(worker.status == .busyWrite)
        #expect(worker.accessCount == 42)
        #expect(worker.bytesServed == 1234)
        #expect(snapshot.image.string(.request, process: 0, thread: 1) == "GET /fixture HTTP/1.1")
        #expect(snapshot.image.layout.group == .l5l6)
    }

    @Test(arguments: [SegmentFixture.Kind.posix, .sysv])
    func seesLiveUpdates(kind: SegmentFixture.Kind) throws {
        let fixture = try SegmentFixture(kind: kind, board: Self.board(accessCount: 1))
        let source = Self.source(fixture)
        _ = source.read()
        try fixture.update(Self.board(accessCount: 99))

        guard case .snapshot(let snapshot) = source.read() else { Issue.record("no snapshot"); return }
        #expect(snapshot.image.worker(process: 0, thread: 1).accessCount == 99)
    }

    @Test(arguments: [SegmentFixture.Kind.posix, .sysv])
    func removedThenReplaced(kind: SegmentFixture.Kind) throws {
        let fixture = try SegmentFixture(kind: kind, board: Self.board(accessCount: 5))
        let source = Self.source(fixture)
        guard case .snapshot(let first) = source.read() else { Issue.record("no snapshot"); return }

        fixture.remove()
        guard case .unavailable(let reason) = source.read() else { Issue.record("expected unavailable"); return }
        #expect(reason.kind == .absent)

        try fixture.write(Self.board(accessCount: 7))
        guard case .snapshot(let second) = source.read() else { Issue.record("no snapshot after re-create"); return }
        #expect(second.image.worker(process: 0, thread: 1).accessCount == 7)
        #expect(second.segment.attachment != first.segment.attachment)
    }

    @Test func replacedWithoutGapIsReattached() throws {
        let fixture = try SegmentFixture(kind: .posix, board: Self.board(accessCount: 5))
        let source = Self.source(fixture)
        _ = source.read()
        try fixture.write(Self.board(accessCount: 8))  // unlink + create: new inode under the same name

        guard case .snapshot(let snapshot) = source.read() else { Issue.record("no snapshot"); return }
        #expect(snapshot.image.worker(process: 0, thread: 1).accessCount == 8)
    }

    @Test func unknownLayoutNamesSizes() throws {
        var board = Self.board()
        board.setGlobal(runningGeneration: 0, restartTime: 0)
        // Claim a thread_limit the size does not fit.
        var bytes = board.payload
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: Int32(4), toByteOffset: 4, as: Int32.self) }
        let name = "/sbc-test-layout-\(getpid())"
        shm_unlink(name)
        let fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0o600)
        defer { shm_unlink(name) }
        let total = UInt64(bytes.count + 8)
        let withHeader = withUnsafeBytes(of: total) { Array($0) } + bytes
        _ = withHeader.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        close(fd)

        var mapping = sc_mapping()
        #expect(sc_attach_posix(name, &mapping) == 0)
        defer { sc_detach(&mapping) }
        let copy = [UInt8](UnsafeRawBufferPointer(start: mapping.base! + 8, count: mapping.payload_size))
        let result = copy.withUnsafeBytes { ScoreboardLayout.detect(payload: $0) }
        guard case .failure(let mismatch) = result else { Issue.record("expected a mismatch"); return }
        #expect(mismatch.actualPayloadSize == bytes.count)
        #expect(mismatch.threadLimit == 4)
        let expectedL6Size: Int = 56 + 2 * 40 + 2 * 4 * 336
        #expect(mismatch.description.contains(String(expectedL6Size)))
        #expect(mismatch.description.contains("\(bytes.count) payload bytes"))
    }

    @Test func missingSegmentIsAbsent() {
        let source = ApacheScoreboardSource(
            configuration: ApacheSourceConfiguration(scoreboardFile: "/nonexistent/sbc-\(getpid())/scoreboard", pidFile: "/nonexistent/pid"))
        guard case .unavailable(let reason) = source.read() else { Issue.record("expected unavailable"); return }
        #expect(reason.kind == .absent)
        #expect(reason.message.contains("/dev/shm/ShM."))
    }

    @Test func deadProcessesMakeSegmentStale() throws {
        var board = Self.board()
        board.setProcess(0, pid: Self.reapedPID(), generation: 3)
        let fixture = try SegmentFixture(kind: .posix, board: board)
        guard case .unavailable(let reason) = Self.source(fixture).read() else { Issue.record("expected stale"); return }
        #expect(reason.kind == .stale)
    }

    @Test func missingPIDFileIsAbsent() {
        let source = ApacheScoreboardSource(configuration: ApacheSourceConfiguration(scoreboardFile: nil, pidFile: "/nonexistent/apache2.pid"))
        guard case .unavailable(let reason) = source.read() else { Issue.record("expected unavailable"); return }
        #expect(reason.kind == .absent)
        #expect(reason.message.contains("/nonexistent/apache2.pid"))
    }

    /// Returns a PID that belonged to a child which has exited and been reaped.
    static func reapedPID() -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try? process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
