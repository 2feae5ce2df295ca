"""Issue GET requests on one keep-alive connection and report latency and server CPU per request.

    http_probe.py measure --url URL --requests N --label TEXT [--cpu-cmdline TEXT]... [--cpu-pid PID]...
    http_probe.py poll --url URL [--every SECONDS]

measure: prints one result line `http label=... requests=N median_us=... p90_us=... p99_us=...
mean_us=... cpu_per_request_us=...`. CPU is the growth of utime + stime (from /proc/PID/stat,
in clock ticks) of each --cpu-pid and of every process whose command line contains a
--cpu-cmdline text, divided by the number of requests. A process that starts or exits during
the run counts only while both readings exist. When no process matched, the CPU is `nan`.
poll: one GET every SECONDS until terminated, as a monitoring system polls.
"""

import argparse
import http.client
import os
import statistics
import sys
import time
import urllib.parse

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    try:
        with open("/proc/%d/stat" % pid) as stat:
            text = stat.read()
    except OSError:
        return None
    # The command name may contain spaces and parentheses; fields start after the last ')'.
    return text[text.rindex(")") + 2:].split()


def _cpu_ticks(pid):
    fields = _stat_fields(pid)
    if fields is None:
        return None
    return int(fields[11]) + int(fields[12])


def _matching_processes(texts):
    """PIDs whose command line contains one of `texts`; matching by command line also finds
    Apache children whose parent is gone."""
    matches = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if any(text in command for text in texts):
            matches.append(int(entry))
    return matches


def _cpu_snapshot(texts, pids):
    snapshot = {}
    for pid in _matching_processes(texts) if texts else []:
        ticks = _cpu_ticks(pid)
        if ticks is not None:
            snapshot[pid] = ticks
    for pid in pids:
        ticks = _cpu_ticks(pid)
        if ticks is not None:
            snapshot[pid] = ticks
    return snapshot


def _connect(url):
    parts = urllib.parse.urlsplit(url)
    target = parts.path + ("?" + parts.query if parts.query else "")
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30), target


def _get(connection, target):
    connection.request("GET", target)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit("http_probe: GET %s returned %d" % (target, response.status))
    return len(body)


def measure(arguments):
    connection, target = _connect(arguments.url)
    _get(connection, target)
    latencies = []
    before = _cpu_snapshot(arguments.cpu_cmdline, arguments.cpu_pid)
    for _ in range(arguments.requests):
        start = time.perf_counter()
        _get(connection, target)
        latencies.append((time.perf_counter() - start) * 1e6)
    after = _cpu_snapshot(arguments.cpu_cmdline, arguments.cpu_pid)
    common = [pid for pid in after if pid in before]
    ticks = sum(after[pid] - before[pid] for pid in common)
    cpu_us = ticks / CLOCK_TICKS * 1e6 / arguments.requests if common else float("nan")
    latencies.sort()
    count = len(latencies)
    print(
        "http label=%s requests=%d median_us=%.1f p90_us=%.1f p99_us=%.1f mean_us=%.1f cpu_per_request_us=%.1f"
        % (arguments.label, count, statistics.median(latencies), latencies[int(0.9 * count)],
           latencies[min(count - 1, int(0.99 * count))], statistics.fmean(latencies), cpu_us),
        flush=True,
    )


def poll(arguments):
    connection, target = _connect(arguments.url)
    next_time = time.monotonic()
    while True:
        _get(connection, target)
        next_time += arguments.every
        time.sleep(max(0.0, next_time - time.monotonic()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("measure", "poll"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--label", default="http")
    parser.add_argument("--cpu-cmdline", action="append", default=[])
    parser.add_argument("--cpu-pid", type=int, action="append", default=[])
    parser.add_argument("--every", type=float, default=1.0)
    arguments = parser.parse_args()
    if arguments.mode == "measure":
        measure(arguments)
    else:
        poll(arguments)


if __name__ == "__main__":
    main()
