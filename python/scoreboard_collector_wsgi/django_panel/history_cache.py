"""Per-process cache of the collector's history, refreshed with `/v1/history?since=SEQUENCE`.

1800 samples of history without WSGI groups are 1.6 MB of JSON, and a debug build of collector
0.1.0 took 0.22 s to serve them (curl, on a busy 2-core machine). The panel therefore fetches the whole history
once and afterwards only the samples newer than the last one it holds. A fetch may outlive the
page that started it (up to BACKGROUND_TIMEOUT_SECONDS), so a history too large for the panel's
timeout is ready for the next page.
"""

import logging
import threading
import time

from .client import DocumentReply, fetch_document
from .fields import count, member, number, objects
from .history_summary import SPARKLINE_SECONDS, history_query

logger = logging.getLogger(__name__)

HISTORY_PATH = "/v1/history"
BACKGROUND_TIMEOUT_SECONDS = 10.0
# 30 minutes at an interval of 0.5 s. With a shorter --interval the sparklines cover less than
# 30 minutes, which keeps the cache of each process small.
MAXIMUM_CACHED_SAMPLES = 3600


class HistoryCache:
    """The newest 30 minutes of compact samples from one collector, oldest first."""

    def __init__(self, base_url):
        self.base_url = base_url
        self._lock = threading.Lock()
        self._samples = []
        self._collector_started = None
        self._fetch = None
        self._problem = None
        self.last_path = None
        """Path and query of the latest fetch, for diagnostics."""

    def start_refresh(self, collector_info):
        """Start fetching the samples newer than the cached ones, unless a fetch is running.

        `collector_info` is the `collector` object of an earlier document (history capacity and
        interval) or None. Returns the thread of the running fetch.
        """
        with self._lock:
            if self._fetch is not None:
                return self._fetch
            if self._samples:
                path = f"{HISTORY_PATH}?since={self._samples[-1]['sequence']}"
            else:
                path = HISTORY_PATH + history_query(collector_info)
            self.last_path = path
            self._fetch = threading.Thread(target=self._run, args=(path,), name=f"scoreboard-collector-panel {path}", daemon=True)
            self._fetch.start()
            return self._fetch

    def snapshot(self, fetch, wait_seconds):
        """Wait up to `wait_seconds` for `fetch`; return (samples, problem, still_loading).

        `samples` is a copy of the cache. `problem` is the one-line error of the latest finished
        fetch, or None.
        """
        fetch.join(max(0.0, wait_seconds))
        with self._lock:
            return list(self._samples), self._problem, fetch.is_alive()

    def samples(self):
        """Return a copy of the cached samples, oldest first."""
        with self._lock:
            return list(self._samples)

    def _run(self, path):
        try:
            deadline = time.monotonic() + BACKGROUND_TIMEOUT_SECONDS
            reply = fetch_document(self.base_url + path, path, deadline, BACKGROUND_TIMEOUT_SECONDS)
        except Exception as error:  # noqa: BLE001 - the next page would otherwise wait on a dead fetch
            logger.exception("scoreboard-collector panel: GET %s failed", self.base_url + path)
            reply = DocumentReply(path, problem=f"request failed: {type(error).__name__}: {error}")

        # One critical section: a caller that sees the new samples also sees the fetch as finished.
        with self._lock:
            if reply.problem is None:
                self._merge_locked(reply.document)
            self._problem = reply.problem
            self._fetch = None

    def merge(self, document):
        """Append the new samples of a history document and drop those older than 30 minutes.

        At most MAXIMUM_CACHED_SAMPLES are kept. A document from a restarted collector (another start time) replaces the cache. A sample
        whose predecessor the cache never received is marked as following a gap.
        """
        with self._lock:
            self._merge_locked(document)

    def _merge_locked(self, document):
        started = number(member(document, "collector", "started_unix_seconds"))
        samples = [
            sample for sample in objects(document.get("samples"))
            if count(sample.get("sequence")) is not None and number(sample.get("time_unix_seconds")) is not None
        ]
        if started != self._collector_started:
            self._samples = []
            self._collector_started = started

        last = self._samples[-1]["sequence"] if self._samples else None
        for sample in samples:
            if last is not None and sample["sequence"] <= last:
                continue
            if last is not None and sample["sequence"] != last + 1:
                sample = dict(sample, gap=True)
            self._samples.append(sample)
            last = sample["sequence"]

        if self._samples:
            oldest_kept = self._samples[-1]["time_unix_seconds"] - SPARKLINE_SECONDS
            first_kept = max(0, len(self._samples) - MAXIMUM_CACHED_SAMPLES)
            while self._samples[first_kept]["time_unix_seconds"] < oldest_kept:
                first_kept += 1
            del self._samples[:first_kept]
