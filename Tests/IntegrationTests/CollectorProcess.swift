import Foundation

/// The built `scoreboard-collector` binary on a free port of 127.0.0.1, watching one private
/// Apache and one WSGI segment directory; stopped with SIGTERM when released.
final class CollectorProcess {
    static var binary: String { ApacheInstance.repository.appendingPathComponent(".build/debug/scoreboard-collector").path }

    let pid: pid_t
    let port: UInt16
    private var running = true

    /// Starts the daemon with `--config /dev/null`, so no file on this host changes its settings,
    /// and waits until /v1/metrics answers with a sample.
    init(apache: ApacheInstance, wsgiDirectory: String, extraArguments: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw ApacheInstance.InstanceError.message("\(Self.binary) not found; run 'swift build' first")
        }
        port = try freePort()
        pid = try Subprocess.start(
            Self.binary,
            [
                "--listen", "127.0.0.1:\(port)", "--apache-pid-file", apache.pidFile, "--wsgi-dir", wsgiDirectory,
                "--config", "/dev/null", "--log-target", "stderr", "--log-level", "warning",
            ] + extraArguments)
        for _ in 0..<100 {
            if (try? metrics()) != nil { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        throw ApacheInstance.InstanceError.message("scoreboard-collector did not serve /v1/metrics within 10 s on port \(port)")
    }

    /// GETs a route with curl and decodes its JSON object.
    func get(_ route: String) throws -> [String: Any] {
        let result = try Subprocess.run("/usr/bin/curl", ["-s", "--fail", "--max-time", "5", "http://127.0.0.1:\(port)\(route)"])
        guard result.status == 0 else {
            throw ApacheInstance.InstanceError.message("curl \(route) exited with \(result.status): \(result.output)")
        }
        guard let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any] else {
            throw ApacheInstance.InstanceError.message("\(route) did not return a JSON object: \(result.output.prefix(200))")
        }
        return object
    }

    func metrics() throws -> [String: Any] { try get("/v1/metrics") }

    /// The `wsgi.groups[]` entry of `group` in the latest sample, or nil when it is not listed.
    func wsgiGroup(_ group: String) throws -> [String: Any]? {
        let wsgi = try metrics()["wsgi"] as? [String: Any]
        let groups = wsgi?["groups"] as? [[String: Any]] ?? []
        return groups.first { $0["process_group"] as? String == group }
    }

    /// Polls /v1/metrics every 0.25 s until `condition` holds or `seconds` pass; returns the last
    /// document that satisfied it, or nil.
    func poll(within seconds: Double = 5, until condition: ([String: Any]) -> Bool) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            if let document = try? metrics(), condition(document) { return document }
            Thread.sleep(forTimeInterval: 0.25)
        } while Date() < deadline
        return nil
    }

    func stop() {
        guard running else { return }
        running = false
        kill(pid, SIGTERM)
        Subprocess.wait(pid)
    }

    deinit { stop() }
}

/// Dictionary access for decoded JSON: `value(document, "wsgi", "groups")`.
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
