"""A minimal Django site with django-debug-toolbar and the collector panel, for the panel tests."""
