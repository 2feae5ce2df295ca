import Glibc

/// The single-threaded poll(2) loop behind `HTTPServer.run()`: it accepts connections,
/// moves bytes, enforces the timeouts and hands complete requests to the router.
///
/// All connection state lives here and is touched only by the thread running `run()`.
final class EventLoop {
    /// Connections over the cap that may be receiving their 503 at once; further clients
    /// wait in the listen backlog.
    static let overCapacityResponseSlots = 16

    /// Maximum time a closing connection keeps reading and discarding input.
    static let maxLingerTime: Duration = .seconds(2)

    /// Pause after `accept` fails for lack of descriptors or memory, instead of spinning.
    static let acceptRetryDelay: Duration = .milliseconds(100)

    /// Bytes read per `recv` call.
    static let readChunkBytes = 16384

    let configuration: HTTPServerConfiguration
    let router: Router
    let listenDescriptor: Int32
    let wakeUpPipe: WakeUpPipe
    let isStopRequested: () -> Bool
    let onRequest: (@Sendable (HTTPRequestLogEntry) -> Void)?
    let onError: (@Sendable (String) -> Void)?

    let clock = ContinuousClock()
    let parser: RequestHeadParser
    let serializer: ResponseSerializer
    let lingerTime: Duration

    /// Input a connection may buffer before the loop stops reading from it: one maximal
    /// head and body plus one read.
    let inputLimitBytes: Int

    var connections: [Connection] = []
    var dateCache = HTTPDateCache()
    var acceptPausedUntil: ContinuousClock.Instant?
    var readBuffer: [UInt8]

    init(
        configuration: HTTPServerConfiguration,
        router: Router,
        listenDescriptor: Int32,
        wakeUpPipe: WakeUpPipe,
        isStopRequested: @escaping () -> Bool,
        onRequest: (@Sendable (HTTPRequestLogEntry) -> Void)?,
        onError: (@Sendable (String) -> Void)?
    ) {
        self.configuration = configuration
        self.router = router
        self.listenDescriptor = listenDescriptor
        self.wakeUpPipe = wakeUpPipe
        self.isStopRequested = isStopRequested
        self.onRequest = onRequest
        self.onError = onError
        self.parser = RequestHeadParser(
            maxRequestTargetBytes: configuration.maxRequestTargetBytes,
            maxBodyBytes: configuration.maxBodyBytes
        )
        self.serializer = ResponseSerializer(
            compressionMinimumBytes: configuration.compressionMinimumBytes,
            compressionLevel: Int32(configuration.compressionLevel),
            serverName: configuration.serverName
        )
        self.lingerTime = min(configuration.idleTimeout, Self.maxLingerTime)
        self.inputLimitBytes = configuration.maxHeaderBytes + configuration.maxBodyBytes + Self.readChunkBytes
        self.readBuffer = [UInt8](repeating: 0, count: Self.readChunkBytes)
    }

    /// Serves until `isStopRequested` returns true, then closes every client connection.
    func run() {
        var descriptors: [pollfd] = []
        while !isStopRequested() {
            closeExpiredConnections()

            let acceptsConnections = canAcceptConnection()
            descriptors.removeAll(keepingCapacity: true)
            descriptors.append(pollfd(fd: wakeUpPipe.readDescriptor, events: Int16(POLLIN), revents: 0))
            descriptors.append(pollfd(fd: acceptsConnections ? listenDescriptor : -1, events: Int16(POLLIN), revents: 0))
            for connection in connections {
                descriptors.append(pollfd(fd: connection.descriptor, events: events(for: connection), revents: 0))
            }

            let ready = poll(&descriptors, nfds_t(descriptors.count), pollTimeoutMilliseconds())
            if ready < 0 {
                if errno != EINTR {
                    onError?("poll failed: \(ErrnoDescription.describe(errno))")
                    usleep(10_000)
                }
                continue
            }

            if descriptors[0].revents != 0 {
                wakeUpPipe.drain()
            }

            // Connections go first, so that slots freed by clients that closed are free
            // before new clients are counted against the cap.
            for index in connections.indices where descriptors[index + 2].revents != 0 {
                handle(events: descriptors[index + 2].revents, on: connections[index])
            }
            connections.removeAll { $0.isClosed }

            if descriptors[1].revents != 0 {
                acceptConnections()
            }
        }

        for connection in connections {
            connection.close()
        }
        connections.removeAll()
    }

