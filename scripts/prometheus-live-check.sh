#!/usr/bin/env bash
# End-to-end check of GET /metrics with a real Prometheus server, and optionally of the JSON
# routes against docs/openapi.yaml with schemathesis.
#
#   prometheus-live-check.sh [--collector BINARY] [--schemathesis PATH]
#
# Starts a private Apache (scripts/apache-instance.sh, with the WSGI writer), the collector
# (default .build/debug/scoreboard-collector) and /usr/bin/prometheus (scrape interval 1 s) on
# free ports of 127.0.0.1, all under one temporary directory. Then, through Prometheus's HTTP
# API (/api/v1/query), it checks that:
#   1. apache_accesses_total grows by exactly the number of requests ab sent;
#   2. busy workers and the oldest in-flight request show a slow request (/app/sleep?seconds=3);
#   3. when the collector exports WSGI histograms, histogram_quantile over
#      wsgi_application_time_seconds_bucket lands near the 3 s of that request;
#   4. the recording rules and alerts of docs/fleet.md evaluate, and the fleet p99 rule
#      reflects the slow request;
#   5. promtool check metrics accepts the live exposition.
# With --schemathesis (the schemathesis executable of a venv), it then runs every schemathesis
# check against the collector in four states: a request in flight, after a graceful restart,
# with Apache stopped, and with Apache started again with ExtendedStatus Off. Prints one "ok"/"FAIL"/"skip" line per check and exits 1 if any
# check failed. Everything it started is stopped by PID on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
collector=$root/.build/debug/scoreboard-collector
schemathesis=""
python=/usr/bin/python3

while [ $# -gt 0 ]; do
    case $1 in
    --collector) collector=$2; shift 2 ;;
    --schemathesis) schemathesis=$2; shift 2 ;;
    *) echo "prometheus-live-check: unknown option '$1': use --collector BINARY or --schemathesis PATH" >&2; exit 2 ;;
    esac
done

for tool in /usr/bin/prometheus /usr/bin/promtool /usr/bin/ab /usr/bin/curl "$python" "$collector" ${schemathesis:+"$schemathesis"}; do
    [ -x "$tool" ] || { echo "prometheus-live-check: $tool not found; run 'make deps' and 'swift build'" >&2; exit 2; }
done

work=$(mktemp -d /tmp/prometheus-live-check.XXXXXX)
chmod 755 "$work"
collector_pid="" prometheus_pid="" sleeper_pid="" failures=0

cleanup() {
    [ -n "$sleeper_pid" ] && kill "$sleeper_pid" 2>/dev/null && wait "$sleeper_pid" 2>/dev/null || true
    [ -n "$prometheus_pid" ] && kill "$prometheus_pid" 2>/dev/null && wait "$prometheus_pid" 2>/dev/null || true
    [ -n "$collector_pid" ] && kill "$collector_pid" 2>/dev/null && wait "$collector_pid" 2>/dev/null || true
    "$here/apache-instance.sh" stop "$work/apache" >/dev/null 2>&1 || true
    if [ "$failures" -eq 0 ]; then rm -rf "$work"; else echo "prometheus-live-check: logs kept in $work" >&2; fi
}
trap cleanup EXIT

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Prints the first value of an instant query, or nothing when the result is empty.
query() {
    local body
    body=$(curl -sf --get "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1") || return 0
    "$python" -c 'import json, sys
result = json.loads(sys.argv[1])["data"]["result"]
print(result[0]["value"][1] if result else "")' "$body"
}

# Waits up to $2 seconds until query $1 returns a value for which "$3" (a Python expression
# over v) is true; prints the last value.
wait_for() {
    local expression=$1 timeout=$2 condition=$3 value=""
    for _ in $(seq 1 $((timeout * 4))); do
        value=$(query "$expression" || true)
        if [ -n "$value" ] && "$python" -c "import sys; v = float(sys.argv[1]); sys.exit(0 if ($condition) else 1)" "$value"; then
            echo "$value"
            return 0
        fi
        sleep 0.25
    done
    echo "$value"
    return 1
}

report() {
    local status=$1 name=$2 detail=$3
    echo "$status $name: $detail"
    if [ "$status" = FAIL ]; then
        failures=$((failures + 1))
        # A failing check is often explained by an Apache that stopped on its own.
        local pid
        pid=$(cat "$work/apache/run/apache2.pid" 2>/dev/null || true)
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            echo "  (the private Apache, PID $pid, is no longer running; see $work/apache/error.log)"
        fi
    fi
    return 0
}

