import Foundation
import ScoreboardSources
import Testing

/// The Python writer fills a segment with a known request sequence; the Swift reader must return
/// exactly what the writer recorded.
@Suite struct WSGICrossLanguageTests {
    @Test func readerMatchesWriterExactly() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let writer = try WSGIWriterProcess(command: "fill", directory: directory.path)
        defer { writer.process.terminate(); writer.waitForExit() }
        let reader = WSGIScoreboardReader(directory: directory.path)

        let busyStep = try writer.readMessage()
        #expect(busyStep["step"] as? String == "busy")
        let base = try #require(jsonUInt64(busyStep["base_us"])).asInt64
        let during = try requireSnapshot(reader.read())
        #expect(during.skippedSegments.isEmpty)
        #expect(during.tornRecords == 0)
        let process = try #require(during.processes.first)
        #expect(during.processes.count == 1)

        #expect(process.pid == writer.pid)
        #expect(process.segmentName.hasPrefix("\(writer.pid)-"))
        #expect(process.isLive)
        #expect(process.mode == .daemon)
        #expect(process.processGroup == "app")
        #expect(process.applicationGroup == "site")
        #expect(process.configuredProcesses == 2)
        #expect(process.configuredThreads == 3)
        #expect(process.threadRecordCount == 3)
        #expect(process.updatedMicroseconds != nil)

        try expectWriterState(busyStep, equals: process)
        let counters = process.counters
        #expect(counters.requests == 5)
        #expect(counters.statusClasses == [0, 2, 1, 1, 1])
        #expect(counters.exceptions == 1)
        #expect(counters.negativeQueue == 1)
        #expect(counters.malformedTimestamps == 1)
        #expect(counters.bytesIn == 17)
        #expect(counters.bytesOut == 20)
        #expect(counters.serverMicrosecondsSum == 660)
        #expect(counters.queueMicrosecondsSum == 42_020)
        #expect(counters.daemonMicrosecondsSum == 650)
        #expect(counters.queueCount == 4)
        #expect(counters.totalCount == 4)
        #expect(counters.applicationCount == 5)

        let geometry = WSGIHistogramGeometry.version1
        var expectedQueue = [UInt64](repeating: 0, count: geometry.bucketCount)
        for queueMicroseconds in [2_000.0, 40_000, 20, 0] {
            expectedQueue[geometry.bucket(ofMicroseconds: queueMicroseconds)] += 1
        }
        #expect(process.queueHistogram.counts == expectedQueue)
        #expect(process.applicationHistogram.total == 5)
        #expect(process.totalHistogram.total == 4)

        #expect(process.threads.count == 2)
        #expect(process.busyThreads == 1)
        let busy = try #require(process.threads.first { $0.isBusy })
        #expect(busy.method == "PUT")
        #expect(busy.path == "/shop/slow")
        #expect(busy.wsgiThreadID == 2)
        #expect(busy.requestStartMicroseconds == base)
        #expect(busy.queueStartMicroseconds == base + 111)
        #expect(busy.daemonStartMicroseconds == base + 333)
        #expect(busy.applicationStartMicroseconds == base + 666)
        #expect(busy.requests == 0)
        let idle = try #require(process.threads.first { !$0.isBusy })
        #expect(idle.requests == 5)
        #expect(idle.path == "/a")

        try writer.sendLine()
        let finishedStep = try writer.readMessage()
        #expect(finishedStep["step"] as? String == "finished")
        let after = try #require(try requireSnapshot(reader.read()).processes.first)
        try expectWriterState(finishedStep, equals: after)
        #expect(after.counters.requests == 6)
        #expect(after.busyThreads == 0)
        let finishedThread = try #require(after.threads.first { $0.recordIndex == busy.recordIndex })
        #expect(finishedThread.requests == 1)
        #expect(!finishedThread.isBusy)

        try writer.sendLine()
        #expect(writer.waitForExit() == 0)
        let exited = try #require(try requireSnapshot(reader.read()).processes.first)
        #expect(!exited.isLive)
        #expect(exited.counters == after.counters)
    }

    /// Every counter and histogram bucket the writer reports must equal what the reader returns.
    private func expectWriterState(_ message: [String: Any], equals process: WSGIProcessSnapshot) throws {
        let writerCounters = try #require(message["counters"] as? [String: Any])
        let readerCounters = process.counters.byFieldName
        #expect(Set(writerCounters.keys) == Set(readerCounters.keys))
        for (name, value) in writerCounters {
            #expect(jsonUInt64(value) == readerCounters[name], "counter \(name)")
        }

        let writerHistograms = try #require(message["histograms"] as? [String: [Any]])
        let readerHistograms = [
            "application": process.applicationHistogram, "queue": process.queueHistogram, "total": process.totalHistogram,
        ]
        for (name, histogram) in readerHistograms {
            let writerCounts = try #require(writerHistograms[name]).map { jsonUInt64($0) ?? UInt64.max }
            #expect(writerCounts == histogram.counts, "histogram \(name)")
        }
    }
}

extension UInt64 {
    var asInt64: Int64 { Int64(bitPattern: self) }
}
