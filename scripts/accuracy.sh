#!/usr/bin/env bash
# Measures how close the collector's response times come to Apache's access log (%D) under a
# known latency mix, and writes docs/accuracy.md. `make accuracy` runs it.
#
#   accuracy.sh [--quick] [--levels "LEVEL …"] [--duration S] [--output FILE] [--json FILE]
#               [--binary PATH] [--keep]
#
#   --quick        two short levels (concurrency 4 and 16, 6 s each) in place of the full run's
#                  four 20-s levels "2 8 32 4:4". A quick run writes to a temporary file unless
#                  --output is given.
#   --levels       a level is C (wrk connections, 100 Apache workers) or C:W (W Apache workers,
#                  so each worker slot stays busy and the sampling bias shows)
#   --duration     seconds of load per level
#   --keep         keep the working directory (logs, JSON, access logs) and print its path
#   --output FILE  Markdown report (default: docs/accuracy.md)
#   --json FILE    also write the measured numbers as JSON
#   --binary PATH  scoreboard-collector to run (default: .build/debug/scoreboard-collector)
#
# Exits 1 when a bound fails (Apache-side mean within 1 %, WSGI total-time percentiles within
# 2 %). Every Apache, collector and wrk it starts is stopped by PID on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repository=$(cd "$here/.." && pwd)
quick=0 output="" json="" binary="$repository/.build/debug/scoreboard-collector" keep=0 levels_option="" duration_option=""
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1; shift ;;
    --output) output=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --levels) levels_option=$2; shift 2 ;;
    --duration) duration_option=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "accuracy: unknown option '$1'" >&2; sed -n '5,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
