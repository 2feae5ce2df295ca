#!/usr/bin/env bash
# Runs the tests of the django-debug-toolbar panel (python/tests/django_panel) in a venv of
# Debian's Python with Django, django-debug-toolbar, pytest and the package in editable mode.
#
#   django-panel-test.sh [PYTEST ARGUMENT]...
#
# The venv lives in python/.venv-django (ignored by git) and is created on the first run.
# The real-collector tests run $SCOREBOARD_COLLECTOR_BINARY, else the debug build of this
# checkout (`swift build`). They start a private Apache with scripts/apache-instance.sh.
# The browser test needs the Debian package chromium. Tests whose prerequisite is missing are
# skipped, and pytest prints the reason.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
venv="$repository/python/.venv-django"
pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check)

if [ ! -x "$venv/bin/python" ]; then
    /usr/bin/python3 -m venv "$venv" || { echo "django-panel-test: creating $venv failed; install python3-venv ('make deps')" >&2; exit 1; }
fi
# Python before 3.13 does not write this file, so git would otherwise list the venv.
echo '*' > "$venv/.gitignore"

"${pip[@]}" django django-debug-toolbar pytest
if ! (cd / && "$venv/bin/python" -c 'import scoreboard_collector_wsgi.django_panel' 2>/dev/null); then
    "${pip[@]}" -e "$repository/python[django]"
fi

if [ -z "${SCOREBOARD_COLLECTOR_BINARY:-}" ] && command -v swift >/dev/null; then
    SCOREBOARD_COLLECTOR_BINARY="$(cd "$repository" && swift build --show-bin-path)/scoreboard-collector"
    export SCOREBOARD_COLLECTOR_BINARY
fi

cd "$repository/python"
exec "$venv/bin/python" -m pytest -q -rs tests/django_panel "$@"
