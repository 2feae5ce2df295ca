#!/usr/bin/env python3
"""Compare the collector's response-time figures with Apache's access log for scripts/accuracy.sh.

Reads one directory per concurrency level (history.json, metrics.json, access.log and meta.json,
written by accuracy.sh) and writes a Markdown report and a JSON summary. Exits with status 1 when
a bound fails. The Apache-side interval mean must be within 1 % of the access-log mean, and the
request counts must match exactly. The WSGI total-time p50, p90 and p95 must be within 2.5 % of the
access-log percentiles, and no WSGI percentile may exceed the access-log one by more than the
histogram's 1.98 % (see the report text).
"""

import argparse
import json
import math
import os
import sys

APACHE_MEAN_BOUND = 0.01
# The target is 2 %. A histogram midpoint alone may be 1.98 % from the value, and %D adds the
# hand-back offset. A percentile whose value lies just below a bucket edge can therefore miss 2 %
# by a few tenths of a percent, so 2.5 % is enforced and the report counts the rows within 2 %.
WSGI_PERCENTILE_TARGET = 0.02
WSGI_PERCENTILE_BOUND = 0.025
# Every request's WSGI total time ends before Apache logs it, so each total-time quantile is at
# most the %D quantile, and the reported midpoint at most 1.98 % above its value.
HISTOGRAM_MIDPOINT_ERROR = math.sqrt(1.04) - 1
# The hand-back after close() waits for a CPU. On a busy host a few requests wait tens of ms,
# which moves the access-log p99 but not the WSGI total, so p99 gets the one-sided check only.
TWO_SIDED_PERCENTILES = ("p50", "p90", "p95")
PERCENTILES = (("p50", 0.50), ("p90", 0.90), ("p95", 0.95), ("p99", 0.99))
WINDOW_SECONDS = 300


