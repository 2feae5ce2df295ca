#!/usr/bin/env bash
# make demo / make demo-stop: a private Apache + mod_wsgi on 127.0.0.1 with a little traffic,
# the collector reading its scoreboards, and a few seconds of live metrics.
# Everything lives under .demo/ in the repository; `scripts/demo.sh stop` ends it.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
demo="$repo/.demo"
binary="$(cd "$repo" && swift build --show-bin-path)/scoreboard-collector"

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

stop() {
    if [ -s "$demo/traffic.pid" ]; then kill "$(cat "$demo/traffic.pid")" 2>/dev/null || true; rm -f "$demo/traffic.pid"; fi
    if [ -s "$demo/collector.pid" ]; then
        kill -TERM "$(cat "$demo/collector.pid")" 2>/dev/null || true
        rm -f "$demo/collector.pid"
    fi
    if [ -d "$demo/apache" ]; then "$repo/scripts/apache-instance.sh" stop "$demo/apache" || true; fi
    echo "demo stopped"
}

json_line() { /usr/bin/python3 "$repo/scripts/demo_line.py"; }

start() {
    stop >/dev/null 2>&1 || true
    rm -rf "$demo"
    mkdir -p "$demo"
    [ -x "$binary" ] || { echo "demo: $binary is missing; run 'make build'" >&2; exit 1; }

    apache_port=$(free_port)
    collector_port=$(free_port)
    "$repo/scripts/apache-instance.sh" start "$demo/apache" --port "$apache_port" --wsgi-daemon app:2:4 \
        --wsgi-writer "$demo/wsgi"

    "$binary" --listen "127.0.0.1:$collector_port" --apache-pid-file "$demo/apache/run/apache2.pid" \
        --apache-config "$demo/apache/httpd.conf" --wsgi-dir "$demo/wsgi" --config /dev/null \
        >"$demo/collector.log" 2>&1 &
    echo $! > "$demo/collector.pid"

    # A little traffic for about a minute: static pages, fast and slow WSGI requests.
    (
        for _ in $(seq 1 60); do
            ab -q -n 50 -c 4 "http://127.0.0.1:$apache_port/index.html" >/dev/null 2>&1 || true
            ab -q -n 20 -c 2 "http://127.0.0.1:$apache_port/app/hello" >/dev/null 2>&1 || true
            curl -s -o /dev/null "http://127.0.0.1:$apache_port/app/sleep?seconds=0.5" &
            sleep 1
        done
    ) &
    echo $! > "$demo/traffic.pid"

    url="http://127.0.0.1:$collector_port"
    for _ in $(seq 1 50); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
    sleep 2.5
    echo
    echo "Apache:     http://127.0.0.1:$apache_port/ (logs in $demo/apache)"
    echo "Collector:  $url/v1/metrics   $url/v1/history   $url/metrics   (log: $demo/collector.log)"
    echo
    echo "One sample (GET /v1/metrics, first lines):"
    sample=$(curl -s "$url/v1/metrics" | /usr/bin/python3 -m json.tool)
    sed -n '1,40p' <<< "$sample"
    echo "..."
    echo
    echo "Live, once a second:"
    for _ in $(seq 1 8); do curl -s "$url/v1/metrics" | json_line; sleep 1; done
    echo
    echo "The demo keeps running for about a minute of traffic; stop it with 'make demo-stop'."
}

case ${1:-start} in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
