import Derivation
import History
import Synchronization

/// The `/v1/history` document assembled from the compact JSON of each sample, encoded once.
///
/// A sample never changes after the sampler appends it, and neither does its entry in the
/// `samples` array. So each entry is encoded the first time a request needs it and kept in a
/// ring that mirrors the `SampleHistory`, gaining the samples the history gained and dropping
/// those it evicted. A response is then a concatenation of stored bytes, equal to
/// `HistoryDocument.render` byte for byte.
public final class HistoryFragments: Sendable {
    /// The compact JSON of one sample, without a separating comma.
    struct Fragment: Sendable {
        let sequence: UInt64
        let json: [UInt8]
    }

    private let info: CollectorInfo
    private let history: SampleHistory
    private let fragments: Mutex<RingBuffer<Fragment>>

    public init(info: CollectorInfo, history: SampleHistory) {
        self.info = info
        self.history = history
        self.fragments = Mutex(RingBuffer(capacity: history.capacity))
    }

    /// Renders the document for samples with a sequence number greater than `afterSequence`,
    /// at most the newest `limit` of them, as UTF-8 JSON.
    ///
    /// Samples added since the previous call are encoded here, on the caller's thread; the
    /// rest is copying. Only requests take this object's lock; the sampler never does.
    public func render(afterSequence: UInt64? = nil, limit: Int? = nil) -> [UInt8] {
        fragments.withLock { ring in
            synchronize(&ring)

            let start = afterSequence.map { after in ring.firstOffset { $0.sequence > after } } ?? 0
            let first = max(start, ring.count - (limit ?? ring.count))
            let selected = first..<ring.count

            var prefix = JSONWriter(reservingCapacity: 512)
            HistoryDocument.writePrefix(
                info: info, count: selected.count,
                firstSequence: selected.isEmpty ? nil : ring[selected.lowerBound].sequence,
                lastSequence: selected.isEmpty ? nil : ring[selected.upperBound - 1].sequence,
                into: &prefix)

            var fragmentBytes = 0
            for offset in selected {
                fragmentBytes += ring[offset].json.count
            }
            let separators = max(0, selected.count - 1)

            var document: [UInt8] = []
            document.reserveCapacity(prefix.text.utf8.count + fragmentBytes + separators + HistoryDocument.suffix.utf8.count)
            document.append(contentsOf: prefix.text.utf8)
            for offset in selected {
                if offset != selected.lowerBound {
                    document.append(UInt8(ascii: ","))
                }
                document.append(contentsOf: ring[offset].json)
            }
            document.append(contentsOf: HistoryDocument.suffix.utf8)
            return document
        }
    }

    /// Number of samples whose JSON is stored; equals the history's count after a render.
    public var storedCount: Int {
        fragments.withLock { $0.count }
    }

    /// Encodes the samples the history gained since the newest stored one and drops the
    /// fragments of samples the history no longer holds.
    private func synchronize(_ ring: inout RingBuffer<Fragment>) {
        let update = history.update(afterSequence: ring.last?.sequence)
        if ring.capacity != update.capacity {
            ring.resize(to: update.capacity)
        }

        for sample in update.newSamples {
            var json = JSONWriter(reservingCapacity: 2048)
            HistoryDocument.writeSample(sample, gap: history.isGap(sample), into: &json)
            ring.append(Fragment(sequence: sample.sequence, json: Array(json.text.utf8)))
        }

        // With equal capacities the ring evicts what the history evicted. This repairs the ring
        // after the history shrank and grew again between two renders.
        guard let oldest = update.oldestSequence else {
            ring = RingBuffer(capacity: update.capacity)
            return
        }
        let evicted = ring.firstOffset { $0.sequence >= oldest }
        if evicted > 0 {
            ring.removeFirst(evicted)
        }
    }
}
