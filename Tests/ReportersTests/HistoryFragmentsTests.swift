import Foundation
import History
import Testing
@testable import Reporters

/// The `/v1/history` document assembled from stored per-sample JSON must equal the document
/// rendered from the samples, whatever was appended, evicted or selected in between.
@Suite struct HistoryFragmentsTests {
    static let info = CollectorInfo(
        version: "test", nominalIntervalSeconds: 1, historyCapacity: 10, startedAtMicroseconds: ApacheTimeline.start)

    /// Ticks with traffic, busy workers and an unavailable scoreboard, so samples differ.
    private func tick(_ timeline: inout ApacheTimeline, times: Int) {
        for index in 0..<times {
            if index % 7 == 3 {
                timeline.tickUnavailable()
            } else {
                timeline.tick(requests: UInt64(index * 3), requestMicroseconds: Int64(1_000 + index * 250), busy: index % 4)
            }
        }
    }

    private func expected(_ timeline: ApacheTimeline, afterSequence: UInt64? = nil, limit: Int? = nil) -> String {
        HistoryDocument.render(info: Self.info, history: timeline.history, afterSequence: afterSequence, limit: limit)
    }

    private func assembled(_ fragments: HistoryFragments, afterSequence: UInt64? = nil, limit: Int? = nil) -> String {
        String(decoding: fragments.render(afterSequence: afterSequence, limit: limit), as: UTF8.self)
    }

    @Test func emptyHistoryMatchesRenderer() throws {
        let timeline = ApacheTimeline(historyCapacity: 10)
        let fragments = HistoryFragments(info: Self.info, history: timeline.history)

        let document = assembled(fragments)
        #expect(document == expected(timeline))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        #expect(object["count"] as? Int == 0)
        #expect((object["samples"] as? [Any])?.isEmpty == true)
    }

    @Test func fullHistoryMatchesRenderer() throws {
        var timeline = ApacheTimeline(historyCapacity: 40)
        tick(&timeline, times: 25)
        let fragments = HistoryFragments(info: Self.info, history: timeline.history)

        let document = assembled(fragments)
        #expect(document == expected(timeline))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        #expect(object["count"] as? Int == 25)
        #expect(object["first_sequence"] as? Int == 1)
        #expect(object["last_sequence"] as? Int == 25)
    }

    @Test(arguments: [
        (UInt64?.none, Int?.some(1)), (0, nil), (1, nil), (12, nil), (12, 5), (24, nil), (25, nil), (99, nil),
        (nil, 25), (nil, 30), (3, 2),
    ] as [(UInt64?, Int?)])
    func sinceAndLimitMatchRenderer(afterSequence: UInt64?, limit: Int?) {
        var timeline = ApacheTimeline(historyCapacity: 40)
        tick(&timeline, times: 25)
        let fragments = HistoryFragments(info: Self.info, history: timeline.history)

        #expect(assembled(fragments, afterSequence: afterSequence, limit: limit) == expected(timeline, afterSequence: afterSequence, limit: limit))
    }

    @Test func samplesAppendedLaterAreAdded() {
        var timeline = ApacheTimeline(historyCapacity: 40)
        tick(&timeline, times: 5)
        let fragments = HistoryFragments(info: Self.info, history: timeline.history)
        #expect(assembled(fragments) == expected(timeline))

        tick(&timeline, times: 3)
        #expect(assembled(fragments, afterSequence: 5) == expected(timeline, afterSequence: 5))
        #expect(assembled(fragments) == expected(timeline))
        #expect(fragments.storedCount == 8)
    }

    @Test func wrappedRingEvictsWithHistory() throws {
        var timeline = ApacheTimeline(historyCapacity: 10)
        let fragments = HistoryFragments(info: Self.info, history: timeline.history)
        for _ in 0..<9 {
            tick(&timeline, times: 3)
            #expect(assembled(fragments) == expected(timeline))
            #expect(fragments.storedCount == timeline.history.count)
        }

        let object = try #require(try JSONSerialization.jsonObject(with: Data(assembled(fragments).utf8)) as? [String: Any])
        #expect(object["count"] as? Int == 10)
        #expect(object["first_sequence"] as? Int == 18)
        #expect(object["last_sequence"] as? Int == 27)
    }

    @Test func moreNewSamplesThanCapacityReplaceAll() {
        var timeline = ApacheTimeline(historyCapacity: 10)
        tick(&timeline, times: 4)
        let fragments = HistoryFragments(info: Self.info, history: timeline.history)
        #expect(assembled(fragments) == expected(timeline))

        tick(&timeline, times: 23)
        #expect(assembled(fragments) == expected(timeline))
        #expect(fragments.storedCount == 10)
    }

    @Test func resizedHistoryIsMirrored() {
        var timeline = ApacheTimeline(historyCapacity: 10)
        tick(&timeline, times: 10)
        let fragments = HistoryFragments(info: Self.info, history: timeline.history)
        #expect(assembled(fragments) == expected(timeline))

        timeline.history.resize(capacity: 4)
        #expect(assembled(fragments) == expected(timeline))
        #expect(fragments.storedCount == 4)

        timeline.history.resize(capacity: 6)
        tick(&timeline, times: 3)
        #expect(assembled(fragments) == expected(timeline))
        #expect(fragments.storedCount == 6)
    }

    @Test func shrinkAndGrowBetweenRenders() {
        var timeline = ApacheTimeline(historyCapacity: 10)
        tick(&timeline, times: 10)
        let fragments = HistoryFragments(info: Self.info, history: timeline.history)
        #expect(assembled(fragments) == expected(timeline))

        timeline.history.resize(capacity: 3)
        timeline.history.resize(capacity: 8)
        #expect(assembled(fragments) == expected(timeline))
        #expect(fragments.storedCount == 3)
    }
}
