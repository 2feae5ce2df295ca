import CScoreboard
import Foundation
import ScoreboardSources
import Testing

/// Header validation in C and the reader's handling of directories and files that are not
/// healthy segments.
@Suite struct WSGISegmentValidationTests {
    /// A valid version 1 header image for a segment with `threads` thread records, as bytes of
    /// the whole (zero-filled) file.
    static func validSegmentBytes(threads: UInt32 = 2) -> [UInt8] {
        let size = Int(CSB_WSGI_HEADER_SIZE) + Int(CSB_WSGI_PROCESS_RECORD_SIZE) + Int(threads) * Int(CSB_WSGI_THREAD_RECORD_SIZE)
        var header = csb_wsgi_header()
        withUnsafeMutableBytes(of: &header.magic) { $0.copyBytes(from: Array("SCBWSGI\0".utf8)) }
        header.version = 1
        header.header_size = UInt32(CSB_WSGI_HEADER_SIZE)
        header.process_record_offset = UInt32(CSB_WSGI_HEADER_SIZE)
        header.process_record_size = UInt32(CSB_WSGI_PROCESS_RECORD_SIZE)
        header.thread_record_offset = UInt32(CSB_WSGI_HEADER_SIZE + CSB_WSGI_PROCESS_RECORD_SIZE)
        header.thread_record_size = UInt32(CSB_WSGI_THREAD_RECORD_SIZE)
        header.thread_record_count = threads
        header.histogram_bucket_count = UInt32(CSB_WSGI_HISTOGRAM_BUCKET_COUNT)
        header.histogram_lowest_us = CSB_WSGI_HISTOGRAM_LOWEST_US
        header.histogram_ratio = CSB_WSGI_HISTOGRAM_RATIO
        header.segment_size = UInt64(size)
        header.method_size = UInt32(CSB_WSGI_METHOD_SIZE)
        header.path_size = UInt32(CSB_WSGI_PATH_SIZE)
        header.group_name_size = UInt32(CSB_WSGI_GROUP_NAME_SIZE)
        header.histogram_count = UInt32(CSB_WSGI_HISTOGRAM_COUNT)
        var bytes = [UInt8](repeating: 0, count: size)
        withUnsafeBytes(of: header) { bytes.replaceSubrange(0..<$0.count, with: $0) }
        return bytes
    }

    static func validate(_ bytes: [UInt8]) -> csb_wsgi_status {
        bytes.withUnsafeBytes { csb_wsgi_validate_header($0.baseAddress, $0.count, nil) }
    }

    /// Overwrites `value` at `offset` of a header image, little-endian.
    static func patched<T: FixedWidthInteger>(_ bytes: [UInt8], offset: Int, _ value: T) -> [UInt8] {
        var copy = bytes
        withUnsafeBytes(of: value.littleEndian) { copy.replaceSubrange(offset..<(offset + $0.count), with: $0) }
        return copy
    }

    static func patched(_ bytes: [UInt8], offset: Int, double value: Double) -> [UInt8] {
        patched(bytes, offset: offset, value.bitPattern)
    }

    @Test func validHeaderAccepted() {
        #expect(Self.validate(Self.validSegmentBytes()) == CSB_WSGI_OK)
    }

    @Test(arguments: [
        (8, UInt32(2), CSB_WSGI_ERROR_VERSION),
        (12, UInt32(64), CSB_WSGI_ERROR_HEADER_SIZE),
        (20, UInt32(10_000), CSB_WSGI_ERROR_RECORD_SIZE),
        (28, UInt32(128), CSB_WSGI_ERROR_RECORD_SIZE),
        (36, UInt32(65), CSB_WSGI_ERROR_HISTOGRAM_GEOMETRY),
        (76, UInt32(4), CSB_WSGI_ERROR_HISTOGRAM_GEOMETRY),
        (64, UInt32(32), CSB_WSGI_ERROR_FIELD_SIZE),
        (68, UInt32(64), CSB_WSGI_ERROR_FIELD_SIZE),
        (24, UInt32(256), CSB_WSGI_ERROR_OFFSETS),
        (32, UInt32(3), CSB_WSGI_ERROR_OFFSETS),
        (32, UInt32(1_000_000), CSB_WSGI_ERROR_OFFSETS),
    ])
    func headerFieldRejected(offset: Int, value: UInt32, expected: csb_wsgi_status) {
        let bytes = Self.patched(Self.validSegmentBytes(), offset: offset, value)
        #expect(Self.validate(bytes) == expected, "offset \(offset) value \(value)")
    }

