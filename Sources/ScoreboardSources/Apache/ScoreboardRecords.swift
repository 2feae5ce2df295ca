import CScoreboard

/// `global_score`: one per scoreboard.
public struct GlobalScore: Sendable, Equatable {
    /// `server_limit`: number of process records.
    public var serverLimit: Int
    /// `thread_limit`: worker records per process record.
    public var threadLimit: Int
    /// `running_generation`: incremented on every graceful or hard restart.
    public var runningGeneration: Int32
    /// `restart_time`: µs since the epoch; changes only on a start or a hard restart.
    public var restartTime: Int64

    init(_ raw: sc_global_score) {
        serverLimit = Int(raw.server_limit)
        threadLimit = Int(raw.thread_limit)
        runningGeneration = raw.running_generation
        restartTime = raw.restart_time
    }
}

/// `process_score`: one per child process slot.
public struct ProcessScore: Sendable, Equatable {
    /// `pid`; 0 means the slot is empty.
    public var pid: Int32
    /// `generation`: the `running_generation` the process was started in.
    public var generation: Int32
    /// `quiescing`: the process is stopping gracefully.
    public var quiescing: Bool
    /// `not_accepting`: the process no longer accepts connections.
    public var notAccepting: Bool
    /// `connections` (event MPM; refreshed lazily by the listener).
    public var connections: UInt32
    /// `write_completion`
    public var writeCompletion: UInt32
    /// `lingering_close`
    public var lingeringClose: UInt32
    /// `keep_alive`
    public var keepAlive: UInt32
    /// `suspended`
    public var suspended: UInt32
    /// `wait_io` (httpd 2.4.63 and later; 0 before).
    public var waitIO: UInt32

    init(_ raw: sc_process_score) {
        pid = raw.pid
        generation = raw.generation
        quiescing = raw.quiescing != 0
        notAccepting = raw.not_accepting != 0
        connections = raw.connections
        writeCompletion = raw.write_completion
        lingeringClose = raw.lingering_close
        keepAlive = raw.keep_alive
        suspended = raw.suspended
        waitIO = raw.wait_io
    }
}

/// `worker_score`, numeric fields; string fields are read with `ApacheScoreboardSnapshot.string`.
public struct WorkerScore: Sendable, Equatable {
    /// `thread_num`: process slot × thread_limit + thread.
    public var threadNum: Int32
    /// `pid`: set by the event and worker MPMs, 0 on prefork.
    public var pid: Int32
    /// `generation`
    public var generation: Int32
    /// `status`, decoded.
    public var status: WorkerStatus
    /// `status`, the raw byte.
    public var statusCode: UInt8
    /// `conn_count`: requests on the current connection.
    public var connectionRequests: UInt16
    /// `conn_bytes`: bytes on the current connection.
    public var connectionBytes: UInt64
    /// `access_count`: lifetime requests of the slot; survives replacement of the process.
    public var accessCount: UInt64
    /// `bytes_served`: lifetime bytes of the slot, headers included.
    public var bytesServed: UInt64
    /// `my_access_count`: requests of the process now in the slot.
    public var myAccessCount: UInt64
    /// `my_bytes_served`
    public var myBytesServed: UInt64
    /// `start_time`: µs since the epoch when the current or last request started.
    public var startTime: Int64
    /// `stop_time`: µs since the epoch when the last request ended.
    public var stopTime: Int64
    /// `last_used`: µs since the epoch; stamped when the worker becomes ready (ExtendedStatus on).
    public var lastUsed: Int64
    /// `duration`: cumulative µs of request processing of the slot (httpd 2.4.35 and later).
    public var duration: Int64

    init(_ raw: sc_worker_score) {
        threadNum = raw.thread_num
        pid = raw.pid
        generation = raw.generation
        status = WorkerStatus(code: raw.status)
        statusCode = raw.status
        connectionRequests = raw.conn_count
        connectionBytes = raw.conn_bytes
        accessCount = raw.access_count
        bytesServed = raw.bytes_served
        myAccessCount = raw.my_access_count
        myBytesServed = raw.my_bytes_served
        startTime = raw.start_time
        stopTime = raw.stop_time
        lastUsed = raw.last_used
        duration = raw.duration
    }
}

/// String fields of `worker_score`, each bounded at its size in `scoreboard.h`.
public enum WorkerStringField: Sendable {
    /// `client[32]`
    case client
    /// `request[64]`: the first request line.
    case request
    /// `vhost[32]`
    case vhost
    /// `protocol[16]` (httpd 2.4.19 and later).
    case `protocol`
    /// `client64[64]` (httpd 2.4.36 and later).
    case client64

    var code: Int32 {
        switch self {
        case .client: Int32(SC_WORKER_CLIENT.rawValue)
        case .request: Int32(SC_WORKER_REQUEST.rawValue)
        case .vhost: Int32(SC_WORKER_VHOST.rawValue)
        case .protocol: Int32(SC_WORKER_PROTOCOL.rawValue)
        case .client64: Int32(SC_WORKER_CLIENT64.rawValue)
        }
    }
}
