/// A fixed-capacity FIFO that overwrites its oldest element when full.
///
/// Storage is allocated once, up to `capacity`; appending never allocates after that.
public struct RingBuffer<Element> {
    public private(set) var capacity: Int
    private var storage: [Element] = []
    /// Index in `storage` of the oldest element once the buffer has wrapped.
    private var head = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "ring buffer capacity must be positive")
        self.capacity = capacity
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public mutating func append(_ element: Element) {
        if storage.count < capacity {
            if storage.capacity < capacity { storage.reserveCapacity(capacity) }
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    /// Returns the element `offset` places after the oldest one.
    public subscript(offset: Int) -> Element {
        precondition(offset >= 0 && offset < storage.count, "ring buffer offset out of range")
        return storage[(head + offset) % storage.count]
    }

    public var last: Element? { storage.isEmpty ? nil : self[storage.count - 1] }
    public var first: Element? { storage.isEmpty ? nil : self[0] }

    /// Returns all elements, oldest first.
    public func elements() -> [Element] {
        Array(storage[head...] + storage[..<head])
    }

    /// Changes the capacity, keeping the newest elements that fit.
    public mutating func resize(to newCapacity: Int) {
        precondition(newCapacity > 0, "ring buffer capacity must be positive")
        let kept = Array(elements().suffix(newCapacity))
        capacity = newCapacity
        storage = []
        storage.reserveCapacity(newCapacity)
        storage.append(contentsOf: kept)
        head = 0
    }

    /// Removes the `count` oldest elements, keeping the capacity. It copies the kept
    /// elements, which is acceptable because callers use it only to repair rare mismatches.
    public mutating func removeFirst(_ count: Int) {
        precondition(count >= 0 && count <= storage.count, "ring buffer removal count out of range")
        let kept = Array(elements().dropFirst(count))
        storage = []
        storage.reserveCapacity(capacity)
        storage.append(contentsOf: kept)
        head = 0
    }

    /// Offset of the first element for which `isIncluded` is true, assuming the elements are
    /// ordered so that once it is true it stays true (binary search).
    public func firstOffset(where isIncluded: (Element) -> Bool) -> Int {
        var low = 0
        var high = storage.count
        while low < high {
            let middle = (low + high) / 2
            if isIncluded(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
