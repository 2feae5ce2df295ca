import Dispatch
import HTTPServer
import Synchronization

/// Rendered responses of the newest sample, keyed by request target, re-rendered off the
/// HTTP thread after each sample.
///
/// `/v1/metrics`, `/v1/history` and `/metrics` change only when a sample is appended, but many
/// clients may ask within one interval and the HTTP loop is a single thread. Rendering
/// `/v1/metrics` selects percentiles among up to 262,144 request durations per window, which
/// takes milliseconds on a busy Apache, and the loop would serve no other client meanwhile. So when a sample is
/// appended, every target requested since the previous sample is rendered again on a
/// background queue and swapped in. Until then requests get the previous sample's response.
/// A target requested for the first time, or after a sample without requests for it, is
/// rendered on the caller's thread.
final class ResponseCache: Sendable {
    typealias Render = @Sendable () -> HTTPResponse

    private struct Entry {
        /// Sequence number of the sample `response` was rendered from.
        var sequence: UInt64
        var response: HTTPResponse
        var render: Render
        /// Whether a request came since the last append; only such entries are re-rendered.
        var requested: Bool
        /// Renders queued or running for newer samples; while there are any, requests get
        /// `response` without waiting.
        var pendingRenders: Int
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let renderQueue = DispatchQueue(label: "scoreboard-collector.render")
    /// Distinct targets kept; beyond it (many different `since` values) nothing more is cached.
    private let capacity = 64
    /// Body bytes above which no further target is cached: room for the full `/v1/history` of
    /// 1800 samples (about 3.3 MB) next to many small responses, in a collector that should
    /// stay under 30 MB resident.
    private let capacityBytes = 8 << 20

    init() {
        // Each sample replaces the cached bodies, and a replaced body must leave the process.
        MallocTuning.setMmapThreshold(bytes: MallocTuning.responseBodyThresholdBytes)
    }

    /// Returns the cached response for `target` when it is from sample `sequence` or a newer
    /// render is pending. Otherwise it renders the response here and caches it.
    func response(for target: String, sequence: UInt64, render: @escaping Render) -> HTTPResponse {
        let cached = entries.withLock { entries -> HTTPResponse? in
            guard let index = entries.index(forKey: target) else {
                return nil
            }
            entries.values[index].requested = true
            let isUsable = entries.values[index].sequence >= sequence || entries.values[index].pendingRenders > 0
            return isUsable ? entries.values[index].response : nil
        }
        if let cached {
            return cached
        }

        let response = render()
        entries.withLock { entries in
            if var entry = entries[target] {
                // A render queued meanwhile keeps its count, so its completion is not lost.
                if entry.sequence < sequence {
                    entry.sequence = sequence
                    entry.response = response
                }
                entries[target] = entry
            } else if entries.count < capacity,
                      entries.values.reduce(0, { $0 + $1.response.body.count }) + response.body.count <= capacityBytes {
                entries[target] = Entry(sequence: sequence, response: response, render: render, requested: true, pendingRenders: 0)
            }
        }
        return response
    }

    /// Queues a render of every target requested since the previous append and drops the
    /// others. Called on the sampler's thread right after sample `sequence` was appended.
    func sampleAppended(sequence: UInt64) {
        let renders = entries.withLock { entries -> [(String, Render, HTTPResponse)] in
            entries = entries.filter { $0.value.requested || $0.value.pendingRenders > 0 }
            var renders: [(String, Render, HTTPResponse)] = []
            for (target, var entry) in entries where entry.requested && entry.sequence < sequence {
                entry.requested = false
                entry.pendingRenders += 1
                entries[target] = entry
                renders.append((target, entry.render, entry.response))
            }
            return renders
        }
        guard !renders.isEmpty else {
            return
        }

        renderQueue.async {
            for (target, render, previous) in renders {
                let response = render()
                response.precompress(like: previous)
                self.store(response, for: target, sequence: sequence)
            }
        }
    }

    /// Returns once every render queued so far has been stored.
    func waitForQueuedRenders() {
        renderQueue.sync {}
    }

    private func store(_ response: HTTPResponse, for target: String, sequence: UInt64) {
        entries.withLock { entries in
            guard var entry = entries[target] else {
                return
            }
            entry.pendingRenders -= 1
            if entry.sequence < sequence {
                entry.sequence = sequence
                entry.response = response
            }
            entries[target] = entry
        }
    }
}
