/// Every WSGI scoreboard segment of the directory, read once.
public struct WSGIScoreboardSnapshot: Sendable, Equatable {
    /// The directory that was listed.
    public var directory: String
    /// Processes whose process record was copied consistently, sorted by segment name.
    public var processes: [WSGIProcessSnapshot]
    /// Segment files that could not be read in this sample, and why.
    public var skippedSegments: [WSGISkippedSegment]
    /// Records (process or thread) of live processes skipped because their seqlock stayed odd or
    /// kept changing for every attempt.
    public var tornRecords: Int
    /// Records left odd by a process that is gone (killed in the middle of a write); skipped.
    public var abandonedRecords: Int
    /// Copy attempts repeated because a record was being written.
    public var copyRetries: Int
}

/// A segment file left out of a snapshot.
public struct WSGISkippedSegment: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The file cannot be opened or mapped; `errno` of the failing call.
        case unreadable(errno: Int32)
        /// The file is not a version 1 segment; the reader's error name (e.g. "bad magic").
        case invalid(String)
        /// The process record stayed torn in a live process.
        case tornProcessRecord
        /// The process record is odd and its process is gone.
        case abandonedProcessRecord
    }

    /// File name inside the directory.
    public var name: String
    public var reason: Reason

    public init(name: String, reason: Reason) {
        self.name = name
        self.reason = reason
    }
}
