import Derivation
import ScoreboardSources

/// Learns MaxRequestWorkers and ThreadsPerChild: from the operator's options when given,
/// else from Apache's configuration files. Reads files, so it runs at start, on reload and
/// after Apache restarts, never on every tick.
enum CapacityResolution {
    static func resolve(_ options: CollectorOptions) -> CapacityLimits {
        if let workers = options.maxRequestWorkers {
            return CapacityLimits(
                maxRequestWorkers: workers, threadsPerChild: options.threadsPerChild,
                source: "--max-request-workers option")
        }

        let reader = ApacheConfigurationReader(mainConfigurationFile: options.apacheConfigFile)
        switch reader.read() {
        case .unavailable(let reason):
            return CapacityLimits(
                maxRequestWorkers: nil, threadsPerChild: options.threadsPerChild,
                source: "unknown: \(reason.message); set --max-request-workers")
        case .snapshot(let configuration):
            guard let workers = configuration.maxRequestWorkers.value else {
                return CapacityLimits(
                    maxRequestWorkers: nil, threadsPerChild: options.threadsPerChild ?? configuration.threadsPerChild.value,
                    source: "unknown: \(configuration.maxRequestWorkers.source); set --max-request-workers")
            }
            return CapacityLimits(
                maxRequestWorkers: workers,
                threadsPerChild: options.threadsPerChild ?? configuration.threadsPerChild.value,
                source: "MaxRequestWorkers \(configuration.maxRequestWorkers.source)")
        }
    }
}
