import Foundation
import Testing
@testable import HTTPServer

/// gzip content negotiation: compressed exactly once, correct lengths, Vary always.
@Suite struct CompressionTests {
    private func get(_ server: TestServer, _ target: String, acceptEncoding: String?, method: String = "GET") throws -> RawResponse {
        let field = acceptEncoding.map { "Accept-Encoding: \($0)\r\n" } ?? ""
        return try rawExchange(
            port: server.port,
            "\(method) \(target) HTTP/1.1\r\nHost: a\r\n\(field)\r\n",
            expectBody: method != "HEAD"
        )
    }

    @Test func gzipBodyDecompressesToOriginal() throws {
        let server = try TestServer()
        let response = try get(server, "/large?bytes=100000", acceptEncoding: "gzip")

        #expect(response.status == 200)
        #expect(response.header("content-encoding") == "gzip")
        #expect(response.header("vary") == "Accept-Encoding")
        #expect(response.header("content-length") == String(response.body.count))
        #expect(response.body.count < 100_000)
        #expect(try gunzip(response.body) == TestServer.largeBody(count: 100_000))
    }

    @Test(arguments: ["gzip;q=0", "identity", "br", "*;q=0", "gzip;q=0, *", "gzip;q=abc", ""])
    func refusedGzipGivesIdentity(acceptEncoding: String) throws {
        let server = try TestServer()
        let response = try get(server, "/large?bytes=5000", acceptEncoding: acceptEncoding)

        #expect(response.header("content-encoding") == nil)
        #expect(response.header("vary") == "Accept-Encoding")
        #expect(response.body == TestServer.largeBody(count: 5000))
    }

    @Test(arguments: ["*", "br;q=1.0, gzip;q=0.5", "deflate, GZIP", "x-gzip", "identity;q=0, *;q=0.1"])
    func acceptedGzipCompresses(acceptEncoding: String) throws {
        let server = try TestServer()
        let response = try get(server, "/large?bytes=5000", acceptEncoding: acceptEncoding)

        #expect(response.header("content-encoding") == "gzip")
        #expect(try gunzip(response.body) == TestServer.largeBody(count: 5000))
    }

    @Test func absentAcceptEncodingGivesIdentity() throws {
        let server = try TestServer()
        let response = try get(server, "/large?bytes=5000", acceptEncoding: nil)

        #expect(response.header("content-encoding") == nil)
        #expect(response.header("content-length") == "5000")
    }

    @Test func headWithGzipMatchesGetLength() throws {
        let server = try TestServer()
        let getResponse = try get(server, "/large?bytes=100000", acceptEncoding: "gzip")
        let client = try RawClient(port: server.port)
        try client.send("HEAD /large?bytes=100000 HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n")
        let head = try client.readResponse(expectBody: false)
        try client.send("GET /hello HTTP/1.1\r\nHost: a\r\n\r\n")
        let next = try client.readResponse()

        #expect(head.header("content-encoding") == "gzip")
        #expect(head.header("content-length") == getResponse.header("content-length"))
        #expect(head.header("vary") == "Accept-Encoding")
        #expect(next.bodyText == TestServer.helloBody)
    }

    @Test func smallBodyStaysUncompressed() throws {
        let server = try TestServer()
        let response = try get(server, "/hello", acceptEncoding: "gzip")

        #expect(response.header("content-encoding") == nil)
        #expect(response.header("vary") == "Accept-Encoding")
        #expect(response.bodyText == TestServer.helloBody)
    }

    @Test func compressionLevelIsConfigurable() throws {
        let fast = try TestServer()
        let small = try TestServer { $0.compressionLevel = 9 }
        let fastResponse = try get(fast, "/large?bytes=100000", acceptEncoding: "gzip")
        let smallResponse = try get(small, "/large?bytes=100000", acceptEncoding: "gzip")

        #expect(smallResponse.body.count < fastResponse.body.count)
        #expect(try gunzip(smallResponse.body) == TestServer.largeBody(count: 100_000))
    }

