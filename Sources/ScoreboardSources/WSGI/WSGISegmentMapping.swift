import CScoreboard

/// A read-only mapping of one segment file with the buffers its records are copied into, so a
/// sample allocates nothing for the copy itself. Unmapped in deinit.
final class WSGISegmentMapping {
    private var segment: csb_wsgi_segment
    private let processRecord: UnsafeMutablePointer<csb_wsgi_process_record>
    private let threadRecords: UnsafeMutablePointer<csb_wsgi_thread_record>
    private let threadConsistent: UnsafeMutablePointer<UInt8>
    let threadRecordCount: Int

    /// Device and inode of the file when it was opened; a different pair at the path means the
    /// file was replaced.
    var device: UInt64 { segment.device }
    var inode: UInt64 { segment.inode }

    /// Opens and validates `path`; returns the reader status and errno on failure.
    static func open(path: String) -> Result<WSGISegmentMapping, WSGISegmentOpenError> {
        let segment = csb_wsgi_open(path)
        if segment.status != CSB_WSGI_OK {
            return .failure(WSGISegmentOpenError(status: segment.status, errno: segment.error_number))
        }
        return .success(WSGISegmentMapping(segment: segment))
    }

    private init(segment: csb_wsgi_segment) {
        self.segment = segment
        threadRecordCount = Int(segment.header.thread_record_count)
        processRecord = .allocate(capacity: 1)
        threadRecords = .allocate(capacity: max(threadRecordCount, 1))
        threadConsistent = .allocate(capacity: max(threadRecordCount, 1))
    }

    deinit {
        csb_wsgi_close(&segment)
        processRecord.deallocate()
        threadRecords.deallocate()
        threadConsistent.deallocate()
    }

    /// Whether the file still covers the mapping; reading a truncated mapping raises SIGBUS.
    var isStillReadable: Bool { csb_wsgi_still_readable(&segment) == 1 }

    /// Outcome of copying every record once.
    struct Copy {
        var processRecordConsistent: Bool
        var tornThreadRecords: Int
        var retries: Int
    }

    /// Copies the process record and all thread records into this mapping's buffers. A writer
    /// that is gone cannot finish a write, so its records get a single attempt each.
    func copyRecords(writerMayBeLive: Bool) -> Copy {
        var stats = csb_wsgi_copy_stats(retries: 0, torn: 0)
        let attempts = writerMayBeLive ? UInt32(CSB_WSGI_COPY_ATTEMPTS) : 1
        let processConsistent = csb_wsgi_copy_process(&segment, processRecord, attempts, &stats) == 1
        let tornBeforeThreads = stats.torn
        _ = csb_wsgi_copy_threads(&segment, threadRecords, threadConsistent, UInt32(threadRecordCount), attempts, &stats)
        return Copy(
            processRecordConsistent: processConsistent,
            tornThreadRecords: Int(stats.torn - tornBeforeThreads),
            retries: Int(stats.retries)
        )
    }

    /// The process record from the last `copyRecords()`; valid only when it was consistent.
    var copiedProcessRecord: UnsafePointer<csb_wsgi_process_record> { UnsafePointer(processRecord) }

    /// Thread records from the last `copyRecords()` that are consistent and in use.
    func copiedThreads() -> [WSGIThreadSnapshot] {
        var threads: [WSGIThreadSnapshot] = []
        for index in 0..<threadRecordCount where threadConsistent[index] == 1 {
            if let thread = WSGIThreadSnapshot(recordIndex: index, record: threadRecords[index]) {
                threads.append(thread)
            }
        }
        return threads
    }
}

/// Failure of `csb_wsgi_open` on one file: the reader status and errno.
struct WSGISegmentOpenError: Error {
    var status: csb_wsgi_status
    var errno: Int32

    /// Whether the file exists but is not a valid segment (as opposed to an I/O failure).
    var isInvalidFormat: Bool {
        switch status {
        case CSB_WSGI_ERROR_OPEN, CSB_WSGI_ERROR_STAT, CSB_WSGI_ERROR_MAP: false
        default: true
        }
    }

    var statusName: String { String(cString: csb_wsgi_status_name(status)) }
}
