import CScoreboard

/// One request thread of a WSGI process, copied from `csb_wsgi_thread_record`. While busy, the
/// stamps describe the current request; while idle, the last one.
public struct WSGIThreadSnapshot: Sendable, Equatable {
    /// Index of the thread record in the segment.
    public var recordIndex: Int
    /// Whether the thread is inside a request (`state` == busy).
    public var isBusy: Bool
    /// `mod_wsgi.thread_id`, nil when unknown.
    public var wsgiThreadID: Int?
    /// The OS thread id (`threading.get_native_id()`).
    public var nativeThreadID: UInt64
    /// µs since the epoch; nil when mod_wsgi did not provide the stamp.
    public var requestStartMicroseconds: Int64?
    public var queueStartMicroseconds: Int64?
    public var daemonStartMicroseconds: Int64?
    /// From mod_wsgi, else the writer's clock when it called the application.
    public var applicationStartMicroseconds: Int64?
    /// Requests completed on this record.
    public var requests: UInt64
    /// Method and path of the current or last request; nil when the writer does not record them.
    public var method: String?
    public var path: String?

    /// Nil for an unused record.
    init?(recordIndex: Int, record: borrowing csb_wsgi_thread_record) {
        switch Int(record.state) {
        case Int(CSB_WSGI_THREAD_BUSY): isBusy = true
        case Int(CSB_WSGI_THREAD_IDLE): isBusy = false
        default: return nil
        }
        self.recordIndex = recordIndex
        wsgiThreadID = record.wsgi_thread_id == 0 ? nil : Int(record.wsgi_thread_id)
        nativeThreadID = record.native_thread_id
        requestStartMicroseconds = Self.knownStamp(record.request_start_us)
        queueStartMicroseconds = Self.knownStamp(record.queue_start_us)
        daemonStartMicroseconds = Self.knownStamp(record.daemon_start_us)
        applicationStartMicroseconds = Self.knownStamp(record.application_start_us)
        requests = record.requests
        method = withUnsafeBytes(of: record.method) { WSGIText.decode($0) }
        path = withUnsafeBytes(of: record.path) { WSGIText.decode($0) }
    }

    private static func knownStamp(_ value: Int64) -> Int64? {
        value > 0 ? value : nil
    }
}

/// Decoding of the NUL-padded UTF-8 text fields of the segment.
enum WSGIText {
    /// Text up to the first NUL (or the whole field), invalid UTF-8 replaced; nil when empty.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> String? {
        let length = bytes.firstIndex(of: 0) ?? bytes.count
        if length == 0 {
            return nil
        }
        return String(decoding: bytes[0..<length], as: UTF8.self)
    }
}
