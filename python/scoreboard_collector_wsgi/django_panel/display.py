"""Text for the numbers the panel shows; None (unknown) is always shown as "unknown", never 0."""

UNKNOWN = "unknown"


def seconds(value):
    """Format a duration in µs below 1 ms, in ms below 1 s, else in s."""
    if value is None:
        return UNKNOWN
    if value < 0.001:
        return f"{value * 1_000_000:.0f} µs"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def ratio(value):
    """Format a utilisation (0–1) as a percentage."""
    if value is None:
        return UNKNOWN
    return f"{value * 100:.1f} %"


def rate(value, unit="/s"):
    """Format a per-second rate with three significant digits."""
    if value is None:
        return UNKNOWN
    return f"{value:.3g}{unit}"


def count(value):
    if value is None:
        return UNKNOWN
    return str(value)


def byte_rate(value):
    if value is None:
        return UNKNOWN
    for unit in ("B/s", "KiB/s", "MiB/s"):
        if value < 1024:
            return f"{value:.3g} {unit}"
        value /= 1024
    return f"{value:.3g} GiB/s"


def span(value):
    """Format a long duration such as an uptime or an age in s, min, h or d."""
    if value is None:
        return UNKNOWN
    if value < 60:
        return f"{value:.0f} s"
    if value < 3600:
        return f"{value / 60:.0f} min"
    if value < 86400:
        return f"{value / 3600:.1f} h"
    return f"{value / 86400:.1f} d"


def window(value):
    """Format a window length in seconds: 60 → "1 min", 1 → "1 s"."""
    if value is None:
        return UNKNOWN
    if value >= 60 and value % 60 == 0:
        return f"{value / 60:.0f} min"
    return f"{value:g} s"
