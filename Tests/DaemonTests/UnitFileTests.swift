import Foundation
import Glibc
import Testing

private enum UnitFiles {
    static let systemdDirectory = packageRoot + "/systemd"

    static var systemdAnalyzeInstalled: Bool {
        findExecutable(["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]) != nil
    }

    static let sysusers = findExecutable(["/usr/bin/systemd-sysusers", "/bin/systemd-sysusers"])
    static let tmpfiles = findExecutable(["/usr/bin/systemd-tmpfiles", "/bin/systemd-tmpfiles"])

    static var canApplySysusersAndTmpfiles: Bool {
        getuid() == 0 && sysusers != nil && tmpfiles != nil
    }

    /// Directory of the built products, which contains `scoreboard-collector`.
    static var productsDirectory: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return URL(fileURLWithPath: testBinary).deletingLastPathComponent().path
    }

    /// `[Service]` settings of the unit as (key, value) pairs in file order.
    static func serviceSettings() throws -> [(key: String, value: String)] {
        let text = try String(contentsOfFile: systemdDirectory + "/scoreboard-collector.service", encoding: .utf8)
        var inService = false
        var settings: [(String, String)] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("[") {
                inService = line == "[Service]"
                continue
            }
            guard inService, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            settings.append((String(line[..<equals]), String(line[line.index(after: equals)...])))
        }
        return settings
    }
}

@Suite struct UnitFileTests {
    @Test(.enabled(if: UnitFiles.systemdAnalyzeInstalled, "systemd-analyze is not installed"))
    func unitPassesSecurityAndVerify() throws {
        let result = try runProcess("/bin/bash", [packageRoot + "/scripts/systemd-check-unit.sh", UnitFiles.productsDirectory])
        #expect(result.status == 0, "check failed: \(result.standardError)")

        // Lines read "exposure: 1.5" and "exposure with <drop-in>: 1.8".
        var scores: [String: Double] = [:]
        for line in result.standardOutput.split(separator: "\n") {
            guard let colon = line.lastIndex(of: ":"), let score = Double(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)) else {
                Issue.record("unexpected line '\(line)'")
                continue
            }
            scores[String(line[..<colon])] = score
        }
        let unitScore = try #require(scores["exposure"], "no exposure score in '\(result.standardOutput)'")
        #expect(unitScore <= 1.5)

        let dropIns = try FileManager.default.contentsOfDirectory(atPath: UnitFiles.systemdDirectory + "/drop-ins")
        #expect(dropIns.sorted() == ["anonymous-mapping.conf", "maps-discovery.conf", "sysv-segment.conf"])
        for dropIn in dropIns {
            let score = try #require(scores["exposure with \(dropIn)"], "no score for \(dropIn)")
            #expect(score <= 2.0, "\(dropIn)")
        }
    }

    @Test func unitKeepsTheScoreboardReadable() throws {
        let settings = try UnitFiles.serviceSettings()
        func values(_ key: String) -> [String] { settings.filter { $0.key == key }.map(\.value) }

        #expect(values("Type") == ["notify"])
        #expect(values("NotifyAccess") == ["main"])
        #expect(values("ExecStart") == ["@BINDIR@/scoreboard-collector"])
        #expect(values("ExecReload") == ["/bin/kill -HUP $MAINPID"])
        #expect(values("User") == ["scoreboard-collector"])
        #expect(values("Group") == ["scoreboard-collector"])
        #expect(!values("WatchdogSec").isEmpty)

        // CAP_DAC_READ_SEARCH opens the 0600 root-owned POSIX object.
        #expect(values("AmbientCapabilities") == ["CAP_DAC_READ_SEARCH"])
        #expect(values("CapabilityBoundingSet") == ["CAP_DAC_READ_SEARCH"])

        // Settings that would hide Apache from the daemon.
        #expect(values("ProtectProc") == ["default"], "hidepid would hide root's Apache parent in /proc")
        #expect(values("ProcSubset") == ["all"], "subset=pid would hide /proc/stat")
        #expect(!values("PrivateUsers").contains("yes"), "capabilities in a user namespace do not reach root's objects")
        #expect(!values("PrivateIPC").contains("yes"), "a private IPC namespace hides SysV scoreboards")
        #expect(values("RestrictAddressFamilies") == ["AF_INET AF_INET6 AF_UNIX"])
        #expect(values("IPAddressDeny") == ["any"])
        #expect(values("IPAddressAllow") == ["localhost"])
    }

    @Test(.enabled(if: UnitFiles.canApplySysusersAndTmpfiles, "needs root, systemd-sysusers and systemd-tmpfiles"))
    func sysusersAndTmpfilesCreateUserAndDirectories() throws {
        let root = try TemporaryDirectory("sysroot")
        defer { root.remove() }
        for directory in ["/etc", "/usr/lib/sysusers.d", "/usr/lib/tmpfiles.d"] {
            try FileManager.default.createDirectory(atPath: root.path + directory, withIntermediateDirectories: true)
        }
        // A Debian base system already has www-data (uid and gid 33).
        try root.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n")
        try root.write("etc/group", "root:x:0:\nwww-data:x:33:\n")
        try FileManager.default.copyItem(
            atPath: UnitFiles.systemdDirectory + "/scoreboard-collector.sysusers",
            toPath: root.path + "/usr/lib/sysusers.d/scoreboard-collector.conf"
        )
        try FileManager.default.copyItem(
            atPath: UnitFiles.systemdDirectory + "/scoreboard-collector.tmpfiles",
            toPath: root.path + "/usr/lib/tmpfiles.d/scoreboard-collector.conf"
        )

        let sysusers = try runProcess(try #require(UnitFiles.sysusers), ["--root=\(root.path)"])
        #expect(sysusers.status == 0, "systemd-sysusers: \(sysusers.standardError)")
        let passwd = try String(contentsOfFile: root.path + "/etc/passwd", encoding: .utf8)
        let group = try String(contentsOfFile: root.path + "/etc/group", encoding: .utf8)

        let userLine = try #require(passwd.split(separator: "\n").first { $0.hasPrefix("scoreboard-collector:") })
        let userFields = userLine.split(separator: ":", omittingEmptySubsequences: false)
        #expect(userFields[5] == "/nonexistent")
        #expect(userFields[6].hasSuffix("nologin"))

        let groupLine = try #require(group.split(separator: "\n").first { $0.hasPrefix("scoreboard-collector:") })
        let groupFields = groupLine.split(separator: ":", omittingEmptySubsequences: false)
        #expect(groupFields[3] == "www-data", "www-data joins the group to write WSGI segments")
        let groupID = try #require(UInt32(groupFields[2]))
        #expect(userFields[3] == groupFields[2], "the user's primary group is scoreboard-collector")

        let tmpfiles = try runProcess(try #require(UnitFiles.tmpfiles), ["--root=\(root.path)", "--create"])
        #expect(tmpfiles.status == 0, "systemd-tmpfiles: \(tmpfiles.standardError)")

        var parent = stat()
        #expect(stat(root.path + "/run/scoreboard-collector", &parent) == 0)
        #expect(parent.st_mode & 0o7777 == 0o755)
        #expect(parent.st_uid == 0)
        #expect(parent.st_gid == 0)

        var wsgi = stat()
        #expect(stat(root.path + "/run/scoreboard-collector/wsgi", &wsgi) == 0)
        #expect(wsgi.st_mode & 0o7777 == 0o2770)
        #expect(wsgi.st_uid == 0)
        #expect(wsgi.st_gid == groupID)
    }
}
