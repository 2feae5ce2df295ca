"""Selection of the numbers the panel shows from a `/v1/metrics` document.

The result contains only dicts, lists, str, int, float, bool and None, because
django-debug-toolbar 5 and later serialise panel stats to JSON for their stores.
"""

from .fields import count, flag, member, non_negative, number, objects, text

EMBEDDED_GROUP_LABEL = "(embedded)"
PERCENTILE_NAMES = ("p50", "p90", "p95", "p99")
WSGI_PHASES = ("application_time", "queue_time", "total_time")


def summarise_metrics(document):
    """Return the panel's view of one metrics document (see the module docstring for the types)."""
    return {
        "sequence": count(document.get("sequence")),
        "time_unix_seconds": number(document.get("time_unix_seconds")),
        "interval_seconds": non_negative(document.get("interval_seconds")),
        "no_sample_reason": text(document.get("reason")),
        "collector_version": text(member(document, "collector", "version")),
        "apache": summarise_apache(document.get("apache")),
        "wsgi": summarise_wsgi(document.get("wsgi")),
    }


def summarise_apache(apache):
    """Capacity, load, latency and restarts of the `apache` object; only up/reason when it is down."""
    if not isinstance(apache, dict):
        return {"up": None, "reason": "this collector sends no Apache data"}
    summary = {"up": flag(apache.get("up")), "reason": text(apache.get("reason"))}
    if summary["up"] is not True:
        return summary

    summary.update({
        "generation": count(apache.get("generation")),
        "uptime_seconds": non_negative(apache.get("uptime_seconds")),
        "busy": count(member(apache, "workers", "busy")),
        "idle": count(member(apache, "workers", "idle")),
        "live_processes": count(member(apache, "processes", "live")),
        "max_request_workers": count(member(apache, "capacity", "max_request_workers")),
        "utilisation": non_negative(member(apache, "capacity", "utilisation")),
        "counters_unavailable_reason": text(member(apache, "counters", "unavailable_reason")),
        "requests_per_second": non_negative(member(apache, "counters", "requests_per_second")),
        "bytes_per_second": non_negative(member(apache, "counters", "bytes_per_second")),
        "mean_response_seconds": non_negative(member(apache, "response_time", "mean_seconds")),
        "response_windows": [_apache_window(window) for window in objects(member(apache, "response_time", "windows"))],
        "in_flight": count(member(apache, "in_flight", "count")),
        "oldest_in_flight_seconds": non_negative(member(apache, "in_flight", "oldest_age_seconds")),
        "restarts_total": count(member(apache, "restarts", "total")),
        "graceful_restarts_total": count(member(apache, "restarts", "graceful_total")),
        "hard_restarts_total": count(member(apache, "restarts", "hard_total")),
    })
    return summary


def _apache_window(window):
    summary = {
        "window_seconds": non_negative(window.get("window_seconds")),
        "requests": count(window.get("requests")),
        "coverage": non_negative(window.get("coverage")),
    }
    for name in PERCENTILE_NAMES + ("max",):
        summary[name] = non_negative(window.get(f"{name}_seconds"))
    return summary


def summarise_wsgi(wsgi):
    """Summarise the `wsgi` object: availability and one entry per process group."""
    if not isinstance(wsgi, dict):
        return {"up": None, "reason": "this collector sends no WSGI data", "groups": []}
    return {
        "up": flag(wsgi.get("up")),
        "reason": text(wsgi.get("reason")),
        "groups": [_wsgi_group(group) for group in objects(wsgi.get("groups"))],
    }


def group_label(process_group):
    """Return the name shown for a process group. Embedded mode has the empty name."""
    if process_group == "":
        return EMBEDDED_GROUP_LABEL
    return process_group if process_group is not None else "unknown"


def _wsgi_group(group):
    process_group = text(group.get("process_group"))
    status_rates = member(group, "status_per_second")
    return {
        "process_group": process_group,
        "label": group_label(process_group),
        "mode": text(group.get("mode")),
        "processes_live": count(member(group, "processes", "live")),
        "processes_configured": count(member(group, "processes", "configured")),
        "threads_busy": count(member(group, "threads", "busy")),
        "threads_total": count(member(group, "threads", "total")),
        "utilisation": non_negative(group.get("utilisation")),
        "requests_per_second": non_negative(group.get("requests_per_second")),
        "exceptions_per_second": non_negative(group.get("exceptions_per_second")),
        "server_errors_per_second": non_negative(member(status_rates, "5xx")),
        "in_flight": count(member(group, "in_flight", "count")),
        "oldest_in_flight_seconds": non_negative(member(group, "in_flight", "oldest_age_seconds")),
        "windows": [_wsgi_window(window) for window in objects(group.get("windows"))],
    }


def _wsgi_window(window):
    summary = {
        "window_seconds": non_negative(window.get("window_seconds")),
        "requests": count(window.get("requests")),
    }
    for phase in WSGI_PHASES:
        times = window.get(phase)
        summary[phase] = {"mean": non_negative(member(times, "mean_seconds"))}
        for name in PERCENTILE_NAMES:
            summary[phase][name] = non_negative(member(times, f"{name}_seconds"))
    return summary


def find_group(wsgi_summary, process_group, mode):
    """Return the summary of `process_group`, or None.

    In embedded mode the empty name matches a group named "" or "(embedded)".
    """
    for group in wsgi_summary.get("groups", []):
        if group["process_group"] == process_group:
            return group
        if mode == "embedded" and process_group == "" and group["process_group"] == EMBEDDED_GROUP_LABEL:
            return group
    return None

