#!/usr/bin/env bash
# Runs every benchmark of scoreboard-collector in one go on this machine and writes
# docs/benchmarks.md (`make bench` builds the release binaries first).
#
#   scripts/bench.sh                 full run, about 16 minutes (10 minutes of steady state)
#   BENCH_QUICK=1 scripts/bench.sh   quick run, about 8 minutes (60 s of steady state, fewer runs)
#   BENCH_OUTPUT=FILE                write the report elsewhere (default docs/benchmarks.md)
#   BENCH_FILL_SECONDS, BENCH_STEADY_SECONDS   shorten the history fill and the steady state
#                                    (only to try the script: the report then has a partial history)
#   BENCH_PHASES="sampling cost api steady wsgi"   run only the named phases (default: all)
#
# Everything runs on 127.0.0.1: private Apache instances (scripts/apache-instance.sh),
# prometheus-apache-exporter, collectors and wrk, each stopped by PID at the end. Raw result
# lines stay in the work directory printed at the start. Phases:
#   1. sampling cost on synthetic scoreboards next to a memcpy of the same bytes (+ callgrind)
#   2. one collector sample vs. GET /status?auto vs. one exporter scrape; Apache throughput
#      while each of them polls once a second
#   3. the collector's HTTP API under wrk, with a full history and Apache under load
#   4. steady state: collector CPU and RSS at 1 s with a full 30-minute history (in the background)
#   5. the WSGI scoreboard writer: in-process cost per request and mod_wsgi throughput
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
quick=${BENCH_QUICK:-0}
output=${BENCH_OUTPUT:-$root/docs/benchmarks.md}
phases=" ${BENCH_PHASES:-sampling cost api steady wsgi} "
enabled() { [[ $phases == *" $1 "* ]]; }

if [ "$quick" = 1 ]; then
    sampling_runs=3 steady_seconds=60 cost_runs=3 throughput_runs=2 wrk_seconds=5 api_runs=2 api_seconds=3
    wsgi_runs=3 wsgi_requests=50000
else
    sampling_runs=7 steady_seconds=600 cost_runs=5 throughput_runs=3 wrk_seconds=10 api_runs=3 api_seconds=5
    wsgi_runs=7 wsgi_requests=100000
fi
# Samples per run for each synthetic size, processes x threads (64 threads = Debian's ThreadLimit).
sampling_sizes=("16 64 2000" "64 64 1000" "256 64 300" "1000 64 50")
# History of 30 minutes at 1 s, filled at 10 samples/s before the steady-state measurement.
history_samples=1800
fill_interval=0.1
fill_seconds=${BENCH_FILL_SECONDS:-185}
steady_seconds=${BENCH_STEADY_SECONDS:-$steady_seconds}

bin=$(cd "$root" && swift build -c release --show-bin-path)
collector=$bin/scoreboard-collector
bench=$bin/scoreboard-bench
for tool in "$collector" "$bench" /usr/bin/wrk /usr/bin/valgrind /usr/bin/prometheus-apache-exporter /usr/sbin/apache2; do
    [ -x "$tool" ] || { echo "bench: $tool not found; run 'make bench' (it installs and builds everything)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/scoreboard-bench.XXXXXX)
chmod 755 "$work"
results=$work/results.txt
meta=$work/meta.txt
: > "$results"
echo "bench: work directory $work"

started_pids=()
apache_dirs=()

cleanup() {
    local pid dir
    for pid in "${started_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${started_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    for dir in "${apache_dirs[@]}"; do stop_apache "$dir"; done
}

# instance_pids DIR: PIDs of every process of the Apache instance in DIR (parent, children, mod_wsgi
# daemons), found by the configuration path on their command line, so children whose parent was
# killed from outside are found too.
instance_pids() {
    local entry
    for entry in /proc/[0-9]*; do
        if { tr '\0' ' ' < "$entry/cmdline"; } 2>/dev/null | grep -qF -- "-f $1/httpd.conf"; then echo "${entry#/proc/}"; fi
    done
}

# stop_apache DIR: stops the instance; processes left without their parent are stopped by PID,
# and the POSIX scoreboard that a killed parent could not remove is removed by its exact name.
stop_apache() {
    local pid file
    "$here/apache-instance.sh" stop "$1" >/dev/null 2>&1 || true
    for pid in $(instance_pids "$1"); do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 0.5
    file=$(awk '$1 == "ScoreboardFile" {print $2}' "$1/httpd.conf" 2>/dev/null)
    if [ -n "$file" ] && [ -z "$(instance_pids "$1")" ]; then
        rm -f "/dev/shm$("$bench" object-name --scoreboard-file "$file")"
    fi
}
trap cleanup EXIT

# start_background LOG COMMAND...: starts COMMAND with its output in LOG; its PID is in $last_pid.
start_background() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    last_pid=$!
    started_pids+=("$last_pid")
}

