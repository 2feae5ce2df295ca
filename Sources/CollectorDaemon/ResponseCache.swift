import HTTPServer
import Synchronization

/// Rendered responses of the newest sample, keyed by request target.
///
/// `/v1/metrics`, `/v1/history` and `/metrics` change only when a sample is appended, but many
/// clients may ask within one interval and the HTTP loop is a single thread. The first request
/// after a tick renders; the others reuse the same bytes until the sequence moves on.
final class ResponseCache: Sendable {
    private struct Entries {
        var sequence: UInt64 = 0
        var responses: [String: HTTPResponse] = [:]
    }

    private let entries = Mutex(Entries())
    /// Distinct targets kept per sample; beyond it (many different `since` values) nothing is cached.
    private let capacity = 64

    func response(for target: String, sequence: UInt64, render: () throws -> HTTPResponse) rethrows -> HTTPResponse {
        let cached = entries.withLock { entries -> HTTPResponse? in
            if entries.sequence != sequence {
                entries.sequence = sequence
                entries.responses.removeAll(keepingCapacity: true)
            }
            return entries.responses[target]
        }
        if let cached { return cached }

        let response = try render()
        entries.withLock { entries in
            if entries.sequence == sequence, entries.responses.count < capacity {
                entries.responses[target] = response
            }
        }
        return response
    }
}
