"""Target file for Apache's WSGIImportScript: records every request of the process group.

    WSGIImportScript /path/to/scoreboard_collector_wsgi/import_script.py \
        process-group=app application-group=%{GLOBAL}

The segment directory comes from $SCOREBOARD_WSGI_DIR, else /run/scoreboard-collector/wsgi.
"""

from scoreboard_collector_wsgi import install

install()
