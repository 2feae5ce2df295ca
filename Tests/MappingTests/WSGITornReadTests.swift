import Foundation
import ScoreboardSources
import Testing

/// A writer process rewrites one process record and one thread record as fast as it can while the
/// reader samples. The writer keeps requests == bytes_in == bytes_out and the three start stamps of
/// the thread record equal; a reader that ever returns unequal values returned a torn record.
@Suite struct WSGITornReadTests {
    @Test func readerNeverReturnsTornRecord() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let writer = try WSGIWriterProcess(command: "hammer", directory: directory.path)
        defer { writer.process.terminate(); writer.waitForExit() }
        #expect(try writer.readMessage()["step"] as? String == "hammering")
        let reader = WSGIScoreboardReader(directory: directory.path)

        var samples = 0
        var retries = 0
        var skipped = 0
        var distinctValues = Set<UInt64>()
        // Sample until the reader has retried and has observed many writer updates. The cap only
        // ends a run in which the two never overlap, and the expectations below report that.
        while samples < 200_000 && (retries < 100 || distinctValues.count < 1_000) {
            let snapshot = try requireSnapshot(reader.read())
            samples += 1
            retries += snapshot.copyRetries
            skipped += snapshot.tornRecords
            guard let process = snapshot.processes.first else {
                continue
            }
            let counters = process.counters
            #expect(counters.requests == counters.bytesIn, "torn process record at sample \(samples)")
            #expect(counters.requests == counters.bytesOut, "torn process record at sample \(samples)")
            distinctValues.insert(counters.requests)
            for thread in process.threads {
                #expect(thread.requestStartMicroseconds == thread.queueStartMicroseconds, "torn thread record")
                #expect(thread.requestStartMicroseconds == thread.daemonStartMicroseconds, "torn thread record")
            }
        }

        try writer.closeInput()
        #expect(try writer.readMessage()["step"] as? String == "stopped")
        #expect(retries > 0, "the reader never met a write in progress in \(samples) samples")
        #expect(distinctValues.count > 1)
        #expect(skipped <= samples)
    }

    @Test func oddSeqOfLiveWriterIsTorn() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let writer = try WSGIWriterProcess(command: "hold-odd", directory: directory.path)
        defer { writer.process.terminate(); writer.waitForExit() }
        #expect(try writer.readMessage()["step"] as? String == "odd")

        let snapshot = try requireSnapshot(WSGIScoreboardReader(directory: directory.path).read())
        #expect(snapshot.processes.isEmpty)
        #expect(snapshot.tornRecords == 1)
        #expect(snapshot.abandonedRecords == 0)
        #expect(snapshot.copyRetries > 0)
        let skipped = try #require(snapshot.skippedSegments.first)
        #expect(skipped.name.hasPrefix("\(writer.pid)-"))
        #expect(skipped.reason == .tornProcessRecord)
        try writer.sendLine()
    }

    @Test func oddSeqOfKilledWriterIsAbandoned() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let writer = try WSGIWriterProcess(command: "abandon", directory: directory.path)
        writer.waitForExit()
        #expect(writer.process.terminationReason == .uncaughtSignal)
        #expect(directory.segmentNames().count == 1)

        let snapshot = try requireSnapshot(WSGIScoreboardReader(directory: directory.path).read())
        #expect(snapshot.processes.isEmpty)
        #expect(snapshot.abandonedRecords == 1)
        #expect(snapshot.tornRecords == 0)
        #expect(snapshot.copyRetries == 0, "a record of a process that is gone gets one attempt")
        #expect(snapshot.skippedSegments == [
            WSGISkippedSegment(name: directory.segmentNames()[0], reason: .abandonedProcessRecord),
        ])
    }
}
