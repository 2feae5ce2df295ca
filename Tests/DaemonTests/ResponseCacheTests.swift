import Dispatch
import HTTPServer
import Synchronization
import Testing
@testable import CollectorDaemon

/// Responses are rendered once per sample, and after an append the requested ones are
/// rendered on the cache's queue while requests get the previous response.
@Suite struct ResponseCacheTests {
    /// A render that returns its call number as the body and counts its calls.
    final class CountingRender: Sendable {
        let calls = Atomic<Int>(0)
        /// Renders wait for this when `blocks` is set, so a test can see a render in flight.
        let gate = DispatchSemaphore(value: 0)
        let blocks = Atomic<Bool>(false)

        func render() -> HTTPResponse {
            if blocks.load(ordering: .acquiring) {
                gate.wait()
            }
            let call = calls.add(1, ordering: .acquiringAndReleasing).newValue
            return .text("render \(call)")
        }
    }

    private func body(_ response: HTTPResponse) -> String {
        String(decoding: response.body, as: UTF8.self)
    }

    @Test func sameSequenceRendersOnce() {
        let cache = ResponseCache()
        let counter = CountingRender()

        #expect(body(cache.response(for: "/a", sequence: 1, render: counter.render)) == "render 1")
        #expect(body(cache.response(for: "/a", sequence: 1, render: counter.render)) == "render 1")
        #expect(body(cache.response(for: "/b", sequence: 1, render: counter.render)) == "render 2")
        #expect(counter.calls.load(ordering: .acquiring) == 2)
    }

    @Test func largeBodiesBeyondBudgetAreNotCached() {
        let cache = ResponseCache()
        let calls = Atomic<Int>(0)
        let render: ResponseCache.Render = {
            calls.add(1, ordering: .relaxed)
            return HTTPResponse(contentType: "application/json", body: [UInt8](repeating: 0x20, count: 3 << 20))
        }

        for target in ["/1", "/2", "/3"] {
            _ = cache.response(for: target, sequence: 1, render: render)
            _ = cache.response(for: target, sequence: 1, render: render)
        }

        // Two bodies of 3 MiB fit the 8 MiB budget; the third is rendered for every request.
        #expect(calls.load(ordering: .relaxed) == 4)
    }

    @Test func appendRendersRequestedTargetOnQueue() {
        let cache = ResponseCache()
        let counter = CountingRender()
        _ = cache.response(for: "/a", sequence: 1, render: counter.render)

        cache.sampleAppended(sequence: 2)
        cache.waitForQueuedRenders()

        #expect(counter.calls.load(ordering: .acquiring) == 2)
        #expect(body(cache.response(for: "/a", sequence: 2, render: counter.render)) == "render 2")
        #expect(counter.calls.load(ordering: .acquiring) == 2)
    }

    @Test func pendingRenderServesPreviousResponse() {
        let cache = ResponseCache()
        let counter = CountingRender()
        _ = cache.response(for: "/a", sequence: 1, render: counter.render)

        counter.blocks.store(true, ordering: .releasing)
        cache.sampleAppended(sequence: 2)
        #expect(body(cache.response(for: "/a", sequence: 2, render: counter.render)) == "render 1")

        counter.gate.signal()
        cache.waitForQueuedRenders()
        #expect(body(cache.response(for: "/a", sequence: 2, render: counter.render)) == "render 2")
        #expect(counter.calls.load(ordering: .acquiring) == 2)
    }

    @Test func unrequestedTargetIsDroppedAndRenderedOnDemand() {
        let cache = ResponseCache()
        let counter = CountingRender()
        _ = cache.response(for: "/a", sequence: 1, render: counter.render)

        cache.sampleAppended(sequence: 2)
        cache.waitForQueuedRenders()
        #expect(counter.calls.load(ordering: .acquiring) == 2)

        // No request came during sample 2, so sample 3 renders nothing in the background.
        cache.sampleAppended(sequence: 3)
        cache.waitForQueuedRenders()
        #expect(counter.calls.load(ordering: .acquiring) == 2)

        #expect(body(cache.response(for: "/a", sequence: 3, render: counter.render)) == "render 3")
    }

    @Test func backToBackAppendsEndOnNewest() {
        let cache = ResponseCache()
        let counter = CountingRender()
        _ = cache.response(for: "/a", sequence: 1, render: counter.render)

        counter.blocks.store(true, ordering: .releasing)
        cache.sampleAppended(sequence: 2)
        #expect(body(cache.response(for: "/a", sequence: 2, render: counter.render)) == "render 1")
        cache.sampleAppended(sequence: 3)
        #expect(body(cache.response(for: "/a", sequence: 3, render: counter.render)) == "render 1")

        counter.gate.signal()
        counter.gate.signal()
        cache.waitForQueuedRenders()
        #expect(body(cache.response(for: "/a", sequence: 3, render: counter.render)) == "render 3")
        #expect(counter.calls.load(ordering: .acquiring) == 3)
    }
}
