/// Byte classes from the HTTP grammar (RFC 9110 5.6 and RFC 9112).
enum HTTPSyntax {
    static let carriageReturn: UInt8 = 0x0D
    static let lineFeed: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let horizontalTab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A

    /// `tchar`: the characters of a token such as a method or a header name.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func isToken<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isTokenCharacter)
    }

    /// `field-vchar` or whitespace: what a header value may contain (obs-text included).
    static func isFieldValueCharacter(_ byte: UInt8) -> Bool {
        byte == horizontalTab || byte == space || (0x21...0x7E).contains(byte) || byte >= 0x80
    }

    /// Visible ASCII, the only bytes a request-target may contain.
    static func isTargetCharacter(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == horizontalTab
    }
}

extension Substring {
    /// Removes spaces and tabs (OWS) at both ends.
    func trimmingWhitespace() -> String {
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end && HTTPSyntax.isWhitespace(bytes[start]) {
            start = bytes.index(after: start)
        }
        while end > start && HTTPSyntax.isWhitespace(bytes[bytes.index(before: end)]) {
            end = bytes.index(before: end)
        }
        return String(self[start..<end])
    }
}
