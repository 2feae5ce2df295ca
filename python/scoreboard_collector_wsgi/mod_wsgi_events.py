"""Enabling the writer without changing the application, through mod_wsgi's events.

mod_wsgi (4.4 or newer) calls each subscriber as callback(name, **payload). A dict returned from
`request_started` is merged into the payload, and mod_wsgi then calls the `application_object`
of the merged payload. Subscriptions belong to one sub-interpreter, so install() must run in the process group and
application group of the application (WSGIImportScript process-group=… application-group=…).
"""

import threading

from . import errors
from .middleware import ScoreboardMiddleware
from .recorder import default_recorder

_installed = False
_install_lock = threading.Lock()


def install(**options):
    """Subscribe to mod_wsgi's events and record every request of this interpreter.

    `options` (directory, thread_record_count, record_paths, process_info) configure the
    process-wide recorder. The segment is created at once, so the collector lists the process before
    its first request. Returns False outside mod_wsgi or when mod_wsgi has no events; never raises.
    """
    global _installed
    try:
        import mod_wsgi
    except ImportError:
        errors.log_once("no-mod_wsgi", "scoreboard_collector_wsgi.install() needs mod_wsgi; nothing recorded")
        return False

    with _install_lock:
        if _installed:
            return True
        subscribe = getattr(mod_wsgi, "subscribe_events", None)
        if subscribe is None:
            errors.log_once(
                "no-events",
                "this mod_wsgi has no subscribe_events (needs 4.4 or newer); wrap the application "
                "in ScoreboardMiddleware instead",
            )
            return False
        try:
            recorder = default_recorder(**options)
            recorder.start()
            subscribe(_RequestStartedWrapper(recorder))
        except Exception:
            errors.log_once("install", "scoreboard_collector_wsgi.install() failed", exc_info=True)
            return False
        _installed = True
        return True


class _RequestStartedWrapper:
    """Event subscriber that swaps `application_object` for the same application wrapped."""

    __slots__ = ("recorder", "cached")

    def __init__(self, recorder):
        self.recorder = recorder
        # (application, wrapper) of the last request; replaced as a whole, so threads never see a
        # mismatched pair.
        self.cached = (None, None)

    def __call__(self, name, **payload):
        if name != "request_started":
            return None
        try:
            application = payload.get("application_object")
            if application is None:
                errors.log_once(
                    "no-application-object",
                    "mod_wsgi's request_started event has no application_object; wrap the "
                    "application in ScoreboardMiddleware instead",
                )
                return None
            cached_application, wrapper = self.cached
            if cached_application is not application:
                wrapper = ScoreboardMiddleware(application, recorder=self.recorder)
                self.cached = (application, wrapper)
            return {"application_object": wrapper}
        except Exception:
            errors.log_once("event", "WSGI scoreboard event handler failed", exc_info=True)
            return None
