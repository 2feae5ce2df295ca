/// A parsed request, as passed to a route handler.
///
/// The server has already checked the syntax: the method is a token, the path and the query
/// are percent-decoded, and header names are lowercased.
public struct HTTPRequest: Sendable {
    /// Method as sent; methods are case-sensitive, so `get` is not `GET`.
    public let method: String

    /// Request-target exactly as sent, still percent-encoded.
    public let target: String

    /// Percent-decoded path of the target, without the query.
    public let path: String

    /// Percent-decoded query parameters in the order sent; `+` decodes to a space.
    public let query: [(name: String, value: String)]

    /// Header fields in the order sent, names lowercased, values without surrounding whitespace.
    public let headers: [(name: String, value: String)]

    public let version: HTTPVersion

    /// Body bytes; empty unless the request had a `Content-Length` greater than 0.
    public let body: [UInt8]

    /// Peer address as `ADDR:PORT` or `[ADDR]:PORT`.
    public let remoteAddress: String

    public init(
        method: String,
        target: String,
        path: String,
        query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [],
        version: HTTPVersion = .http1_1,
        body: [UInt8] = [],
        remoteAddress: String = ""
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.headers = headers
        self.version = version
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// Returns the first value of a header field; `name` is matched case-insensitively.
    public func header(_ name: String) -> String? {
        let lowercased = name.lowercased()
        return headers.first { $0.name == lowercased }?.value
    }

    /// Returns the first value of a query parameter; names are case-sensitive.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}
