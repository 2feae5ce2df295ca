import Glibc

/// One client connection; only the loop thread that accepted it touches it.
final class Connection {
    enum Phase {
        /// Waiting for, or receiving, the next request head.
        case awaitingHead

        /// The head is parsed and `body` collects `head.contentLength` bytes. The payload is
        /// boxed, so the loop's frequent reads of `phase` copy one reference, not a head.
        indirect case readingBody(RequestHead, body: [UInt8], headCompletedAt: ContinuousClock.Instant)

        /// The last response is sent and the write side shut down. Input is read and
        /// discarded until the client closes or `until` passes, so that closing with
        /// unread input does not send a TCP reset that destroys the response in flight.
        case lingering(until: ContinuousClock.Instant)
    }

    let descriptor: Int32
    let remoteAddress: String

    /// Accepted over the connection cap: it only gets a 503 and is closed.
    let isOverCapacity: Bool

    var phase: Phase = .awaitingHead
    var scanner: RequestHeadScanner

    /// Received bytes; those before `inputStart` are consumed.
    var input: [UInt8] = []
    var inputStart = 0

    /// Head of the response being sent.
    var outputHead: [UInt8] = []

    /// Body of the response being sent: the array the response holds, shared with any cache
    /// and never modified here, so a large body is not copied per connection.
    var outputBody: [UInt8] = []

    /// Bytes of `outputHead` followed by `outputBody` already sent.
    var outputOffset = 0

    /// The connection closes once the output is sent.
    var closeAfterOutput = false

    /// The client shut down its write side; buffered requests still get responses.
    var peerClosed = false

    var isClosed = false

    /// Last time bytes moved in either direction.
    var lastActivity: ContinuousClock.Instant

    /// Arrival of the first byte of the head being received, if one is under way.
    var headStartedAt: ContinuousClock.Instant?

    init(descriptor: Int32, remoteAddress: String, isOverCapacity: Bool, scanner: RequestHeadScanner, now: ContinuousClock.Instant) {
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
        self.isOverCapacity = isOverCapacity
        self.scanner = scanner
        self.lastActivity = now
    }

    var hasPendingOutput: Bool { outputOffset < outputHead.count + outputBody.count }

    /// Replaces the output with a response that has not been sent yet.
    func queueOutput(head: [UInt8], body: [UInt8] = []) {
        outputHead = head
        outputBody = body
        outputOffset = 0
    }

    var bufferedInputBytes: Int { input.count - inputStart }

    var isLingering: Bool {
        if case .lingering = phase {
            return true
        }
        return false
    }

    /// Time after which the loop closes the connection.
    func deadline(idleTimeout: Duration) -> ContinuousClock.Instant {
        if case .lingering(let until) = phase {
            return until
        }
        if case .awaitingHead = phase, let headStartedAt {
            return headStartedAt + idleTimeout
        }
        return lastActivity + idleTimeout
    }

    /// Drops consumed input, which keeps the buffer from growing over a long keep-alive
    /// connection.
    func compactInput() {
        if inputStart == input.count {
            input.removeAll(keepingCapacity: input.capacity <= Self.retainedCapacityBytes)
            inputStart = 0
        } else if inputStart >= Self.retainedCapacityBytes {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }

    func close() {
        guard !isClosed else {
            return
        }
        isClosed = true
        _ = Glibc.close(descriptor)
    }

    /// Buffer capacity kept between requests; larger buffers are released.
    private static let retainedCapacityBytes = 65536
}
