import CScoreboard

/// One WSGI process as its segment shows it in one sample.
public struct WSGIProcessSnapshot: Sendable, Equatable {
    /// File name of the segment in the directory, `<pid>-<starttime>.wsb`.
    public var segmentName: String
    /// Writer process id.
    public var pid: Int32
    /// Field 22 of `/proc/<pid>/stat` when the writer started (clock ticks after boot); with the
    /// pid, the process identity.
    public var startTimeTicks: UInt64
    /// Whether `/proc/<pid>/stat` exists with the same start time now. A segment of a process that
    /// is gone keeps its last counters.
    public var isLive: Bool
    public var mode: WSGIProcessMode
    /// `mod_wsgi.process_group`; empty in embedded mode.
    public var processGroup: String
    /// `mod_wsgi.application_group`; empty for `%{GLOBAL}`.
    public var applicationGroup: String
    /// `mod_wsgi.maximum_processes` and `threads_per_process`; nil when unknown.
    public var configuredProcesses: Int?
    public var configuredThreads: Int?
    /// Segment creation and last completed request, µs since the epoch (`updated_us` nil when no
    /// request completed yet).
    public var createdMicroseconds: Int64
    public var updatedMicroseconds: Int64?
    public var counters: WSGIRequestCounters
    public var applicationHistogram: WSGIHistogram
    public var queueHistogram: WSGIHistogram
    public var totalHistogram: WSGIHistogram
    /// Number of thread records in the segment (its request-thread capacity).
    public var threadRecordCount: Int
    /// Thread records in use (idle or busy) that were copied consistently.
    public var threads: [WSGIThreadSnapshot]
    /// Thread records skipped in this sample because they stayed torn.
    public var tornThreadRecords: Int

    /// Threads inside a request.
    public var busyThreads: Int { threads.reduce(0) { $0 + ($1.isBusy ? 1 : 0) } }

    init(segmentName: String, isLive: Bool, record: borrowing csb_wsgi_process_record,
         threadRecordCount: Int, threads: [WSGIThreadSnapshot], tornThreadRecords: Int) {
        self.segmentName = segmentName
        pid = Int32(bitPattern: record.pid)
        startTimeTicks = record.start_time_ticks
        self.isLive = isLive
        mode = WSGIProcessMode(recordValue: record.mode)
        processGroup = withUnsafeBytes(of: record.process_group) { WSGIText.decode($0) } ?? ""
        applicationGroup = withUnsafeBytes(of: record.application_group) { WSGIText.decode($0) } ?? ""
        configuredProcesses = record.configured_processes == 0 ? nil : Int(record.configured_processes)
        configuredThreads = record.configured_threads == 0 ? nil : Int(record.configured_threads)
        createdMicroseconds = record.created_us
        updatedMicroseconds = record.updated_us == 0 ? nil : record.updated_us
        counters = WSGIRequestCounters(record: record)
        applicationHistogram = WSGIHistogram(counts: withUnsafeBytes(of: record.application_histogram) { Array($0.bindMemory(to: UInt64.self)) })
        queueHistogram = WSGIHistogram(counts: withUnsafeBytes(of: record.queue_histogram) { Array($0.bindMemory(to: UInt64.self)) })
        totalHistogram = WSGIHistogram(counts: withUnsafeBytes(of: record.total_histogram) { Array($0.bindMemory(to: UInt64.self)) })
        self.threadRecordCount = threadRecordCount
        self.threads = threads
        self.tornThreadRecords = tornThreadRecords
    }
}
