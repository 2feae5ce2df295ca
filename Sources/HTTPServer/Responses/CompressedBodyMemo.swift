import Synchronization

/// The gzip form of one response body, compressed on first use and shared by every copy of
/// the `HTTPResponse` that contains it, so a cached response is compressed once and not once per
/// request.
final class CompressedBodyMemo: Sendable {
    private struct Entry {
        var level: Int32
        /// nil when zlib failed; the body is then sent uncompressed.
        var compressed: [UInt8]?
    }

    private let entry = Mutex<Entry?>(nil)

    /// zlib level of the stored gzip form; nil until the server first compressed the body.
    var level: Int32? {
        entry.withLock { $0?.level }
    }

    /// Returns `body` gzipped at `level`; `body` must be the body this memo belongs to.
    /// Compression runs outside the lock, so two threads may both compress the same body once.
    func gzipped(_ body: [UInt8], level: Int32) -> [UInt8]? {
        if let stored = entry.withLock({ $0 }), stored.level == level {
            return stored.compressed
        }
        let compressed = Gzip.compress(body, level: level)
        entry.withLock { $0 = Entry(level: level, compressed: compressed) }
        return compressed
    }
}