apache_port=$(free_port)
collector_port=$(free_port)
prometheus_port=$(free_port)

"$here/apache-instance.sh" start "$work/apache" --port "$apache_port" --wsgi-writer "$work/wsgi" >/dev/null

"$collector" --config /dev/null --listen "127.0.0.1:$collector_port" --log-target stderr \
    --apache-pid-file "$work/apache/run/apache2.pid" --apache-config "$work/apache/httpd.conf" \
    --wsgi-dir "$work/wsgi" </dev/null >"$work/collector.log" 2>&1 &
collector_pid=$!

# The recording rules and alerts of docs/fleet.md, evaluated every second.
"$python" - "$root/docs/fleet.md" "$work/rules.yml" <<'PYTHON'
import re, sys
text = open(sys.argv[1]).read()
blocks = [b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith("# file: scoreboard-collector.rules.yml")]
if len(blocks) != 1:
    sys.exit("prometheus-live-check: docs/fleet.md has no scoreboard-collector.rules.yml block")
open(sys.argv[2], "w").write(blocks[0])
PYTHON

cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $work/rules.yml
scrape_configs:
  - job_name: scoreboard-collector
    static_configs:
      - targets: ["127.0.0.1:$collector_port"]
YAML
/usr/bin/prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address="127.0.0.1:$prometheus_port" </dev/null >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!

if ! wait_for 'apache_up{job="scoreboard-collector"}' 30 'v == 1' >/dev/null; then
    report FAIL scrape "Prometheus never saw apache_up 1 (see $work/prometheus.log and collector.log)"
    exit 1
fi
report ok scrape "Prometheus scrapes the collector and apache_up is 1"

# 1. Request counter: exactly the requests ab sent. Nothing else talks to this Apache.
requests=200
before=$(wait_for 'apache_accesses_total' 10 'v >= 0')
/usr/bin/ab -q -n "$requests" -c 4 "http://127.0.0.1:$apache_port/index.html" >"$work/ab.log" 2>&1
expected=$("$python" -c "print(int(float('$before')) + $requests)")
if after=$(wait_for 'apache_accesses_total' 15 "v >= $expected"); then
    if [ "$("$python" -c "print(int(float('$after')))")" = "$expected" ]; then
        report ok requests "apache_accesses_total grew by $requests ($before → $after)"
    else
        report FAIL requests "apache_accesses_total grew from $before to $after, expected $expected"
    fi
else
    report FAIL requests "apache_accesses_total reached only $after, expected $expected"
fi
rate=$(query 'max_over_time(apache_requests_per_second[30s])')
if [ -n "$rate" ] && "$python" -c "import sys; sys.exit(0 if float('$rate') > 0 else 1)"; then
    report ok rate "max_over_time(apache_requests_per_second[30s]) = $rate"
else
    report FAIL rate "max_over_time(apache_requests_per_second[30s]) = '$rate', expected > 0"
fi

# 2. A slow request keeps one worker busy for 3 s.
curl -sf "http://127.0.0.1:$apache_port/app/sleep?seconds=3" >"$work/sleep.out" &
sleeper=$!
if busy=$(wait_for 'apache_workers{state="busy"}' 10 'v >= 1'); then
    report ok busy "apache_workers{state=\"busy\"} = $busy during /app/sleep?seconds=3"
else
    report FAIL busy "apache_workers{state=\"busy\"} = '$busy' during /app/sleep?seconds=3, expected >= 1"
fi
wait "$sleeper" || report FAIL busy "/app/sleep?seconds=3 failed"
sleep 2
oldest=$(query 'max_over_time(apache_oldest_request_in_flight_seconds[20s])')
if [ -n "$oldest" ] && "$python" -c "import sys; v = float('$oldest'); sys.exit(0 if 1.5 <= v <= 4.5 else 1)"; then
    report ok in_flight "max_over_time(apache_oldest_request_in_flight_seconds[20s]) = $oldest"
else
    report FAIL in_flight "max_over_time(apache_oldest_request_in_flight_seconds[20s]) = '$oldest', expected about 3"
fi

# 3. WSGI latency histogram: the slow request is the only one in group app.
if [ -z "$(query 'wsgi_up')" ]; then
    report skip histogram "the collector exports no wsgi_up, so no WSGI histograms to query"