    private func events(for connection: Connection) -> Int16 {
        if connection.hasPendingOutput {
            return Int16(POLLOUT)
        }
        if connection.isLingering || connection.bufferedInputBytes < inputLimitBytes {
            return Int16(POLLIN)
        }
        return 0
    }

    private func handle(events: Int16, on connection: Connection) {
        if events & Int16(POLLERR | POLLNVAL) != 0 {
            connection.close()
            return
        }
        if events & Int16(POLLIN | POLLHUP) != 0 {
            receive(on: connection)
        }
        if !connection.isClosed {
            advance(connection)
        }
    }

    // MARK: Accepting

    private var overCapacityCount: Int {
        connections.count(where: { $0.isOverCapacity })
    }

    private func canAcceptConnection() -> Bool {
        if let acceptPausedUntil, clock.now < acceptPausedUntil {
            return false
        }
        acceptPausedUntil = nil
        return connections.count - overCapacityCount < configuration.maxConnections
            || overCapacityCount < Self.overCapacityResponseSlots
    }

    private func acceptConnections() {
        while canAcceptConnection() {
            var address = SocketAddress()
            let descriptor = address.fill { accept(listenDescriptor, $0, $1) }
            if descriptor < 0 {
                let code = errno
                switch code {
                case EAGAIN, EWOULDBLOCK:
                    return
                case EINTR, ECONNABORTED:
                    continue
                default:
                    onError?("accept failed: \(ErrnoDescription.describe(code)); pausing new connections for \(Self.acceptRetryDelay)")
                    acceptPausedUntil = clock.now + Self.acceptRetryDelay
                    return
                }
            }
            guard ListeningSocket.configureAccepted(descriptor) else {
                onError?("fcntl on an accepted socket failed: \(ErrnoDescription.describe(errno)); closing it")
                close(descriptor)
                continue
            }

            let isOverCapacity = connections.count - overCapacityCount >= configuration.maxConnections
            let connection = Connection(
                descriptor: descriptor,
                remoteAddress: address.description,
                isOverCapacity: isOverCapacity,
                scanner: RequestHeadScanner(
                    maxHeaderBytes: configuration.maxHeaderBytes,
                    maxRequestTargetBytes: configuration.maxRequestTargetBytes
                ),
                now: clock.now
            )
            connections.append(connection)
            if isOverCapacity {
                rejectOverCapacity(connection)
            }
        }
    }

    private func rejectOverCapacity(_ connection: Connection) {
        let error = HTTPError.serviceUnavailable(
            "server is at its limit of \(configuration.maxConnections) connections: retry later or close idle keep-alive connections",
            code: "too_many_connections"
        )
        var response = HTTPResponse.error(error)
        response.headers.append((name: "Retry-After", value: "1"))
        queueRejection(response, on: connection, startedAt: clock.now)
        advance(connection)
    }

    // MARK: Timeouts

    private func closeExpiredConnections() {
        let now = clock.now
        for connection in connections where connection.deadline(idleTimeout: configuration.idleTimeout) <= now {
            connection.close()
        }
        connections.removeAll { $0.isClosed }
    }

    /// Milliseconds until the nearest deadline, rounded up so that the deadline has passed
    /// when poll returns; -1 (no timeout) without connections.
    private func pollTimeoutMilliseconds() -> Int32 {
        var nearest = acceptPausedUntil
        for connection in connections {
            let deadline = connection.deadline(idleTimeout: configuration.idleTimeout)
            nearest = nearest.map { min($0, deadline) } ?? deadline
        }
        guard let nearest else {
            return -1
        }

        let remaining = nearest - clock.now
        if remaining <= .zero {
            return 0
        }
        let (seconds, attoseconds) = remaining.components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let milliseconds = seconds * 1000 + (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        return Int32(clamping: milliseconds)
    }
}
