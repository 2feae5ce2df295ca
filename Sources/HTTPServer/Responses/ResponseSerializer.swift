/// Request properties that decide how a response is framed.
struct ResponseContext {
    /// HEAD gets the headers GET would get, including the compressed length, and no body.
    var isHead: Bool
    var allowsGzip: Bool
    var keepAlive: Bool
    var version: HTTPVersion
}

/// A response ready to send: the head, then the body.
///
/// The body is the handler's array itself, or its memoized gzip form, never a copy, so a
/// cached multi-megabyte body is shared by every connection sending it.
struct SerializedResponse {
    var head: [UInt8]

    /// Empty for HEAD and for statuses without a body.
    var body: [UInt8]

    /// Body bytes sent; 0 for HEAD.
    var bodyBytes: Int { body.count }
}

/// Frames a handler's response: status line, server-owned headers, optional gzip, body.
struct ResponseSerializer {
    let compressionMinimumBytes: Int
    let compressionLevel: Int32
    let serverName: String?

    /// Header names the server sets itself; a handler's values for them are dropped so that
    /// the framing stays correct.
    private static let serverOwnedHeaders: Set<String> = [
        "content-length", "content-encoding", "content-type", "transfer-encoding", "connection",
        "keep-alive", "vary", "date", "server",
    ]

    /// Head bytes reserved up front; the server's own fields need about 200.
    private static let headCapacityBytes = 320

    func serialize(_ response: HTTPResponse, context: ResponseContext, date: String) -> SerializedResponse {
        var head: [UInt8] = []
        head.reserveCapacity(Self.headCapacityBytes)
        head.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(response.status, to: &head)
        head.append(HTTPSyntax.space)
        head.append(contentsOf: HTTPStatus.reasonPhrase(response.status).utf8)
        Self.appendLineEnd(to: &head)

        Self.appendTrustedField("Date", date, to: &head)
        if let serverName {
            Self.appendField("Server", serverName, to: &head)
        }

        var body: [UInt8] = []
        if !HTTPStatus.forbidsBody(response.status) {
            body = response.body
            Self.appendField("Content-Type", response.contentType, to: &head)
            if response.isCompressible {
                if context.allowsGzip && body.count >= compressionMinimumBytes,
                   let compressed = response.compressedBody.gzipped(body, level: compressionLevel) {
                    body = compressed
                    Self.appendTrustedField("Content-Encoding", "gzip", to: &head)
                }
                Self.appendTrustedField("Vary", "Accept-Encoding", to: &head)
            }
            head.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(body.count, to: &head)
            Self.appendLineEnd(to: &head)
        }

        let hasCacheControl = response.headers.contains { $0.name.lowercased() == "cache-control" }
        if !hasCacheControl {
            Self.appendTrustedField("Cache-Control", "no-store", to: &head)
        }
        for header in response.headers where !Self.serverOwnedHeaders.contains(header.name.lowercased()) {
            Self.appendField(header.name, header.value, to: &head)
        }

        if !context.keepAlive {
            Self.appendTrustedField("Connection", "close", to: &head)
        } else if context.version == .http1_0 {
            Self.appendTrustedField("Connection", "keep-alive", to: &head)
        }
        Self.appendLineEnd(to: &head)

        return SerializedResponse(head: head, body: context.isHead ? [] : body)
    }

    /// Interim response that lets a client sending `Expect: 100-continue` send its body.
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Appends a field whose name or value came from a handler or the configuration.
    private static func appendField(_ name: String, _ value: String, to head: inout [UInt8]) {
        appendTrustedField(sanitized(name), sanitized(value), to: &head)
    }

    /// Appends a field the server wrote itself, which contains no CR or LF.
    private static func appendTrustedField(_ name: String, _ value: String, to head: inout [UInt8]) {
        head.append(contentsOf: name.utf8)
        head.append(HTTPSyntax.colon)
        head.append(HTTPSyntax.space)
        head.append(contentsOf: value.utf8)
        appendLineEnd(to: &head)
    }

    private static func appendLineEnd(to head: inout [UInt8]) {
        head.append(HTTPSyntax.carriageReturn)
        head.append(HTTPSyntax.lineFeed)
    }

    /// Appends a non-negative integer in decimal without creating a String.
    private static func appendDecimal(_ value: Int, to head: inout [UInt8]) {
        precondition(value >= 0, "status codes and lengths are never negative")
        var divisor = 1
        while divisor <= value / 10 {
            divisor *= 10
        }
        var remainder = value
        while divisor > 0 {
            head.append(UInt8(ascii: "0") + UInt8(remainder / divisor))
            remainder %= divisor
            divisor /= 10
        }
    }

    /// Replaces CR and LF, which would end the field early and let a value inject headers.
    private static func sanitized(_ text: String) -> String {
        let isLineBreak = { (byte: UInt8) in byte == HTTPSyntax.carriageReturn || byte == HTTPSyntax.lineFeed }
        let hasLineBreak = text.utf8.withContiguousStorageIfAvailable { $0.contains(where: isLineBreak) }
            ?? text.utf8.contains(where: isLineBreak)
        guard hasLineBreak else {
            return text
        }
        return String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
