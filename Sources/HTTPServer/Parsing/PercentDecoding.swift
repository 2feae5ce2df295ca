/// Percent-decoding (RFC 3986 2.1) of paths and query strings.
enum PercentDecoding {
    /// Decodes `%XX` escapes, and `+` as a space when `plusIsSpace` (form encoding, used
    /// for queries). Throws a 400 naming `what` when an escape is malformed, when the result
    /// is not UTF-8, or when it contains a NUL.
    static func decode(_ text: Substring, plusIsSpace: Bool, what: String) throws(HTTPError) -> String {
        // Most paths and parameters contain nothing to decode; their text is the result.
        let needsDecoding = text.utf8.contains { byte in
            byte == UInt8(ascii: "%") || (plusIsSpace && byte == UInt8(ascii: "+")) || byte == 0 || byte >= 0x80
        }
        if !needsDecoding {
            return String(text)
        }

        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)

        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    let escape = String(decoding: bytes[index..<min(index + 3, bytes.count)], as: UTF8.self)
                    throw HTTPError.badRequest(
                        "invalid percent-encoding '\(escape)' in \(what) '\(text)': write % as %25 and follow every % with two hex digits",
                        code: "invalid_percent_encoding"
                    )
                }
                decoded.append(high << 4 | low)
                index += 3
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                decoded.append(HTTPSyntax.space)
                index += 1
            } else {
                decoded.append(byte)
                index += 1
            }
        }

        guard !decoded.contains(0), let result = String(validating: decoded, as: UTF8.self) else {
            throw HTTPError.badRequest(
                "invalid \(what) '\(text)': percent-escapes must decode to UTF-8 text without NUL",
                code: "invalid_percent_encoding"
            )
        }
        return result
    }

    /// Splits a query on `&` and each pair on its first `=`, decoding names and values;
    /// empty pairs such as in `a=1&&b=2` are skipped.
    static func decodeQuery(_ query: Substring) throws(HTTPError) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0], plusIsSpace: true, what: "query parameter name")
            let value = parts.count == 2 ? try decode(parts[1], plusIsSpace: true, what: "query parameter \(name)") : ""
            pairs.append((name: name, value: value))
        }
        return pairs
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
