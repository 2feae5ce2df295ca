"""Settings of the panel test site; the collector URL comes from PANEL_SITE_COLLECTOR_URL."""

import os

DEBUG = True
SECRET_KEY = "scoreboard-collector-panel-test-site"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "panel_site.urls"
INSTALLED_APPS = ["django.contrib.staticfiles", "debug_toolbar"]
MIDDLEWARE = ["debug_toolbar.middleware.DebugToolbarMiddleware"]
INTERNAL_IPS = ["127.0.0.1"]
STATIC_URL = "/static/"
DATABASES = {}
USE_TZ = True
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]

DEBUG_TOOLBAR_PANELS = [
    "debug_toolbar.panels.timer.TimerPanel",
    "scoreboard_collector_wsgi.django_panel.CollectorPanel",
]
DEBUG_TOOLBAR_CONFIG = {
    # The tests drive the toolbar on purpose, with DEBUG on.
    "IS_RUNNING_TESTS": False,
    # Panels are rendered through the store and the render_panel view, as in a browser.
    "RENDER_PANELS": False,
}
SCOREBOARD_COLLECTOR = {
    "URL": os.environ.get("PANEL_SITE_COLLECTOR_URL", "http://127.0.0.1:9118"),
    "TIMEOUT": float(os.environ.get("PANEL_SITE_COLLECTOR_TIMEOUT", "0.25")),
}
