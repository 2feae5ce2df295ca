import Testing

/// A parsed Prometheus text exposition: metadata lines and one value per series.
///
/// Series are keyed as written, for example `apache_workers{state="busy"}`; the renderer writes
/// labels in a fixed order, so tests look them up by the exact text.
struct Exposition {
    var text: String
    var values: [String: Double] = [:]
    /// Series in the order they appear.
    var series: [String] = []
    var types: [String: String] = [:]
    var helps: [String: String] = [:]

    init(_ text: String) {
        self.text = text
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                types[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                let name = rest.prefix { $0 != " " }
                helps[String(name)] = String(rest.dropFirst(name.count + 1))
            } else if let space = line.lastIndex(of: " ") {
                let key = String(line[..<space])
                let valueText = line[line.index(after: space)...]
                values[key] = valueText == "+Inf" ? .infinity : Double(valueText)
                series.append(key)
            }
        }
    }

    subscript(_ key: String) -> Double? { values[key] }

    /// Metric names (before any `{`) of every series.
    var metricNames: Set<String> {
        Set(series.map { String($0.prefix { $0 != "{" }) })
    }

    func hasFamily(_ name: String) -> Bool { types[name] != nil }

    /// Series of one metric name, with or without labels.
    func series(named name: String) -> [String] {
        series.filter { $0 == name || $0.hasPrefix(name + "{") }
    }
}