else
    quantile='histogram_quantile(0.99, sum by (le, process_group) (increase(wsgi_application_time_seconds_bucket{process_group="app"}[1m])))'
    if value=$(wait_for "$quantile" 15 'v == v and 2.5 <= v <= 3.5'); then
        report ok histogram "$quantile = $value"
    else
        report FAIL histogram "$quantile = '$value', expected between 2.5 and 3.5"
    fi
fi

# 4. The rules of docs/fleet.md evaluate without errors, and the fleet quantile rule reflects
#    the slow request too (total time includes the 3 s in the application).
if value=$(wait_for 'cluster_process_group:wsgi_total_time_seconds:p99_5m{process_group="app"}' 15 'v == v and 2.5 <= v <= 3.5'); then
    report ok fleet_rules "cluster_process_group:wsgi_total_time_seconds:p99_5m{process_group=\"app\"} = $value"
else
    report FAIL fleet_rules "cluster_process_group:wsgi_total_time_seconds:p99_5m{process_group=\"app\"} = '$value', expected between 2.5 and 3.5"
fi
rule_problems=$(curl -sf "http://127.0.0.1:$prometheus_port/api/v1/rules" | "$python" -c 'import json, sys
groups = json.load(sys.stdin)["data"]["groups"]
rules = [rule for group in groups for rule in group["rules"]]
failing = [rule["name"] + ": " + rule.get("lastError", "") for rule in rules if rule.get("health") != "ok"]
print("; ".join(failing))
sys.stderr.write(str(len(rules)))' 2>"$work/rule-count") || rule_problems="cannot read /api/v1/rules"
if [ -z "$rule_problems" ]; then
    report ok rule_health "all $(cat "$work/rule-count") rules of docs/fleet.md evaluate"
else
    report FAIL rule_health "$rule_problems"
fi

# 5. The live exposition, with Apache and WSGI data, passes Prometheus's own linter.
curl -sf "http://127.0.0.1:$collector_port/metrics" >"$work/metrics.txt"
if lint=$(/usr/bin/promtool check metrics <"$work/metrics.txt" 2>&1); then
    report ok promtool "promtool check metrics accepts $(grep -c '^# TYPE' "$work/metrics.txt") families"
else
    report FAIL promtool "promtool check metrics: $lint"
fi

# 6. The JSON routes against docs/openapi.yaml, in several states of Apache.
run_schemathesis() {
    local state=$1 log="$work/schemathesis-$1.log"
    if (cd "$work" && "$schemathesis" run "$root/docs/openapi.yaml" --url "http://127.0.0.1:$collector_port" \
        --checks all --exclude-checks ignored_auth,object_level_authorization --max-examples 50 \
        --seed 1 </dev/null >"$log" 2>&1); then
        report ok "openapi_$state" "$(grep -E 'test cases passed|[0-9]+ generated' "$log" | head -n 1 | sed 's/^ *//')"
    else
        report FAIL "openapi_$state" "schemathesis found problems; see $log"
        sed -n '/FAILURES/,/SUMMARY/p' "$log" | head -n 60 || true
    fi
}

if [ -n "$schemathesis" ]; then
    curl -sf "http://127.0.0.1:$apache_port/app/sleep?seconds=30" >/dev/null 2>&1 &
    sleeper_pid=$!
    wait_for 'apache_requests_in_flight' 10 'v >= 1' >/dev/null || true
    run_schemathesis in_flight
    kill "$sleeper_pid" 2>/dev/null || true
    wait "$sleeper_pid" 2>/dev/null || true
    sleeper_pid=""

    "$here/apache-instance.sh" signal "$work/apache" graceful
    wait_for 'apache_restarts_total{type="graceful"}' 15 'v >= 1' >/dev/null ||
        report FAIL graceful "apache_restarts_total{type=\"graceful\"} did not reach 1 after apache2 -k graceful"
    run_schemathesis graceful

    "$here/apache-instance.sh" stop "$work/apache"
    wait_for 'apache_up' 15 'v == 0' >/dev/null || report FAIL stopped "apache_up did not become 0 after Apache stopped"
    run_schemathesis stopped

    # Without ExtendedStatus, counters, response times and in-flight requests are null.
    "$here/apache-instance.sh" start "$work/apache" --port "$apache_port" --no-extended-status >/dev/null
    if wait_for 'apache_up' 15 'v == 1' >/dev/null && [ -z "$(query 'apache_accesses_total')" ]; then
        run_schemathesis extended_status_off
    else
        report FAIL extended_status_off "after a restart with ExtendedStatus Off, expected apache_up 1 and no apache_accesses_total"
    fi
fi

[ "$failures" -eq 0 ]
