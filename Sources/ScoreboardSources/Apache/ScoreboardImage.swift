import CScoreboard

/// A private copy of a scoreboard payload and the layout that reads it.
///
/// Parsing always works on this copy, never on the live mapping, so every field keeps one value
/// for the whole derivation. The copy itself is not atomic: a record Apache was writing during
/// the memcpy may mix old and new fields, which the derivation's plausibility checks catch.
public struct ScoreboardImage: Sendable {
    /// The payload bytes (global_score onward, without APR's size header).
    public let payload: [UInt8]
    public let layout: ScoreboardLayout
    /// The digest of every worker record, indexed by process × thread_limit + thread.
    public let workers: [WorkerDigest]

    /// Makes an image of a payload, digesting its worker records.
    public init(payload: [UInt8], layout: ScoreboardLayout) {
        precondition(payload.count >= layout.payloadSize, "payload smaller than its layout")
        var digests = [WorkerDigest].zeroed(count: layout.serverLimit * layout.threadLimit)
        var raw = layout.raw
        payload.withUnsafeBytes { bytes in
            _ = digests.withDigestStorage { sc_digest_workers(bytes.baseAddress, &raw, $0, $1) }
        }
        self.init(payload: payload, layout: layout, workers: digests)
    }

    /// Makes an image whose digests the caller filled from `payload` (`sc_copy_payload_digesting`).
    init(payload: [UInt8], layout: ScoreboardLayout, workers: [WorkerDigest]) {
        precondition(payload.count >= layout.payloadSize, "payload smaller than its layout")
        precondition(workers.count == layout.serverLimit * layout.threadLimit, "one digest per worker record")
        self.payload = payload
        self.layout = layout
        self.workers = workers
    }

    public var serverLimit: Int { layout.serverLimit }
    public var threadLimit: Int { layout.threadLimit }

    public var global: GlobalScore {
        var raw = sc_global_score()
        var layout = self.layout.raw
        payload.withUnsafeBytes { sc_read_global($0.baseAddress, &layout, &raw) }
        return GlobalScore(raw)
    }

    public func process(_ index: Int) -> ProcessScore {
        precondition(index >= 0 && index < serverLimit, "process index out of range")
        var raw = sc_process_score()
        var layout = self.layout.raw
        payload.withUnsafeBytes { sc_read_process($0.baseAddress, &layout, Int32(index), &raw) }
        return ProcessScore(raw)
    }

    public func worker(process: Int, thread: Int) -> WorkerScore {
        precondition(process >= 0 && process < serverLimit && thread >= 0 && thread < threadLimit,
                     "worker index out of range")
        var raw = sc_worker_score()
        var layout = self.layout.raw
        payload.withUnsafeBytes { sc_read_worker($0.baseAddress, &layout, Int32(process), Int32(thread), &raw) }
        return WorkerScore(raw)
    }

    /// Decodes a worker string field, bounded at its size; invalid UTF-8 becomes U+FFFD.
    /// Returns nil when the layout lacks the field.
    public func string(_ field: WorkerStringField, process: Int, thread: Int) -> String? {
        var layout = self.layout.raw
        return payload.withUnsafeBytes { bytes -> String? in
            var start: UnsafePointer<CChar>? = nil
            let length = sc_worker_string_field(bytes.baseAddress, &layout, Int32(process), Int32(thread), field.code, &start)
            guard let start else { return nil }
            let buffer = UnsafeRawBufferPointer(start: start, count: length)
            return String(decoding: buffer, as: UTF8.self)
        }
    }
}