    @Test func segmentSizeDifferentFromFileRejected() {
        let size = UInt64(Self.validSegmentBytes().count)
        let bytes = Self.patched(Self.validSegmentBytes(), offset: 56, size - 256)
        #expect(Self.validate(bytes) == CSB_WSGI_ERROR_OFFSETS)
        var longer = Self.patched(Self.validSegmentBytes(), offset: 56, size + 8)
        longer += [UInt8](repeating: 0, count: 4)
        #expect(Self.validate(longer) == CSB_WSGI_ERROR_SEGMENT_SIZE)
    }

    @Test func histogramRatioRejected() {
        let bytes = Self.patched(Self.validSegmentBytes(), offset: 48, double: 1.05)
        #expect(Self.validate(bytes) == CSB_WSGI_ERROR_HISTOGRAM_GEOMETRY)
    }

    @Test func magicRejected() {
        var bytes = Self.validSegmentBytes()
        bytes[0] = UInt8(ascii: "X")
        #expect(Self.validate(bytes) == CSB_WSGI_ERROR_MAGIC)
    }

    @Test func shortFileRejected() {
        let bytes = Array(Self.validSegmentBytes().prefix(100))
        #expect(Self.validate(bytes) == CSB_WSGI_ERROR_TOO_SMALL)
    }

