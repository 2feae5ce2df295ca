import Glibc
import Synchronization

/// An HTTP/1.1 server: one thread, one poll(2) loop, non-blocking sockets.
///
/// `init` binds and listens, so bind errors surface before anything runs. `run()` blocks
/// the calling thread and serves until `stop()`; the caller picks the thread, for instance
/// a dedicated serial `DispatchQueue` that nothing else uses. Handlers run on that thread.
///
/// ```swift
/// let server = try HTTPServer(configuration: .init(host: "127.0.0.1", port: 9118), router: router)
/// DispatchQueue(label: "http").async { server.run() }
/// // later, from any thread:
/// server.stop()
/// ```
public final class HTTPServer: Sendable {
    /// Bound TCP port; the kernel's choice when the configuration asked for port 0.
    public let port: UInt16

    /// Bound address as `ADDR:PORT` or `[ADDR]:PORT`.
    public let address: String

    private let configuration: HTTPServerConfiguration
    private let router: Router
    private let listenDescriptor: Int32
    private let wakeUpPipe: WakeUpPipe
    private let onRequest: (@Sendable (HTTPRequestLogEntry) -> Void)?
    private let onError: (@Sendable (String) -> Void)?

    private let stopRequested = Atomic<Bool>(false)
    private let runStarted = Atomic<Bool>(false)
    private let listenerClosed = Atomic<Bool>(false)

    /// Binds and listens on the configured address.
    ///
    /// - Parameters:
    ///   - onRequest: called on the loop thread after each response is queued; keep it short.
    ///   - onError: called on the loop thread with a message for each failure the server
    ///     handles by itself, such as a failing `accept` or a handler throwing a non-HTTP error.
    /// - Throws: `HTTPServerError` naming the address, the failed call and its errno text.
    public init(
        configuration: HTTPServerConfiguration,
        router: Router,
        onRequest: (@Sendable (HTTPRequestLogEntry) -> Void)? = nil,
        onError: (@Sendable (String) -> Void)? = nil
    ) throws(HTTPServerError) {
        if let message = configuration.validationError() {
            throw .invalidConfiguration(message)
        }

        let listening = try ListeningSocket.open(host: configuration.host, port: configuration.port)
        let wakeUpPipe: WakeUpPipe
        do {
            wakeUpPipe = try WakeUpPipe.open()
        } catch {
            close(listening.descriptor)
            throw error
        }

        self.configuration = configuration
        self.router = router
        self.listenDescriptor = listening.descriptor
        self.port = listening.port
        self.address = configuration.host.contains(":") ? "[\(configuration.host)]:\(listening.port)" : "\(configuration.host):\(listening.port)"
        self.wakeUpPipe = wakeUpPipe
        self.onRequest = onRequest
        self.onError = onError
    }

    deinit {
        closeListener()
        wakeUpPipe.close()
    }

    /// Serves until `stop()` is called, then closes the listening socket and every client
    /// connection and returns. Returns at once if `stop()` came first or if `run()` was
    /// already called.
    public func run() {
        guard !runStarted.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        defer { closeListener() }

        let loop = EventLoop(
            configuration: configuration,
            router: router,
            listenDescriptor: listenDescriptor,
            wakeUpPipe: wakeUpPipe,
            isStopRequested: { self.stopRequested.load(ordering: .acquiring) },
            onRequest: onRequest,
            onError: onError
        )
        loop.run()
    }

    /// Asks `run()` to return; safe from any thread, including a handler, and idempotent.
    public func stop() {
        stopRequested.store(true, ordering: .releasing)
        wakeUpPipe.signal()
    }

    private func closeListener() {
        if !listenerClosed.exchange(true, ordering: .acquiringAndReleasing) {
            close(listenDescriptor)
        }
    }
}
