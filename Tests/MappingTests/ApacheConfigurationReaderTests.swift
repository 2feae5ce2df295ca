import Foundation
import Testing
@testable import ScoreboardSources

@Suite struct ApacheConfigurationReaderTests {
    private func snapshot(_ reader: ApacheConfigurationReader) throws -> ApacheConfigurationSnapshot {
        switch reader.read() {
        case .snapshot(let snapshot): return snapshot
        case .unavailable(let reason): throw reason
        }
    }

    private func snapshot(of tree: ApacheConfigurationTree, main: String = "httpd.conf") throws -> ApacheConfigurationSnapshot {
        try snapshot(ApacheConfigurationReader(mainConfigurationFile: tree.path(main), environmentFile: .none))
    }

    // Debian 12's /etc/apache2 as installed by the apache2 package. Values checked by hand:
    // mods-enabled/mpm_event.conf lines 8–13 are StartServers 2, MinSpareThreads 25,
    // MaxSpareThreads 75, ThreadLimit 64, ThreadsPerChild 25, MaxRequestWorkers 150.
    @Test func debianTreeIsEventWith150Workers() throws {
        let result = try snapshot(ApacheConfigurationReader())

        #expect(result.mpm.value == .event)
        #expect(result.mpm.source == .configured(.init(file: "/etc/apache2/mods-enabled/mpm_event.load", line: 2)))
        #expect(result.maxRequestWorkers.value == 150)
        #expect(result.maxRequestWorkers.source == .configured(.init(file: "/etc/apache2/mods-enabled/mpm_event.conf", line: 13)))
        #expect(result.maxRequestWorkers.adjustment == nil)
        #expect(result.threadsPerChild.value == 25)
        #expect(result.threadsPerChild.source.description == "configured in /etc/apache2/mods-enabled/mpm_event.conf:12")
        #expect(result.threadLimit.value == 64)
        #expect(result.serverLimit.value == 16)
        #expect(result.serverLimit.source == .apacheDefault(.event))
        #expect(result.serverLimit.source.description == "Apache default for mpm_event")
        #expect(result.startServers.value == 2)
        #expect(result.capacity == 150)
    }

    @Test func debianTreeRuntimeFiles() throws {
        let result = try snapshot(ApacheConfigurationReader())

        // apache2.conf:87 is "PidFile ${APACHE_PID_FILE}"; envvars exports
        // APACHE_PID_FILE=/var/run/apache2$SUFFIX/apache2.pid with an empty SUFFIX.
        #expect(result.pidFile.value == "/var/run/apache2/apache2.pid")
        #expect(result.pidFile.source == .configured(.init(file: "/etc/apache2/apache2.conf", line: 87)))
        #expect(result.scoreboardFile.value == nil)
        #expect(result.statusModule == .init(file: "/etc/apache2/mods-enabled/status.load", line: 1))
        #expect(result.extendedStatus.value == true)
        #expect(result.extendedStatus.source == .configured(.init(file: "/etc/apache2/mods-enabled/status.conf", line: 12)))
        #expect(result.filesRead.first == "/etc/apache2/apache2.conf")
        #expect(result.filesRead.contains("/etc/apache2/ports.conf"))
        #expect(result.filesRead.contains("/etc/apache2/sites-enabled/000-default.conf"))
        #expect(result.loadedModules.contains("mpm_event_module"))
        #expect(result.serverRoot == "/etc/apache2")
    }

    @Test func preforkWithMaxClients() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": """
                LoadModule mpm_prefork_module modules/mod_mpm_prefork.so
                <IfModule mpm_prefork_module>
                    MaxClients 120
                </IfModule>

