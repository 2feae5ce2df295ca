"""Render docs/benchmarks.md from the result lines of scripts/bench.sh.

    report.py --results FILE --meta FILE [--profile FILE] [--wsgi-profile FILE]

Every figure is the median over repeated runs with the range (min–max) of those runs. Ratios are
taken run by run inside one run of the script and then summarised the same way.
"""

import argparse
import statistics
import sys

TARGETS = {
    "floor": 2.0,
    "status_ratio": 100.0,
    "metrics_p99_us": 1000.0,
    "history_p99_us": 10000.0,
    "steady_cpu_percent": 0.1,
    "rss_mib": 30.0,
    "wsgi_us": 5.0,
}


def parse_records(path):
    records = []
    with open(path) as results:
        for line in results:
            words = line.split()
            if not words:
                continue
            fields = dict(word.split("=", 1) for word in words[1:] if "=" in word)
            records.append((words[0], fields))
    return records


def parse_meta(path):
    meta = {}
    with open(path) as lines:
        for line in lines:
            key, _, value = line.rstrip("\n").partition("\t")
            meta[key] = value
    return meta


def select(records, name, **match):
    return [fields for record, fields in records
            if record == name and all(fields.get(key) == value for key, value in match.items())]


def summary(values, scale=1.0, digits=1):
    """'median (min–max)' of values × scale, or 'n/a'."""
    values = [value * scale for value in values if value is not None]
    if not values:
        return "n/a"
    form = "%%.%df" % digits
    median = form % statistics.median(values)
    if len(values) == 1:
        return median
    return "%s (%s–%s)" % (median, form % min(values), form % max(values))


def median(values):
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def verdict(value, target, lower_is_better=True):
    if value is None:
        return "not measured"
    met = value <= target if lower_is_better else value >= target
    return "met" if met else "missed"


def numbers(rows, key):
    """Values of `key` in rows, without the `nan` a measurement writes when it could not measure."""
    values = [float(row[key]) for row in rows if key in row]
    return [value for value in values if value == value]


def sampling_section(records, out):
    out.append("## 1. Sampling cost\n")
    out.append(
        "One collector sample = attach check + copy of the payload + layout detection + derivation "
        "+ append to a 1,800-sample history (`scoreboard-bench sampling`, the daemon's Apache tick "
        "without the WSGI source). The synthetic segment has the record layout of httpd 2.4.36 – 2.4.71 (Debian 12 ships 2.4.57 and later), lives in a real "
        "POSIX shared-memory object read through `ApacheScoreboardSource` with `scoreboard_file`, and "
        "has every process live, workers in mixed states (about 10 % dead, 40 % ready, the rest busy) "
        "and one worker in 8 completing requests between two samples (written in place, not timed). "
        "The floor is one `memcpy` of the same payload into one reused buffer, after the same untimed "
        "update. Times are per sample; each run is the median of all samples of that run.\n")
    out.append("| Segment (processes × threads) | Payload | Collector sample | memcpy floor | Ratio | "
               "Instructions: collector | memcpy | Ratio |")
    out.append("|---|---|---|---|---|---|---|---|")
    ratios = {}
    sizes = []
    for row in select(records, "sampling"):
        size = (int(row["processes"]), int(row["threads"]))
        if size not in sizes:
            sizes.append(size)
    for processes, threads in sizes:
        rows = select(records, "sampling", processes=str(processes), threads=str(threads))
        collector = numbers(rows, "collector_median_ns")
        floor = numbers(rows, "memcpy_median_ns")
        run_ratios = [c / f for c, f in zip(collector, floor) if f > 0]
        ratios[(processes, threads)] = median(run_ratios)
        instructions = {}
        for row in select(records, "instructions", processes=str(processes), threads=str(threads)):
            if row.get("total"):
                instructions[row["loop"]] = int(row["total"].replace(",", "")) / int(row["calls"])
        collector_instructions = instructions.get("collector")
        memcpy_instructions = instructions.get("memcpy")
        instruction_ratio = (collector_instructions / memcpy_instructions
                             if collector_instructions and memcpy_instructions else None)
        out.append("| %d × %d | %.0f KiB | %s µs | %s µs | %s× | %s | %s | %s |" % (
            processes, threads, int(rows[0]["bytes"]) / 1024, summary(collector, 1e-3), summary(floor, 1e-3),
            summary(run_ratios), "%.0f" % collector_instructions if collector_instructions else "n/a",
            "%.0f" % memcpy_instructions if memcpy_instructions else "n/a",
            "%.1f×" % instruction_ratio if instruction_ratio else "n/a"))
    out.append("")
    out.append("Instructions are per call, counted by callgrind inside `collectorSample` and `CopyFloor.copy` "
               "only (valgrind's count of a `rep movsb` copy depends on its emulation, so the time ratio is "
               "the one to trust; the instruction ratio shows the work the code adds).\n")
    return ratios


