"""Django setup for the collector panel tests, imported by each test module after its importorskip.

There is no conftest.py here on purpose: the writer's tests import helpers with
`from conftest import ...`, and a second conftest module would shadow theirs.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel_site.settings")
django.setup()
