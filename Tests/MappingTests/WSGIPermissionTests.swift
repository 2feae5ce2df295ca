import Foundation
import ScoreboardSources
import Testing

/// Runs `body` on the current thread with filesystem uid `nobody` and filesystem gid `group`.
/// On Linux both are per thread, and moving the uid away from 0 drops CAP_DAC_OVERRIDE and
/// CAP_DAC_READ_SEARCH, so a test run as root meets the checks an unprivileged collector meets.
private func withFilesystemIdentity<T>(group: UInt32, _ body: () throws -> T) throws -> T {
    typealias SetFilesystemID = @convention(c) (UInt32) -> Int32
    let libc = dlopen(nil, RTLD_NOW)
    guard let setUserSymbol = dlsym(libc, "setfsuid"), let setGroupSymbol = dlsym(libc, "setfsgid") else {
        throw WSGITestFailure("setfsuid or setfsgid not found in libc")
    }
    let setFilesystemUser = unsafeBitCast(setUserSymbol, to: SetFilesystemID.self)
    let setFilesystemGroup = unsafeBitCast(setGroupSymbol, to: SetFilesystemID.self)
    let previousGroup = setFilesystemGroup(group)
    let previousUser = setFilesystemUser(nobody)
    defer {
        _ = setFilesystemUser(UInt32(previousUser))
        _ = setFilesystemGroup(UInt32(previousGroup))
    }
    return try body()
}

private let nobody: UInt32 = 65534
private let nogroup: UInt32 = 65534

@Suite struct WSGIPermissionTests {
    @Test(.enabled(if: getuid() == 0, "needs root to change the filesystem uid"))
    func unreadableDirectoryIsPermissionDenied() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        #expect(chmod(directory.path, 0o700) == 0)
        try Data(WSGISegmentValidationTests.validSegmentBytes()).write(to: URL(fileURLWithPath: directory.file("4194000-1.wsb")))

        let reading = try withFilesystemIdentity(group: 0) { WSGIScoreboardReader(directory: directory.path).read() }
        guard case .unavailable(let reason) = reading else {
            Issue.record("an unreadable directory returned a snapshot")
            return
        }
        #expect(reason.kind == .permissionDenied)
        #expect(reason.errno == EACCES)
        #expect(reason.object == directory.path)
        #expect(reason.message.contains(directory.path))
        #expect(reason.message.contains("scoreboard-collector"))
    }

    @Test(.enabled(if: getuid() == 0, "needs root to change the filesystem uid"))
    func unreadableSegmentIsPermissionDenied() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        #expect(chmod(directory.path, 0o755) == 0)
        let segment = directory.file("4194000-1.wsb")
        try Data(WSGISegmentValidationTests.validSegmentBytes()).write(to: URL(fileURLWithPath: segment))
        #expect(chmod(segment, 0o600) == 0)

        let reading = try withFilesystemIdentity(group: 0) { WSGIScoreboardReader(directory: directory.path).read() }
        guard case .unavailable(let reason) = reading else {
            Issue.record("an unreadable segment returned a snapshot")
            return
        }
        #expect(reason.kind == .permissionDenied)
        #expect(reason.object == segment)

        // Mode 0640 with the collector's group, as the setgid directory gives it.
        #expect(chmod(segment, 0o640) == 0)
        #expect(chown(segment, 0, nogroup) == 0)
        let outsideGroup = try withFilesystemIdentity(group: 0) { WSGIScoreboardReader(directory: directory.path).read() }
        guard case .unavailable(let outsideReason) = outsideGroup else {
            Issue.record("a 0640 segment was readable outside its group")
            return
        }
        #expect(outsideReason.kind == .permissionDenied)
        let insideGroup = try withFilesystemIdentity(group: nogroup) { WSGIScoreboardReader(directory: directory.path).read() }
        #expect(try requireSnapshot(insideGroup).processes.count == 1)
    }
}
