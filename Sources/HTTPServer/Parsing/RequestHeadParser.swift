/// Parses a complete request head strictly (RFC 9112 sections 3, 5 and 6).
///
/// Every rejection is an `HTTPError` after which the server closes the connection, because
/// the framing of anything that follows can no longer be trusted.
struct RequestHeadParser {
    let maxRequestTargetBytes: Int
    let maxBodyBytes: Int

    /// Parses `bytes`, the head including its closing blank line.
    func parse(_ bytes: ArraySlice<UInt8>) throws(HTTPError) -> RequestHead {
        var lines = splitLines(bytes)
        let requestLine = lines.removeFirst()
        let (method, target, version) = try parseRequestLine(requestLine)
        let headers = try parseHeaderFields(lines)

        var head = RequestHead(
            method: method,
            target: target,
            path: "",
            query: [],
            headers: headers,
            version: version,
            contentLength: 0,
            keepAlive: false,
            expectsContinue: false
        )
        try parseTarget(into: &head)
        try checkHost(head)
        try parseFraming(into: &head)
        head.keepAlive = keepAlive(head)
        head.expectsContinue = try expectsContinue(head)
        return head
    }

    /// Splits at CRLF and drops the empty line that ends the head; the scanner has already
    /// rejected bare LFs.
    private func splitLines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        for index in bytes.indices where bytes[index] == HTTPSyntax.lineFeed {
            lines.append(bytes[lineStart..<(index - 1)])
            lineStart = index + 1
        }
        lines.removeLast()
        return lines
    }

    private func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (String, String, HTTPVersion) {
        let text = String(decoding: line, as: UTF8.self)
        let parts = line.split(separator: HTTPSyntax.space, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty else {
            throw HTTPError.badRequest(
                "invalid request line '\(Self.excerpt(text))': send METHOD SP request-target SP HTTP/1.1",
                code: "invalid_request_line"
            )
        }

        guard HTTPSyntax.isToken(parts[0]) else {
            throw HTTPError.badRequest(
                "invalid method '\(Self.excerpt(String(decoding: parts[0], as: UTF8.self)))': a method is a token such as GET",
                code: "invalid_method"
            )
        }
        let version = try parseVersion(parts[2])

        guard parts[1].count <= maxRequestTargetBytes else {
            throw HTTPError(
                status: 414,
                code: "uri_too_long",
                message: "request-target of \(parts[1].count) bytes exceeds \(maxRequestTargetBytes): shorten the path or query"
            )
        }
        guard parts[1].allSatisfy(HTTPSyntax.isTargetCharacter) else {
            throw HTTPError.badRequest(
                "invalid request-target '\(Self.excerpt(String(decoding: parts[1], as: UTF8.self)))': percent-encode spaces, control characters and non-ASCII bytes",
                code: "invalid_target"
            )
        }

        return (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), version)
    }

    /// Accepts `HTTP/1.0` and `HTTP/1.x`, serving a higher minor version as 1.1 (RFC 9110 2.5).
    /// Another major version, such as the HTTP/2 preface's `HTTP/2.0`, gets 505.
    private func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPError) -> HTTPVersion {
        let text = String(decoding: bytes, as: UTF8.self)
        let digits = Array(bytes.dropFirst(5))
        guard text.hasPrefix("HTTP/"), digits.count == 3, digits[1] == UInt8(ascii: "."),
              let major = Self.digitValue(digits[0]), let minor = Self.digitValue(digits[2])
        else {
            throw HTTPError.badRequest(
                "invalid HTTP version '\(Self.excerpt(text))': send HTTP/1.1 or HTTP/1.0",
                code: "invalid_version"
            )
        }
        guard major == 1 else {
            throw HTTPError(
                status: 505,
                code: "http_version_not_supported",
                message: "HTTP version \(text) is not supported: send HTTP/1.1 or HTTP/1.0"
            )
        }
        return minor == 0 ? .http1_0 : .http1_1
    }

    private func parseHeaderFields(_ lines: [ArraySlice<UInt8>]) throws(HTTPError) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let first = line.first, !HTTPSyntax.isWhitespace(first) else {
                throw HTTPError.badRequest(
                    "header line starts with whitespace (obsolete line folding): put each field on one line",
                    code: "obsolete_line_folding"
                )
            }
            guard let colon = line.firstIndex(of: HTTPSyntax.colon) else {
                throw HTTPError.badRequest(
                    "invalid header field '\(Self.excerpt(String(decoding: line, as: UTF8.self)))': write name: value",
                    code: "invalid_header"
                )
            }

            let nameBytes = line[line.startIndex..<colon]
            guard HTTPSyntax.isToken(nameBytes) else {
                throw HTTPError.badRequest(
                    "invalid header name '\(Self.excerpt(String(decoding: nameBytes, as: UTF8.self)))': a name is a token with no whitespace before the colon",
                    code: "invalid_header"
                )
            }

            let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
            let valueBytes = line[(colon + 1)...]
            guard valueBytes.allSatisfy(HTTPSyntax.isFieldValueCharacter) else {
                throw HTTPError.badRequest(
                    "invalid value of header \(name): remove control characters",
                    code: "invalid_header"
                )
            }

            let trimmed = valueBytes.drop(while: HTTPSyntax.isWhitespace).reversed().drop(while: HTTPSyntax.isWhitespace).reversed()
            headers.append((name: name, value: String(decoding: trimmed, as: UTF8.self)))
        }
        return headers
    }

    /// Splits the target into path and query. Origin-form (`/path?query`) is the usual
    /// form; absolute-form (`http://host/path`) is reduced to its path (RFC 9112 3.2.2);
    /// asterisk-form (`*`) is accepted for OPTIONS only.
    private func parseTarget(into head: inout RequestHead) throws(HTTPError) {
        let target = head.target
        if target == "*" {
            guard head.method == "OPTIONS" else {
                throw HTTPError.badRequest("request-target * is only valid with OPTIONS: send a path such as /", code: "invalid_target")
            }
            head.path = "*"
            return
        }

        var pathAndQuery = Substring(target)
        let lowercased = target.lowercased()
        if lowercased.hasPrefix("http://") || lowercased.hasPrefix("https://") {
            let afterScheme = pathAndQuery[pathAndQuery.index(pathAndQuery.firstIndex(of: ":")!, offsetBy: 3)...]
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                pathAndQuery = afterScheme[slash...]
            } else {
                pathAndQuery = "/"
            }
            if pathAndQuery.first == "?" {
                pathAndQuery = "/" + pathAndQuery
            }
        }

        guard pathAndQuery.first == "/" else {
            throw HTTPError.badRequest(
                "invalid request-target '\(Self.excerpt(target))': send a path starting with /",
                code: "invalid_target"
            )
        }
        guard !pathAndQuery.contains("#") else {
            throw HTTPError.badRequest(
                "invalid request-target '\(Self.excerpt(target))': a fragment (#) is never sent to the server",
                code: "invalid_target"
            )
        }

        let parts = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        head.path = try PercentDecoding.decode(parts[0], plusIsSpace: false, what: "path")
        if parts.count == 2 {
            head.query = try PercentDecoding.decodeQuery(parts[1])
        }
    }

    /// HTTP/1.1 requests carry exactly one `Host` field (RFC 9112 3.2).
    private func checkHost(_ head: RequestHead) throws(HTTPError) {
        let hosts = head.values(of: "host")
        if head.version == .http1_1 && hosts.isEmpty {
            throw HTTPError.badRequest("missing Host header: HTTP/1.1 requests must send one", code: "missing_host")
        }
        if hosts.count > 1 {
            throw HTTPError.badRequest("Host header sent \(hosts.count) times: send it once", code: "duplicate_host")
        }
    }

    /// Reads the body length. Transfer-Encoding is rejected: on GET and HEAD with a 400 like
    /// any body there, otherwise with a 501, because the server reads only
    /// `Content-Length` bodies.
    private func parseFraming(into head: inout RequestHead) throws(HTTPError) {
        let bodyless = head.method == "GET" || head.method == "HEAD"
        if !head.values(of: "transfer-encoding").isEmpty {
            if bodyless || head.version == .http1_0 || !head.values(of: "content-length").isEmpty {
                throw HTTPError.badRequest(
                    "Transfer-Encoding is not allowed on this request: send \(head.method) without a body",
                    code: "unexpected_body"
                )
            }
            throw HTTPError(
                status: 501,
                code: "transfer_encoding_not_supported",
                message: "Transfer-Encoding request bodies are not supported: send the body with Content-Length"
            )
        }

        let lengths = head.values(of: "content-length")
        guard let text = lengths.first else {
            return
        }
        guard lengths.count == 1 else {
            throw HTTPError.badRequest(
                "Content-Length sent \(lengths.count) times: send it once",
                code: "duplicate_content_length"
            )
        }
        guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let length = Int(text)
        else {
            throw HTTPError.badRequest(
                "invalid Content-Length '\(Self.excerpt(text))': give the body size as a decimal number of bytes",
                code: "invalid_content_length"
            )
        }

        if bodyless && length > 0 {
            throw HTTPError.badRequest(
                "\(head.method) request with a body of \(length) bytes: send \(head.method) without a body",
                code: "unexpected_body"
            )
        }
        if length > maxBodyBytes {
            throw HTTPError(
                status: 413,
                code: "content_too_large",
                message: "request body of \(length) bytes exceeds \(maxBodyBytes): send a smaller body"
            )
        }
        head.contentLength = length
    }

    /// HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 closes it unless
    /// `Connection: keep-alive`.
    private func keepAlive(_ head: RequestHead) -> Bool {
        let options = head.values(of: "connection")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingWhitespace().lowercased() }
        if options.contains("close") {
            return false
        }
        return head.version == .http1_1 || options.contains("keep-alive")
    }

    /// `Expect: 100-continue` is honoured; any other expectation gets 417 (RFC 9110 10.1.1).
    private func expectsContinue(_ head: RequestHead) throws(HTTPError) -> Bool {
        let expectations = head.values(of: "expect")
        guard let expectation = expectations.first else {
            return false
        }
        guard expectations.count == 1, expectation.lowercased() == "100-continue" else {
            throw HTTPError(
                status: 417,
                code: "expectation_failed",
                message: "unsupported expectation '\(Self.excerpt(expectation))': send only Expect: 100-continue"
            )
        }
        return head.version == .http1_1 && head.contentLength > 0
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// Shortens client-supplied text quoted in an error message.
    private static func excerpt(_ text: String) -> String {
        let limit = 80
        return text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
