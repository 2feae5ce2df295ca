import CScoreboard

/// Hosting mode of the writer's process (`mode` of the process record).
public enum WSGIProcessMode: String, Sendable, Equatable {
    /// Not under mod_wsgi (another WSGI server); no queue or daemon phase exists.
    case standalone = "standalone"
    /// mod_wsgi embedded mode: the application runs inside Apache's MPM children.
    case embedded = "embedded"
    /// mod_wsgi daemon mode (`WSGIDaemonProcess`).
    case daemon = "daemon"
    /// A mode value this reader does not know.
    case unknown = "unknown"

    init(recordValue: UInt32) {
        switch Int(recordValue) {
        case Int(CSB_WSGI_MODE_NONE): self = .standalone
        case Int(CSB_WSGI_MODE_EMBEDDED): self = .embedded
        case Int(CSB_WSGI_MODE_DAEMON): self = .daemon
        default: self = .unknown
        }
    }
}
