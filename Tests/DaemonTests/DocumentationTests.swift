import CollectorDaemon
import Foundation
import Testing

private enum Documentation {
    static let manualPage = packageRoot + "/docs/scoreboard-collector.8"
    static let operationsGuide = packageRoot + "/docs/operations.md"
    static let groff = findExecutable(["/usr/bin/groff", "/bin/groff"])
}

@Suite struct DocumentationTests {
    @Test func manualPageListsEveryOption() throws {
        let page = try String(contentsOfFile: Documentation.manualPage, encoding: .utf8)
        for definition in OptionTable.definitions {
            // troff writes a literal dash as \-; the dashes inside a name stay plain.
            #expect(page.contains("\\-\\-\(definition.name)"), "man page lacks --\(definition.name)")
        }
        for control in ["config", "once", "check-config", "help", "version"] {
            #expect(page.contains("\\-\\-\(control)"), "man page lacks --\(control)")
        }
        for section in ["SYNOPSIS", "OPTIONS", "CONFIGURATION FILE", "SIGNALS", "FILES", "EXIT STATUS", "SEE ALSO"] {
            #expect(page.contains(".SH \(section)"), "man page lacks section \(section)")
        }
    }

    @Test func manualPageShowsCurrentVersion() throws {
        let page = try String(contentsOfFile: Documentation.manualPage, encoding: .utf8)
        #expect(page.contains("\"scoreboard-collector \(CollectorVersion.string)\""))
    }

    @Test(.enabled(if: Documentation.groff != nil, "groff is not installed"))
    func manualPageRendersWithoutWarnings() throws {
        let result = try runProcess(try #require(Documentation.groff), ["-man", "-ww", "-z", Documentation.manualPage])
        #expect(result.status == 0)
        #expect(result.standardError == "")
    }

    @Test func operationsGuideNamesEveryDropIn() throws {
        let guide = try String(contentsOfFile: Documentation.operationsGuide, encoding: .utf8)
        let dropIns = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/systemd/drop-ins")
        #expect(!dropIns.isEmpty)
        for dropIn in dropIns {
            #expect(guide.contains("`\(dropIn)`"), "operations guide lacks \(dropIn)")
        }
    }

    @Test func reloadDocsMatchTheTable() throws {
        // Both documents name the settings that wait for a restart; they must match the table.
        let restartOnly = OptionTable.definitions.filter { !$0.appliesOnReload }.map(\.fileKey)
        #expect(restartOnly == ["listen", "history", "log_target"])

        let guide = try String(contentsOfFile: Documentation.operationsGuide, encoding: .utf8)
        #expect(guide.contains("`listen`, `history` and `log_target` keep their old value"))
        let page = try String(contentsOfFile: Documentation.manualPage, encoding: .utf8)
        #expect(page.contains(".BR listen ,\n.B history\nand\n.B log_target\ntake effect only after a restart"))
        let example = try String(contentsOfFile: packageRoot + "/systemd/scoreboard-collector.conf", encoding: .utf8)
        #expect(example.contains("listen, history and log_target take effect\n# only after"))
    }
}
