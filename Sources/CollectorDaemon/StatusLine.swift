import Derivation

/// The one-line `STATUS=` text systemd shows in `systemctl status`.
enum StatusLine {
    static func render(_ sample: DerivedSample?, listen: String) -> String {
        guard let sample else { return "listening on \(listen); no sample yet" }
        guard let apache = sample.apache else {
            return "listening on \(listen); Apache unavailable: \(sample.apacheUnavailable?.message ?? "unknown")"
        }
        let rate = apache.requestsPerSecond.map { String(Int($0.rounded())) + " req/s" } ?? "requests unknown"
        return "listening on \(listen); Apache attached (\(apache.mechanism.rawValue)), \(apache.workers.liveProcesses) processes, \(apache.workers.busy) busy, \(rate)"
    }
}
