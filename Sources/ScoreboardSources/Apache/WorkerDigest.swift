import CScoreboard

/// The `worker_score` fields a sample reads for every worker, mirrored from `sc_worker_digest`.
///
/// A sample walks all server_limit × thread_limit records twice (census and counter deltas);
/// reading these eight fields from one dense array instead of decoding each full record keeps
/// that walk close to the cost of copying the segment. The single stored property gives this
/// type the C struct's layout, so C writes arrays of it directly.
public struct WorkerDigest: Sendable, Equatable {
    @usableFromInline let raw: sc_worker_digest

    init(raw: sc_worker_digest) {
        self.raw = raw
    }

    /// `access_count`: lifetime requests of the slot.
    @inlinable public var accessCount: UInt64 { raw.access_count }
    /// `bytes_served`: lifetime bytes of the slot.
    @inlinable public var bytesServed: UInt64 { raw.bytes_served }
    /// `start_time`, µs since the epoch.
    @inlinable public var startTime: Int64 { raw.start_time }
    /// `stop_time`, µs since the epoch.
    @inlinable public var stopTime: Int64 { raw.stop_time }
    /// `last_used`, µs since the epoch; 0 while ExtendedStatus is off.
    @inlinable public var lastUsed: Int64 { raw.last_used }
    /// `duration`, cumulative µs; 0 on layouts before httpd 2.4.35.
    @inlinable public var duration: Int64 { raw.duration }
    /// `pid`: set by the event and worker MPMs, 0 on prefork.
    @inlinable public var pid: Int32 { raw.pid }
    /// `status`, the raw byte.
    @inlinable public var statusCode: UInt8 { raw.status }
    /// `status` as `WorkerStatus.index`.
    @inlinable public var statusIndex: Int { WorkerStatus.index(code: raw.status) }
    /// `status`, decoded.
    @inlinable public var status: WorkerStatus { WorkerStatus(code: raw.status) }

    public static func == (lhs: WorkerDigest, rhs: WorkerDigest) -> Bool {
        lhs.accessCount == rhs.accessCount && lhs.bytesServed == rhs.bytesServed && lhs.startTime == rhs.startTime
            && lhs.stopTime == rhs.stopTime && lhs.lastUsed == rhs.lastUsed && lhs.duration == rhs.duration
            && lhs.pid == rhs.pid && lhs.statusCode == rhs.statusCode
    }
}

extension Array where Element == WorkerDigest {
    /// Passes the array's storage to C as `sc_worker_digest`, which `WorkerDigest` wraps one to one.
    mutating func withDigestStorage<T>(_ body: (UnsafeMutablePointer<sc_worker_digest>?, Int) -> T) -> T {
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return body(nil, 0) }
            return base.withMemoryRebound(to: sc_worker_digest.self, capacity: buffer.count) { body($0, buffer.count) }
        }
    }

    /// Returns an array of `count` zeroed digests.
    static func zeroed(count: Int) -> [WorkerDigest] {
        [WorkerDigest](repeating: WorkerDigest(raw: sc_worker_digest()), count: count)
    }
}
