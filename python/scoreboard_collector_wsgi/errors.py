"""Logging of writer failures. Callers catch their exceptions and log each kind once here."""

import logging
import threading

logger = logging.getLogger("scoreboard_collector_wsgi")

_logged = set()
_logged_lock = threading.Lock()


def log_once(key, message, *arguments, exc_info=False, level=logging.WARNING):
    """Log a message the first time `key` is seen in this process; later calls do nothing."""
    with _logged_lock:
        if key in _logged:
            return
        _logged.add(key)
    logger.log(level, message, *arguments, exc_info=exc_info)


def reset_after_fork():
    """Replace the lock in a forked child, because another parent thread may have held it at the fork."""
    global _logged_lock
    _logged_lock = threading.Lock()
