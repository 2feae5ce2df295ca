import Foundation
import Testing

/// Malformed or oversized requests get a JSON error and the connection closes.
@Suite struct RequestValidationTests {
    /// Sends `request`, reads the response and checks that the server then closes.
    private func rejection(_ request: String, server: TestServer) throws -> (response: RawResponse, code: String?) {
        let client = try RawClient(port: server.port)
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.header("connection") == "close")
        #expect(try client.readsEndOfStream())
        return (response, try errorObject(response)["code"] as? String)
    }

    @Test(arguments: [
        ("GET /hello\r\n\r\n", "invalid_request_line"),
        ("GET  /hello HTTP/1.1\r\nHost: a\r\n\r\n", "invalid_request_line"),
        ("GET /hello HTTP/1.1 extra\r\nHost: a\r\n\r\n", "invalid_request_line"),
        ("G(T /hello HTTP/1.1\r\nHost: a\r\n\r\n", "invalid_method"),
        ("GET /hello HTTPS/1.1\r\nHost: a\r\n\r\n", "invalid_version"),
        ("GET /hello HTTP/1.10\r\nHost: a\r\n\r\n", "invalid_version"),
        ("GET hello HTTP/1.1\r\nHost: a\r\n\r\n", "invalid_target"),
        ("GET /hello#top HTTP/1.1\r\nHost: a\r\n\r\n", "invalid_target"),
        ("GET * HTTP/1.1\r\nHost: a\r\n\r\n", "invalid_target"),
        ("GET /hello\u{7F} HTTP/1.1\r\nHost: a\r\n\r\n", "invalid_target"),
        ("GET /hello HTTP/1.1\nHost: a\n\n", "bare_line_feed"),
        ("GET /hello HTTP/1.1\r\nHost: a\n\r\n", "bare_line_feed"),
    ])
    func malformedRequestLineIs400(request: String, code: String) throws {
        let server = try TestServer()
        let (response, errorCode) = try rejection(request, server: server)

        #expect(response.status == 400)
        #expect(errorCode == code)
    }

    @Test(arguments: [
        ("GET /hello HTTP/1.1\r\nHost : a\r\n\r\n", "invalid_header"),
        ("GET /hello HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n  two\r\n\r\n", "obsolete_line_folding"),
        ("GET /hello HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", "invalid_header"),
        ("GET /hello HTTP/1.1\r\nHost: a\r\nX-Bad: a\u{01}b\r\n\r\n", "invalid_header"),
        ("GET /hello HTTP/1.1\r\nHost: a\r\nBad[name]: x\r\n\r\n", "invalid_header"),
        ("GET /hello HTTP/1.1\r\n\r\n", "missing_host"),
        ("GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "duplicate_host"),
        ("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nxx", "duplicate_content_length"),
        ("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nx", "invalid_content_length"),
        ("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "invalid_content_length"),
        ("GET /hello HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", "unexpected_body"),
        ("GET /hello HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "unexpected_body"),
        ("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", "unexpected_body"),
    ])
    func badHeaderIs400(request: String, code: String) throws {
        let server = try TestServer()
        let (response, errorCode) = try rejection(request, server: server)

        #expect(response.status == 400)
        #expect(errorCode == code)
    }

    @Test func chunkedBodyIs501() throws {
        let server = try TestServer()
        let (response, code) = try rejection(
            "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            server: server
        )

        #expect(response.status == 501)
        #expect(code == "transfer_encoding_not_supported")
    }

    @Test(arguments: ["/hello%", "/hello%2", "/hello%zz", "/hello?a=%G1", "/hello?%", "/hello%00", "/hello%C3%28"])
    func badPercentEncodingIs400(target: String) throws {
        let server = try TestServer()
        let (response, code) = try rejection("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", server: server)

        #expect(response.status == 400)
        #expect(code == "invalid_percent_encoding")
    }

    @Test func badQueryValueIs400FromHandler() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /items?limit=abc HTTP/1.1\r\nHost: a\r\n\r\n")
        let invalid = try client.readResponse()
        try client.send("GET /items?limit=0 HTTP/1.1\r\nHost: a\r\n\r\n")
        let outOfRange = try client.readResponse()
        try client.send("GET /items?limt=5 HTTP/1.1\r\nHost: a\r\n\r\n")
        let misspelt = try client.readResponse()
        try client.send("GET /items?limit=5&limit=6 HTTP/1.1\r\nHost: a\r\n\r\n")
        let repeated = try client.readResponse()
        try client.send("GET /items?limit=5&since=1700000000 HTTP/1.1\r\nHost: a\r\n\r\n")
        let valid = try client.readResponse()

        #expect(invalid.status == 400)
        #expect(try errorObject(invalid)["code"] as? String == "invalid_parameter")
        #expect(try errorObject(invalid)["message"] as? String == "invalid limit 'abc': give a whole number from 1 to 86400")
        #expect(outOfRange.status == 400)
        #expect(try errorObject(outOfRange)["message"] as? String == "invalid limit '0': give a whole number from 1 to 86400")
        #expect(misspelt.status == 400)
        #expect(try errorObject(misspelt)["message"] as? String == "unknown parameter 'limt': use one of limit, since")
        #expect(repeated.status == 400)
        #expect(valid.status == 200)
        #expect(valid.bodyText == #"{"limit":5,"since":1700000000}"#)
    }

    @Test func queryIsPercentDecoded() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "GET /query?a=1%2B1&b=x+y&c&=d&&e=%C3%A9 HTTP/1.1\r\nHost: a\r\n\r\n")

        #expect(response.status == 200)
        #expect(response.bodyText == "a=1+1\nb=x y\nc=\n=d\ne=é")
    }

    @Test func longTargetIs414() throws {
        let server = try TestServer()
        let target = "/hello?pad=" + String(repeating: "a", count: 5000)
        let (response, code) = try rejection("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", server: server)

        #expect(response.status == 414)
        #expect(code == "uri_too_long")
    }

    @Test func targetOverConfiguredLimitIs414() throws {
        let server = try TestServer { $0.maxRequestTargetBytes = 100 }
        let target = "/hello?pad=" + String(repeating: "a", count: 100)
        let (response, code) = try rejection("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", server: server)

        #expect(response.status == 414)
        #expect(code == "uri_too_long")
    }

    @Test func oversizedHeadIs431() throws {
        let server = try TestServer()
        let padding = (0..<100).map { "X-Pad-\($0): \(String(repeating: "b", count: 90))\r\n" }.joined()
        let (response, code) = try rejection("GET /hello HTTP/1.1\r\nHost: a\r\n\(padding)\r\n", server: server)

        #expect(response.status == 431)
        #expect(code == "header_fields_too_large")
    }

    @Test func headerOverLimitWithoutEndIs431() throws {
        let server = try TestServer { $0.maxHeaderBytes = 1024 }
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: a\r\nX-Pad: \(String(repeating: "c", count: 2000))")
        let response = try client.readResponse()

        #expect(response.status == 431)
        #expect(try client.readsEndOfStream())
    }

    @Test func largeBodyIs413() throws {
        let server = try TestServer { $0.maxBodyBytes = 1000 }
        let body = String(repeating: "d", count: 1001)
        let (response, code) = try rejection("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n\(body)", server: server)

        #expect(response.status == 413)
        #expect(code == "content_too_large")
    }

    @Test func bodyWithinLimitIsReadAndConsumed() throws {
        let server = try TestServer { $0.maxBodyBytes = 1000 }
        let client = try RawClient(port: server.port)
        let body = String(repeating: "e", count: 1000)
        try client.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n\(body)GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        let echoed = try client.readResponse()
        let next = try client.readResponse()

        #expect(echoed.status == 200)
        #expect(echoed.bodyText == body)
        #expect(echoed.header("vary") == nil)
        #expect(next.status == 200)
        #expect(next.bodyText == TestServer.helloBody)
    }

    @Test func expectContinueGets100() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try client.readResponse(expectBody: false)
        try client.send("hello")
        let final = try client.readResponse()

        #expect(interim.status == 100)
        #expect(final.status == 200)
        #expect(final.bodyText == "hello")
    }

    @Test(arguments: ["PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET /hello HTTP/2.0\r\nHost: a\r\n\r\n", "GET /hello HTTP/3.0\r\nHost: a\r\n\r\n"])
    func otherMajorVersionIs505(request: String) throws {
        let server = try TestServer()
        let (response, code) = try rejection(request, server: server)

        #expect(response.status == 505)
        #expect(code == "http_version_not_supported")
    }

    @Test func leadingEmptyLinesAreIgnored() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "\r\n\r\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n")

        #expect(response.status == 200)
    }

    @Test func emptyLineSplitAcrossReads() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n\r")
        let first = try client.readResponse()
        try client.send("\nGET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        let second = try client.readResponse()

        #expect(first.status == 200)
        #expect(second.status == 200)
    }

    @Test func requestSentBytewiseIsParsed() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        for byte in "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n".utf8 {
            try client.send([byte])
        }
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(response.bodyText == TestServer.helloBody)
    }
}
