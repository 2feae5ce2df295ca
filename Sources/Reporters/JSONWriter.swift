import ScoreboardSources

/// Builds JSON text by appending, in a fixed key order, with no intermediate objects.
///
/// Numbers that are nil, NaN or infinite are written as `null`, so no output ever contains a
/// value JSON cannot carry. Commas are inserted automatically.
public struct JSONWriter {
    public private(set) var text = ""
    private var needsComma = false

    public init(reservingCapacity capacity: Int = 4096) {
        text.reserveCapacity(capacity)
    }

    public var bytes: [UInt8] { Array(text.utf8) }

    // MARK: - Containers

    public mutating func beginObject() {
        separate()
        text.append("{")
        needsComma = false
    }

    public mutating func endObject() {
        text.append("}")
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        text.append("[")
        needsComma = false
    }

    public mutating func endArray() {
        text.append("]")
        needsComma = true
    }

    /// Writes `"name":` and leaves the writer ready for the value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        text.append(":")
        needsComma = false
    }

    public mutating func object(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        beginObject()
        body(&self)
        endObject()
    }

    public mutating func array(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        beginArray()
        body(&self)
        endArray()
    }

    // MARK: - Values

    public mutating func null() {
        separate()
        text.append("null")
        needsComma = true
    }

    public mutating func value(_ string: String?) {
        guard let string else { return null() }
        separate()
        appendQuoted(string)
        needsComma = true
    }

    public mutating func value(_ number: Double?) {
        guard let number, number.isFinite else { return null() }
        separate()
        if number == number.rounded(), abs(number) < 1e15 {
            // Whole numbers print as "12.0" with description; JSON readers prefer "12".
            text.append(String(Int64(number)))
        } else {
            text.append(number.description)
        }
        needsComma = true
    }

    public mutating func value<Integer: BinaryInteger>(_ number: Integer?) {
        guard let number else { return null() }
        separate()
        text.append(String(number))
        needsComma = true
    }

    public mutating func value(_ flag: Bool?) {
        guard let flag else { return null() }
        separate()
        text.append(flag ? "true" : "false")
        needsComma = true
    }

    public mutating func field(_ name: String, _ string: String?) {
        key(name)
        value(string)
    }

    public mutating func field(_ name: String, _ number: Double?) {
        key(name)
        value(number)
    }

    public mutating func field<Integer: BinaryInteger>(_ name: String, _ number: Integer?) {
        key(name)
        value(number)
    }

    public mutating func field(_ name: String, _ flag: Bool?) {
        key(name)
        value(flag)
    }

    // MARK: - Text

    private mutating func separate() {
        if needsComma { text.append(",") }
    }

    private mutating func appendQuoted(_ string: String) {
        text.append("\"")
        // Keys and most values need no escaping: append them whole instead of scalar by scalar.
        guard string.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }) else {
            text.append(string)
            text.append("\"")
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text.append("\\\"")
            case "\\": text.append("\\\\")
            case "\n": text.append("\\n")
            case "\r": text.append("\\r")
            case "\t": text.append("\\t")
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text.append("\"")
    }
}

/// Writes `up: false` and why, for a raw-records document whose source has no snapshot.
func writeUnavailable(_ unavailable: SourceUnavailable?, into json: inout JSONWriter) {
    json.field("up", false)
    json.field("reason", unavailable?.message ?? "no sample taken yet")
    json.field("reason_kind", unavailable?.kind.rawValue)
}

/// Seconds since the epoch from µs, for JSON fields named `*_unix_seconds`.
func unixSeconds(_ microseconds: Int64) -> Double {
    Double(microseconds) / 1e6
}
