/// Produces the response to one request; throwing `HTTPError` sends that error, and throwing any other error
/// sends a 500 `internal_error`. Handlers run on the server's loop thread, so they must not
/// block.
public typealias HTTPHandler = @Sendable (HTTPRequest) throws -> HTTPResponse

/// An exact path, the methods it accepts and its handler.
public struct Route: Sendable {
    /// Percent-decoded path matched exactly, for instance `/v1/latest`.
    public let path: String

    /// Accepted methods. `GET` implies `HEAD`, and `OPTIONS` gets a 204 with `Allow` unless
    /// the list contains `OPTIONS` itself.
    public let methods: [String]

    public let handler: HTTPHandler

    public init(_ path: String, methods: [String] = ["GET"], handler: @escaping HTTPHandler) {
        self.path = path
        self.methods = methods
        self.handler = handler
    }
}
