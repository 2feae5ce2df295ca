import CSystemd
import Glibc

/// One structured journal entry: `FIELD=value` pairs sent with `sd_journal_sendv`.
///
/// The variadic `sd_journal_send` is not callable from Swift, so the entry builds the
/// `iovec` array itself. Values are sent with their length, so they may contain newlines.
struct JournalEntry {
    private(set) var fields: [(name: String, value: String)] = []

    /// Adds a field; `name` is normalized with `JournalEntry.fieldName(_:)`.
    mutating func append(_ name: String, _ value: String) {
        fields.append((Self.fieldName(name), value))
    }

    /// Sends the entry. Returns the result of `sd_journal_sendv`: 0 on success or when no
    /// journald listens, a negative errno otherwise.
    func send() -> Int32 {
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []
        for field in fields {
            let start = buffer.count
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(UInt8(ascii: "="))
            buffer.append(contentsOf: field.value.utf8)
            ranges.append(start..<buffer.count)
        }

        return buffer.withUnsafeMutableBytes { bytes -> Int32 in
            var vectors = ranges.map { range in
                iovec(iov_base: bytes.baseAddress! + range.lowerBound, iov_len: range.count)
            }
            return sd_journal_sendv(&vectors, Int32(vectors.count))
        }
    }

    /// Turns `name` into a valid journal field name: uppercase letters, digits and `_`,
    /// starting with a letter, at most 64 characters. journald drops fields whose name
    /// breaks these rules, and a leading `_` is reserved for fields journald adds itself.
    static func fieldName(_ name: String) -> String {
        var result = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "a"..."z": result.unicodeScalars.append(Unicode.Scalar(scalar.value - 32)!)
            case "A"..."Z", "0"..."9": result.unicodeScalars.append(scalar)
            default: result += "_"
            }
        }
        while let first = result.unicodeScalars.first, !("A"..."Z").contains(first) {
            result.unicodeScalars.removeFirst()
        }
        if result.isEmpty {
            result = "FIELD"
        }
        return String(result.prefix(maximumFieldNameLength))
    }

    /// journald's limit on field names (`JOURNAL_FIELD_NAME_MAX` is 64).
    static let maximumFieldNameLength = 64
}