stop_pid() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "bench: nothing listens on 127.0.0.1:$1 after 10 s" >&2
    return 1
}

start_apache() {
    local dir=$1
    shift
    apache_dirs+=("$dir")
    "$here/apache-instance.sh" start "$dir" "$@" >/dev/null
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

history_count() {
    curl -s "http://127.0.0.1:$1/v1/history" | python3 -c 'import json, sys; print(json.load(sys.stdin)["count"])'
}

# --- Machine and versions -------------------------------------------------------------------

{
    echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "mode	$([ "$quick" = 1 ] && echo quick || echo full)"
    echo "phases	$phases"
    echo "command	$([ "$quick" = 1 ] && echo 'BENCH_QUICK=1 make bench' || echo 'make bench')"
    echo "cpu	$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "cores	$(nproc)"
    echo "memory	$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "kernel	$(uname -r)"
    echo "os	$(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "swift	$(swift --version 2>&1 | awk '/Swift version/ {print $3; exit}')"
    echo "apache2	$(dpkg-query -W -f='${Version}' apache2)"
    echo "mod_wsgi	$(dpkg-query -W -f='${Version}' libapache2-mod-wsgi-py3)"
    echo "exporter	$(dpkg-query -W -f='${Version}' prometheus-apache-exporter)"
    echo "wrk	$(dpkg-query -W -f='${Version}' wrk)"
    echo "python	$(/usr/bin/python3 -c 'import platform; print(platform.python_version())')"
    echo "valgrind	$(valgrind --version)"
    echo "commit	$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "load_start	$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$meta"

# --- 1. Sampling cost -----------------------------------------------------------------------

enabled sampling && echo "bench: 1/5 sampling cost on synthetic scoreboards"
enabled sampling || sampling_sizes=()
for size in "${sampling_sizes[@]}"; do
    read -r processes threads samples <<< "$size"
    "$bench" sampling --processes "$processes" --threads "$threads" --samples "$samples" --runs "$sampling_runs" >> "$results"
done

# Instructions are counted by callgrind in the two functions only: the collector's sample and
# the floor's memcpy. valgrind cannot read the DWARF of the Swift binary, so it runs a copy
# without debug sections (symbols stay).
strip --strip-debug -o "$work/scoreboard-bench.nodebug" "$bench"
for size in "${sampling_sizes[@]}"; do
    read -r processes threads _ <<< "$size"
    counted=$([ "$processes" -ge 1000 ] && echo 5 || echo 20)
    for loop in collector memcpy; do
        function=$([ $loop = collector ] && echo collectorSample || echo CopyFloor)
        valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="*${function}*" \
            "$work/scoreboard-bench.nodebug" sampling --processes "$processes" --threads "$threads" \
            --samples "$counted" --runs 1 --loops "$loop" > /dev/null 2> "$work/callgrind.log"
        instructions=$(awk '/Collected :/ {print $NF}' "$work/callgrind.log")
        # The collector loop also takes 3 warm-up samples inside collectorSample.
        calls=$([ $loop = collector ] && echo $((counted + 3)) || echo "$counted")
        echo "instructions processes=$processes threads=$threads loop=$loop calls=$calls total=$instructions" >> "$results"
    done
done

# Where the instructions of one sample go, for the report: inclusive counts per function.
: > "$work/profile-demangled.txt"
if enabled sampling; then
        valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.collector" --toggle-collect='*collectorSample*' \
            "$work/scoreboard-bench.nodebug" sampling --processes 16 --threads 64 --samples 20 --runs 1 --loops collector \
            > /dev/null 2>&1
        callgrind_annotate --inclusive=yes --threshold=99 "$work/callgrind.collector" \
            | awk '/^ *[0-9,]+ \(/' | head -40 > "$work/profile.txt"
        swift demangle --simplified < "$work/profile.txt" > "$work/profile-demangled.txt"
fi

# --- 4. Steady state, in the background -----------------------------------------------------

echo "bench: 4/5 steady state starts in the background (${fill_seconds} s fill, then ${steady_seconds} s)"
steady_sizes=("16 64" "64 64")
steady_collectors=()
steady_ports=()
steady_job=""
if enabled steady; then
    for size in "${steady_sizes[@]}"; do
        read -r processes threads <<< "$size"
        start_background "$work/segment-$processes.log" "$bench" segment --processes "$processes" --threads "$threads" \
            --seconds $((fill_seconds + steady_seconds + 600))
        for _ in $(seq 1 50); do grep -q '^segment ' "$work/segment-$processes.log" && break; sleep 0.1; done
        scoreboard_file=$(sed -n 's/^segment scoreboard_file=\([^ ]*\) .*/\1/p' "$work/segment-$processes.log")
        pid_file=$(sed -n 's/.* pid_file=\([^ ]*\) .*/\1/p' "$work/segment-$processes.log")
        port=$(free_port)
        cat > "$work/steady-$processes.conf" <<EOF
scoreboard_file = $scoreboard_file
apache_pid_file = $pid_file
listen = 127.0.0.1:$port
interval = $fill_interval
history = $history_samples
log_target = stderr
EOF
        start_background "$work/collector-steady-$processes.log" "$collector" --config "$work/steady-$processes.conf"
        steady_collectors+=("$last_pid")
        steady_ports+=("$port")
    done

    steady_measurement() {
        sleep "$fill_seconds"
        local index processes pid
        for index in "${!steady_sizes[@]}"; do
            sed -i "s/^interval = .*/interval = 1/" "$work/steady-${steady_sizes[$index]%% *}.conf"
            kill -HUP "${steady_collectors[$index]}"
        done
        sleep 5
        local start_ticks=() start_time
        for pid in "${steady_collectors[@]}"; do start_ticks+=("$(cpu_ticks "$pid")"); done
        start_time=$(date +%s.%N)
        sleep "$steady_seconds"
        local elapsed
        elapsed=$(awk -v start="$start_time" -v end="$(date +%s.%N)" 'BEGIN {printf "%.1f", end - start}')
        for index in "${!steady_sizes[@]}"; do
            pid=${steady_collectors[$index]}
            read -r processes threads <<< "${steady_sizes[$index]}"
            echo "steady processes=$processes threads=$threads seconds=$elapsed ticks=$(( $(cpu_ticks "$pid") - start_ticks[index] )) clock_ticks_per_second=$(getconf CLK_TCK) rss_kib=$(rss_kib "$pid") hwm_kib=$(hwm_kib "$pid") history_samples=$(history_count "${steady_ports[$index]}")"
        done
    }
    steady_measurement > "$work/steady.txt" 2> "$work/steady.err" &
    steady_job=$!
    started_pids+=("$steady_job")
fi

# --- 2. Against server-status and the exporter ----------------------------------------------

echo "bench: 2/5 collector sample vs. server-status vs. exporter on a live Apache"
apache=$work/apache
apache_port=$(free_port)
scoreboard=$apache/scoreboard
# Debian's ServerLimit 16 with ThreadsPerChild 25 (apache-instance.sh sets ThreadLimit to it).
start_apache "$apache" --port "$apache_port" --server-limit 16 --threads-per-child 25 --max-request-workers 400 \
    --scoreboard-file "$scoreboard"
apache_pid=$(cat "$apache/run/apache2.pid")
echo "apache_parent pid=$apache_pid" >> "$results"
status_url="http://127.0.0.1:$apache_port/status?auto"
page_url="http://127.0.0.1:$apache_port/index.html"

if enabled cost; then
    exporter_port=$(free_port)
    start_background "$work/exporter.log" /usr/bin/prometheus-apache-exporter --scrape_uri="$status_url" \
        --telemetry.address="127.0.0.1:$exporter_port"
    exporter_pid=$last_pid
    wait_for_port "$exporter_port"
    exporter_url="http://127.0.0.1:$exporter_port/metrics"

    compare_costs() {
        local load=$1 run
        for run in $(seq 1 "$cost_runs"); do
            "$bench" live --pid-file "$apache/run/apache2.pid" --scoreboard-file "$scoreboard" --samples 500 --pause-ms 10 \
                --label "$load" | sed "s/\$/ run=$run/" >> "$results"
            python3 "$here/bench/http_probe.py" measure --url "$status_url" --requests 2000 --label "status_$load" \
                --cpu-cmdline "-f $apache/httpd.conf" | sed "s/\$/ run=$run/" >> "$results"
            python3 "$here/bench/http_probe.py" measure --url "$exporter_url" --requests 300 --label "exporter_$load" \
                --cpu-cmdline "-f $apache/httpd.conf" --cpu-pid "$exporter_pid" | sed "s/\$/ run=$run/" >> "$results"
            if ! kill -0 "$apache_pid" 2>/dev/null; then
                echo "apache_parent_lost phase=cost load=$load run=$run" >> "$results"
                echo "bench: the Apache parent PID $apache_pid exited during the cost runs (stopped from outside?)" >&2
            fi
        done
    }
    wrk -t1 -c4 -d1s "$page_url" > /dev/null
    compare_costs idle
    start_background "$work/wrk-background.log" wrk -t1 -c16 -d3600s "$page_url"
    load_pid=$last_pid
    compare_costs loaded
    stop_pid "$load_pid"

    echo "bench: 2/5 Apache throughput while polled once a second"
    for run in $(seq 1 "$throughput_runs"); do
        for poller in none collector status exporter; do
            poller_pid=""
            case $poller in
            collector)
                start_background "$work/collector-poll.log" "$collector" --listen "127.0.0.1:$(free_port)" \
                    --scoreboard-file "$scoreboard" --apache-pid-file "$apache/run/apache2.pid" --interval 1 \
                    --history "$history_samples" --log-target stderr
                poller_pid=$last_pid ;;
            status)
                start_background "$work/poll-status.log" python3 "$here/bench/http_probe.py" poll --url "$status_url"
                poller_pid=$last_pid ;;
            exporter)
                start_background "$work/poll-exporter.log" python3 "$here/bench/http_probe.py" poll --url "$exporter_url"
                poller_pid=$last_pid ;;
            esac
            sleep 1
            wrk -t2 -c32 -d"${wrk_seconds}s" --latency "$page_url" > "$work/wrk.txt"
            python3 "$here/bench/wrk_result.py" "$work/wrk.txt" phase=throughput poller=$poller run="$run" >> "$results"
            if [ -n "$poller_pid" ]; then stop_pid "$poller_pid"; fi
        done
    done
    stop_pid "$exporter_pid"
