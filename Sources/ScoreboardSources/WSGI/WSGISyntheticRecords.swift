/// Initialisers for building WSGI snapshots without shared memory, as derivation tests and
/// benchmarks do. Reading a real segment uses the initialisers that copy C records.
extension WSGIRequestCounters {
    /// Counters that are all zero; set the fields a case needs.
    public static var zero: WSGIRequestCounters {
        WSGIRequestCounters(
            requests: 0, statusClasses: [0, 0, 0, 0, 0], statusOther: 0, exceptions: 0, negativeServer: 0,
            negativeQueue: 0, negativeDaemon: 0, negativeApplication: 0, malformedTimestamps: 0,
            requestsWithoutThreadRecord: 0, bytesIn: 0, bytesOut: 0, serverMicrosecondsSum: 0, queueMicrosecondsSum: 0,
            daemonMicrosecondsSum: 0, applicationMicrosecondsSum: 0, totalMicrosecondsSum: 0, serverCount: 0,
            queueCount: 0, daemonCount: 0, applicationCount: 0, totalCount: 0)
    }

    init(
        requests: UInt64, statusClasses: [UInt64], statusOther: UInt64, exceptions: UInt64, negativeServer: UInt64,
        negativeQueue: UInt64, negativeDaemon: UInt64, negativeApplication: UInt64, malformedTimestamps: UInt64,
        requestsWithoutThreadRecord: UInt64, bytesIn: UInt64, bytesOut: UInt64, serverMicrosecondsSum: UInt64,
        queueMicrosecondsSum: UInt64, daemonMicrosecondsSum: UInt64, applicationMicrosecondsSum: UInt64,
        totalMicrosecondsSum: UInt64, serverCount: UInt64, queueCount: UInt64, daemonCount: UInt64,
        applicationCount: UInt64, totalCount: UInt64
    ) {
        self.requests = requests
        self.statusClasses = statusClasses
        self.statusOther = statusOther
        self.exceptions = exceptions
        self.negativeServer = negativeServer
        self.negativeQueue = negativeQueue
        self.negativeDaemon = negativeDaemon
        self.negativeApplication = negativeApplication
        self.malformedTimestamps = malformedTimestamps
        self.requestsWithoutThreadRecord = requestsWithoutThreadRecord
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.serverMicrosecondsSum = serverMicrosecondsSum
        self.queueMicrosecondsSum = queueMicrosecondsSum
        self.daemonMicrosecondsSum = daemonMicrosecondsSum
        self.applicationMicrosecondsSum = applicationMicrosecondsSum
        self.totalMicrosecondsSum = totalMicrosecondsSum
        self.serverCount = serverCount
        self.queueCount = queueCount
        self.daemonCount = daemonCount
        self.applicationCount = applicationCount
        self.totalCount = totalCount
    }
}

extension WSGIThreadSnapshot {
    /// A thread record: busy since `requestStart` (µs since the epoch), or idle.
    public init(recordIndex: Int, busySince requestStart: Int64?, queueStart: Int64? = nil, daemonStart: Int64? = nil) {
        self.recordIndex = recordIndex
        isBusy = requestStart != nil
        wsgiThreadID = recordIndex + 1
        nativeThreadID = UInt64(recordIndex + 1)
        requestStartMicroseconds = requestStart
        queueStartMicroseconds = queueStart
        daemonStartMicroseconds = daemonStart
        applicationStartMicroseconds = daemonStart
        requests = 0
        method = nil
        path = nil
    }
}

extension WSGIProcessSnapshot {
    public init(
        pid: Int32, startTimeTicks: UInt64, isLive: Bool = true, mode: WSGIProcessMode = .daemon, processGroup: String,
        configuredProcesses: Int?, configuredThreads: Int?, createdMicroseconds: Int64,
        counters: WSGIRequestCounters = .zero, application: [UInt64]? = nil, queue: [UInt64]? = nil,
        total: [UInt64]? = nil, threads: [WSGIThreadSnapshot] = []
    ) {
        let empty = [UInt64](repeating: 0, count: WSGIHistogram.geometry.bucketCount)
        segmentName = "\(pid)-\(startTimeTicks).wsb"
        self.pid = pid
        self.startTimeTicks = startTimeTicks
        self.isLive = isLive
        self.mode = mode
        self.processGroup = processGroup
        applicationGroup = ""
        self.configuredProcesses = configuredProcesses
        self.configuredThreads = configuredThreads
        self.createdMicroseconds = createdMicroseconds
        updatedMicroseconds = nil
        self.counters = counters
        applicationHistogram = WSGIHistogram(counts: application ?? empty)
        queueHistogram = WSGIHistogram(counts: queue ?? empty)
        totalHistogram = WSGIHistogram(counts: total ?? empty)
        threadRecordCount = configuredThreads ?? threads.count
        self.threads = threads
        tornThreadRecords = 0
    }
}

extension WSGIScoreboardSnapshot {
    public init(directory: String, processes: [WSGIProcessSnapshot]) {
        self.directory = directory
        self.processes = processes
        skippedSegments = []
        tornRecords = 0
        abandonedRecords = 0
        copyRetries = 0
    }
}
