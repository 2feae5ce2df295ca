/// A worker's state, mirroring httpd's `SERVER_*` constants in `scoreboard.h`.
///
/// The codes are the same in every httpd 2.4 release. A byte outside 0…10 is `.unknown`,
/// counted on its own and never as busy or idle.
public enum WorkerStatus: UInt8, Sendable, CaseIterable {
    /// `SERVER_DEAD`: no thread in this slot.
    case dead = 0
    /// `SERVER_STARTING`
    case starting = 1
    /// `SERVER_READY`: waiting for a connection.
    case ready = 2
    /// `SERVER_BUSY_READ`
    case busyRead = 3
    /// `SERVER_BUSY_WRITE`
    case busyWrite = 4
    /// `SERVER_BUSY_KEEPALIVE`
    case busyKeepalive = 5
    /// `SERVER_BUSY_LOG`
    case busyLog = 6
    /// `SERVER_BUSY_DNS`
    case busyDNS = 7
    /// `SERVER_CLOSING`
    case closing = 8
    /// `SERVER_GRACEFUL`: finishing a request in a gracefully stopping process.
    case graceful = 9
    /// `SERVER_IDLE_KILL`
    case idleKill = 10
    /// Any other byte value.
    case unknown = 255

    @inlinable public init(code: UInt8) {
        self = code <= WorkerStatus.idleKill.rawValue ? WorkerStatus(rawValue: code) ?? .unknown : .unknown
    }

    /// Number of distinct states, including `.unknown`, for fixed-size per-state tables.
    public static let count = 12

    /// Dense index 0…11 for per-state tables; `.unknown` is 11.
    @inlinable public var index: Int { self == .unknown ? 11 : Int(rawValue) }

    /// The dense index of a raw status byte without decoding it: the byte itself for 0…10,
    /// 11 for anything else. Equal to `WorkerStatus(code:).index`, and branch-free.
    @inlinable public static func index(code: UInt8) -> Int {
        code <= WorkerStatus.idleKill.rawValue ? Int(code) : 11
    }

    /// The letter mod_status prints for this state; `?` for unknown.
    public var letter: Character {
        switch self {
        case .dead: "."
        case .starting: "S"
        case .ready: "_"
        case .busyRead: "R"
        case .busyWrite: "W"
        case .busyKeepalive: "K"
        case .busyLog: "L"
        case .busyDNS: "D"
        case .closing: "C"
        case .graceful: "G"
        case .idleKill: "I"
        case .unknown: "?"
        }
    }

    /// snake_case name used in JSON. Prometheus labels use the Apache exporter's names instead (see docs/metrics.md).
    public var name: String {
        switch self {
        case .dead: "dead"
        case .starting: "starting"
        case .ready: "ready"
        case .busyRead: "read"
        case .busyWrite: "write"
        case .busyKeepalive: "keepalive"
        case .busyLog: "log"
        case .busyDNS: "dns"
        case .closing: "closing"
        case .graceful: "graceful"
        case .idleKill: "idle_kill"
        case .unknown: "unknown"
        }
    }

    /// Busy by mod_status's overall rule: any state except dead, starting, idle-kill and ready
    /// (so `graceful` is busy), for a worker whose process counts at all.
    @inlinable public var isBusy: Bool {
        switch self {
        case .busyRead, .busyWrite, .busyKeepalive, .busyLog, .busyDNS, .closing, .graceful: true
        case .dead, .starting, .ready, .idleKill, .unknown: false
        }
    }

    /// States in dense-index order, so `ordered[status.index] == status`.
    public static let ordered: [WorkerStatus] = [
        .dead, .starting, .ready, .busyRead, .busyWrite, .busyKeepalive, .busyLog, .busyDNS, .closing, .graceful,
        .idleKill, .unknown,
    ]
}
