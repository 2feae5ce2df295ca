import Derivation

/// Writes the `processes` array: resource use per watched process.
enum ProcessJSON {
    static func write(_ processes: [ProcessMetrics], compact: Bool, into json: inout JSONWriter) {
        json.array("processes") { json in
            for process in processes {
                json.beginObject()
                json.field("pid", process.pid)
                json.field("role", process.role.rawValue)
                json.field("process_group", process.processGroup)
                json.field("rss_bytes", process.residentBytes)
                json.field("cpu_user_percent", process.cpuUserPercent)
                json.field("cpu_system_percent", process.cpuSystemPercent)
                json.field("voluntary_context_switches_per_second", process.voluntaryContextSwitchesPerSecond)
                json.field("involuntary_context_switches_per_second", process.involuntaryContextSwitchesPerSecond)
                if !compact {
                    json.field("command", process.command)
                    json.field("threads", process.threads)
                    json.field("open_file_descriptors", process.openFileDescriptors)
                    json.field("start_time_unix_seconds", process.startTimeUnixSeconds)
                }
                json.endObject()
            }
        }
    }
}
