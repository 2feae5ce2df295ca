import Foundation

/// A uniquely named directory for WSGI segments; scripts/apache-instance.sh creates it
/// (mode 2770, group www-data) and `remove()` deletes it.
struct WSGISegmentDirectory {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("sbc-wsgi-\(getpid())-\(UUID().uuidString.prefix(8))").path

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Request durations of Apache's access log, written in the `timing` format of
/// demo/apache/httpd.conf.in: `%h %t "%r" %>s %b %D`, where %D is in µs.
enum AccessLog {
    /// %D in µs of every line whose request path starts with `pathPrefix`, in log order.
    static func durations(_ path: String, pathPrefix: String) throws -> [Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var durations: [Double] = []
        for line in text.split(separator: "\n") {
            let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
            guard quoted.count >= 3 else { continue }
            let requestLine = quoted[1].split(separator: " ")
            guard requestLine.count >= 2, requestLine[1].hasPrefix(pathPrefix),
                let last = line.split(separator: " ").last, let microseconds = Double(last)
            else { continue }
            durations.append(microseconds)
        }
        return durations
    }
}

/// Returns the value of rank ceil(q · n) of the sorted values (nearest-rank quantile), the
/// definition the WSGI histograms use.
func nearestRank(_ values: [Double], _ quantile: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let rank = max(1, Int((quantile * Double(sorted.count)).rounded(.up)))
    return sorted[min(rank, sorted.count) - 1]
}

/// |measured − truth| ÷ truth.
func relativeError(_ measured: Double, _ truth: Double) -> Double { abs(measured - truth) / truth }

extension CollectorProcess {
    /// Starts the daemon on one private Apache and one WSGI segment directory.
    convenience init(apache: ApacheInstance, wsgiDirectory: String, extraArguments: [String] = []) throws {
        try self.init(
            ["--apache-pid-file", apache.pidFile, "--wsgi-dir", wsgiDirectory, "--log-target", "stderr"] + extraArguments)
    }

    func metrics() throws -> [String: Any] { try json("/v1/metrics") }

    /// Returns the `wsgi.groups[]` entry of `group` in the latest sample, or nil when it is not listed.
    func wsgiGroup(_ group: String) throws -> [String: Any]? {
        IntegrationTests.wsgiGroup(try metrics(), group)
    }

    /// Polls /v1/metrics every 0.25 s until `condition` is true or `seconds` pass. Returns the
    /// document that satisfied it, or nil.
    func poll(within seconds: Double = 5, until condition: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let document = try? metrics(), condition(document) { return document }
            Thread.sleep(forTimeInterval: 0.25)
        } while Date() < deadline
        return nil
    }
}

/// Returns the `wsgi.groups[]` entry named `name` in a /v1/metrics document.
func wsgiGroup(_ document: [String: Any], _ name: String) -> [String: Any]? {
    (jsonValue(document, "wsgi", "groups") as? [[String: Any]])?.first { $0["process_group"] as? String == name }
}

/// Dictionary access for decoded JSON: `jsonValue(document, "wsgi", "groups")`.
func jsonValue(_ object: Any?, _ path: String...) -> Any? {
    var current = object
    for key in path { current = (current as? [String: Any])?[key] }
    return current
}

func jsonDouble(_ object: Any?, _ path: String...) -> Double? {
    var current = object
    for key in path { current = (current as? [String: Any])?[key] }
    return (current as? NSNumber)?.doubleValue
}

func jsonInt(_ object: Any?, _ path: String...) -> Int? {
    var current = object
    for key in path { current = (current as? [String: Any])?[key] }
    return (current as? NSNumber)?.intValue
}
