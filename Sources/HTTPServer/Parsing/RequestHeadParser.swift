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
        let parts = line.split(separator: HTTPSyntax.space, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[1].isEmpty else {
            let text = String(decoding: line, as: UTF8.self)
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
        let start = bytes.startIndex
        guard bytes.count == Self.versionPrefix.count + 3, bytes.starts(with: Self.versionPrefix),
              bytes[start + 6] == UInt8(ascii: "."),
              let major = Self.digitValue(bytes[start + 5]), let minor = Self.digitValue(bytes[start + 7])
        else {
            let text = String(decoding: bytes, as: UTF8.self)
            throw HTTPError.badRequest(
                "invalid HTTP version '\(Self.excerpt(text))': send HTTP/1.1 or HTTP/1.0",
                code: "invalid_version"
            )
        }
        guard major == 1 else {
            let text = String(decoding: bytes, as: UTF8.self)
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

            // A token is ASCII, so lowercasing its bytes lowercases the name.
            let name = String(unsafeUninitializedCapacity: nameBytes.count) { buffer in
                for (offset, byte) in nameBytes.enumerated() {
                    buffer[offset] = Self.asciiLowercased(byte)
                }
                return nameBytes.count
            }
            let valueBytes = line[(colon + 1)...]
            guard valueBytes.allSatisfy(HTTPSyntax.isFieldValueCharacter) else {
                throw HTTPError.badRequest(
                    "invalid value of header \(name): remove control characters",
                    code: "invalid_header"
                )
            }

            var valueStart = valueBytes.startIndex
            var valueEnd = valueBytes.endIndex
            while valueStart < valueEnd && HTTPSyntax.isWhitespace(valueBytes[valueStart]) {
                valueStart += 1
            }
            while valueEnd > valueStart && HTTPSyntax.isWhitespace(valueBytes[valueEnd - 1]) {
                valueEnd -= 1
            }
            headers.append((name: name, value: String(decoding: valueBytes[valueStart..<valueEnd], as: UTF8.self)))
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
        if target.utf8.first != UInt8(ascii: "/") && (Self.hasPrefixIgnoringCase(target, "http://") || Self.hasPrefixIgnoringCase(target, "https://")) {
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
        // The target is visible ASCII (checked with the request line), so byte offsets are
        // character boundaries and the search need not walk grapheme clusters.
        let bytes = pathAndQuery.utf8
        guard !bytes.contains(UInt8(ascii: "#")) else {
            throw HTTPError.badRequest(
                "invalid request-target '\(Self.excerpt(target))': a fragment (#) is never sent to the server",
                code: "invalid_target"
            )
        }

        guard let questionMark = bytes.firstIndex(of: UInt8(ascii: "?")) else {
            head.path = try PercentDecoding.decode(pathAndQuery, plusIsSpace: false, what: "path")
            return
        }
        head.path = try PercentDecoding.decode(pathAndQuery[..<questionMark], plusIsSpace: false, what: "path")
        head.query = try PercentDecoding.decodeQuery(pathAndQuery[bytes.index(after: questionMark)...])
    }

    /// HTTP/1.1 requests carry exactly one `Host` field (RFC 9112 3.2).
    private func checkHost(_ head: RequestHead) throws(HTTPError) {
        let hostCount = head.headers.count { $0.name == "host" }
        if head.version == .http1_1 && hostCount == 0 {
            throw HTTPError.badRequest("missing Host header: HTTP/1.1 requests must send one", code: "missing_host")
        }
        if hostCount > 1 {
            throw HTTPError.badRequest("Host header sent \(hostCount) times: send it once", code: "duplicate_host")
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
        var hasClose = false
        var hasKeepAlive = false
        for field in head.headers where field.name == "connection" {
            var value = field.value
            value.withUTF8 { bytes in
                var elementStart = 0
                for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ",") {
                    let element = UnsafeBufferPointer(rebasing: bytes[elementStart..<index])
                    if Self.equalsIgnoringCaseAndWhitespace(element, Self.closeToken) {
                        hasClose = true
                    } else if Self.equalsIgnoringCaseAndWhitespace(element, Self.keepAliveToken) {
                        hasKeepAlive = true
                    }
                    elementStart = index + 1
                }
            }
        }
        if hasClose {
            return false
        }
        return head.version == .http1_1 || hasKeepAlive
    }

    private static let closeToken = Array("close".utf8)
    private static let keepAliveToken = Array("keep-alive".utf8)

    /// Compares a list element, without its surrounding spaces and tabs, to a lowercase
    /// ASCII token, ignoring the case of ASCII letters.
    private static func equalsIgnoringCaseAndWhitespace(_ element: UnsafeBufferPointer<UInt8>, _ token: [UInt8]) -> Bool {
        var start = 0
        var end = element.count
        while start < end && HTTPSyntax.isWhitespace(element[start]) {
            start += 1
        }
        while end > start && HTTPSyntax.isWhitespace(element[end - 1]) {
            end -= 1
        }
        guard end - start == token.count else {
            return false
        }
        for offset in 0..<token.count where asciiLowercased(element[start + offset]) != token[offset] {
            return false
        }
        return true
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

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 0x20 : byte
    }

    /// `HTTP/`, the start of every HTTP version.
    private static let versionPrefix = Array("HTTP/".utf8)

    /// Returns whether `text` starts with `prefix`, a lowercase ASCII string, ignoring the case
    /// of ASCII letters in `text`, as scheme names are compared (RFC 3986 3.1).
    private static func hasPrefixIgnoringCase(_ text: String, _ prefix: String) -> Bool {
        let textBytes = text.utf8
        guard textBytes.count >= prefix.utf8.count else {
            return false
        }
        return zip(textBytes, prefix.utf8).allSatisfy { byte, expected in
            asciiLowercased(byte) == expected
        }
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
