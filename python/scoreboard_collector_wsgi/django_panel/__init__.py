"""A django-debug-toolbar panel showing this host's Apache and WSGI load from scoreboard-collector.

Add "scoreboard_collector_wsgi.django_panel.CollectorPanel" to DEBUG_TOOLBAR_PANELS. Setup and the
meaning of each number: docs/django-panel.md of scoreboard-collector.
"""

from .panel import CollectorPanel

__all__ = ["CollectorPanel"]
