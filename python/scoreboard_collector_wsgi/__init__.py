"""Writer of the WSGI scoreboard read by scoreboard-collector.

Format and directory permissions: docs/wsgi-scoreboard.md of scoreboard-collector.
"""

from .layout import MODE_DAEMON, MODE_EMBEDDED, MODE_NONE
from .middleware import ScoreboardMiddleware
from .mod_wsgi_events import install
from .recorder import ProcessInfo, Recorder, default_recorder

__all__ = [
    "MODE_DAEMON",
    "MODE_EMBEDDED",
    "MODE_NONE",
    "ProcessInfo",
    "Recorder",
    "ScoreboardMiddleware",
    "default_recorder",
    "install",
]
__version__ = "0.1.0"
