"""Fetching of the collector's JSON documents within one overall deadline.

The panel runs while a developer waits for a page, so every request to the collector shares one
deadline. Each document is fetched on its own daemon thread. The caller waits for all of them
until the deadline and reports the ones still outstanding as timed out. A thread left behind
stops reading at the deadline. A blocked connect or read ends at the latest one socket timeout
(the remaining time when the request started) after the deadline.
"""

import http.client
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request

logger = logging.getLogger(__name__)

# The largest document accepted. 30 minutes of history with several WSGI groups stay far below it.
MAXIMUM_DOCUMENT_BYTES = 16 * 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024
# The collector is on this host: a proxy from the environment must never be used to reach it.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class DocumentReply:
    """The outcome of one GET: the decoded JSON object, or a one-line problem, never both."""

    __slots__ = ("path", "document", "problem")

    def __init__(self, path, document=None, problem=None):
        self.path = path
        self.document = document
        self.problem = problem


def fetch_documents(base_url, paths, timeout_seconds):
    """GET every path of `paths` (a dict name → path) under `base_url` concurrently.

    Returns a dict name → DocumentReply. Returns after at most about `timeout_seconds`,
    whatever the collector does.
    """
    deadline = time.monotonic() + timeout_seconds
    replies = {}
    threads = {}
    for name, path in paths.items():
        thread = threading.Thread(
            target=_fetch_into, args=(replies, name, base_url + path, path, deadline, timeout_seconds),
            name=f"scoreboard-collector-panel {path}", daemon=True,
        )
        threads[name] = thread
        thread.start()

    for thread in threads.values():
        thread.join(max(0.0, deadline - time.monotonic()))

    results = {}
    for name, path in paths.items():
        reply = replies.get(name)
        if reply is None:
            reply = DocumentReply(path, problem=_timed_out(timeout_seconds))
        results[name] = reply
    return results


def _fetch_into(replies, name, url, path, deadline, timeout_seconds):
    try:
        replies[name] = fetch_document(url, path, deadline, timeout_seconds)
    except Exception as error:  # noqa: BLE001 - otherwise the caller would report a timeout
        logger.exception("scoreboard-collector panel: GET %s failed", url)
        replies[name] = DocumentReply(path, problem=f"request failed: {type(error).__name__}: {error}")


def _timed_out(timeout_seconds):
    return f"timed out after {timeout_seconds:g} s"


def fetch_document(url, path, deadline, timeout_seconds):
    """GET one JSON object before the monotonic `deadline`, `timeout_seconds` after the start.

    Returns a DocumentReply. Network errors, HTTP errors, an invalid URL and invalid JSON become
    its `problem`.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return DocumentReply(path, problem=_timed_out(timeout_seconds))

    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with _OPENER.open(request, timeout=remaining) as response:
            body = _read_until(response, deadline)
        if body is None:
            return DocumentReply(path, problem=_timed_out(timeout_seconds))
    except urllib.error.HTTPError as error:
        return DocumentReply(path, problem=_describe_http_error(error))
    except urllib.error.URLError as error:
        if isinstance(error.reason, (socket.timeout, TimeoutError)):
            return DocumentReply(path, problem=_timed_out(timeout_seconds))
        return DocumentReply(path, problem=_describe_os_error(error.reason))
    except (socket.timeout, TimeoutError):
        return DocumentReply(path, problem=_timed_out(timeout_seconds))
    except http.client.HTTPException as error:
        return DocumentReply(path, problem=f"invalid HTTP response ({type(error).__name__})")
    except OSError as error:
        return DocumentReply(path, problem=_describe_os_error(error))
    except ValueError as error:
        # http.client.InvalidURL, for example a port that is not a number.
        return DocumentReply(path, problem=f"invalid URL {url!r} ({error})")

    if len(body) > MAXIMUM_DOCUMENT_BYTES:
        return DocumentReply(path, problem=f"response larger than {MAXIMUM_DOCUMENT_BYTES} bytes")
    return decode_document(path, body)


def _read_until(response, deadline):
    """Read the body in chunks; None when the deadline passes first (a server trickling bytes)."""
    chunks = []
    size = 0
    while size <= MAXIMUM_DOCUMENT_BYTES:
        if time.monotonic() > deadline:
            return None
        # read1 returns after one receive, so a slow sender cannot hold it past the deadline for long.
        chunk = response.read1(READ_CHUNK_BYTES)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def decode_document(path, body):
    """Decode a response body that must be one JSON object."""
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return DocumentReply(path, problem="invalid JSON (not UTF-8)")
    except ValueError as error:
        return DocumentReply(path, problem=f"invalid JSON ({error})")
    if not isinstance(document, dict):
        return DocumentReply(path, problem=f"invalid JSON document (a {type(document).__name__}, expected an object)")
    return DocumentReply(path, document=document)


def _describe_http_error(error):
    message = None
    try:
        body = error.read(64 * 1024)
        message = json.loads(body.decode("utf-8"))["error"]["message"]
    except (OSError, ValueError, KeyError, TypeError, http.client.HTTPException):
        pass
    if isinstance(message, str) and message:
        return f"HTTP {error.code}: {message}"
    return f"HTTP {error.code} {error.reason}"


def _describe_os_error(reason):
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is scoreboard-collector running?)"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[0].lower() + reason.strerror[1:]
    return str(reason)
