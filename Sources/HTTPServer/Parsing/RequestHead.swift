/// A request line and header fields that passed every syntax check.
struct RequestHead {
    var method: String
    var target: String
    var path: String
    var query: [(name: String, value: String)]
    var headers: [(name: String, value: String)]
    var version: HTTPVersion

    /// Length of the body that follows the head; 0 when there is no `Content-Length`.
    var contentLength: Int

    /// Whether the connection stays open after the response (RFC 9112 9.3).
    var keepAlive: Bool

    /// Whether the client sent `Expect: 100-continue` and waits before sending the body.
    var expectsContinue: Bool

    /// Every value of a header field, in order; `name` must be lowercase.
    func values(of name: String) -> [String] {
        headers.filter { $0.name == name }.map(\.value)
    }
}
