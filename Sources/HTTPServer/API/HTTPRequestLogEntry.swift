/// One request and its response status, passed to the server's `onRequest` hook after the response is queued.
public struct HTTPRequestLogEntry: Sendable {
    /// Peer address as `ADDR:PORT` or `[ADDR]:PORT`.
    public let remoteAddress: String

    /// Method and target, or `nil` when the request line could not be parsed.
    public let method: String?
    public let target: String?

    public let status: Int

    /// Body bytes sent after any compression; 0 for HEAD.
    public let bodyBytes: Int

    /// Time from the complete request head to the queued response, which includes the
    /// handler and compression but not the time the client takes to read.
    public let duration: Duration

    public init(remoteAddress: String, method: String?, target: String?, status: Int, bodyBytes: Int, duration: Duration) {
        self.remoteAddress = remoteAddress
        self.method = method
        self.target = target
        self.status = status
        self.bodyBytes = bodyBytes
        self.duration = duration
    }
}
