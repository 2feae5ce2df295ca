import Derivation
import Reporters

/// The log sink: one entry per event, with the event's source and pid as fields.
struct EventLogReporter: SampleReporter {
    let logger: Logger

    func report(_ sample: DerivedSample, events: [CollectorEvent]) {
        for event in events {
            var fields = ["SOURCE": event.source, "EVENT": event.kind.rawValue]
            if let pid = event.pid { fields["PID"] = String(pid) }
            switch event.kind {
            case .anomaly:
                logger.log(.warning, event.detail, fields: fields, rateLimitKey: "anomaly:\(event.source)")
            case .crash:
                logger.log(.warning, event.detail, fields: fields)
            case .childRecycled:
                logger.log(.debug, event.detail, fields: fields)
            case .start, .attach:
                // Apache's are logged with the segment's ids when the sampler attaches.
                if event.source != "apache" { logger.log(.info, event.detail, fields: fields) }
            case .stop, .gracefulRestart, .hardRestart, .unavailable:
                logger.log(.info, event.detail, fields: fields)
            }
        }
    }
}
