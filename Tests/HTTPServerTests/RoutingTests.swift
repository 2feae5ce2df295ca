import Foundation
import Testing
@testable import HTTPServer

@Suite struct RoutingTests {
    @Test func getReturnsBodyAndLength() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(response.status == 200)
        #expect(response.bodyText == TestServer.helloBody)
        #expect(response.header("content-length") == String(TestServer.helloBody.utf8.count))
        #expect(response.header("content-type") == "application/json")
        #expect(response.header("cache-control") == "no-store")
        #expect(response.header("vary") == "Accept-Encoding")
        #expect(response.header("server") == "scoreboard-collector-test")
        #expect(response.header("date")?.hasSuffix(" GMT") == true)
        #expect(response.header("content-encoding") == nil)
    }

    @Test func headHasGetHeadersWithoutBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /large HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let get = try client.readResponse()
        try client.send("HEAD /large HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let head = try client.readResponse(expectBody: false)

        // A body sent after the HEAD response would be read as the start of this response.
        try client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let next = try client.readResponse()

        #expect(head.status == 200)
        #expect(head.header("content-length") == get.header("content-length"))
        #expect(head.header("content-length") == "4096")
        #expect(head.header("content-type") == get.header("content-type"))
        #expect(next.status == 200)
        #expect(next.bodyText == TestServer.helloBody)
    }

    @Test func unknownPathIsJSON404() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(response.status == 404)
        #expect(response.header("content-type") == "application/json")
        #expect(response.bodyText == #"{"error":{"status":404,"code":"not_found","message":"no route for /x; see /v1/ for the list"}}"#)
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "DELETE /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let error = try errorObject(response)

        #expect(response.status == 405)
        #expect(response.header("allow") == "GET, HEAD, OPTIONS")
        #expect(error["code"] as? String == "method_not_allowed")
        #expect(error["message"] as? String == "method DELETE is not allowed on /hello: use GET, HEAD, OPTIONS")
    }

    @Test func postRouteRejectsGet() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "GET /echo HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(response.status == 405)
        #expect(response.header("allow") == "OPTIONS, POST, PUT")
    }

    @Test func optionsIs204WithAllow() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "OPTIONS /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let asterisk = try rawExchange(port: server.port, "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(response.status == 204)
        #expect(response.header("allow") == "GET, HEAD, OPTIONS")
        #expect(response.header("content-length") == nil)
        #expect(asterisk.status == 204)
    }

    @Test func headOnErrorHasNoBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("HEAD /missing HTTP/1.1\r\nHost: localhost\r\n\r\nGET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let head = try client.readResponse(expectBody: false)
        let next = try client.readResponse()

        #expect(head.status == 404)
        #expect(Int(head.header("content-length") ?? "") ?? 0 > 0)
        #expect(next.status == 200)
        #expect(next.bodyText == TestServer.helloBody)
    }

    @Test func optionsOnUnknownPathIs404() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "OPTIONS /missing HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(response.status == 404)
    }

    @Test func lowercaseMethodIsNotGet() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "get /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(response.status == 405)
    }

    @Test func handlerHTTPErrorKeepsConnection() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /conflict HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let conflict = try client.readResponse()
        try client.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let hello = try client.readResponse()

        #expect(conflict.status == 409)
        #expect(conflict.bodyText == #"{"error":{"status":409,"code":"conflict","message":"test conflict: retry"}}"#)
        #expect(hello.status == 200)
    }

    @Test func throwingHandlerGives500AndServes() throws {
        let server = try TestServer()
        let failed = try rawExchange(port: server.port, "GET /throws HTTP/1.1\r\nHost: localhost\r\n\r\n")
        let error = try errorObject(failed)
        let after = try rawExchange(port: server.port, "GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(failed.status == 500)
        #expect(error["code"] as? String == "internal_error")
        #expect((error["message"] as? String)?.contains("test handler failure") == true)
        #expect(after.status == 200)
        #expect(server.errors.all == ["handler for GET /throws failed: test handler failure"])
    }

    @Test func percentDecodedPathMatchesRoute() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "GET /path%20with%20space HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(response.status == 200)
        #expect(response.bodyText == "/path with space")
    }

    @Test func absoluteFormTargetIsRouted() throws {
        let server = try TestServer()
        let response = try rawExchange(port: server.port, "GET http://localhost/hello HTTP/1.1\r\nHost: localhost\r\n\r\n")

        #expect(response.status == 200)
        #expect(response.bodyText == TestServer.helloBody)
    }

    @Test func requestLogHookRecordsEntries() throws {
        let server = try TestServer()
        _ = try rawExchange(port: server.port, "GET /hello?a=1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        _ = try rawExchange(port: server.port, "GET /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n")
        _ = try rawExchange(port: server.port, "BAD\r\n\r\n")
        let entries = server.log.all

        try #require(entries.count == 3)
        #expect(entries[0].method == "GET")
        #expect(entries[0].target == "/hello?a=1")
        #expect(entries[0].status == 200)
        #expect(entries[0].bodyBytes == TestServer.helloBody.utf8.count)
        #expect(entries[0].remoteAddress.hasPrefix("127.0.0.1:"))
        #expect(entries[1].status == 404)
        #expect(entries[2].method == nil)
        #expect(entries[2].status == 400)
    }

    @Test func routerResolvesHeadToGet() {
        let router = Router(routes: [Route("/a") { _ in .json("{}") }, Route("/a", methods: ["POST"]) { _ in .json("{}") }])

        #expect(router.paths == ["/a"])
        #expect(router.allowedMethods(for: "/a") == "GET, HEAD, OPTIONS, POST")
        #expect(router.allowedMethods(for: "/b") == nil)
        guard case .handler = router.resolve(method: "HEAD", path: "/a") else {
            Issue.record("HEAD on a GET route did not resolve to the handler")
            return
        }
    }
}
