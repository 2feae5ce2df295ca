/// Address and limits of an `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
    /// IPv4 or IPv6 literal to bind, for instance `127.0.0.1` or `::1`; host names are rejected.
    public var host: String

    /// TCP port; 0 lets the kernel pick one, which `HTTPServer.port` then reports.
    public var port: UInt16

    /// Open client connections served at once. A connection accepted over this cap gets a
    /// 503 JSON response and is closed. While 16 such responses are still being sent,
    /// further clients wait in the listen backlog.
    public var maxConnections: Int = 256

    /// Time a connection may stay without progress: a keep-alive connection waiting for its
    /// next request, a request head or body arriving, or a response the client does not read.
    /// A request head must also arrive complete within this time of its first byte.
    public var idleTimeout: Duration = .seconds(5)

    /// Largest request head (request line and header fields, CRLFs included); larger gets 431.
    public var maxHeaderBytes: Int = 8192

    /// Maximum length of the request-target; a longer one gets 414. A target that does not fit in
    /// `maxHeaderBytes` gets 431 or 414, depending on which limit the bytes cross first.
    public var maxRequestTargetBytes: Int = 4096

    /// Largest request body; a larger `Content-Length` gets 413 and the connection closes.
    public var maxBodyBytes: Int = 65536

    /// Bodies shorter than this are sent uncompressed even when the client accepts gzip.
    public var compressionMinimumBytes: Int = 256

    /// zlib level for gzip, from 1 (fastest) to 9 (smallest). Compression runs on the loop
    /// thread and delays every other connection meanwhile, so the default is the fastest.
    /// On 814 KB of history-like JSON (zlib 1.2.13 through Python, one x86-64 core), level 1
    /// took about a quarter of level 6's time and its output was about 30 % larger.
    public var compressionLevel: Int = 1

    /// Value of the `Server` header; `nil` sends none.
    public var serverName: String? = nil

    public init(host: String = "127.0.0.1", port: UInt16 = 0) {
        self.host = host
        self.port = port
    }

    /// Checks that every limit is usable and returns a message naming the value and the fix.
    func validationError() -> String? {
        if maxConnections < 1 {
            return "invalid maxConnections \(maxConnections): give 1 or more"
        }
        if idleTimeout <= .zero {
            return "invalid idleTimeout \(idleTimeout): give a positive duration"
        }
        if maxHeaderBytes < 64 {
            return "invalid maxHeaderBytes \(maxHeaderBytes): give 64 or more"
        }
        if maxRequestTargetBytes < 1 {
            return "invalid maxRequestTargetBytes \(maxRequestTargetBytes): give 1 or more"
        }
        if maxBodyBytes < 0 {
            return "invalid maxBodyBytes \(maxBodyBytes): give 0 or more"
        }
        if compressionMinimumBytes < 0 {
            return "invalid compressionMinimumBytes \(compressionMinimumBytes): give 0 or more"
        }
        if !(1...9).contains(compressionLevel) {
            return "invalid compressionLevel \(compressionLevel): give 1 (fastest) to 9 (smallest)"
        }
        return nil
    }
}
