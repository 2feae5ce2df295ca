"""Print one line of live metrics from a /v1/metrics document read on stdin (used by demo.sh)."""
import json
import sys


def number(value, scale=1.0, digits=1, unit=""):
    return "unknown" if value is None else f"{round(value * scale, digits)}{unit}"


def main():
    metrics = json.load(sys.stdin)
    apache = metrics.get("apache", {})
    if not apache.get("up"):
        print("apache down:", apache.get("reason"))
        return
    counters, workers = apache["counters"], apache["workers"]
    print(
        f"sample {metrics['sequence']:>4}  requests/s {number(counters['requests_per_second']):>7}"
        f"  busy {workers['busy']:>3}  idle {workers['idle']:>3}"
        f"  in flight {apache['in_flight']['count']:>2}"
        f"  mean {number(apache['response_time']['mean_seconds'], 1000, 2, ' ms')}"
    )
    for group in metrics.get("wsgi", {}).get("groups", []):
        threads = group["threads"]
        print(
            f"      wsgi group {group['process_group']}: threads busy {threads['busy']}/{threads['total']},"
            f" requests/s {number(group['requests_per_second'])}"
        )


if __name__ == "__main__":
    main()
