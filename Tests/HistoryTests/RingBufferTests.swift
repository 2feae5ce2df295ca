import History
import Testing

@Suite struct RingBufferTests {
    @Test func keepsNewestWhenFull() {
        var ring = RingBuffer<Int>(capacity: 3)
        for value in 1...5 { ring.append(value) }
        #expect(ring.elements() == [3, 4, 5])
        #expect(ring.count == 3)
        #expect(ring.first == 3)
        #expect(ring.last == 5)
        #expect(ring[1] == 4)
    }

    @Test func resizeKeepsNewest() {
        var ring = RingBuffer<Int>(capacity: 4)
        for value in 1...6 { ring.append(value) }
        ring.resize(to: 2)
        #expect(ring.elements() == [5, 6])
        ring.resize(to: 5)
        ring.append(7)
        #expect(ring.elements() == [5, 6, 7])
    }

    @Test func removeFirstAfterWrap() {
        var ring = RingBuffer<Int>(capacity: 4)
        for value in 1...6 { ring.append(value) }
        ring.removeFirst(2)
        #expect(ring.elements() == [5, 6])
        #expect(ring.capacity == 4)
        for value in 7...9 { ring.append(value) }
        #expect(ring.elements() == [6, 7, 8, 9])
        ring.removeFirst(4)
        #expect(ring.isEmpty)
    }

    @Test func binarySearchAfterWrap() {
        var ring = RingBuffer<Int>(capacity: 5)
        for value in 1...8 { ring.append(value * 10) }
        #expect(ring.firstOffset { $0 >= 60 } == 2)
        #expect(ring.firstOffset { $0 >= 1000 } == 5)
        #expect(ring.firstOffset { $0 >= 0 } == 0)
    }
}