fi

# --- 3. The collector's API -----------------------------------------------------------------

echo "bench: 3/5 collector API (history fills for ${fill_seconds} s at ${fill_interval} s; WSGI runs meanwhile)"
if enabled api; then
    api_port=$(free_port)
    # A configuration file, so that the fill interval can be switched to the default 1 s by SIGHUP.
    cat > "$work/api.conf" <<EOF
scoreboard_file = $scoreboard
apache_pid_file = $apache/run/apache2.pid
listen = 127.0.0.1:$api_port
interval = $fill_interval
history = $history_samples
log_target = stderr
EOF
    start_background "$work/collector-api.log" "$collector" --config "$work/api.conf"
    api_pid=$last_pid
    api_started=$(date +%s)
    wait_for_port "$api_port"
fi

# --- 5. WSGI writer (while the API collector fills its history) ------------------------------

if enabled wsgi; then
    echo "bench: 5/5 WSGI writer in-process"
    /usr/bin/python3 "$here/bench/wsgi_overhead.py" --requests "$wsgi_requests" --runs "$wsgi_runs" >> "$results"
    # Where the writer's time goes: cProfile of the recorded arm (its own overhead inflates every call).
    /usr/bin/python3 -m cProfile -s tottime "$here/bench/wsgi_overhead.py" --requests 20000 --runs 1 > "$work/wsgi-profile-full.txt"
    awk '/ncalls/ {show = 1} show && NF && shown < 16 {print; shown++}' "$work/wsgi-profile-full.txt" > "$work/wsgi-profile.txt"

    echo "bench: 5/5 WSGI writer under mod_wsgi"
    plain=$work/apache-wsgi-plain
    recorded=$work/apache-wsgi-writer
    wrapped=$work/apache-wsgi-by-hand
    plain_port=$(free_port)
    start_apache "$plain" --port "$plain_port"
    recorded_port=$(free_port)
    start_apache "$recorded" --port "$recorded_port" --wsgi-writer "$work/wsgi-segments"
    wrapped_port=$(free_port)
    start_apache "$wrapped" --port "$wrapped_port" --wsgi-writer "$work/wsgi-segments-by-hand" --wsgi-writer-by-hand
    for port in "$plain_port" "$recorded_port" "$wrapped_port"; do wrk -t1 -c4 -d2s "http://127.0.0.1:$port/app/hello" > /dev/null; done
    for run in $(seq 1 "$throughput_runs"); do
        for variant in plain writer by_hand; do
            case $variant in
            plain) port=$plain_port ;;
            writer) port=$recorded_port ;;
            by_hand) port=$wrapped_port ;;
            esac
            wrk -t2 -c8 -d"${wrk_seconds}s" --latency "http://127.0.0.1:$port/app/hello" > "$work/wrk.txt"
            python3 "$here/bench/wrk_result.py" "$work/wrk.txt" phase=wsgi variant=$variant run="$run" >> "$results"
        done
    done
    echo "wsgi_segments count=$(find "$work/wsgi-segments" -type f | wc -l) by_hand=$(find "$work/wsgi-segments-by-hand" -type f | wc -l)" >> "$results"
    stop_apache "$plain"
    stop_apache "$recorded"
    stop_apache "$wrapped"
