/// A response produced by a route handler; the server adds the framing headers.
///
/// The server sets `Content-Type` (from `contentType`), `Content-Length`, `Content-Encoding`,
/// `Vary`, `Date`, `Server` and `Connection` itself, and drops those names and
/// `Transfer-Encoding` and `Keep-Alive` from `headers`. It adds `Cache-Control: no-store`
/// unless `headers` has a `Cache-Control` field.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8] {
        didSet { compressedBody = CompressedBodyMemo() }
    }

    /// The gzip form of `body`, shared by the copies of this response and replaced whenever
    /// `body` changes.
    var compressedBody = CompressedBodyMemo()

    /// Extra header fields; CR and LF in names or values are replaced by spaces when sent.
    public var headers: [(name: String, value: String)]

    /// Whether the server may gzip the body; the server sends `Vary: Accept-Encoding` on
    /// every compressible response, compressed or not.
    public var isCompressible: Bool

    public init(
        status: Int = 200,
        contentType: String,
        body: [UInt8],
        headers: [(name: String, value: String)] = [],
        isCompressible: Bool = true
    ) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
        self.isCompressible = isCompressible
    }

    /// Creates a JSON response; `body` must already be serialized JSON.
    public static func json(_ body: String, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: Array(body.utf8))
    }

    /// Creates a response with a textual body, for instance Prometheus exposition text.
    public static func text(_ body: String, contentType: String = "text/plain; charset=utf-8", status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: contentType, body: Array(body.utf8))
    }

    /// Creates the JSON error response for `error`.
    public static func error(_ error: HTTPError) -> HTTPResponse {
        json(error.jsonBody, status: error.status)
    }

    public static func error(status: Int, code: String, message: String) -> HTTPResponse {
        self.error(HTTPError(status: status, code: code, message: message))
    }
}