def profile_section(profile_path, out):
    if not profile_path:
        return
    try:
        with open(profile_path) as profile:
            lines = [line.rstrip() for line in profile if line.strip()]
    except OSError:
        return
    if not lines:
        return
    out.append("### Where a sample's instructions go (16 × 64, callgrind, inclusive)\n")
    out.append("```")
    for line in lines[:25]:
        count, _, rest = line.partition("(")
        percent, _, name = rest.partition(")")
        name = name.strip().split(" [")[0]
        name = name.replace("???:", "")
        out.append("%14s %8s  %s" % (count.strip(), percent.strip(), name[:150]))
    out.append("```\n")


def cost_section(records, out):
    out.append("## 2. One sample vs. `GET /status?auto` vs. one exporter scrape\n")
    out.append(
        "A private Apache (event MPM, ServerLimit 16, ThreadsPerChild 25, ExtendedStatus On, "
        "ScoreboardFile set) serves `/index.html`. **Collector**: `scoreboard-bench live` attaches to the "
        "POSIX scoreboard exactly as the daemon does and takes 500 samples 10 ms apart; time is wall time "
        "per sample, CPU is the process's user + system time around each sample "
        "(`CLOCK_PROCESS_CPUTIME_ID`), median. **Copy floor**: one `memcpy` of the same segment's "
        "payload from a read-only mapping of its own, between the samples: the least any reader of the "
        "whole segment pays. "
        "**server-status**: 2,000 `GET /status?auto` on one keep-alive connection (`http_probe.py`); "
        "latency as the client sees it, CPU = growth of utime + stime of every process of the "
        "instance (/proc, clock ticks) ÷ requests. **Exporter**: prometheus-apache-exporter scraping "
        "that URL, 300 `GET /metrics`; CPU = exporter + Apache. *idle*: no other traffic; *loaded*: "
        "`wrk -t1 -c16` on `/index.html` at the same time (CPU there includes the load, so only "
        "latencies are given).\n")
    out.append("| Condition | Collector sample (wall) | Collector CPU / sample | Copy floor | server-status latency p50 | "
               "p99 | Apache CPU / request | Exporter scrape p50 | p99 | Exporter + Apache CPU / scrape |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    ratios = {}
    for load in ("idle", "loaded"):
        collector = select(records, "live", label=load)
        status = select(records, "http", label="status_" + load)
        exporter = select(records, "http", label="exporter_" + load)
        if not collector:
            continue
        show_cpu = load == "idle"
        out.append("| %s | %s µs | %s µs | %s µs | %s µs | %s µs | %s | %s µs | %s µs | %s |" % (
            load, summary(numbers(collector, "median_ns"), 1e-3), summary(numbers(collector, "cpu_per_sample_ns"), 1e-3),
            summary(numbers(collector, "floor_median_ns"), 1e-3),
            summary(numbers(status, "median_us")), summary(numbers(status, "p99_us")),
            summary(numbers(status, "cpu_per_request_us")) + " µs" if show_cpu else "—",
            summary(numbers(exporter, "median_us")), summary(numbers(exporter, "p99_us")),
            summary(numbers(exporter, "cpu_per_request_us")) + " µs" if show_cpu else "—"))
        run_latency = [s / (c / 1e3) for s, c in zip(numbers(status, "median_us"), numbers(collector, "median_ns")) if c]
        ratios[load + "_latency"] = run_latency
        if show_cpu:
            ratios["cpu"] = [s / (c / 1e3) for s, c in
                             zip(numbers(status, "cpu_per_request_us"), numbers(collector, "cpu_per_sample_ns")) if c]
            ratios["floor_cpu"] = [s / (f / 1e3) for s, f in
                                   zip(numbers(status, "cpu_per_request_us"), numbers(collector, "floor_median_ns")) if f]
            ratios["exporter_cpu"] = [e / (c / 1e3) for e, c in
                                      zip(numbers(exporter, "cpu_per_request_us"), numbers(collector, "cpu_per_sample_ns")) if c]
    out.append("")
    out.append("Ratios, run by run: server-status CPU ÷ collector CPU %s×; server-status CPU ÷ copy floor %s× "
               "(the most a reader that copies the segment can reach); exporter CPU ÷ collector CPU %s×; "
               "server-status latency ÷ collector sample time %s× idle, %s× loaded.\n" % (
                   summary(ratios.get("cpu", [])), summary(ratios.get("floor_cpu", [])),
                   summary(ratios.get("exporter_cpu", [])),
                   summary(ratios.get("idle_latency", [])), summary(ratios.get("loaded_latency", []))))
    lost = select(records, "apache_parent_lost")
    if lost:
        out.append("**The Apache parent process exited during this run without being stopped by the benchmark** "
                   "(found gone in: %s). After the parent is gone its children keep serving, and the CPU figures "
                   "count every process of the instance by its command line.\n"
                   % ", ".join(sorted({"%s %s" % (row.get("phase", "?"), row.get("load", "")) for row in lost})))
    out.append("CPU per request from /proc has a resolution of one clock tick (10 ms) over the whole run, "
               "that is about 5 µs per request for 2,000 requests.\n")

    out.append("### Apache throughput while polled once a second\n")
    out.append("`wrk -t2 -c32 --latency` on `/index.html` (runs interleaved); the poller runs during the whole "
               "wrk run: the collector daemon at `--interval 1`, or one `GET /status?auto` per second, or one "
               "exporter scrape per second.\n")
    out.append("| Poller | Requests/s | Change vs. none | p50 | p99 |")
    out.append("|---|---|---|---|---|")
    baseline = numbers(select(records, "wrk", phase="throughput", poller="none"), "requests_per_second")
    for poller in ("none", "collector", "status", "exporter"):
        rows = select(records, "wrk", phase="throughput", poller=poller)
        rates = numbers(rows, "requests_per_second")
        change = [(r / b - 1) * 100 for r, b in zip(rates, baseline) if b]
        out.append("| %s | %s | %s | %s µs | %s µs |" % (
            poller, summary(rates, digits=0), "—" if poller == "none" else summary(change) + " %",
            summary(numbers(rows, "p50_us")), summary(numbers(rows, "p99_us"))))
    out.append("")
    out.append("Both cores are saturated by wrk and Apache here, so run-to-run spread of a few percent is "
               "noise; a poller's effect is visible only where it exceeds the spread of the *none* row.\n")
    return ratios


def api_section(records, out):
    out.append("## 3. The collector's API\n")
    history = select(records, "api_history")
    samples = history[0]["samples"] if history else "?"
    bodies = {row["route"]: int(row["bytes"]) for row in select(records, "api_body")}
    out.append("The daemon samples the live Apache at `interval = 0.1`, `history = 1800` until the history is full "
               "(%s samples when measured), then at the default `interval = 1` (set by SIGHUP), while `wrk -t1 -c8` "
               "loads `/index.html`. `wrk -t1 -cN -d… --latency` "
               "per route; `/v1/history` returns all samples (%s bytes; `/v1/metrics` is %s bytes), without gzip "
               "because wrk sends no Accept-Encoding.\n" % (
                   samples, bodies.get("/v1/history", "?"), bodies.get("/v1/metrics", "?")))
    out.append("| Route | Connections | Requests/s | p50 | p99 |")
    out.append("|---|---|---|---|---|")
    p99 = {}
    routes = []
    for row in select(records, "wrk", phase="api"):
        if row["route"] not in routes:
            routes.append(row["route"])
    for route in routes:
        for connections in ("1", "16", "64"):
            rows = select(records, "wrk", phase="api", route=route, connections=connections)
            if not rows:
                continue
            p99[(route, connections)] = median(numbers(rows, "p99_us"))
            out.append("| `%s` | %s | %s | %s µs | %s µs |" % (
                route, connections, summary(numbers(rows, "requests_per_second"), digits=0),
                summary(numbers(rows, "p50_us")), summary(numbers(rows, "p99_us"))))
    if select(records, "apache_down", phase="api"):
        out.append("**The Apache instance was gone (stopped from outside the benchmark) during these runs**, so "
                   "the collector served Apache as unavailable and `/v1/metrics` was the short document.\n")
    for row in select(records, "api_absent"):
        out.append("\n`%s` is not served by this build (404), so it is not measured." % row["route"])
    out.append("")
    return p99


def steady_section(records, out):
    out.append("## 4. Steady state\n")
    out.append("The daemon on a synthetic segment (counters moving every second, `scoreboard-bench segment`), "
               "history filled at 0.1 s, then switched to `interval = 1` by SIGHUP; CPU is the growth of "
               "utime + stime in /proc/PID/stat over the measured window ÷ wall time, RSS is VmRSS at the end "
               "and VmHWM the peak. The other phases ran on the same two cores during the window.\n")
    out.append("| Segment | Window | History samples | CPU (% of one core) | RSS | Peak RSS |")
    out.append("|---|---|---|---|---|---|")
    results = {}
    for row in select(records, "steady"):
        seconds = float(row["seconds"])
        percent = int(row["ticks"]) / int(row["clock_ticks_per_second"]) / seconds * 100
        results[(row["processes"], row["threads"])] = (percent, int(row["rss_kib"]) / 1024, int(row["hwm_kib"]) / 1024)
        out.append("| %s × %s | %.0f s | %s | %.3f %% (%s ticks) | %.1f MiB | %.1f MiB |" % (
            row["processes"], row["threads"], seconds, row["history_samples"], percent, row["ticks"],
            int(row["rss_kib"]) / 1024, int(row["hwm_kib"]) / 1024))
    api = select(records, "api_history")
    if api:
        out.append("\nThe API collector of section 3 (live Apache, 16 × 25, full history, after the wrk runs): "
                   "RSS %.1f MiB." % (int(api[0]["rss_kib"]) / 1024))
    out.append("\nOne run only: the figures are single measurements over the window, not medians.\n")
    return results


def wsgi_section(records, out):
    out.append("## 5. WSGI scoreboard writer\n")
    rows = select(records, "wsgi_inprocess")
    out.append("In-process (`scripts/bench/wsgi_overhead.py`, /usr/bin/python3): a hello-world application "
               "called directly and through `ScoreboardMiddleware` with a recorder writing a real segment, "
               "daemon-mode process information and mod_wsgi's time stamps in the environ; %s requests per "
               "arm and run.\n" % (rows[0]["requests"] if rows else "?"))
    out.append("| Plain call | With the writer | Writer cost per request |")
    out.append("|---|---|---|")
    overhead = numbers(rows, "overhead_us")
    out.append("| %s µs | %s µs | %s µs |" % (
        summary(numbers(rows, "plain_us"), digits=2), summary(numbers(rows, "recorded_us"), digits=2),
        summary(overhead, digits=2)))
    out.append("")
    out.append("Under mod_wsgi (daemon group `app`, 1 process × 4 threads, three otherwise identical private "
               "Apache instances), `wrk -t2 -c8` on `/app/hello`, runs interleaved. *plain*: no writer; "
               "*writer*: enabled by the import script through `install()`, which subscribes to mod_wsgi's "
               "events; *by_hand*: `ScoreboardMiddleware` wrapped around the application in the script, "
               "no events.\n")
    out.append("| Variant | Requests/s | Change | p50 | p99 |")
    out.append("|---|---|---|---|---|")
    plain = numbers(select(records, "wrk", phase="wsgi", variant="plain"), "requests_per_second")
    for variant in ("plain", "writer", "by_hand"):
        rows = select(records, "wrk", phase="wsgi", variant=variant)
        if not rows:
            continue
        rates = numbers(rows, "requests_per_second")
        change = [(r / p - 1) * 100 for r, p in zip(rates, plain) if p]
        out.append("| %s | %s | %s | %s µs | %s µs |" % (
            variant, summary(rates, digits=0), "—" if variant == "plain" else summary(change) + " %",
            summary(numbers(rows, "p50_us")), summary(numbers(rows, "p99_us"))))
    segments = select(records, "wsgi_segments")
    if segments:
        out.append("\nSegments written by the writer instance: %s; by the by_hand instance: %s." % (
            segments[0]["count"], segments[0].get("by_hand", "?")))
    out.append("")
    return median(overhead)


def wsgi_profile_section(path, out):
    if not path:
        return
    try:
        with open(path) as profile:
            lines = [line.rstrip().replace(os_path_prefix(line), "") for line in profile if line.strip()]
    except OSError:
        return
    if not lines:
        return
    out.append("### Where the writer's time goes (cProfile, 20,000 requests per arm, sorted by own time)\n")
    out.append("```")
    out.extend(lines)
    out.append("```\n")


def os_path_prefix(line):
    """Return the directory part of a profiled file name, which the table leaves out to stay narrow."""
    marker = "scoreboard_collector_wsgi/"
    if marker in line:
        start = line.rfind(" ", 0, line.index(marker)) + 1
        return line[start:line.index(marker)]
    return "\0"


def findings_section(out):
    out.append("## Findings and changes\n")
    out.append(
        "Unless stated otherwise, before and after figures were measured on this machine with the binaries "
        "of both commits, run back to back (2026-12-05, load average about 1).\n")
    out.append(
        "- **Every worker record decoded twice per sample (fixed).** The census and the counter pass each "
        "called `sc_read_worker`, which fills all 17 numeric fields of a record, and converted the result "
        "to `WorkerScore`. Now `sc_copy_payload_digesting` copies the payload one process row at a time and, "
        "while the row is still in the cache, writes a dense digest of the eight fields the metrics read. The "
        "census classifies states with bit masks instead of branches, because states in a busy scoreboard "
        "follow no pattern and the branches were mispredicted. It counts each row in two interleaved tables, "
        "so consecutive increments of one state do not wait for each other. The counter pass skips slots "
        "whose digest equals the baseline. `scoreboard-bench sampling`, before → after:\n"
        "  - 16 × 64: 128 µs → 25.5 µs per sample (memcpy floor 9.4 µs, ratio 13.6× → 2.7×);\n"
        "  - 64 × 64: 420 µs → 87 µs (11.6× → 2.4×);\n"
        "  - 256 × 64: 1.73 ms → 0.70 ms.\n\n"
        "  The census and the counter pass are checked against a plain "
        "per-record reading of mod_status's rules on random boards (`CensusEquivalenceTests`).\n"
        "- **Allocations on every tick (fixed).** `perf` on a live sample showed 8 % in allocating the census's "
        "per-state array, most of it in the Swift runtime's generic-metadata lookup. The counts now live in an "
        "`InlineArray`. Layout detection allocated its list of expected sizes, now built only after a "
        "mismatch. The POSIX object name was converted from a Swift `String` to a C string on every check, "
        "and is now kept converted.\n"
        "- **Parent and segment checks (fixed).** Each tick read `/proc/PID/stat` twice for the parent "
        "(`kill(pid, 0)` plus the state letter, then the start time), about 17 % of a live sample. It also "
        "called `fstat` and `stat` on the segment, about 10 %. The parent is now watched through a "
        "`pidfd`: one `poll` per tick, and a reused PID cannot pass for the parent. Graceful and hard "
        "restarts keep the segment, and only a stop, after which the parent exits, removes it. So the "
        "segment check runs only when the watched parent has exited or there is no watch, and its path "
        "lookup only when the object has lost its link. `scoreboard-bench live` on the 16 × 25 Apache, "
        "before → after all of the above: 140 µs to 46 µs per sample.\n"
        "- **What keeps a sample above 2× the copy floor.** At 16 × 64 the copy itself costs about the "
        "floor. The rest is the census and the counter pass over 1,024 digests, and writing the digests. "
        "Then come costs that do not grow with the segment, each a few µs: clock reads, the `pidfd` poll, "
        "appending to the history and building the sample. At 1,000 × 64 the copy dominates and the ratio is under "
        "2×. On a live Apache, samples are a second apart (10 ms in the benchmark), so caches are cold "
        "and the fixed costs weigh more than in the back-to-back synthetic loop.\n"
        "- **Why 100× cheaper than `/status?auto` is out of reach.** Apache spends about 270 µs of CPU on "
        "one `/status?auto` for the 16 × 25 instance. One `memcpy` of that 132 KiB segment from a mapping "
        "costs 12–18 µs when it runs once in a while. So a reader that copies the segment is at most about "
        "16–21× cheaper (the copy-floor ratio in section 2), whatever it does after the copy. Reading only the needed fields "
        "straight from the live mapping could go below the copy, at the price of the private copy from "
        "which in-flight requests and `/v1/scoreboard/apache` take Apache's strings.\n"
        "- **HTTP API (improved; both targets missed under the benchmark's load).** Profiling under `wrk` found four causes. "
        "(1) A full `/v1/history` encoded all 1,800 samples per request. Each sample's JSON is now encoded "
        "once and kept in a ring that evicts with the history, so a response is a concatenation. It is "
        "tested byte for byte against the document renderer, `since` and `limit` included. (2) Bodies were copied per "
        "request and per connection; 64 connections pulling the history pushed peak memory to 177–188 MB. A "
        "connection now sends head and shared body with one `sendmsg` from its offset, gzip runs once per "
        "body, and replaced bodies go back to the kernel (glibc's mmap threshold set to 256 KiB). (3) "
        "`/v1/metrics` was re-rendered on the HTTP thread after every tick, and rendering sorted each window's "
        "request durations in full. The cache now renders requested routes on its own queue after each "
        "sample and swaps them in. For a few milliseconds after a tick a request gets the previous sample. "
        "The percentile ranks are found by selection instead of a sort. (4) "
        "Header parsing and the response head went through `String` and `Character`; they are bytes now "
        "(callgrind: 62,400 → 24,700 instructions per wrk request). Before → after, old and new binaries "
        "side by side against the same Apache, with the build load of other work (load average 1–14):\n"
        "  - full history at 1 connection: 98 → 418 requests/s, p50 5.0 → 1.9 ms, p99 120 → 15.8 ms;\n"
        "  - peak memory in the API runs: 177–188 MB → 30–34 MB;\n"
        "  - `/v1/metrics` at 64 connections on a quiet machine with Apache idle: 50,100 → 76,500 "
        "requests/s, p50 1.25 → 0.77 ms, p99 1.9 → 1.6 ms.\n\n"
        "  With 64 closed-loop connections the median alone is about 64 ÷ throughput. So p99 under 1 ms "
        "would need well over 64,000 requests/s from the one HTTP thread while wrk, Apache and the sampler "
        "share the two cores. With the benchmark's background load, the tail is set by CPU scheduling. The "
        "full history's median at 1 connection (about 2 ms) is well under the target, but its p99 is not. "
        "That p99 stays at 14–15 ms whether the sampler runs every 0.1 s or every second (the first full "
        "run of this commit, at 0.1 s, measured 13.8 ms), so it is not the re-rendering after each "
        "sample. A 3.3 MB response takes about 2 ms of the HTTP thread, and with `wrk` loading Apache "
        "both cores are busy, so a request that loses the CPU for one scheduler slice lands in the "
        "tail. Measured by hand after this run, with no load on Apache (2026-12-05 02:03 UTC; the same "
        "Apache setup and collector configuration, history full, interval 1 s, the same `wrk` commands):\n"
        "  - full `/v1/history` at 1 connection: p50 0.95–1.5 ms, p99 1.6–3.8 ms (three runs);\n"
        "  - `/v1/metrics` at 64 connections: 76,000–79,000 requests/s, p50 0.76 ms, p99 1.5 ms (two runs).\n"
        "- **WSGI writer (improved, target missed).** The bucket is found by a search over the 412 "
        "precomputed boundaries instead of `math.log`; it gives the same index for every finite value, "
        "tested at each boundary ± 1 ulp. Stamps of one type take a fast path. Single fields are stored "
        "with one `memoryview` item each inside the seqlock window, and the response object doubles as the "
        "request token. `wsgi_overhead.py`, before → "
        "after: 13.2 µs to 7.7 µs per request with `mod_wsgi.script_start` in the environ, as mod_wsgi 4.x "
        "sets it. The profile is now flat: end of request 23 %, start 14 %, stamp parsing 13 %, packing the "
        "26 counters 11 %, the thread record 7 %, the response object about 12 %. Under mod_wsgi the writer "
        "costs more than in-process: each step measured inside the daemon took 3–4× its in-process time, "
        "probably because its code and data are no longer in the caches between requests. Subscribing to mod_wsgi's events "
        "through `install()` adds about 22 µs of daemon CPU per request by itself: an empty subscriber "
        "raised the daemon's CPU per request from about 130 µs to 152 µs. The *by_hand* row in section 5 "
        "measures the writer without events; in hello-world throughput under `wrk` the two ways differ "
        "by less than the run-to-run spread.\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", required=True)
    parser.add_argument("--meta", required=True)
    parser.add_argument("--profile")
    parser.add_argument("--wsgi-profile")
    arguments = parser.parse_args()
    records = parse_records(arguments.results)
    meta = parse_meta(arguments.meta)

    body = []
    floor_ratios = sampling_section(records, body)
    profile_section(arguments.profile, body)
    cost_ratios = cost_section(records, body)
    api_p99 = api_section(records, body)
    steady = steady_section(records, body)
    wsgi_overhead = wsgi_section(records, body)
    wsgi_profile_section(arguments.wsgi_profile, body)
    findings_section(body)

    out = ["# Benchmarks\n"]
    if meta.get("note"):
        out.append(meta["note"] + "\n")
    out.append("Generated by `scripts/bench.sh` (`make bench`); %s run%s. Absolute times depend on this "
               "machine; the claims are the ratios, measured in the same run.\n" % (
                   meta.get("mode", "?"),
                   "" if meta.get("mode") == "full" else " (BENCH_QUICK=1: shorter steady state, fewer runs)"))
    out.append("| | |")
    out.append("|---|---|")
    for key, label in (("command", "Command"), ("date", "Date"), ("cpu", "CPU"), ("cores", "Cores"),
                       ("memory", "Memory"), ("kernel", "Kernel"), ("os", "OS"), ("swift", "Swift"),
                       ("apache2", "apache2"), ("mod_wsgi", "libapache2-mod-wsgi-py3"),
                       ("exporter", "prometheus-apache-exporter"), ("wrk", "wrk"), ("python", "Python"),
                       ("valgrind", "valgrind"), ("commit", "Commit"),
                       ("load_start", "Load average at start (1, 5, 15 min)"),
                       ("load_end", "Load average at end")):
        value = meta.get(key, "?")
        out.append("| %s | %s |" % (label, "`%s`" % value if key == "command" else value))
    out.append("")
    out.append("Figures are medians over repeated runs with the range (min–max) in brackets. The load "
               "averages show whether other work shared the two cores during the run; with a load above "
               "2 the absolute times and throughputs are pessimistic and their spread is wider.\n")

    out.append("## Targets\n")
    out.append("| Target | Measured | Verdict |")
    out.append("|---|---|---|")
    default_ratio = floor_ratios.get((16, 64))
    large_ratio = floor_ratios.get((1000, 64))
    out.append("| Sample within 2× of a memcpy of the segment | %s× (16 × 64), %s× (1000 × 64) | %s |" % (
        "%.1f" % default_ratio if default_ratio else "n/a", "%.1f" % large_ratio if large_ratio else "n/a",
        verdict(default_ratio, TARGETS["floor"])))
    cpu_ratio = median(cost_ratios.get("cpu", []))
    out.append("| Sample ≥ 100× cheaper than a server-status request (CPU) | %s× | %s |" % (
        "%.0f" % cpu_ratio if cpu_ratio else "n/a", verdict(cpu_ratio, TARGETS["status_ratio"], lower_is_better=False)))
    metrics_p99 = api_p99.get(("/v1/metrics", "64"))
    out.append("| `/v1/metrics` p99 < 1 ms at 64 connections | %s | %s |" % (
        "%.0f µs" % metrics_p99 if metrics_p99 else "n/a", verdict(metrics_p99, TARGETS["metrics_p99_us"])))
    # One request's latency: with N closed-loop connections each request also waits for up to N − 1
    # others of 3 MB each, so the other counts are shown as context.
    history_p99 = api_p99.get(("/v1/history", "1"))
    history_worst = max([value for (route, _), value in api_p99.items() if route == "/v1/history" and value] or [0]) or None
    out.append("| Full `/v1/history` < 10 ms (p99 at 1 connection) | %s%s | %s |" % (
        "%.1f ms" % (history_p99 / 1e3) if history_p99 else "n/a",
        " (%.0f ms at the worst connection count)" % (history_worst / 1e3) if history_worst else "",
        verdict(history_p99, TARGETS["history_p99_us"])))
    default_steady = steady.get(("16", "64"))
    large_steady = steady.get(("64", "64"))
    out.append("| Steady CPU < 0.1 %% of a core (16 × 64) | %s | %s |" % (
        "%.3f %%" % default_steady[0] if default_steady else "n/a",
        verdict(default_steady[0] if default_steady else None, TARGETS["steady_cpu_percent"])))
    peak = max([values[2] for values in steady.values()] or [0]) or None
    out.append("| RSS < 30 MB (peak, both segments) | %s | %s |" % (
        "%.1f MiB" % peak if peak else "n/a", verdict(peak * 1.048576 if peak else None, TARGETS["rss_mib"])))
    if large_steady:
        out.append("| (context) steady CPU on 64 × 64 | %.3f %% | — |" % large_steady[0])
    out.append("| WSGI writer < 5 µs per request (in-process) | %s | %s |" % (
        "%.2f µs" % wsgi_overhead if wsgi_overhead is not None else "n/a", verdict(wsgi_overhead, TARGETS["wsgi_us"])))
    out.append("")

    sys.stdout.write("\n".join(out + body) + "\n")


if __name__ == "__main__":
    main()