[ -x "$binary" ] || { echo "accuracy: $binary not found; run 'swift build' first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "accuracy: wrk not found; run 'make deps'" >&2; exit 2; }

if [ $quick = 1 ]; then levels=(4 16) duration=6; else levels=(2 8 32 4:4) duration=20; fi
if [ -n "$levels_option" ]; then read -r -a levels <<< "$levels_option"; fi
if [ -n "$duration_option" ]; then duration=$duration_option; fi
for value in "${levels[@]}"; do
    [[ $value =~ ^[1-9][0-9]*(:[1-9][0-9]*)?$ ]] || { echo "accuracy: invalid level '$value': use C or C:W with positive integers" >&2; exit 2; }
done
[[ $duration =~ ^[1-9][0-9]*$ ]] || { echo "accuracy: invalid --duration '$duration': use a positive integer" >&2; exit 2; }

work=$(mktemp -d /tmp/sbc-accuracy-XXXXXX)
chmod 755 "$work"
if [ $quick = 1 ] && [ -z "$output" ]; then output="$work/accuracy.md"; fi
[ -n "$output" ] || output="$repository/docs/accuracy.md"

collector_pid="" wrk_pid="" apache_dir=""
cleanup() {
    if [ -n "$wrk_pid" ]; then kill "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true; fi
    if [ -n "$collector_pid" ]; then kill "$collector_pid" 2>/dev/null || true; wait "$collector_pid" 2>/dev/null || true; fi
    if [ -n "$apache_dir" ]; then "$here/apache-instance.sh" stop "$apache_dir" >/dev/null 2>&1 || true; fi
    collector_pid="" wrk_pid="" apache_dir=""
}
remove_work() {
    cleanup
    # A quick run without --output keeps its report for the caller to read.
    if [ $keep = 1 ]; then echo "accuracy: working directory kept: $work" >&2; return; fi
    case $output in "$work"/*) ;; *) rm -rf "$work" ;; esac
}
trap remove_work EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Prints an expression over the daemon's /v1/metrics, or nothing while the daemon is not serving.
metrics_field() {
    curl -s --max-time 2 "http://127.0.0.1:$1/v1/metrics" | python3 -c '
import json, sys
expression = sys.argv[1]
try:
    document = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
groups = {group["process_group"]: group for group in (document.get("wsgi") or {}).get("groups", [])}
print(eval(expression, {"document": document, "groups": groups}))' "$2" 2>/dev/null || true
}

# Picks the sleep time per request: 5 ms (40 %), 50 ms (45 %) or 500 ms (15 %).
cat > "$work/mix.lua" <<'LUA'
local counter = 0
setup = function(thread)
    counter = counter + 1
    thread:set("seed", counter)
end
init = function(args)
    math.randomseed(seed * 7919 + os.time())
end
request = function()
    local r = math.random()
    local seconds = "0.5"
    if r < 0.40 then seconds = "0.005" elseif r < 0.85 then seconds = "0.05" end
    return wrk.format("GET", "/app/sleep?seconds=" .. seconds)
end
LUA

level_names=()
for level in "${levels[@]}"; do
    IFS=: read -r concurrency workers <<< "$level"
    if [ -n "$workers" ]; then
        name="c${concurrency}w$workers" capacity=(--server-limit 1 --threads-per-child "$workers" --max-request-workers "$workers")
    else
        name="c$concurrency" workers=100 capacity=(--server-limit 4 --threads-per-child 25 --max-request-workers 100)
    fi
    level_names+=("$name")
    apache_dir="$work/$name"
    port=$(free_port)
    "$here/apache-instance.sh" start "$apache_dir" --port "$port" --mpm event "${capacity[@]}" \
        --wsgi-daemon app:4:16 --wsgi-writer "$apache_dir/wsgi" >/dev/null

    collector_port=$(free_port)
    "$binary" --listen "127.0.0.1:$collector_port" --apache-pid-file "$apache_dir/run/apache2.pid" \
        --wsgi-dir "$apache_dir/wsgi" --apache-config "$apache_dir/httpd.conf" --config /dev/null \
        --log-target stderr --log-level warning >"$apache_dir/collector.log" 2>&1 &
    collector_pid=$!
    ready=""
    for _ in $(seq 1 100); do
        ready=$(metrics_field "$collector_port" 'groups["app"]["processes"]["live"] if "app" in groups else 0')
        [ "$ready" = 4 ] && break
        sleep 0.1
    done
    [ "$ready" = 4 ] || { keep=1; echo "accuracy: the collector did not see the 4 processes of group app; see $apache_dir" >&2; exit 1; }
    sleep 1.2
    start_sequence=$(metrics_field "$collector_port" 'document["sequence"]')

    threads=$(( concurrency < 2 ? concurrency : 2 ))
    echo "accuracy: concurrency $concurrency on $workers Apache workers for $duration s" >&2
    wrk -t "$threads" -c "$concurrency" -d "${duration}s" --timeout 10s -s "$work/mix.lua" \
        "http://127.0.0.1:$port" >"$apache_dir/wrk.txt" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid"
    wrk_pid=""
    # Requests cut off by wrk still finish in the daemon and are logged. Two more samples
    # collect them.
    sleep 2.5

    curl -s --max-time 5 "http://127.0.0.1:$collector_port/v1/history?since=$start_sequence&limit=1800" >"$apache_dir/history.json"
    curl -s --max-time 5 "http://127.0.0.1:$collector_port/v1/metrics" >"$apache_dir/metrics.json"
    printf '{"concurrency": %d, "apache_workers": %d, "duration_seconds": %d}\n' "$concurrency" "$workers" "$duration" \
        >"$apache_dir/meta.json"
    cleanup
done

apache_version=$(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p')
host="$(nproc) CPUs, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
python3 - "$work/run.json" "$quick" "$duration" "$apache_version" "$host" "${level_names[@]}" <<'PY'
import datetime, json, sys
path, quick, duration, apache_version, host, *levels = sys.argv[1:]
with open(path, "w") as run_file:
    json.dump({"quick": quick == "1", "duration_seconds": int(duration), "apache_version": apache_version, "host": host,
               "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "levels": levels}, run_file)
PY
status=0
python3 "$here/accuracy_report.py" "$work" --output "$output" ${json:+--json "$json"} || status=$?
# A failed run keeps its logs, JSON and access logs for inspection.
if [ $status != 0 ]; then keep=1; fi
echo "accuracy: report in $output" >&2
exit $status
