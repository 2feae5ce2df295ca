import Derivation

/// A sink that receives every derived sample as it is stored.
///
/// Pull-style views (the JSON documents, the Prometheus exposition) render from `SampleHistory`
/// when asked; push-style sinks (logs, or a future remote writer) conform to this protocol and
/// are called once per tick on the sampling queue, so they must return quickly and never block.
public protocol SampleReporter: Sendable {
    func report(_ sample: DerivedSample, events: [CollectorEvent])
}
