"""The django-debug-toolbar panel that shows the host's capacity and latency from scoreboard-collector."""

import logging
import os
import time

from debug_toolbar.panels import Panel
from django.conf import settings as django_settings
from django.core import checks
from django.template import Context, Engine

from .panel_stats import collect_panel_stats
from .settings import SETTING_NAME, InvalidPanelSettings, read_panel_settings
from .view import build_context, nav_subtitle

logger = logging.getLogger(__name__)

TEMPLATE_NAME = "scoreboard_collector_wsgi/collector_panel.html"
# A private engine finds the template without the package being in INSTALLED_APPS.
_ENGINE = Engine(dirs=[os.path.join(os.path.dirname(__file__), "templates")], autoescape=True)


class CollectorPanel(Panel):
    """Apache and WSGI capacity, load and latency of this host, and this request's place in them.

    Enable it by adding "scoreboard_collector_wsgi.django_panel.CollectorPanel" to
    DEBUG_TOOLBAR_PANELS. The numbers come from the scoreboard-collector named in
    settings.SCOREBOARD_COLLECTOR["URL"] (default http://127.0.0.1:9118) and are fetched within
    SCOREBOARD_COLLECTOR["TIMEOUT"] seconds (default 0.25).
    """

    title = "Scoreboard collector"
    template = TEMPLATE_NAME
    # The collector is read with blocking calls, so django-debug-toolbar disables the panel for
    # ASGI requests.
    is_async = False

    @property
    def nav_subtitle(self):
        return nav_subtitle(self.get_stats())

    @property
    def content(self):
        return _ENGINE.get_template(TEMPLATE_NAME).render(Context(build_context(self.get_stats())))

    def generate_stats(self, request, response):
        now_us = time.time_ns() // 1000
        try:
            panel_settings = read_panel_settings(django_settings)
        except InvalidPanelSettings as error:
            self.record_stats(_problem_stats(str(error)))
            return

        try:
            stats = collect_panel_stats(request.META, now_us, panel_settings)
        except Exception as error:  # noqa: BLE001 - a fault in a debugging aid must not break the page
            logger.exception("scoreboard-collector panel failed while collecting its stats")
            stats = _problem_stats(f"The collector panel failed: {type(error).__name__}: {error}")
        self.record_stats(stats)

    @classmethod
    def run_checks(cls):
        try:
            read_panel_settings(django_settings)
        except InvalidPanelSettings as error:
            return [checks.Error(str(error), hint=f"Fix settings.{SETTING_NAME}.", id="scoreboard_collector_wsgi.E001")]
        return []


def _problem_stats(problem):
    return {"problem": problem, "notes": [], "metrics": None, "history": None, "events": None, "request": {}, "comparison": None}
