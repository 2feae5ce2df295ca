/// One metric family of the Prometheus text format 0.0.4: its name, type, help text and samples.
///
/// A sample whose value is nil is not added, so a metric the collector cannot measure is
/// absent from the exposition instead of being reported as 0. A family without samples
/// writes nothing, not even its HELP and TYPE lines.
struct MetricFamily {
    enum Kind: String {
        case counter
        case gauge
        case histogram
    }

    struct Sample {
        /// Suffix appended to the family name: "", "_bucket", "_sum" or "_count".
        var suffix: String
        var labels: [(name: String, value: String)]
        var value: String
    }

    let name: String
    let kind: Kind
    let help: String
    private(set) var samples: [Sample] = []

    init(_ name: String, _ kind: Kind, help: String) {
        self.name = name
        self.kind = kind
        self.help = help
    }

    mutating func add(_ value: Double?, labels: [(name: String, value: String)] = [], suffix: String = "") {
        guard let value else { return }
        samples.append(Sample(suffix: suffix, labels: labels, value: PrometheusNumber.format(value)))
    }

    mutating func add<Integer: BinaryInteger>(_ value: Integer?, labels: [(name: String, value: String)] = [], suffix: String = "") {
        guard let value else { return }
        samples.append(Sample(suffix: suffix, labels: labels, value: String(value)))
    }

    mutating func add(_ flag: Bool, labels: [(name: String, value: String)] = []) {
        add(flag ? 1 : 0, labels: labels)
    }

    /// Appends the HELP and TYPE lines and every sample, or nothing when there are no samples.
    func write(into text: inout String) {
        guard !samples.isEmpty else { return }
        text.append("# HELP \(name) \(Self.escapeHelp(help))\n")
        text.append("# TYPE \(name) \(kind.rawValue)\n")
        for sample in samples {
            text.append(name)
            text.append(sample.suffix)
            if !sample.labels.isEmpty {
                text.append("{")
                for (index, label) in sample.labels.enumerated() {
                    if index > 0 { text.append(",") }
                    text.append(label.name)
                    text.append("=\"")
                    text.append(Self.escapeLabelValue(label.value))
                    text.append("\"")
                }
                text.append("}")
            }
            text.append(" ")
            text.append(sample.value)
            text.append("\n")
        }
    }

    /// HELP text escapes backslash and line feed.
    static func escapeHelp(_ help: String) -> String {
        var escaped = ""
        for character in help {
            switch character {
            case "\\": escaped.append("\\\\")
            case "\n": escaped.append("\\n")
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped.append("\\\\")
            case "\"": escaped.append("\\\"")
            case "\n": escaped.append("\\n")
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// Sample values and `le` bounds as the text format spells them.
enum PrometheusNumber {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return value.description
    }
}
