import CScoreboard
import Glibc

/// A read-only mapping of one scoreboard segment; detaches when released.
final class ScoreboardAttachment {
    private var mapping: sc_mapping
    let identity: SegmentIdentity
    /// POSIX object name as a C string, for checking whether the name still points at this
    /// object; kept converted because the check runs every tick.
    private let posixName: [CChar]?
    /// SysV key, for checking whether the key now resolves to another segment.
    private let sysvKey: key_t

    var payloadSize: Int { mapping.payload_size }

    private init(mapping: sc_mapping, identity: SegmentIdentity, posixName: String?, sysvKey: key_t) {
        self.mapping = mapping
        self.identity = identity
        self.posixName = posixName.map { Array($0.utf8CString) }
        self.sysvKey = sysvKey
    }

    deinit {
        sc_detach(&mapping)
    }

    /// Attaches to a candidate location; returns the attachment or the errno of the failed call.
    static func attach(_ candidate: ScoreboardCandidate, attachmentNumber: UInt64) -> Result<ScoreboardAttachment, AttachFailure> {
        var mapping = sc_mapping()
        switch candidate.location {
        case .posix(let name):
            let status = sc_attach_posix(name, &mapping)
            guard status == 0 else { return .failure(AttachFailure(object: "/dev/shm\(name)", errno: status)) }
            let identity = SegmentIdentity(mechanism: .posix, object: "/dev/shm\(name)", attachment: attachmentNumber)
            return .success(ScoreboardAttachment(mapping: mapping, identity: identity, posixName: name, sysvKey: -1))

        case .sysv(let shmid, let key):
            let object = "SysV shmid \(shmid) (key 0x\(String(UInt32(bitPattern: key), radix: 16)))"
            let status = sc_attach_sysv(shmid, &mapping)
            guard status == 0 else { return .failure(AttachFailure(object: object, errno: status)) }
            let identity = SegmentIdentity(mechanism: .sysv, object: object, attachment: attachmentNumber)
            return .success(ScoreboardAttachment(mapping: mapping, identity: identity, posixName: nil, sysvKey: key))

        case .anonymous(let path):
            let status = sc_attach_header_file(path, &mapping)
            guard status == 0 else { return .failure(AttachFailure(object: path, errno: status)) }
            let identity = SegmentIdentity(mechanism: .anonymous, object: path, attachment: attachmentNumber)
            return .success(ScoreboardAttachment(mapping: mapping, identity: identity, posixName: nil, sysvKey: -1))
        }
    }

    /// Whether the segment is still the one Apache uses. Anonymous mappings return `.current`:
    /// their owner's liveness is the signal, checked by the source.
    func segmentState() -> SegmentState {
        let raw: Int32
        switch identity.mechanism {
        case .posix: raw = posixName!.withUnsafeBufferPointer { sc_posix_segment_state(&mapping, $0.baseAddress) }
        case .sysv: raw = sc_sysv_segment_state(&mapping, sysvKey)
        case .anonymous: return .current
        }
        if raw < 0 { return .failed(errno: -raw) }
        switch UInt32(raw) {
        case SC_SEGMENT_REMOVED.rawValue: return .removed
        case SC_SEGMENT_REPLACED.rawValue: return .replaced
        default: return .current
        }
    }

    /// Recognises the layout from the live mapping's limits and size, before anything is copied.
    func detectLayout() -> Result<ScoreboardLayout, LayoutMismatch> {
        let payload = UnsafeRawBufferPointer(start: mapping.base.map { $0 + mapping.payload_offset }, count: mapping.payload_size)
        return ScoreboardLayout.detect(payload: payload)
    }

    /// Copies the payload into `buffer` and digests its worker records into `digests` in the same
    /// pass, resizing either only when the segment's geometry differs. Returns false when
    /// `layout` does not describe this mapping.
    func copyPayload(into buffer: inout [UInt8], digests: inout [WorkerDigest], layout: ScoreboardLayout) -> Bool {
        if buffer.count != mapping.payload_size {
            buffer = [UInt8](repeating: 0, count: mapping.payload_size)
        }
        let workerCount = layout.serverLimit * layout.threadLimit
        if digests.count != workerCount {
            digests = .zeroed(count: workerCount)
        }
        var raw = layout.raw
        let copied = buffer.withUnsafeMutableBytes { bytes in
            digests.withDigestStorage { sc_copy_payload_digesting(&mapping, &raw, bytes.baseAddress, bytes.count, $0, $1) }
        }
        return copied == mapping.payload_size
    }

    enum SegmentState: Equatable {
        case current
        case removed
        case replaced
        case failed(errno: Int32)
    }
}

/// An attach that failed: the object tried and the errno.
struct AttachFailure: Error {
    var object: String
    var errno: Int32
}
