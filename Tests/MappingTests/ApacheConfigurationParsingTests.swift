import Testing
@testable import ScoreboardSources

@Suite struct ApacheConfigurationParsingTests {
    @Test func wordsWithQuotesAndEscapes() {
        #expect(ApacheConfigurationWords.split("a  b\tc") == ["a", "b", "c"])
        #expect(ApacheConfigurationWords.split(#"LogFormat "%h \"%r\"" common"#) == ["LogFormat", #"%h "%r""#, "common"])
        #expect(ApacheConfigurationWords.split("x 'a b' \"\"") == ["x", "a b", ""])
        #expect(ApacheConfigurationWords.split(#"path C:\dir\file"#) == ["path", #"C:\dir\file"#])
        #expect(ApacheConfigurationWords.split("\"unterminated quote") == ["unterminated quote"])
        #expect(ApacheConfigurationWords.split("   ") == [])
    }

    @Test func linesJoinContinuations() {
        let lines = ApacheConfigurationLine.split(Array("a \\\n b\n\nc\\ \nd\\".utf8))
        #expect(lines == [
            ApacheConfigurationLine(text: "a  b", lineNumber: 1),
            ApacheConfigurationLine(text: "", lineNumber: 3),
            ApacheConfigurationLine(text: "c\\", lineNumber: 4),
            ApacheConfigurationLine(text: "d", lineNumber: 5),
        ])
    }

    @Test func variableExpansionKeepsUndefined() {
        let expansion = ApacheVariableExpansion("${A}/x/${B}/${A}${", variables: ["A": "1"])
        #expect(expansion.text == "1/x/${B}/1${")
        #expect(expansion.undefinedNames == ["B"])
    }

    @Test func moduleIdentifiers() {
        #expect(ApacheConfigurationWalker.moduleName(forIdentifier: "mod_status.c") == "status_module")
        #expect(ApacheConfigurationWalker.moduleName(forIdentifier: "event.c") == "mpm_event_module")
        #expect(ApacheConfigurationWalker.moduleName(forIdentifier: "prefork.c") == "mpm_prefork_module")
        #expect(ApacheConfigurationWalker.moduleName(forIdentifier: "mpm_worker_module") == "mpm_worker_module")
        #expect(ApacheConfigurationWalker.moduleName(forIdentifier: "core.c") == "core_module")
    }

    @Test func debianEnvironmentFile() throws {
        let text = try String(decoding: ApacheConfigurationFile.read("/etc/apache2/envvars").get(), as: UTF8.self)
        let environment = ApacheEnvironmentFile(
            text: text, path: "/etc/apache2/envvars", seed: ["APACHE_CONFDIR": "/etc/apache2", "SUFFIX": ""])

        #expect(environment.variables["APACHE_RUN_USER"] == "www-data")
        #expect(environment.variables["APACHE_RUN_GROUP"] == "www-data")
        #expect(environment.variables["APACHE_PID_FILE"] == "/var/run/apache2/apache2.pid")
        #expect(environment.variables["APACHE_RUN_DIR"] == "/var/run/apache2")
        #expect(environment.variables["APACHE_LOG_DIR"] == "/var/log/apache2")
        #expect(environment.variables["LANG"] == "C")
    }

    @Test func environmentFileQuoting() {
        let environment = ApacheEnvironmentFile(
            text: """
                export A='single $B'
                B="double ${A}"
                C=plain\\ word; D=ignored
                E=${NOPE}
                F=${A#x}
                case "$1" in
                  x) G=inside ;;
                esac
                if [ -n "$X" ]; then H=inside; fi
                I=after

                """,
            path: "envvars", seed: [:])

        #expect(environment.variables["A"] == "single $B")
        #expect(environment.variables["B"] == "double single $B")
        #expect(environment.variables["C"] == "plain word")
        #expect(environment.variables["E"] == nil)
        #expect(environment.unknownVariables["E"]?.contains("envvars:4") == true)
        #expect(environment.variables["F"] == nil)
        #expect(environment.variables["G"] == nil)
        #expect(environment.variables["H"] == nil)
        #expect(environment.variables["I"] == "after")
    }
}
