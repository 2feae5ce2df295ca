import CScoreboard

/// A layout group of httpd 2.4.x: the record sizes between two changes of `scoreboard.h`.
public enum LayoutGroup: Int, Sendable, CaseIterable {
    /// httpd 2.4.1 – 2.4.16.
    case l1 = 1
    /// httpd 2.4.17 – 2.4.18: process `bucket`.
    case l2 = 2
    /// httpd 2.4.19 – 2.4.34: worker `protocol`.
    case l3 = 3
    /// httpd 2.4.35: global `times`, worker `duration`.
    case l4 = 4
    /// httpd 2.4.36 – 2.4.71: worker `client64`, and from 2.4.63 process `wait_io`.
    case l5l6 = 5

    /// The httpd releases that share this layout.
    public var httpdVersions: String {
        switch self {
        case .l1: "2.4.1-2.4.16"
        case .l2: "2.4.17-2.4.18"
        case .l3: "2.4.19-2.4.34"
        case .l4: "2.4.35"
        case .l5l6: "2.4.36-2.4.71"
        }
    }

    /// Whether worker records carry the cumulative `duration` field.
    public var hasDuration: Bool { self.rawValue >= LayoutGroup.l4.rawValue }
}

/// The geometry of one scoreboard: limits, layout group and record strides.
public struct ScoreboardLayout: Sendable, Equatable {
    let raw: sc_layout

    public var group: LayoutGroup { LayoutGroup(rawValue: Int(raw.group)) ?? .l5l6 }
    public var serverLimit: Int { Int(raw.server_limit) }
    public var threadLimit: Int { Int(raw.thread_limit) }
    public var payloadSize: Int { raw.payload_size }

    init(raw: sc_layout) {
        self.raw = raw
    }

    /// Makes the layout of `group` for the given limits, as used to build test segments.
    public init?(group: LayoutGroup, serverLimit: Int, threadLimit: Int) {
        var layout = sc_layout()
        guard sc_layout_make(Int32(group.rawValue), Int32(serverLimit), Int32(threadLimit), &layout) == 0 else {
            return nil
        }
        self.raw = layout
    }

    /// Recognises the layout of a payload copy from its limits and size.
    /// Runs once per tick, so the common case allocates nothing: the expected sizes are
    /// collected only after a mismatch.
    public static func detect(payload: UnsafeRawBufferPointer) -> Result<ScoreboardLayout, LayoutMismatch> {
        var layout = sc_layout()
        if sc_detect_layout(payload.baseAddress, payload.count, &layout, nil) == 0 {
            return .success(ScoreboardLayout(raw: layout))
        }
        var expected = [Int](repeating: 0, count: Int(SC_LAYOUT_CANDIDATES))
        let status = expected.withUnsafeMutableBufferPointer {
            sc_detect_layout(payload.baseAddress, payload.count, &layout, $0.baseAddress)
        }
        guard status == 0 else {
            return .failure(
                LayoutMismatch(
                    serverLimit: Int(layout.server_limit),
                    threadLimit: Int(layout.thread_limit),
                    actualPayloadSize: payload.count,
                    expectedPayloadSizes: expected
                )
            )
        }
        return .success(ScoreboardLayout(raw: layout))
    }

    public static func == (lhs: ScoreboardLayout, rhs: ScoreboardLayout) -> Bool {
        lhs.raw.group == rhs.raw.group && lhs.raw.server_limit == rhs.raw.server_limit
            && lhs.raw.thread_limit == rhs.raw.thread_limit
    }
}

/// A segment whose size matches no known layout for its limits.
public struct LayoutMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    public var serverLimit: Int
    public var threadLimit: Int
    public var actualPayloadSize: Int
    /// Payload size each layout group would need, newest group first; 0 where the limits are invalid.
    public var expectedPayloadSizes: [Int]

    public var description: String {
        if serverLimit <= 0 || threadLimit <= 0 {
            return "not an Apache scoreboard: server_limit \(serverLimit) and thread_limit \(threadLimit) must both be positive"
        }
        let groups = LayoutGroup.allCases.reversed()
        let expected = zip(groups, expectedPayloadSizes).map { "\($1) (httpd \($0.httpdVersions))" }
        return "unknown scoreboard layout: server_limit \(serverLimit), thread_limit \(threadLimit) and "
            + "\(actualPayloadSize) payload bytes match no httpd 2.4 layout; expected one of "
            + expected.joined(separator: ", ")
    }
}