fi

if enabled api; then
    remaining=$((fill_seconds - ($(date +%s) - api_started)))
    if [ "$remaining" -gt 0 ]; then sleep "$remaining"; fi
    echo "bench: 3/5 collector API under wrk"
    # Measure at the default interval: the history is full, and the sampler runs once a second.
    sed -i "s/^interval = .*/interval = 1/" "$work/api.conf"
    kill -HUP "$api_pid"
    sleep 3
    start_background "$work/wrk-background.log" wrk -t1 -c8 -d3600s "$page_url"
    load_pid=$last_pid
    echo "api_history samples=$(history_count "$api_port") rss_kib=$(rss_kib "$api_pid")" >> "$results"
    if [ -z "$(instance_pids "$apache")" ]; then
        echo "apache_down phase=api" >> "$results"
        echo "bench: the Apache instance is gone before the API runs (stopped from outside?)" >&2
fi
api_routes=("/v1/metrics" "/v1/history")
if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$api_port/metrics")" = 200 ]; then
    api_routes+=("/metrics")
else
    echo "api_absent route=/metrics" >> "$results"
fi
for run in $(seq 1 "$api_runs"); do
    for route in "${api_routes[@]}"; do
        for connections in 1 16 64; do
            # The server handles requests one at a time, so requests that wrk abandoned still run
            # after it stops; each run starts only when the server responds again.
            curl -s -o /dev/null -m 120 "http://127.0.0.1:$api_port/health" || true
            wrk -t1 -c"$connections" -d"${api_seconds}s" --latency "http://127.0.0.1:$api_port$route" > "$work/wrk.txt"
            python3 "$here/bench/wrk_result.py" "$work/wrk.txt" phase=api route="$route" connections="$connections" \
                run="$run" >> "$results"
        done
    done
