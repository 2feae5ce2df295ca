import Foundation
import Testing

/// Requests sent with Debian's curl.
@Suite struct CurlTests {
    private static let curl = "/usr/bin/curl"

    private func curl(_ server: TestServer, _ arguments: [String]) throws -> ToolResult {
        try runTool(Self.curl, ["--silent", "--show-error", "--max-time", "10"] + arguments)
    }

    @Test func curlGetsJSON() throws {
        let server = try TestServer()
        let result = try curl(server, ["--write-out", "\n%{http_code} %{size_download}", "http://127.0.0.1:\(server.port)/hello"])
        let lines = result.outputText.split(separator: "\n")

        #expect(result.status == 0)
        #expect(lines.first.map(String.init) == TestServer.helloBody)
        #expect(lines.last.map(String.init) == "200 \(TestServer.helloBody.utf8.count)")
    }

    @Test func curlCompressedMatchesOriginal() throws {
        let server = try TestServer()
        let url = "http://127.0.0.1:\(server.port)/large?bytes=200000"
        let result = try curl(server, ["--compressed", "--dump-header", "/dev/stderr", url])

        #expect(result.status == 0)
        #expect(result.output == TestServer.largeBody(count: 200_000))
        #expect(result.errorOutput.lowercased().contains("content-encoding: gzip"))
    }

    @Test func curlHeadShowsLength() throws {
        let server = try TestServer()
        let result = try curl(server, ["--head", "http://127.0.0.1:\(server.port)/large?bytes=5000"])

        #expect(result.status == 0)
        #expect(result.outputText.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(result.outputText.lowercased().contains("content-length: 5000\r\n"))
    }

    @Test func curlReusesConnection() throws {
        let server = try TestServer()
        let url = "http://127.0.0.1:\(server.port)/hello"
        let result = try curl(server, ["--write-out", "%{num_connects}\n", "--output", "/dev/null", url, "--output", "/dev/null", url])

        #expect(result.status == 0)
        #expect(result.outputText == "1\n0\n")
    }

    @Test func curlSees404And405() throws {
        let server = try TestServer()
        let notFound = try curl(server, ["--write-out", "\n%{http_code}", "http://127.0.0.1:\(server.port)/missing"])
        let notAllowed = try curl(server, ["--request", "DELETE", "--write-out", "\n%{http_code}", "http://127.0.0.1:\(server.port)/hello"])

        #expect(notFound.outputText.hasSuffix("\n404"))
        #expect(notFound.outputText.contains(#""code":"not_found""#))
        #expect(notAllowed.outputText.hasSuffix("\n405"))
    }

    @Test func curlPostsBody() throws {
        let server = try TestServer()
        let result = try curl(server, ["--data-binary", "payload", "http://127.0.0.1:\(server.port)/echo"])

        #expect(result.status == 0)
        #expect(result.outputText == "payload")
    }

    @Test func curlHTTP2PriorKnowledgeIsRejected() throws {
        let server = try TestServer()
        let result = try curl(server, ["--http2-prior-knowledge", "http://127.0.0.1:\(server.port)/hello"])

        // curl reports an HTTP/2 framing error because the server responds in HTTP/1.1.
        #expect(result.status != 0)
        let after = try rawExchange(port: server.port, "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(after.status == 200)
    }
}