                """,
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == .prefork)
        #expect(result.maxRequestWorkers.value == 120)
        #expect(result.maxRequestWorkers.source == .configured(.init(file: tree.path("httpd.conf"), line: 3)))
        #expect(result.threadsPerChild.value == 1)
        #expect(result.threadsPerChild.source == .fixedByMPM(.prefork))
        #expect(result.serverLimit.value == 256)
        #expect(result.startServers.value == 5)
    }

    @Test func preforkDefaults() throws {
        let tree = try ApacheConfigurationTree(["httpd.conf": "LoadModule mpm_prefork_module x.so\n"])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.maxRequestWorkers.value == 256)
        #expect(result.maxRequestWorkers.source == .apacheDefault(.prefork))
        #expect(result.serverLimit.value == 256)
        #expect(result.threadLimit.value == 1)
    }

    @Test func eventDefaults() throws {
        let tree = try ApacheConfigurationTree(["httpd.conf": "LoadModule mpm_event_module modules/mod_mpm_event.so\n"])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == .event)
        #expect(result.maxRequestWorkers.value == 400)
        #expect(result.maxRequestWorkers.source == .apacheDefault(.event))
        #expect(result.threadsPerChild.value == 25)
        #expect(result.serverLimit.value == 16)
        #expect(result.threadLimit.value == 64)
        #expect(result.startServers.value == 3)
        #expect(result.warnings.isEmpty)
    }

    @Test func workerDefaults() throws {
        let tree = try ApacheConfigurationTree(["httpd.conf": "LoadModule mpm_worker_module x.so\n"])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == .worker)
        #expect(result.maxRequestWorkers.value == 400)
        #expect(result.threadsPerChild.value == 25)
    }

    @Test func onlyLoadedMPMSectionsApply() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": """
                LoadModule mpm_event_module x.so
                LoadModule status_module y.so
                <IfModule mpm_prefork_module>
                    MaxRequestWorkers 10
                </IfModule>
                <IfModule mpm_worker_module>
                    ThreadsPerChild 5
                </IfModule>
                <IfModule !mpm_event_module>
                    ServerLimit 2
                </IfModule>
                <IfModule mpm_event_module>
                    MaxRequestWorkers 200
                    <IfModule prefork.c>
                        MaxRequestWorkers 20
                    </IfModule>
                </IfModule>
                <IfModule !mod_ssl.c>
                    StartServers 4
                </IfModule>
                <IfModule mod_status.c>
                    ExtendedStatus Off
                </IfModule>

                """,
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.maxRequestWorkers.value == 200)
        #expect(result.maxRequestWorkers.source == .configured(.init(file: tree.path("httpd.conf"), line: 13)))
        #expect(result.threadsPerChild.value == 25)
        #expect(result.serverLimit.value == 16)
        #expect(result.startServers.value == 4)
        #expect(result.extendedStatus.value == false)
        #expect(result.extendedStatus.source == .configured(.init(file: tree.path("httpd.conf"), line: 22)))
    }

    @Test func sectionBeforeLoadModuleDoesNotApply() throws {
        // httpd evaluates <IfModule> when it reads it, so a later LoadModule does not count.
        let tree = try ApacheConfigurationTree([
            "httpd.conf": """
                <IfModule mpm_event_module>
                    MaxRequestWorkers 50
                </IfModule>
                LoadModule mpm_event_module x.so

