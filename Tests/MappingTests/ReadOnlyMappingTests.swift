import CScoreboard
import Foundation
import ScoreboardSources
import Testing

@Suite struct ReadOnlyMappingTests {
    @Test func aprNamesMatchApache() {
        // Object names Apache 2.4.71 with APR 1.7.2 created for these ScoreboardFile settings.
        #expect(ScoreboardPath.posixObjectName(forScoreboardFile: "/run/apache2/scoreboard") == "/ShM.3ea90d1aH8f5d7936")
        #expect(ScoreboardPath.posixObjectName(forScoreboardFile: "/run/apache2//./scoreboard") == "/ShM.3ea90d1aH8f5d7936")
        #expect(ScoreboardPath.posixObjectName(forScoreboardFile: "/etc/apache2/run/scoreboard") == "/ShM.5007d905H271a668d")
        #expect(ScoreboardPath.posixObjectName(forScoreboardFile: "/var/run/apache2/scoreboard") == "/ShM.e51146d2H9c267aa4")
    }

    @Test func sysvProjectIDIsTimes33() {
        #expect(sc_apr_times33("/run/apache2/scoreboard") & 0xff == 0x1a)
    }

    @Test func mappingIsReadOnly() throws {
        let fixture = try SegmentFixture(kind: .posix, board: ApacheSegmentTests.board())
        var mapping = sc_mapping()
        #expect(sc_attach_posix(fixture.posixName, &mapping) == 0)
        defer { sc_detach(&mapping) }

        let start = UInt(bitPattern: mapping.base)
        // procfs files report size 0, so read them to the end rather than by their size.
        let maps = String(decoding: try readSmallFile("/proc/self/maps").get(), as: UTF8.self)
        let line = maps.split(separator: "\n").first { $0.hasPrefix(String(start, radix: 16) + "-") }
        #expect(line?.split(separator: " ")[1] == "r--s")

        // A write through the mapping must fault: do it in a child and check how it died.
        let pid = fork()
        if pid == 0 {
            UnsafeMutableRawPointer(mutating: mapping.base!).storeBytes(of: 1, toByteOffset: 8, as: UInt8.self)
            _exit(0)
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let signalled = status & 0x7f
        #expect(signalled == SIGSEGV)
    }

    @Test func sysvMappingIsReadOnly() throws {
        let fixture = try SegmentFixture(kind: .sysv, board: ApacheSegmentTests.board())
        var mapping = sc_mapping()
        #expect(sc_attach_sysv(fixture.shmid, &mapping) == 0)
        defer { sc_detach(&mapping) }
        let pid = fork()
        if pid == 0 {
            UnsafeMutableRawPointer(mutating: mapping.base!).storeBytes(of: 1, toByteOffset: 0, as: UInt8.self)
            _exit(0)
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(status & 0x7f == SIGSEGV)
    }

    @Test func layoutGroupsRecognised() {
        for group in LayoutGroup.allCases {
            for (serverLimit, threadLimit) in [(1, 1), (3, 5), (16, 64), (256, 1)] {
                let layout = ScoreboardLayout(group: group, serverLimit: serverLimit, threadLimit: threadLimit)!
                var board = SyntheticScoreboard(layout: layout)
                board.setGlobal(runningGeneration: 0, restartTime: 0)
                let detected = board.payload.withUnsafeBytes { try? ScoreboardLayout.detect(payload: $0).get() }
                #expect(detected?.group == group)
                #expect(detected?.serverLimit == serverLimit)
            }
        }
    }

    @Test func debianDefaultSizes() {
        #expect(ScoreboardLayout(group: .l5l6, serverLimit: 3, threadLimit: 5)?.payloadSize == 5216)
        #expect(ScoreboardLayout(group: .l5l6, serverLimit: 6, threadLimit: 1)?.payloadSize == 2312)
        #expect(ScoreboardLayout(group: .l5l6, serverLimit: 16, threadLimit: 64)?.payloadSize == 344_760)
    }
}
