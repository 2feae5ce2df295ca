import CScoreboard

/// Cumulative request counters of one WSGI process, copied from `csb_wsgi_process_record`.
/// Times are µs. A phase's `…Count` is the number of requests whose phase was known; its mean
/// is `…MicrosecondsSum / …Count`.
public struct WSGIRequestCounters: Sendable, Equatable {
    /// Completed requests (`requests`).
    public var requests: UInt64
    /// Requests per status class, index 0 = 1xx … 4 = 5xx (`status_1xx` … `status_5xx`). 5xx
    /// includes requests that never called `start_response`.
    public var statusClasses: [UInt64]
    /// Status outside 100–599 or unparsable (`status_other`).
    public var statusOther: UInt64
    /// Requests whose application call, iteration or close raised (`exceptions`).
    public var exceptions: UInt64
    /// Negative phases clamped to 0 (`negative_server`, `negative_queue`, …).
    public var negativeServer: UInt64
    public var negativeQueue: UInt64
    public var negativeDaemon: UInt64
    public var negativeApplication: UInt64
    /// mod_wsgi environ stamps that could not be parsed (`malformed_timestamps`).
    public var malformedTimestamps: UInt64
    /// Requests on threads beyond the segment's thread records (`requests_without_thread_record`).
    public var requestsWithoutThreadRecord: UInt64
    /// Sum of `CONTENT_LENGTH` (`bytes_in`).
    public var bytesIn: UInt64
    /// Sum of response body chunk lengths (`bytes_out`).
    public var bytesOut: UInt64
    public var serverMicrosecondsSum: UInt64
    public var queueMicrosecondsSum: UInt64
    public var daemonMicrosecondsSum: UInt64
    public var applicationMicrosecondsSum: UInt64
    public var totalMicrosecondsSum: UInt64
    public var serverCount: UInt64
    public var queueCount: UInt64
    public var daemonCount: UInt64
    public var applicationCount: UInt64
    public var totalCount: UInt64

    init(record: borrowing csb_wsgi_process_record) {
        requests = record.requests
        statusClasses = [record.status_1xx, record.status_2xx, record.status_3xx, record.status_4xx, record.status_5xx]
        statusOther = record.status_other
        exceptions = record.exceptions
        negativeServer = record.negative_server
        negativeQueue = record.negative_queue
        negativeDaemon = record.negative_daemon
        negativeApplication = record.negative_application
        malformedTimestamps = record.malformed_timestamps
        requestsWithoutThreadRecord = record.requests_without_thread_record
        bytesIn = record.bytes_in
        bytesOut = record.bytes_out
        serverMicrosecondsSum = record.server_us_sum
        queueMicrosecondsSum = record.queue_us_sum
        daemonMicrosecondsSum = record.daemon_us_sum
        applicationMicrosecondsSum = record.application_us_sum
        totalMicrosecondsSum = record.total_us_sum
        serverCount = record.server_count
        queueCount = record.queue_count
        daemonCount = record.daemon_count
        applicationCount = record.application_count
        totalCount = record.total_count
    }
}