    @Test func compressionThresholdIsConfigurable() throws {
        let server = try TestServer { $0.compressionMinimumBytes = 10 }
        let response = try get(server, "/hello", acceptEncoding: "gzip")

        #expect(response.header("content-encoding") == "gzip")
        #expect(try gunzip(response.body) == Array(TestServer.helloBody.utf8))
    }

    @Test func cachedResponseIsCompressedOnce() throws {
        let server = try TestServer()
        let first = try get(server, "/cached", acceptEncoding: "gzip")
        let level = try #require(TestServer.cachedResponse.compressedBody.level)
        let second = try get(server, "/cached", acceptEncoding: "gzip")
        let plain = try get(server, "/cached", acceptEncoding: nil)

        #expect(level == 1)
        #expect(first.header("content-encoding") == "gzip")
        #expect(second.body == first.body)
        #expect(try gunzip(second.body) == TestServer.cachedResponse.body)
        #expect(plain.header("content-encoding") == nil)
        #expect(plain.body == TestServer.cachedResponse.body)
    }

    @Test func changedBodyGetsNewGzip() throws {
        var response = HTTPResponse(contentType: "application/json", body: TestServer.largeBody(count: 5000))
        let copy = response
        #expect(copy.compressedBody === response.compressedBody)
        _ = response.compressedBody.gzipped(response.body, level: 1)

        response.body = TestServer.largeBody(count: 7000)
        #expect(response.compressedBody !== copy.compressedBody)
        #expect(response.compressedBody.level == nil)
        let compressed = try #require(response.compressedBody.gzipped(response.body, level: 1))
        #expect(try gunzip(compressed) == TestServer.largeBody(count: 7000))
        #expect(copy.compressedBody.level == 1)
    }

    @Test func precompressFollowsPreviousLevel() throws {
        let previous = HTTPResponse(contentType: "application/json", body: TestServer.largeBody(count: 5000))
        let before = HTTPResponse(contentType: "application/json", body: TestServer.largeBody(count: 6000))
        before.precompress(like: previous)
        #expect(before.compressedBody.level == nil)

        _ = previous.compressedBody.gzipped(previous.body, level: 4)
        let next = HTTPResponse(contentType: "application/json", body: TestServer.largeBody(count: 6000))
        next.precompress(like: previous)
        #expect(next.compressedBody.level == 4)
        let compressed = try #require(next.compressedBody.gzipped(next.body, level: 4))
        #expect(try gunzip(compressed) == TestServer.largeBody(count: 6000))

        let opaque = HTTPResponse(contentType: "application/octet-stream", body: next.body, isCompressible: false)
        opaque.precompress(like: previous)
        #expect(opaque.compressedBody.level == nil)
    }

    @Test func gzipRoundTripsThroughZlibCompress() throws {
        let input = TestServer.largeBody(count: 70_000)
        let compressed = try #require(Gzip.compress(input, level: 1))
        let smallest = try #require(Gzip.compress(input, level: 9))

        #expect(compressed.starts(with: [0x1F, 0x8B]))
        #expect(try gunzip(compressed) == input)
        #expect(try gunzip(smallest) == input)
        #expect(Gzip.compress(input, level: 1) == compressed)
        #expect(try gunzip(try #require(Gzip.compress([], level: 1))) == [])
    }

    @Test(arguments: [
        (["gzip"], true),
        (["gzip;q=0"], false),
        (["gzip; q=0.001"], true),
        (["GZIP;Q=1"], true),
        (["*"], true),
        (["*;q=0"], false),
        (["gzip;q=0", "*"], false),
        (["deflate", "br"], false),
        (["gzip;q=2"], false),
        ([], false),
    ])
    func acceptEncodingDecision(values: [String], allowsGzip: Bool) {
        #expect(AcceptEncoding.allowsGzip(values) == allowsGzip)
    }
}
