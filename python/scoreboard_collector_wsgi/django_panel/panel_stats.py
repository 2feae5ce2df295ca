"""The panel's stats for one request: this request's timing and the collector's view of the host."""

import threading
import time

from .client import fetch_documents
from .history_cache import HISTORY_PATH, HistoryCache
from .history_summary import events_query, summarise_events, summarise_history
from .metrics_summary import find_group, summarise_metrics
from .request_timing import compare_with_group, measure_request

METRICS_PATH = "/v1/metrics"
EVENTS_PATH = "/v1/events"

# The `collector` object (history capacity, interval) last received from each collector URL.
# The documents are fetched at once, so the history query of a request uses the object from an
# earlier request.
_collector_info_by_url = {}
_history_caches = {}
_history_caches_lock = threading.Lock()


def history_cache(url):
    """Return this process's history cache for the collector at `url`."""
    with _history_caches_lock:
        cache = _history_caches.get(url)
        if cache is None:
            cache = _history_caches[url] = HistoryCache(url)
        return cache


def collect_panel_stats(environ, now_us, panel_settings):
    """Measure this request and fetch the collector's documents within the settings' timeout.

    Returns a dict of plain JSON values. `problem` is one line when the collector's metrics are
    unusable; `notes` lists documents that failed while the metrics arrived.
    """
    timing = measure_request(environ, now_us)
    stats = {
        "collector_url": panel_settings.url,
        "timeout_seconds": panel_settings.timeout_seconds,
        "measured_unix_seconds": now_us / 1_000_000,
        "problem": None,
        "notes": [],
        "metrics": None,
        "history": None,
        "events": None,
        "request": timing,
        "comparison": None,
    }

    deadline = time.monotonic() + panel_settings.timeout_seconds
    cache = history_cache(panel_settings.url)
    history_fetch = cache.start_refresh(_collector_info_by_url.get(panel_settings.url))
    paths = {"metrics": METRICS_PATH, "events": EVENTS_PATH + events_query(now_us / 1_000_000)}
    replies = fetch_documents(panel_settings.url, paths, panel_settings.timeout_seconds)
    samples, history_problem, history_loading = cache.snapshot(history_fetch, deadline - time.monotonic())

    metrics_reply = replies["metrics"]
    if metrics_reply.problem is not None:
        stats["problem"] = f"Collector at {panel_settings.url} unavailable: {metrics_reply.problem} ({METRICS_PATH})."
        return stats

    collector_info = metrics_reply.document.get("collector")
    if isinstance(collector_info, dict):
        _collector_info_by_url[panel_settings.url] = collector_info
    metrics = summarise_metrics(metrics_reply.document)
    if metrics["sequence"] is None:
        reason = metrics["no_sample_reason"] or "the metrics document has no sample sequence"
        stats["problem"] = f"Collector at {panel_settings.url} has no sample yet: {reason}."
        return stats
    stats["metrics"] = metrics

    if timing["mode"] is not None and timing["process_group"] is not None:
        group = find_group(metrics["wsgi"], timing["process_group"], timing["mode"])
        stats["comparison"] = compare_with_group(timing, group)
        stats["comparison"]["group_found"] = group is not None

    if samples:
        stats["history"] = summarise_history({"samples": samples})
    if history_loading:
        stats["notes"].append(
            f"History not updated within {panel_settings.timeout_seconds:g} s ({HISTORY_PATH}); "
            "it keeps loading in the background for the next page."
        )
    elif history_problem is not None:
        stats["notes"].append(f"History not updated: {history_problem} ({HISTORY_PATH}).")

    events_reply = replies["events"]
    if events_reply.problem is None:
        stats["events"] = summarise_events(events_reply.document)
    else:
        stats["notes"].append(f"Events unavailable: {events_reply.problem} ({EVENTS_PATH}).")
    return stats