                """,
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.maxRequestWorkers.value == 400)
        #expect(result.maxRequestWorkers.source == .apacheDefault(.event))
    }

    @Test func includeGlobDirectoryAndRelativePaths() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": """
                Include mods/*.load
                IncludeOptional conf.d/*.conf
                IncludeOptional nothing-here/*.conf
                IncludeOptional missing.conf
                Include sub

                """,
            "mods/mpm_worker.load": "LoadModule mpm_worker_module x.so\n",
            "mods/status.load": "LoadModule status_module y.so\n",
            "conf.d/20-b.conf": "ThreadsPerChild 20\n",
            "conf.d/10-a.conf": "ThreadsPerChild 10\nServerLimit 20\n",
            "conf.d/ignored.txt": "ThreadsPerChild 1\n",
            "sub/x/inner.conf": "MaxRequestWorkers 300\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == .worker)
        #expect(result.threadsPerChild.value == 20)
        #expect(result.threadsPerChild.source == .configured(.init(file: tree.path("conf.d/20-b.conf"), line: 1)))
        #expect(result.serverLimit.value == 20)
        #expect(result.maxRequestWorkers.value == 300)
        #expect(result.maxRequestWorkers.source == .configured(.init(file: tree.path("sub/x/inner.conf"), line: 1)))
        #expect(result.filesRead == [
            tree.path("httpd.conf"), tree.path("mods/mpm_worker.load"), tree.path("mods/status.load"),
            tree.path("conf.d/10-a.conf"), tree.path("conf.d/20-b.conf"), tree.path("sub/x/inner.conf"),
        ])
        #expect(result.warnings.isEmpty)
    }

    @Test func serverRootDirectiveMovesRelativeIncludes() throws {
        let other = try ApacheConfigurationTree(["mpm.conf": "LoadModule mpm_event_module x.so\nThreadsPerChild 50\n"])
        defer { other.remove() }
        let tree = try ApacheConfigurationTree(["httpd.conf": "ServerRoot \"\(other.root)/\"\nInclude mpm.conf\n"])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.serverRoot == other.root)
        #expect(result.threadsPerChild.value == 50)
        #expect(result.maxRequestWorkers.value == 400)
    }

    @Test func includeCycleStops() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\nInclude a.conf\n",
            "a.conf": "ThreadsPerChild 10\nInclude b.conf\n",
            "b.conf": "MaxRequestWorkers 100\nInclude a.conf\nInclude httpd.conf\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.threadsPerChild.value == 10)
        #expect(result.maxRequestWorkers.value == 100)
        #expect(result.filesRead.count == 3)
        let cycles = result.warnings.filter { $0.hasPrefix("include cycle") }
        #expect(cycles.count == 2)
        #expect(cycles.first?.contains(tree.path("b.conf") + ":2") == true)
    }

    @Test func includeDepthLimit() throws {
        var files = ["httpd.conf": "LoadModule mpm_event_module x.so\nInclude level1.conf\n"]
        for level in 1...5 { files["level\(level).conf"] = "Include level\(level + 1).conf\n" }
        files["level6.conf"] = "MaxRequestWorkers 100\n"
        let tree = try ApacheConfigurationTree(files)
        defer { tree.remove() }
        let reader = ApacheConfigurationReader(
            mainConfigurationFile: tree.path("httpd.conf"), environmentFile: .none, maximumIncludeDepth: 3)
        let result = try snapshot(reader)

        #expect(result.mpm.value == .event)
        #expect(result.maxRequestWorkers.value == nil)
        guard case .unknown(let reason) = result.maxRequestWorkers.source else {
            Issue.record("expected unknown, got \(result.maxRequestWorkers)")
            return
        }
        #expect(reason.contains("include depth limit of 3"))
    }

    @Test func missingMainFileIsUnavailable() throws {
        let tree = try ApacheConfigurationTree([:])
        defer { tree.remove() }
        let reader = ApacheConfigurationReader(mainConfigurationFile: tree.path("absent.conf"))
        guard case .unavailable(let reason) = reader.read() else {
            Issue.record("expected unavailable")
            return
        }
        #expect(reason.kind == .absent)
        #expect(reason.errno == ENOENT)
        #expect(reason.object == tree.path("absent.conf"))
        #expect(reason.message.hasPrefix("cannot read \(tree.path("absent.conf")): No such file or directory"))
    }

    @Test func directoryAsMainFileIsUnavailable() throws {
        let tree = try ApacheConfigurationTree(["conf/placeholder": ""])
        defer { tree.remove() }
        let reader = ApacheConfigurationReader(mainConfigurationFile: tree.path("conf"))
        guard case .unavailable(let reason) = reader.read() else {
            Issue.record("expected unavailable")
            return
        }
        #expect(reason.kind == .systemError)
        #expect(reason.errno == EISDIR)
        #expect(reason.message.contains("Is a directory"))
    }

    /// A file that even root may not read: procfs checks the 0200 mode of this sysctl without
    /// CAP_DAC_OVERRIDE, so open(O_RDONLY) fails with EACCES. The tests only try to read it.
    static let unreadableFile = "/proc/sys/vm/drop_caches"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: unreadableFile)))
    func unreadableMainFileIsPermissionDenied() throws {
        let reader = ApacheConfigurationReader(mainConfigurationFile: Self.unreadableFile, environmentFile: .none)
        guard case .unavailable(let reason) = reader.read() else {
            Issue.record("expected unavailable")
            return
        }
        #expect(reason.kind == .permissionDenied)
        #expect(reason.errno == EACCES)
        #expect(reason.message.hasPrefix("cannot read /proc/sys/vm/drop_caches: Permission denied"))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: unreadableFile)))
    func unreadableIncludeMakesCapacityUnknown() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\nInclude \(Self.unreadableFile)\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == .event)
        #expect(result.capacity == nil)
        #expect(result.maxRequestWorkers.source.description.contains("cannot read /proc/sys/vm/drop_caches: Permission denied"))
        #expect(result.pidFile.value == nil)
        #expect(result.extendedStatus.value == nil)
    }

    @Test func missingRequiredIncludeMakesCapacityUnknown() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\nInclude gone.conf\nMaxRequestWorkers 100\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == .event)
        #expect(result.capacity == nil)
        #expect(result.threadsPerChild.value == nil)
        guard case .unknown(let reason) = result.maxRequestWorkers.source else {
            Issue.record("expected unknown, got \(result.maxRequestWorkers)")
            return
        }
        #expect(reason.contains(tree.path("gone.conf")))
        #expect(reason.contains("httpd.conf:2"))
    }

    @Test func danglingIncludedSymlinkMakesCapacityUnknown() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\nIncludeOptional sites/*.conf\n",
            "sites/good.conf": "MaxRequestWorkers 100\n",
        ])
        defer { tree.remove() }
        try FileManager.default.createSymbolicLink(
            atPath: tree.path("sites/broken.conf"), withDestinationPath: tree.path("sites-available/removed.conf"))
        let result = try snapshot(of: tree)

        #expect(result.capacity == nil)
        let expected = "cannot read \(tree.path("sites/broken.conf")): No such file or directory"
        #expect(result.maxRequestWorkers.source.description.contains(expected))
        #expect(result.warnings.contains { $0.hasPrefix(expected) })
        #expect(result.filesRead.contains(tree.path("sites/good.conf")))
    }

    @Test func lineContinuationAndComments() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule \\\n    mpm_event_module x.so\r\n"
                + "# a comment ending in a backslash swallows the next line \\\n"
                + "MaxRequestWorkers 75\n"
                + "   ThreadsPerChild \\\n"
                + "      50\n"
                + "MaxRequest\\\nWorkers 250\r\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == .event)
        #expect(result.threadsPerChild.value == 50)
        #expect(result.threadsPerChild.source == .configured(.init(file: tree.path("httpd.conf"), line: 5)))
        #expect(result.maxRequestWorkers.value == 250)
        #expect(result.maxRequestWorkers.source == .configured(.init(file: tree.path("httpd.conf"), line: 7)))
    }

    @Test func quotedArgumentsAndDirectiveCase() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": """
                loadmodule mpm_event_module "/usr/lib/apache2/modules/mod_mpm_event.so"
                MAXREQUESTWORKERS "200"
                threadsperchild '20'
                <ifmodule "mpm_event_module">
                    startservers 6
                </IFMODULE>

                """,
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.maxRequestWorkers.value == 200)
        #expect(result.threadsPerChild.value == 20)
        #expect(result.startServers.value == 6)
    }

    @Test func serverLimitClampsMaxRequestWorkers() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\nServerLimit 16\nThreadsPerChild 25\nMaxRequestWorkers 1000\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.maxRequestWorkers.value == 400)
        #expect(result.maxRequestWorkers.source == .configured(.init(file: tree.path("httpd.conf"), line: 4)))
        #expect(result.maxRequestWorkers.adjustment
            == "decreased from 1000 to 400 because ServerLimit 16 × ThreadsPerChild 25 = 400")
        #expect(result.warnings.contains { $0.hasPrefix("MaxRequestWorkers decreased from 1000 to 400") })
    }

    @Test func maxRequestWorkersRoundsDownToThreadsMultiple() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_worker_module x.so\nMaxRequestWorkers 130\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.maxRequestWorkers.value == 125)
        #expect(result.maxRequestWorkers.adjustment == "decreased from 130 to 125 because it must be a multiple of ThreadsPerChild 25")
    }

    @Test func threadLimitClampsThreadsPerChild() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\nThreadsPerChild 100\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.threadsPerChild.value == 64)
        #expect(result.threadLimit.value == 64)
        // 400 default workers / 64 threads = 6 processes, rounded down to 384.
        #expect(result.maxRequestWorkers.value == 384)
    }

    @Test func preforkServerLimitClamp() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_prefork_module x.so\nServerLimit 50\nMaxRequestWorkers 80\nThreadsPerChild 4\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.maxRequestWorkers.value == 50)
        #expect(result.maxRequestWorkers.adjustment == "decreased from 80 to 50 because ServerLimit is 50")
        #expect(result.threadsPerChild.value == 1)
        #expect(result.warnings.contains { $0.contains("ThreadsPerChild at \(tree.path("httpd.conf")):4 is not a prefork directive") })
    }

    @Test func noMPMIsUnknown() throws {
        let tree = try ApacheConfigurationTree(["httpd.conf": "MaxRequestWorkers 100\n"])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == nil)
        #expect(result.capacity == nil)
        guard case .unknown(let reason) = result.mpm.source else {
            Issue.record("expected unknown MPM")
            return
        }
        #expect(reason.contains("no LoadModule line for mpm_event_module"))
        #expect(result.maxRequestWorkers.source.description.hasPrefix("unknown: the MPM is unknown"))
    }

    @Test func twoMPMsAreUnknown() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\nLoadModule mpm_prefork_module y.so\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.mpm.value == nil)
        #expect(result.capacity == nil)
        #expect(result.mpm.source.description.contains("more than one MPM"))
    }

    @Test func nonNumericValueIsUnknown() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\nMaxRequestWorkers lots\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.capacity == nil)
        #expect(result.maxRequestWorkers.source.description.contains("needs one integer argument, not 'lots'"))
        #expect(result.threadsPerChild.value == 25)
    }

    @Test func extendedStatusDefaults() throws {
        let withStatus = try ApacheConfigurationTree(["httpd.conf": "LoadModule mpm_event_module x.so\nLoadModule status_module y.so\n"])
        defer { withStatus.remove() }
        let loaded = try snapshot(of: withStatus)
        #expect(loaded.extendedStatus.value == true)
        #expect(loaded.statusModule == .init(file: withStatus.path("httpd.conf"), line: 2))

        let withoutStatus = try ApacheConfigurationTree(["httpd.conf": "LoadModule mpm_event_module x.so\n"])
        defer { withoutStatus.remove() }
        let absent = try snapshot(of: withoutStatus)
        #expect(absent.extendedStatus.value == false)
        #expect(absent.statusModule == nil)

        let off = try ApacheConfigurationTree(["httpd.conf": "LoadModule status_module y.so\nExtendedStatus off\n"])
        defer { off.remove() }
        let configured = try snapshot(of: off)
        #expect(configured.extendedStatus.value == false)
        #expect(configured.extendedStatus.source == .configured(.init(file: off.path("httpd.conf"), line: 2)))
    }

    @Test func ifDefineUnknownIsSkipped() throws {
        let files = [
            "httpd.conf": """
                LoadModule mpm_event_module x.so
                <IfDefine TUNED>
                    MaxRequestWorkers 100
                </IfDefine>
                Define LOCAL
                <IfDefine LOCAL>
                    ThreadsPerChild 10
                </IfDefine>
                <IfDefine !LOCAL>
                    ThreadsPerChild 99
                </IfDefine>

                """,
        ]
        let tree = try ApacheConfigurationTree(files)
        defer { tree.remove() }

        let unknownDefines = try snapshot(of: tree)
        // Default 400 workers at 10 threads would need 40 processes; ServerLimit 16 allows 160.
        #expect(unknownDefines.maxRequestWorkers.value == 160)
        #expect(unknownDefines.maxRequestWorkers.source == .apacheDefault(.event))
        #expect(unknownDefines.threadsPerChild.value == 10)
        #expect(unknownDefines.warnings.contains { $0.hasPrefix("skipped <IfDefine TUNED> at \(tree.path("httpd.conf")):2") })

        let known = try snapshot(ApacheConfigurationReader(
            mainConfigurationFile: tree.path("httpd.conf"), environmentFile: .none, commandLineDefines: ["TUNED"]))
        #expect(known.maxRequestWorkers.value == 100)
    }

    @Test func variablesFromEnvironmentFileAndDefine() throws {
        let tree = try ApacheConfigurationTree([
            "envvars": """
                unset HOME
                if [ "$X" != "" ] ; then
                    export APACHE_RUN_DIR=/wrong
                fi
                export APACHE_RUN_DIR=/run/test-apache$SUFFIX
                export APACHE_PID_FILE="${APACHE_RUN_DIR}/httpd.pid"
                export APACHE_LOG_DIR=$(pwd)/log

                """,
            "httpd.conf": """
                Define MPM_FILE mpm.conf
                Include ${MPM_FILE}
                DefaultRuntimeDir ${APACHE_RUN_DIR}
                PidFile ${APACHE_PID_FILE}
                ScoreboardFile scoreboard
                ErrorLog ${APACHE_LOG_DIR}/error.log
                CustomLog ${UNSET_ANYWHERE}/access.log combined

                """,
            "mpm.conf": "LoadModule mpm_event_module x.so\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(ApacheConfigurationReader(mainConfigurationFile: tree.path("httpd.conf")))

        #expect(result.mpm.value == .event)
        #expect(result.pidFile.value == "/run/test-apache/httpd.pid")
        // httpd 2.4.71 resolves a relative ScoreboardFile against ServerRoot, not DefaultRuntimeDir.
        #expect(result.scoreboardFile.value == tree.path("scoreboard"))
        #expect(result.scoreboardFile.source == .configured(.init(file: tree.path("httpd.conf"), line: 5)))
    }

    @Test func undefinedVariableInPidFileIsUnknown() throws {
        let tree = try ApacheConfigurationTree([
            "envvars": "export APACHE_PID_FILE=$(cat /somewhere)\n",
            "httpd.conf": "LoadModule mpm_event_module x.so\nPidFile ${APACHE_PID_FILE}\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(ApacheConfigurationReader(mainConfigurationFile: tree.path("httpd.conf")))

        #expect(result.pidFile.value == nil)
        let text = result.pidFile.source.description
        #expect(text.contains("undefined variable APACHE_PID_FILE"))
        #expect(text.contains("command substitution"))
        #expect(result.capacity == 400)
    }

    @Test func unclosedSectionWarns() throws {
        let tree = try ApacheConfigurationTree([
            "httpd.conf": "LoadModule mpm_event_module x.so\n<VirtualHost *:80>\nMaxRequestWorkers 100\n",
        ])
        defer { tree.remove() }
        let result = try snapshot(of: tree)

        #expect(result.maxRequestWorkers.value == 100)
        #expect(result.warnings.contains { $0.hasPrefix("<virtualhost> opened at \(tree.path("httpd.conf")):2 is not closed") })
    }

    @Test func randomContentNeverTraps() throws {
        let tree = try ApacheConfigurationTree(["httpd.conf": ""])
        defer { tree.remove() }
        let reader = ApacheConfigurationReader(mainConfigurationFile: tree.path("httpd.conf"), environmentFile: .none)
        let pieces = [
            "<IfModule ", "</IfModule>", "<", ">", "\\\n", "\n", "\"", "'", "${", "}", "#", " ", "\t",
            "MaxRequestWorkers ", "ThreadsPerChild ", "LoadModule mpm_event_module x\n", "Include ",
            "IncludeOptional *", "!", "99999999999999999999", "-5", "\r", "\u{0}", "é",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let text = (0..<Int.random(in: 0...60, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }
                .joined()
            try tree.write("httpd.conf", text)
            guard case .snapshot(let result) = reader.read() else {
                Issue.record("a readable file gave unavailable")
                continue
            }
            #expect(result.filesRead.first == tree.path("httpd.conf"))
            if let capacity = result.capacity { #expect(capacity >= 1) }
        }
    }
}
