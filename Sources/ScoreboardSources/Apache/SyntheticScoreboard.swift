import CScoreboard

/// Builds scoreboard payloads with the real record layout, field by field.
///
/// Tests and benchmarks use it to make segments that the readers cannot tell from Apache's:
/// the bytes go through the same offsets table (`apache_layout.c`) that reading uses.
public struct SyntheticScoreboard: Sendable {
    public private(set) var payload: [UInt8]
    public let layout: ScoreboardLayout

    public init(layout: ScoreboardLayout) {
        self.layout = layout
        payload = [UInt8](repeating: 0, count: layout.payloadSize)
        setGlobal(runningGeneration: 0, restartTime: 0)
    }

    public var image: ScoreboardImage { ScoreboardImage(payload: payload, layout: layout) }

    /// The payload preceded by APR's 8-byte total-size header, as in POSIX and anonymous segments.
    public var bytesWithSizeHeader: [UInt8] {
        let total = UInt64(payload.count + Int(SC_APR_SIZE_HEADER))
        return withUnsafeBytes(of: total.littleEndian) { Array($0) } + payload
    }

    public mutating func setGlobal(runningGeneration: Int32, restartTime: Int64) {
        var raw = sc_global_score()
        raw.server_limit = Int32(layout.serverLimit)
        raw.thread_limit = Int32(layout.threadLimit)
        raw.running_generation = runningGeneration
        raw.restart_time = restartTime
        var layout = self.layout.raw
        payload.withUnsafeMutableBytes { sc_write_global($0.baseAddress, &layout, &raw) }
    }

    public mutating func setProcess(
        _ index: Int, pid: Int32, generation: Int32, quiescing: Bool = false,
        connections: UInt32 = 0, writeCompletion: UInt32 = 0, lingeringClose: UInt32 = 0, keepAlive: UInt32 = 0
    ) {
        var raw = sc_process_score()
        raw.pid = pid
        raw.generation = generation
        raw.quiescing = quiescing ? 1 : 0
        raw.connections = connections
        raw.write_completion = writeCompletion
        raw.lingering_close = lingeringClose
        raw.keep_alive = keepAlive
        var layout = self.layout.raw
        payload.withUnsafeMutableBytes { sc_write_process($0.baseAddress, &layout, Int32(index), &raw) }
    }

    /// Writes every numeric field of one worker record.
    public mutating func setWorker(process: Int, thread: Int, _ worker: SyntheticWorker) {
        var raw = sc_worker_score()
        raw.thread_num = Int32(process * layout.threadLimit + thread)
        raw.pid = worker.pid
        raw.generation = worker.generation
        raw.status = worker.statusCode
        raw.access_count = worker.accessCount
        raw.bytes_served = worker.bytesServed
        raw.my_access_count = worker.myAccessCount
        raw.my_bytes_served = worker.myBytesServed
        raw.start_time = worker.startTime
        raw.stop_time = worker.stopTime
        raw.last_used = worker.lastUsed
        raw.duration = worker.duration
        var layout = self.layout.raw
        payload.withUnsafeMutableBytes { sc_write_worker($0.baseAddress, &layout, Int32(process), Int32(thread), &raw) }
    }

    public mutating func setString(_ field: WorkerStringField, process: Int, thread: Int, bytes: [UInt8]) {
        var layout = self.layout.raw
        payload.withUnsafeMutableBytes { payload in
            bytes.withUnsafeBytes { value in
                sc_write_worker_string(
                    payload.baseAddress, &layout, Int32(process), Int32(thread), field.code,
                    value.baseAddress?.assumingMemoryBound(to: CChar.self), value.count)
            }
        }
    }

    public mutating func setString(_ field: WorkerStringField, process: Int, thread: Int, _ value: String) {
        setString(field, process: process, thread: thread, bytes: Array(value.utf8))
    }

    public func worker(process: Int, thread: Int) -> SyntheticWorker {
        var raw = sc_worker_score()
        var layout = self.layout.raw
        payload.withUnsafeBytes { sc_read_worker($0.baseAddress, &layout, Int32(process), Int32(thread), &raw) }
        return SyntheticWorker(WorkerScore(raw))
    }
}

/// The fields of a worker record a test sets; the rest stay 0.
public struct SyntheticWorker: Sendable {
    public var statusCode: UInt8
    public var pid: Int32 = 0
    public var generation: Int32 = 0
    public var accessCount: UInt64 = 0
    public var bytesServed: UInt64 = 0
    public var myAccessCount: UInt64 = 0
    public var myBytesServed: UInt64 = 0
    public var startTime: Int64 = 0
    public var stopTime: Int64 = 0
    public var lastUsed: Int64 = 0
    public var duration: Int64 = 0

    public init(status: WorkerStatus) {
        statusCode = status.rawValue
    }

    public init(statusCode: UInt8) {
        self.statusCode = statusCode
    }

    init(_ worker: WorkerScore) {
        statusCode = worker.statusCode
        pid = worker.pid
        generation = worker.generation
        accessCount = worker.accessCount
        bytesServed = worker.bytesServed
        myAccessCount = worker.myAccessCount
        myBytesServed = worker.myBytesServed
        startTime = worker.startTime
        stopTime = worker.stopTime
        lastUsed = worker.lastUsed
        duration = worker.duration
    }
}
