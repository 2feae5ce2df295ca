"""Inline SVG sparklines: one path per run of known values, no script."""

from django.utils.html import escape

from .display import span

WIDTH = 240
HEIGHT = 32
PADDING = 2


def render_sparkline(times, values, breaks, label, format_value, upper_bound=None):
    """Return an `<svg>` element for `values` over `times` (both oldest first, same length).

    A None value and every index in `breaks` start a new line segment, so gaps in the history
    stay visible. The y axis runs from 0 to `upper_bound`, or to the largest value when it is None.
    The title (shown on hover) names the label, the newest known value and the maximum.
    """
    points = [(time, value) for time, value in zip(times, values)]
    known = [value for _, value in points if value is not None]
    if len(times) < 2 or not known:
        return f'<span class="sc-no-data">{escape(label)}: no history</span>'

    start, end = times[0], times[-1]
    duration = max(end - start, 1e-9)
    top = upper_bound if upper_bound is not None else max(known)
    top = max(top, 1e-12)
    plot_height = HEIGHT - 2 * PADDING

    def position(time, value):
        x = PADDING + (time - start) / duration * (WIDTH - 2 * PADDING)
        y = HEIGHT - PADDING - min(value, top) / top * plot_height
        return f"{x:.1f},{y:.1f}"

    break_set = set(breaks)
    segments = []
    for index, (time, value) in enumerate(points):
        if value is None:
            continue
        if not segments or index in break_set or points[index - 1][1] is None:
            segments.append([])
        segments[-1].append(position(time, value))
    # A segment of one point gets a zero-length line, which the round line cap draws as a dot.
    commands = ["M" + " L".join(segment) + (" h0" if len(segment) == 1 else "") for segment in segments]

    title = f"{label}: now {format_value(known[-1])}, max {format_value(max(known))} over the last {span(end - start)}"
    return (
        f'<svg class="sc-sparkline" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>"
        f'<line x1="0" y1="{HEIGHT - PADDING}" x2="{WIDTH}" y2="{HEIGHT - PADDING}" class="sc-axis"/>'
        f'<path d="{" ".join(commands)}" class="sc-line"/>'
        "</svg>"
    )
