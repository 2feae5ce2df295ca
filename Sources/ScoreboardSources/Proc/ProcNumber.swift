/// Overflow-checked decimal parsing of /proc fields, without allocating.
enum ProcNumber {
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isWhitespace(last) { slice = slice.dropLast() }
        return slice
    }

    /// Parses one or more ASCII digits; nil on an empty field, any other byte or overflow.
    static func parseUnsigned(_ bytes: ArraySlice<UInt8>) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflowA || overflowB { return nil }
            value = sum
        }
        return value
    }

    /// Parses an optional minus sign followed by digits; nil on bad input or overflow.
    static func parseSigned(_ bytes: ArraySlice<UInt8>) -> Int64? {
        if bytes.first == UInt8(ascii: "-") {
            guard let magnitude = parseUnsigned(bytes.dropFirst()), magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard let magnitude = parseUnsigned(bytes), magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
