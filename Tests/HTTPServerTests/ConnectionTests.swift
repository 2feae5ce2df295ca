import Foundation
import HTTPServer
import Glibc
import Testing

/// Keep-alive, pipelining, timeouts, the connection cap and stopping.
@Suite struct ConnectionTests {
    private let hello = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"

    @Test func keepAliveServesTwoRequests() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(hello)
        let first = try client.readResponse()
        try client.send("GET /items?limit=7 HTTP/1.1\r\nHost: a\r\n\r\n")
        let second = try client.readResponse()

        #expect(first.status == 200)
        #expect(first.header("connection") == nil)
        #expect(second.status == 200)
        #expect(second.bodyText == #"{"limit":7,"since":null}"#)
    }

    @Test func pipelinedResponsesKeepOrder() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let limits = Array(1...20)
        let requests = limits.map { "GET /items?limit=\($0) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined()
        try client.send(requests + "GET /large?bytes=300000 HTTP/1.1\r\nHost: a\r\n\r\n" + hello)

        for limit in limits {
            let response = try client.readResponse()
            #expect(response.bodyText == "{\"limit\":\(limit),\"since\":null}")
        }
        let large = try client.readResponse()
        let last = try client.readResponse()
        #expect(large.body == TestServer.largeBody(count: 300_000))
        #expect(last.bodyText == TestServer.helloBody)
    }

    @Test func connectionCloseIsHonoured() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" + hello)
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(response.header("connection") == "close")
        #expect(try client.readUntilClosed().isEmpty)
    }

    @Test func http10ClosesByDefault() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(response.bodyText == TestServer.helloBody)
        #expect(response.header("connection") == "close")
        #expect(try client.readsEndOfStream())
    }

    @Test func http10KeepAliveIsHonoured() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        let first = try client.readResponse()
        try client.send("GET /hello HTTP/1.0\r\n\r\n")
        let second = try client.readResponse()

        #expect(first.header("connection") == "keep-alive")
        #expect(second.status == 200)
        #expect(second.header("connection") == "close")
    }

    @Test func idleConnectionIsClosed() throws {
        let server = try TestServer { $0.idleTimeout = .milliseconds(300) }
        let client = try RawClient(port: server.port)
        try client.send(hello)
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(try client.readsEndOfStream())
    }

    @Test func stalledHeadIsClosed() throws {
        let server = try TestServer { $0.idleTimeout = .milliseconds(300) }
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost")

        #expect(try client.readUntilClosed().isEmpty)
    }

    @Test func connectionOverCapGets503() throws {
        let server = try TestServer { $0.maxConnections = 2 }
        let first = try RawClient(port: server.port)
        let second = try RawClient(port: server.port)
        try first.send(hello)
        try second.send(hello)
        #expect(try first.readResponse().status == 200)
        #expect(try second.readResponse().status == 200)

        let third = try RawClient(port: server.port)
        try third.send(hello)
        let rejected = try third.readResponse()
        #expect(rejected.status == 503)
        #expect(rejected.header("retry-after") == "1")
        #expect(try errorObject(rejected)["code"] as? String == "too_many_connections")
        #expect(try third.readsEndOfStream())

        // The kept connections still work, and a slot freed by a client is reused.
        try first.send(hello)
        #expect(try first.readResponse().status == 200)
        try second.send("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(try second.readResponse().status == 200)
        #expect(try second.readsEndOfStream())
        second.close()
        let fourth = try RawClient(port: server.port)
        try fourth.send(hello)
        #expect(try fourth.readResponse().status == 200)
    }

    @Test func slowReaderGetsWholeLargeBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port, receiveBufferBytes: 65536)
        try client.send("GET /large?bytes=8000000 HTTP/1.1\r\nHost: a\r\n\r\n")

        // 8 MB exceeds the largest send buffer Linux grows to by default (4 MiB, the last
        // value of net.ipv4.tcp_wmem) plus this client's receive buffer, so the server's
        // send stops at EAGAIN and resumes on POLLOUT while this client reads slowly.
        usleep(100_000)
        let response = try client.readResponse(chunkBytes: 16384, pauseMicroseconds: 100)

        #expect(response.header("content-length") == "8000000")
        #expect(response.body.count == 8_000_000)
        #expect(response.body == TestServer.largeBody(count: 8_000_000))
    }

    @Test func sharedBodyReachesSlowAndFastClients() throws {
        let server = try TestServer()
        let slow = try RawClient(port: server.port, receiveBufferBytes: 65536)
        try slow.send("GET /cached HTTP/1.1\r\nHost: a\r\n\r\nGET /cached HTTP/1.1\r\nHost: a\r\n\r\n")

        // While the slow client's first response waits for POLLOUT, another connection
        // receives the same body in full.
        let fast = try rawExchange(port: server.port, "GET /cached HTTP/1.1\r\nHost: a\r\n\r\n")
        let first = try slow.readResponse(chunkBytes: 16384, pauseMicroseconds: 50)
        let second = try slow.readResponse()

        #expect(fast.body == TestServer.cachedResponse.body)
        #expect(first.header("content-length") == "3000000")
        #expect(first.body == TestServer.cachedResponse.body)
        #expect(second.body == TestServer.cachedResponse.body)
    }

    @Test func clientDisconnectMidResponseIsSurvived() throws {
        let server = try TestServer()
        do {
            let client = try RawClient(port: server.port)
            try client.send("GET /large?bytes=8000000 HTTP/1.1\r\nHost: a\r\n\r\n")
            var prefix = [UInt8](repeating: 0, count: 1000)
            #expect(recv(client.descriptor, &prefix, prefix.count, 0) > 0)
            // Closing with unread data makes the kernel send a reset to the server.
        }
        let client = try RawClient(port: server.port)
        try client.send("GET /hello HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()

        #expect(response.status == 200)
        #expect(response.bodyText == TestServer.helloBody)
    }

    @Test func halfClosedClientGetsResponse() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        try client.send(hello + hello)
        shutdown(client.descriptor, Int32(SHUT_WR))

        #expect(try client.readResponse().status == 200)
        #expect(try client.readResponse().status == 200)
        #expect(try client.readsEndOfStream())
    }

    @Test func stopReturnsAndClosesPort() throws {
        let server = try TestServer()
        let idle = try RawClient(port: server.port)
        try idle.send(hello)
        #expect(try idle.readResponse().status == 200)

        #expect(server.stop())
        #expect(try idle.readsEndOfStream())
        #expect(throws: RawClientError.self) {
            _ = try RawClient(port: server.port)
        }
    }

    @Test func stopDuringLargeResponseReturns() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port, receiveBufferBytes: 65536)
        try client.send("GET /large?bytes=8000000 HTTP/1.1\r\nHost: a\r\n\r\n")
        var prefix = [UInt8](repeating: 0, count: 1000)
        #expect(recv(client.descriptor, &prefix, prefix.count, 0) > 0)

        #expect(server.stop())

        // The kernel still delivers what the server had queued, then the end of stream.
        // If the server left the connection open, this read would time out and throw.
        _ = try client.readUntilClosed()
    }

    @Test func stopBeforeRunReturns() throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = 0
        let server = try HTTPServer(configuration: configuration, router: Router(routes: []))
        server.stop()
        server.run()

        #expect(throws: RawClientError.self) {
            _ = try RawClient(port: server.port)
        }
    }
}