    @Test func missingDirectoryIsAbsent() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let missing = directory.file("not-created")
        guard case .unavailable(let reason) = WSGIScoreboardReader(directory: missing).read() else {
            Issue.record("a missing directory returned a snapshot")
            return
        }
        #expect(reason.kind == .absent)
        #expect(reason.object == missing)
        #expect(reason.message.contains(missing))
    }

    @Test func emptyDirectoryIsAbsent() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        try Data("not a segment".utf8).write(to: URL(fileURLWithPath: directory.file("1-2.wsb.tmp")))
        guard case .unavailable(let reason) = WSGIScoreboardReader(directory: directory.path).read() else {
            Issue.record("a directory without segments returned a snapshot")
            return
        }
        #expect(reason.kind == .absent)
    }

    @Test func fileAsDirectoryIsSystemError() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let file = directory.file("plain")
        try Data().write(to: URL(fileURLWithPath: file))
        guard case .unavailable(let reason) = WSGIScoreboardReader(directory: file).read() else {
            Issue.record("a plain file returned a snapshot")
            return
        }
        #expect(reason.kind == .systemError)
        #expect(reason.errno == ENOTDIR)
    }

    @Test func invalidFilesSkippedWithReason() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        var badMagic = Self.validSegmentBytes()
        badMagic[1] = 0
        try Data(badMagic).write(to: URL(fileURLWithPath: directory.file("10-1.wsb")))
        try Data(Self.patched(Self.validSegmentBytes(), offset: 8, UInt32(9))).write(to: URL(fileURLWithPath: directory.file("11-1.wsb")))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: directory.file("12-1.wsb")))

        let snapshot = try requireSnapshot(WSGIScoreboardReader(directory: directory.path).read())
        #expect(snapshot.processes.isEmpty)
        #expect(snapshot.skippedSegments == [
            WSGISkippedSegment(name: "10-1.wsb", reason: .invalid("bad magic")),
            WSGISkippedSegment(name: "11-1.wsb", reason: .invalid("unsupported version")),
            WSGISkippedSegment(name: "12-1.wsb", reason: .invalid("file shorter than the header")),
        ])
    }

    @Test func zeroedRecordsReadAsIdleProcess() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        try Data(Self.validSegmentBytes(threads: 2)).write(to: URL(fileURLWithPath: directory.file("4194000-5.wsb")))
        let snapshot = try requireSnapshot(WSGIScoreboardReader(directory: directory.path).read())
        let process = try #require(snapshot.processes.first)
        #expect(process.threadRecordCount == 2)
        #expect(process.threads.isEmpty)
        #expect(process.counters.requests == 0)
        #expect(process.mode == .standalone)
        #expect(process.configuredThreads == nil)
        #expect(process.updatedMicroseconds == nil)
        #expect(!process.isLive)
        #expect(process.applicationHistogram.counts.count == WSGIHistogramGeometry.version1.bucketCount)
        #expect(process.applicationHistogram.quantile(0.5) == nil)
    }

    @Test(arguments: [(UInt32(0), WSGIProcessMode.standalone), (1, .embedded), (2, .daemon), (7, .unknown)])
    func modeValueMapped(value: UInt32, expected: WSGIProcessMode) throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let modeOffset = Int(CSB_WSGI_HEADER_SIZE) + 12
        try Data(Self.patched(Self.validSegmentBytes(), offset: modeOffset, value)).write(to: URL(fileURLWithPath: directory.file("4194000-5.wsb")))
        let process = try #require(try requireSnapshot(WSGIScoreboardReader(directory: directory.path).read()).processes.first)
        #expect(process.mode == expected)
    }

    @Test func replacedFileIsReopened() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let name = "4194000-5.wsb"
        let requestsOffset = Int(CSB_WSGI_HEADER_SIZE) + 176
        try Data(Self.patched(Self.validSegmentBytes(), offset: requestsOffset, UInt64(7))).write(to: URL(fileURLWithPath: directory.file(name)))
        let reader = WSGIScoreboardReader(directory: directory.path)
        #expect(try requireSnapshot(reader.read()).processes.first?.counters.requests == 7)

        // A new file renamed over the old one has a new inode; the old mapping still shows 7.
        let replacement = directory.file("replacement")
        try Data(Self.patched(Self.validSegmentBytes(), offset: requestsOffset, UInt64(9))).write(to: URL(fileURLWithPath: replacement))
        #expect(rename(replacement, directory.file(name)) == 0)
        #expect(try requireSnapshot(reader.read()).processes.first?.counters.requests == 9)

        #expect(unlink(directory.file(name)) == 0)
        guard case .unavailable(let reason) = reader.read() else {
            Issue.record("a directory whose only segment was deleted returned a snapshot")
            return
        }
        #expect(reason.kind == .absent)
    }

    @Test func mappingIsReadOnlyShared() throws {
        let directory = try WSGITestDirectory()
        defer { directory.remove() }
        let path = directory.file("4194000-6.wsb")
        try Data(Self.validSegmentBytes()).write(to: URL(fileURLWithPath: path))
        var segment = csb_wsgi_open(path)
        defer { csb_wsgi_close(&segment) }
        #expect(segment.status == CSB_WSGI_OK)
        #expect(csb_wsgi_still_readable(&segment) == 1)

        // /proc files report size 0; read until end of file rather than by size.
        let mapsFile = try #require(FileHandle(forReadingAtPath: "/proc/self/maps"))
        let maps = String(decoding: try mapsFile.readToEnd() ?? Data(), as: UTF8.self)
        try mapsFile.close()
        let lines = maps.split(separator: "\n").filter { $0.hasSuffix(path) }
        #expect(lines.count == 1)
        #expect(lines.first?.split(separator: " ")[1] == "r--s")

        #expect(truncate(path, 64) == 0)
        #expect(csb_wsgi_still_readable(&segment) == 0)
    }

    @Test func openMissingFileReportsErrno() {
        let segment = csb_wsgi_open("/nonexistent-wsgi-scoreboard-test/1-1.wsb")
        #expect(segment.status == CSB_WSGI_ERROR_OPEN)
        #expect(segment.error_number == ENOENT)
        #expect(segment.base == nil)
    }
}
