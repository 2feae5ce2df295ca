import Derivation

/// `apache_process_*` and `wsgi_process_*`: resource use of the watched processes from /proc,
/// summed per Apache role (parent, child) and per WSGI process group.
///
/// Per-pid series would churn with every recycled child, so values are summed. A sum is
/// written only when every process of the set has the value: a process seen for the first
/// time has no CPU rate yet, and a partial sum would understate the set.
enum ProcessExposition {
    private struct ProcessSet {
        var labels: [(name: String, value: String)]
        var processes: [ProcessMetrics] = []
    }

    static func families(_ processes: [ProcessMetrics], apacheUp: Bool, wsgiUp: Bool) -> [MetricFamily] {
        var apacheSets: [ProcessSet] = []
        var wsgiSets: [ProcessSet] = []
        for process in processes {
            switch process.role {
            case .apacheParent, .apacheChild:
                guard apacheUp else { continue }
                let role = process.role == .apacheParent ? "parent" : "child"
                append(process, labels: [("role", role)], to: &apacheSets)
            case .wsgi:
                guard wsgiUp else { continue }
                append(process, labels: [("process_group", process.processGroup ?? "")], to: &wsgiSets)
            }
        }
        return families(prefix: "apache", sets: apacheSets, owner: "Apache") + families(prefix: "wsgi", sets: wsgiSets, owner: "WSGI")
    }

    private static func append(_ process: ProcessMetrics, labels: [(name: String, value: String)], to sets: inout [ProcessSet]) {
        if let index = sets.firstIndex(where: { $0.labels.map(\.value) == labels.map(\.value) }) {
            sets[index].processes.append(process)
        } else {
            sets.append(ProcessSet(labels: labels, processes: [process]))
        }
    }

    private static func families(prefix: String, sets: [ProcessSet], owner: String) -> [MetricFamily] {
        var memory = MetricFamily("\(prefix)_process_resident_memory_bytes", .gauge, help: "Resident memory of the \(owner) processes, summed (VmRSS).")
        var cpu = MetricFamily(
            "\(prefix)_process_cpu_usage_cores", .gauge,
            help: "CPU time of the \(owner) processes per second of the latest interval, summed (1 = one core), by mode.")
        var threads = MetricFamily("\(prefix)_process_threads", .gauge, help: "Threads of the \(owner) processes, summed.")
        var descriptors = MetricFamily("\(prefix)_process_open_fds", .gauge, help: "Open file descriptors of the \(owner) processes, summed; absent where /proc/<pid>/fd is not readable.")
        var switches = MetricFamily(
            "\(prefix)_process_context_switches_per_second", .gauge,
            help: "Context switches of the \(owner) processes per second of the latest interval, summed, by type.")

        for set in sets {
            let labels = set.labels
            memory.add(sum(set.processes, \.residentBytes), labels: labels)
            cpu.add(sum(set.processes, \.cpuUserPercent).map { $0 / 100 }, labels: labels + [("mode", "user")])
            cpu.add(sum(set.processes, \.cpuSystemPercent).map { $0 / 100 }, labels: labels + [("mode", "system")])
            threads.add(set.processes.reduce(0) { $0 + $1.threads }, labels: labels)
            descriptors.add(sum(set.processes, \.openFileDescriptors), labels: labels)
            switches.add(sum(set.processes, \.voluntaryContextSwitchesPerSecond), labels: labels + [("type", "voluntary")])
            switches.add(sum(set.processes, \.involuntaryContextSwitchesPerSecond), labels: labels + [("type", "involuntary")])
        }
        return [memory, cpu, threads, descriptors, switches]
    }

    /// Returns the sum of a value over every process, or nil when any process lacks it.
    private static func sum<Value: AdditiveArithmetic>(_ processes: [ProcessMetrics], _ value: KeyPath<ProcessMetrics, Value?>) -> Value? {
        var total = Value.zero
        for process in processes {
            guard let part = process[keyPath: value] else { return nil }
            total += part
        }
        return total
    }
}
