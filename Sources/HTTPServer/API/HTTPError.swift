/// An error sent to the client as a JSON document:
/// `{"error":{"status":404,"code":"not_found","message":"…"}}`.
///
/// Handlers throw it to report a client error; the connection stays open. `code` is a
/// snake_case word that clients can match on, and `message` names the value and the fix.
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(status: 400, code: code, message: message)
    }

    public static func notFound(_ message: String, code: String = "not_found") -> HTTPError {
        HTTPError(status: 404, code: code, message: message)
    }

    public static func internalError(_ message: String, code: String = "internal_error") -> HTTPError {
        HTTPError(status: 500, code: code, message: message)
    }

    public static func serviceUnavailable(_ message: String, code: String = "unavailable") -> HTTPError {
        HTTPError(status: 503, code: code, message: message)
    }

    /// The JSON document sent as the response body.
    public var jsonBody: String {
        "{\"error\":{\"status\":\(status),\"code\":\(JSONString.quoted(code)),\"message\":\(JSONString.quoted(message))}}"
    }

    public var description: String { "\(status) \(code): \(message)" }
}
