"""The `SCOREBOARD_COLLECTOR` Django setting of the collector panel."""

import math
from urllib.parse import urlsplit

SETTING_NAME = "SCOREBOARD_COLLECTOR"
DEFAULT_URL = "http://127.0.0.1:9118"
DEFAULT_TIMEOUT_SECONDS = 0.25
# The panel runs inside a request the developer is waiting for, so a longer wait is refused.
MAXIMUM_TIMEOUT_SECONDS = 10.0
KNOWN_KEYS = ("URL", "TIMEOUT")


class PanelSettings:
    """Collector base URL and the overall deadline, in seconds, for all of its requests."""

    __slots__ = ("url", "timeout_seconds")

    def __init__(self, url=DEFAULT_URL, timeout_seconds=DEFAULT_TIMEOUT_SECONDS):
        self.url = url
        self.timeout_seconds = timeout_seconds


class InvalidPanelSettings(ValueError):
    """A value of `SCOREBOARD_COLLECTOR` that the panel cannot use; the message names the fix."""


def read_panel_settings(django_settings):
    """Validate `settings.SCOREBOARD_COLLECTOR` and return PanelSettings.

    Raises InvalidPanelSettings naming the key, the value and the expected form.
    """
    configured = getattr(django_settings, SETTING_NAME, None)
    if configured is None:
        return PanelSettings()
    if not isinstance(configured, dict):
        raise InvalidPanelSettings(
            f"{SETTING_NAME} must be a dict such as {{'URL': '{DEFAULT_URL}', 'TIMEOUT': {DEFAULT_TIMEOUT_SECONDS}}}, "
            f"not {type(configured).__name__}"
        )

    unknown = sorted(str(key) for key in configured if key not in KNOWN_KEYS)
    if unknown:
        raise InvalidPanelSettings(
            f"{SETTING_NAME} has unknown key(s) {', '.join(unknown)}; the known keys are {', '.join(KNOWN_KEYS)}"
        )

    url = _validated_url(configured.get("URL", DEFAULT_URL))
    timeout_seconds = _validated_timeout(configured.get("TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
    return PanelSettings(url, timeout_seconds)


def _validated_url(url):
    if not isinstance(url, str):
        raise InvalidPanelSettings(f"{SETTING_NAME}['URL'] must be a string such as '{DEFAULT_URL}', not {url!r}")
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme != "http" or not parts.hostname or port == -1:
        raise InvalidPanelSettings(
            f"{SETTING_NAME}['URL'] is invalid: {url!r}; use the collector's http:// address, such as '{DEFAULT_URL}'"
        )
    if parts.query or parts.fragment:
        raise InvalidPanelSettings(
            f"{SETTING_NAME}['URL'] must not contain a query or fragment: {url!r}; use the base address, such as '{DEFAULT_URL}'"
        )
    return url.rstrip("/")


def _validated_timeout(timeout):
    valid_type = isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
    if not valid_type or not math.isfinite(timeout) or not 0 < timeout <= MAXIMUM_TIMEOUT_SECONDS:
        raise InvalidPanelSettings(
            f"{SETTING_NAME}['TIMEOUT'] is invalid: {timeout!r}; use a number of seconds greater than 0 "
            f"and at most {MAXIMUM_TIMEOUT_SECONDS:g}, such as {DEFAULT_TIMEOUT_SECONDS}"
        )
    return float(timeout)