done
if ! kill -0 "$load_pid" 2>/dev/null || [ -z "$(instance_pids "$apache")" ]; then
    echo "apache_down phase=api" >> "$results"
    echo "bench: the Apache instance or its load ended during the API runs" >&2
fi
bytes=$(curl -s "http://127.0.0.1:$api_port/v1/history" | wc -c)
echo "api_body route=/v1/history bytes=$bytes" >> "$results"
echo "api_body route=/v1/metrics bytes=$(curl -s "http://127.0.0.1:$api_port/v1/metrics" | wc -c)" >> "$results"
stop_pid "$load_pid"
stop_pid "$api_pid"
fi
kill -0 "$apache_pid" 2>/dev/null || echo "apache_parent_lost phase=end" >> "$results"
stop_apache "$apache"

echo "bench: 4/5 waiting for the steady-state measurement"
if [ -n "$steady_job" ]; then
    wait "$steady_job"
    cat "$work/steady.txt" >> "$results"
    if [ -s "$work/steady.err" ]; then cat "$work/steady.err" >&2; fi
fi

echo "load_end	$(cut -d' ' -f1-3 /proc/loadavg)" >> "$meta"
python3 "$here/bench/report.py" --results "$results" --meta "$meta" --profile "$work/profile-demangled.txt" \
    --wsgi-profile "$work/wsgi-profile.txt" > "$output"
echo "bench: wrote $output (raw results in $results)"
