import Foundation
import HTTPServer
import Synchronization

/// Errors a test route throws that are not `HTTPError`, to check the 500 path.
struct TestHandlerFailure: Error, CustomStringConvertible {
    var description: String { "test handler failure" }
}

/// A real `HTTPServer` on 127.0.0.1 and a kernel-chosen port, run on its own thread, with the
/// routes the tests use.
final class TestServer: Sendable {
    let server: HTTPServer
    /// Entries the `onRequest` hook delivered, in order.
    let log = LockedList<HTTPRequestLogEntry>()

    /// Messages the `onError` hook delivered, in order.
    let errors = LockedList<String>()
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)

    var port: UInt16 { server.port }

    init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
        configuration.serverName = "scoreboard-collector-test"
        configure(&configuration)

        let log = self.log
        let errors = self.errors
        server = try HTTPServer(
            configuration: configuration,
            router: Self.router,
            onRequest: { entry in log.append(entry) },
            onError: { message in errors.append(message) }
        )

        let server = self.server
        let finished = self.finished
        let thread = Thread {
            server.run()
            finished.signal()
        }
        thread.start()
    }

    /// Stops the server and returns whether `run()` returned within `timeout`.
    @discardableResult
    func stop(timeout: DispatchTimeInterval = .seconds(5)) -> Bool {
        server.stop()
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else {
            return true
        }
        return finished.wait(timeout: .now() + timeout) == .success
    }

    deinit {
        stop()
    }

    /// Returns a JSON document of exactly `count` bytes that gzip compresses well.
    static func largeBody(count: Int) -> [UInt8] {
        var body = Array("[".utf8)
        var index = 0
        while body.count < count - 1 {
            body.append(contentsOf: "{\"index\":\(index),\"state\":\"ready\"},".utf8)
            index += 1
        }
        body.removeLast(body.count - (count - 1))
        body.append(UInt8(ascii: "]"))
        return body
    }

    static let helloBody = #"{"hello":"world"}"#

    /// One response shared by every request to `/cached`, as the collector's response cache
    /// shares a rendered body.
    static let cachedResponse = HTTPResponse(status: 200, contentType: "application/json", body: largeBody(count: 3_000_000))

    static let router = Router(
        routes: [
            Route("/hello") { _ in .json(helloBody) },
            Route("/large") { request throws(HTTPError) in
                let count = try request.queryInteger("bytes", in: 2...10_000_000) ?? 4096
                return HTTPResponse(status: 200, contentType: "application/json", body: largeBody(count: count))
            },
            Route("/cached") { _ in cachedResponse },
            Route("/items") { request throws(HTTPError) in
                try request.requireKnownQueryParameters(["limit", "since"])
                let limit = try request.queryInteger("limit", in: 1...86400) ?? 60
                let since = try request.queryInteger("since", in: 0...Int.max)
                return .json("{\"limit\":\(limit),\"since\":\(since.map(String.init) ?? "null")}")
            },
            Route("/query") { request in
                let pairs = request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "\n")
                return .text(pairs)
            },
            Route("/path with space") { request in .text(request.path) },
            Route("/throws") { _ in throw TestHandlerFailure() },
            Route("/conflict") { _ in
                throw HTTPError(status: 409, code: "conflict", message: "test conflict: retry")
            },
            Route("/echo", methods: ["POST", "PUT"]) { request in
                HTTPResponse(status: 200, contentType: "application/octet-stream", body: request.body, isCompressible: false)
            },
        ],
        notFoundHint: "see /v1/ for the list"
    )
}

/// Values one thread appends and another reads, such as what the server's hooks deliver.
final class LockedList<Element: Sendable>: Sendable {
    private let elements = Mutex<[Element]>([])

    func append(_ element: Element) {
        elements.withLock { $0.append(element) }
    }

    var all: [Element] { elements.withLock { $0 } }
}
