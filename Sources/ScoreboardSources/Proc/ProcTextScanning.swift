/// The whitespace-separated words of a byte slice, found in place without allocating.
struct ProcWords: IteratorProtocol {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        rest = bytes
    }

    mutating func next() -> ArraySlice<UInt8>? {
        guard let start = rest.firstIndex(where: { !ProcNumber.isWhitespace($0) }) else { return nil }
        let end = rest[start...].firstIndex(where: ProcNumber.isWhitespace) ?? rest.endIndex
        let word = rest[start..<end]
        rest = rest[end...]
        return word
    }
}

/// The lines of a byte slice, without their newline, found in place without allocating.
struct ProcLines: IteratorProtocol {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) {
        rest = bytes
    }

    mutating func next() -> ArraySlice<UInt8>? {
        guard !rest.isEmpty else { return nil }
        let end = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.endIndex
        let line = rest[rest.startIndex..<end]
        rest = end < rest.endIndex ? rest[(end + 1)...] : rest[end...]
        return line
    }
}
