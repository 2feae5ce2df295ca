/// Request properties that decide how a response is framed.
struct ResponseContext {
    /// HEAD gets the headers GET would get, including the compressed length, and no body.
    var isHead: Bool
    var allowsGzip: Bool
    var keepAlive: Bool
    var version: HTTPVersion
}

/// A response ready to send.
struct SerializedResponse {
    var bytes: [UInt8]

    /// Body bytes in `bytes`; 0 for HEAD.
    var bodyBytes: Int
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

    func serialize(_ response: HTTPResponse, context: ResponseContext, date: String) -> SerializedResponse {
        var fields: [(String, String)] = [("Date", date)]
        if let serverName {
            fields.append(("Server", serverName))
        }

        var body: [UInt8] = []
        if !HTTPStatus.forbidsBody(response.status) {
            body = response.body
            fields.append(("Content-Type", response.contentType))
            if response.isCompressible {
                if context.allowsGzip && body.count >= compressionMinimumBytes, let compressed = Gzip.compress(body, level: compressionLevel) {
                    body = compressed
                    fields.append(("Content-Encoding", "gzip"))
                }
                fields.append(("Vary", "Accept-Encoding"))
            }
            fields.append(("Content-Length", String(body.count)))
        }

        let hasCacheControl = response.headers.contains { $0.name.lowercased() == "cache-control" }
        if !hasCacheControl {
            fields.append(("Cache-Control", "no-store"))
        }
        for header in response.headers where !Self.serverOwnedHeaders.contains(header.name.lowercased()) {
            fields.append((header.name, header.value))
        }

        if !context.keepAlive {
            fields.append(("Connection", "close"))
        } else if context.version == .http1_0 {
            fields.append(("Connection", "keep-alive"))
        }

        var head = "HTTP/1.1 \(response.status) \(HTTPStatus.reasonPhrase(response.status))\r\n"
        for (name, value) in fields {
            head += "\(Self.sanitized(name)): \(Self.sanitized(value))\r\n"
        }
        head += "\r\n"

        var bytes = Array(head.utf8)
        if context.isHead {
            return SerializedResponse(bytes: bytes, bodyBytes: 0)
        }
        bytes.append(contentsOf: body)
        return SerializedResponse(bytes: bytes, bodyBytes: body.count)
    }

    /// Interim response that lets a client sending `Expect: 100-continue` send its body.
    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// Replaces CR and LF, which would end the field early and let a value inject headers.
    private static func sanitized(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == HTTPSyntax.carriageReturn || $0 == HTTPSyntax.lineFeed }) else {
            return text
        }
        return String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}