def nearest_rank(sorted_values, quantile):
    """Return the value of rank ceil(q · n), the quantile definition the collector uses."""
    rank = max(1, math.ceil(quantile * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def access_log_seconds(path):
    """Return %D of every /app/ request in seconds. The log format ends with %D in µs."""
    durations = []
    with open(path) as log:
        for line in log:
            parts = line.split('"')
            if len(parts) < 3:
                continue
            request = parts[1].split()
            if len(request) >= 2 and request[1].startswith("/app/"):
                durations.append(int(line.split()[-1]) / 1e6)
    return durations


def window(windows, seconds):
    return next(item for item in windows if item["window_seconds"] == seconds)


def relative_error(measured, truth):
    if measured is None or truth is None or truth == 0:
        return None
    return (measured - truth) / truth


def analyse(directory):
    with open(os.path.join(directory, "meta.json")) as meta_file:
        meta = json.load(meta_file)
    with open(os.path.join(directory, "history.json")) as history_file:
        history = json.load(history_file)
    with open(os.path.join(directory, "metrics.json")) as metrics_file:
        metrics = json.load(metrics_file)
    truth = sorted(access_log_seconds(os.path.join(directory, "access.log")))
    truth_mean = sum(truth) / len(truth)

    # Apache side, interval by interval: Σ(requests × mean) / Σ requests over the load window.
    requests = 0
    weighted = 0.0
    intervals_without_mean = 0
    for sample in history["samples"]:
        apache = sample.get("apache") or {}
        count = apache.get("interval_requests") or 0
        mean = apache.get("mean_response_time_seconds")
        if count and mean is None:
            intervals_without_mean += 1
            continue
        requests += count
        weighted += count * (mean or 0.0)
    apache_mean = weighted / requests if requests else None

    if "response_time" not in metrics["apache"]:
        raise SystemExit("accuracy: Apache was not available in the last sample of %s: %s"
                         % (directory, metrics["apache"].get("reason")))
    apache_window = window(metrics["apache"]["response_time"]["windows"], WINDOW_SECONDS)
    group = next(item for item in metrics["wsgi"]["groups"] if item["process_group"] == "app")
    wsgi_total = window(group["windows"], WINDOW_SECONDS)["total_time"]
    # %D ends when Apache logs the request, after the daemon handed the response back, but the
    # WSGI total ends at close() in the daemon. Both sums are exact, so their means give the offset.
    offset = truth_mean - wsgi_total["mean_seconds"]

    rows = []
    for name, quantile in PERCENTILES:
        logged = nearest_rank(truth, quantile)
        apache_value = apache_window.get(name + "_seconds")
        wsgi_value = wsgi_total.get(name + "_seconds")
        rows.append({
            "percentile": name,
            "access_log_seconds": logged,
            "apache_sampled_seconds": apache_value,
            "apache_error": relative_error(apache_value, logged),
            "wsgi_total_seconds": wsgi_value,
            "wsgi_error": relative_error(wsgi_value, logged),
            "wsgi_error_offset_corrected": relative_error(wsgi_value, logged - offset),
        })

    return {
        "concurrency": meta["concurrency"],
        "apache_workers": meta["apache_workers"],
        "duration_seconds": meta["duration_seconds"],
        "access_log_requests": len(truth),
        "access_log_mean_seconds": truth_mean,
        "apache_interval_requests": requests,
        "apache_intervals_without_mean": intervals_without_mean,
        "apache_interval_mean_seconds": apache_mean,
        "apache_mean_error": relative_error(apache_mean, truth_mean),
        "apache_window_requests": apache_window["requests"],
        "apache_window_samples": apache_window["samples"],
        "apache_window_coverage": apache_window["coverage"],
        "apache_window_truncated": apache_window["truncated"],
        "wsgi_requests_total": group["requests_total"],
        "wsgi_total_count": wsgi_total["count"],
        "wsgi_total_mean_seconds": wsgi_total["mean_seconds"],
        "hand_back_offset_seconds": offset,
        "percentiles": rows,
    }


def check(level):
    """Return the failed bounds of one level as sentences."""
    failures = []
    error = level["apache_mean_error"]
    if error is None or abs(error) > APACHE_MEAN_BOUND:
        failures.append("concurrency %d: Apache-side interval mean error %s exceeds 1 %%" % (level["concurrency"], error))
    if level["apache_interval_requests"] != level["access_log_requests"]:
        failures.append("concurrency %d: the collector counted %d Apache requests, the access log has %d"
                        % (level["concurrency"], level["apache_interval_requests"], level["access_log_requests"]))
    if level["wsgi_requests_total"] != level["access_log_requests"]:
        failures.append("concurrency %d: the collector counted %d WSGI requests, the access log has %d"
                        % (level["concurrency"], level["wsgi_requests_total"], level["access_log_requests"]))
    for row in level["percentiles"]:
        error = row["wsgi_error"]
        if error is None:
            failures.append("concurrency %d: WSGI total-time %s missing" % (level["concurrency"], row["percentile"]))
        elif error > HISTOGRAM_MIDPOINT_ERROR + 1e-9:
            failures.append("concurrency %d: WSGI total-time %s is %+.2f %% above the access log, more than the "
                            "histogram's 1.98 %%" % (level["concurrency"], row["percentile"], error * 100))
        elif row["percentile"] in TWO_SIDED_PERCENTILES and abs(error) > WSGI_PERCENTILE_BOUND:
            failures.append("concurrency %d: WSGI total-time %s error %+.2f %% exceeds 2.5 %%"
                            % (level["concurrency"], row["percentile"], error * 100))
    return failures


def milliseconds(value):
    return "–" if value is None else "%.2f" % (value * 1000)


def percent(value):
    return "–" if value is None else "%+.2f %%" % (value * 100)


def render(levels, meta, failures):
    lines = []
    add = lines.append
    add("# Response-time accuracy")
    add("")
    add("Generated by `scripts/accuracy.sh%s` (`make accuracy`) on %s. Do not edit by hand." % (
        " --quick" if meta["quick"] else "", meta["date"]))
    add("")
    render_method(add, meta)
    render_results(add, levels, failures)
    render_sampling_bias(add, levels)
    return "\n".join(lines)


def render_method(add, meta):
    add("## Method")
    add("")
    add("- **Server.** A private %s (event MPM, 100 workers unless a level names fewer) from `scripts/apache-instance.sh`, "
        "with the WSGI test app in daemon group `app` (4 processes × 16 threads) and the WSGI "
        "scoreboard writer loaded through `WSGIImportScript`. Host: %s." % (meta["apache_version"], meta["host"]))
    add("- **Load.** `wrk` with a Lua script that picks `/app/sleep?seconds=S` at random: S = 5 ms "
        "(40 %%), 50 ms (45 %%) or 500 ms (15 %%), for %d s per concurrency level, on keep-alive "
        "connections. Each level gets a fresh Apache and a fresh collector." % meta["duration_seconds"])
    add("- **Ground truth.** Apache's access log, `%D` (µs, from reading the request line to "
        "logging), of every `/app/` request of the level. Percentiles are nearest rank: the "
        "value of rank ⌈q·n⌉.")
    add("- **Apache-side mean.** From `/v1/history`: Σ(`interval_requests` × "
        "`mean_response_time_seconds`) ÷ Σ `interval_requests` over the samples of the level. "
        "The collector derives each interval mean from the growth of the scoreboard's "
        "per-slot `duration` and `access_count`, so it is exact up to µs rounding, and the "
        "requests must equal the access-log lines. Bound: 1 %.")
    add("- **Apache-side percentiles.** `/v1/metrics` `apache.response_time.windows` (%d s), "
        "sampled from the last request each worker slot completed per interval. They are "
        "reported without a bound (see [Sampling bias](#sampling-bias)), with their coverage: "
        "samples ÷ requests." % WINDOW_SECONDS)
    add("- **WSGI-side percentiles.** `/v1/metrics` `wsgi.groups[app].windows` (%d s) "
        "`total_time`: every request, in log buckets of ratio 1.04 whose midpoint is at most "
        "1.98 %% from any value in the bucket. Target: within 2 %% of the access log. "
        "Enforced for p50, p90 and p95: 2.5 %%, because a value just below a bucket edge is "
        "already 1.9 %% from its midpoint before the hand-back offset adds to it. Enforced for "
        "all four: at most 1.98 %% above the access log, because every request's total time "
        "ends before Apache logs it. p99 has no lower bound: on a busy host a few requests "
        "wait tens of ms for a CPU after `close()`, which moves the access-log p99 only. The "
        "last column subtracts the "
        "level's mean offset from the access-log value, for information only: a few slow "
        "hand-backs raise the mean, so that correction can overshoot." % WINDOW_SECONDS)
    add("- **Hand-back offset.** The WSGI total time runs from `mod_wsgi.request_start` (the "
        "same instant as Apache's request time) to `close()` of the response in the daemon "
        "process. `%D` also includes passing the response back from the daemon through the "
        "Apache child and writing the log line. The offset is the difference of the two exact "
        "means, listed per level below. It is below a millisecond here and grows with CPU load, "
        "so it matters for short requests: 0.35 ms (measured on an idle host) is 7 % of a 5 ms "
        "request and 0.07 % of a 500 ms one.")
    add("")


def render_results(add, levels, failures):
    add("## Results")
    add("")
    add("| concurrency | Apache workers | requests (log / Apache / WSGI) | log mean ms | Apache mean ms | error | WSGI mean ms | offset ms | Apache coverage |")
    add("|---|---|---|---|---|---|---|---|---|")
    for level in levels:
        add("| %d | %d | %d / %d / %d | %s | %s | %s | %s | %s | %.3f (%d samples) |" % (
            level["concurrency"], level["apache_workers"], level["access_log_requests"], level["apache_interval_requests"],
            level["wsgi_requests_total"], milliseconds(level["access_log_mean_seconds"]),
            milliseconds(level["apache_interval_mean_seconds"]), percent(level["apache_mean_error"]),
            milliseconds(level["wsgi_total_mean_seconds"]), milliseconds(level["hand_back_offset_seconds"]),
            level["apache_window_coverage"] or 0, level["apache_window_samples"] or 0))
    add("")
    for level in levels:
        add("### Concurrency %d, %d Apache workers" % (level["concurrency"], level["apache_workers"]))
        add("")
        add("| percentile | access log ms | Apache sampled ms | error | WSGI total ms | error | error after offset |")
        add("|---|---|---|---|---|---|---|")
        for row in level["percentiles"]:
            add("| %s | %s | %s | %s | %s | %s | %s |" % (
                row["percentile"], milliseconds(row["access_log_seconds"]), milliseconds(row["apache_sampled_seconds"]),
                percent(row["apache_error"]), milliseconds(row["wsgi_total_seconds"]), percent(row["wsgi_error"]),
                percent(row["wsgi_error_offset_corrected"])))
        add("")
    rows = [row for level in levels for row in level["percentiles"]]
    within_target = sum(1 for row in rows if row["wsgi_error"] is not None
                        and abs(row["wsgi_error"]) <= WSGI_PERCENTILE_TARGET)
    add("WSGI percentiles within 2 %% of the access log: %d of %d." % (within_target, len(rows)))
    add("Enforced bounds (Apache mean 1 %%, exact counts, WSGI percentiles as above): %s." % (
        "all met" if not failures else "; ".join(failures)))
    add("")


def render_sampling_bias(add, levels):
    add("## Sampling bias")
    add("")
    add("Apache's scoreboard keeps, per worker slot, the start and stop time of the request the "
        "slot serves now or served last. The collector takes a slot's last request as a sample "
        "when it stopped within the interval and the slot is not serving a newer one at the "
        "sample instant. So a sample sees at most one request per slot and interval, and none "
        "from a slot that is busy at that instant. This biases the sampled percentiles in two "
        "conditions:")
    add("")
    add("- **Many requests per slot per interval.** All but the last are lost. Requests that "
        "arrive in bursts of short ones on a slot are under-sampled against long requests, "
        "which complete about one per slot and interval and are nearly all seen. The sampled "
        "percentiles then lean towards the long requests (derived from the sampling rule, not "
        "provoked by the runs below). When short and long requests mix "
        "evenly on every slot, as in this load, the last request of a slot is a fair draw "
        "and the bias stays small.")
    add("- **Slots busy at the sample instant.** A slot that is always busy (every worker "
        "taken, requests back to back) is almost never seen between two requests, so coverage "
        "collapses and the few samples left do not represent the mix.")
    add("")
    add("`coverage` (samples ÷ requests) shows how much was seen. Read the sampled percentiles "
        "as an estimate whose weight falls with coverage. The interval mean is not sampled and "
        "stays exact at any coverage. The WSGI histograms count every request and have neither "
        "bias.")
    add("")
    add("Measured here:")
    add("")
    for level in levels:
        errors = [row["apache_error"] for row in level["percentiles"] if row["apache_error"] is not None]
        if not errors:
            continue
        add("- concurrency %d on %d workers: coverage %.3f, sampled p50–p99 %s to %s from the access log" % (
            level["concurrency"], level["apache_workers"], level["apache_window_coverage"] or 0,
            percent(min(errors)), percent(max(errors))))
    add("")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", help="directory with one subdirectory per level, written by accuracy.sh")
    parser.add_argument("--output", required=True, help="Markdown report to write")
    parser.add_argument("--json", help="JSON summary to write")
    arguments = parser.parse_args()

    with open(os.path.join(arguments.work, "run.json")) as run_file:
        meta = json.load(run_file)
    levels = [analyse(os.path.join(arguments.work, name)) for name in meta["levels"]]
    failures = [failure for level in levels for failure in check(level)]
    with open(arguments.output, "w") as output:
        output.write(render(levels, meta, failures))
    if arguments.json:
        with open(arguments.json, "w") as output:
            json.dump({"levels": levels, "failures": failures}, output, indent=1)
    for failure in failures:
        print("accuracy: " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
