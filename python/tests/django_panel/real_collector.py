"""A private Apache serving the panel test site through mod_wsgi, and a scoreboard-collector watching it.

Apache comes from scripts/apache-instance.sh with one daemon process group "app" (1 process,
4 threads). The script copies the demo application to DIR/app.wsgi, and mod_wsgi loads that file
on the first request. Replacing it before any request therefore makes the group serve the Django
test site, wrapped in the WSGI scoreboard writer.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

from local_servers import unused_port

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPOSITORY = os.path.dirname(PYTHON_DIR)
TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
APACHE_INSTANCE = os.path.join(REPOSITORY, "scripts", "apache-instance.sh")
PROCESS_GROUP = "app"
# The User directive of the instance's httpd.conf.
APACHE_USER = "www-data"
DAEMON_THREADS = 4
STARTUP_SECONDS = 30

DJANGO_WSGI_SCRIPT = """\
import os
import sys

sys.path[0:0] = {paths!r}
os.environ["DJANGO_SETTINGS_MODULE"] = "panel_site.settings"
os.environ["PANEL_SITE_COLLECTOR_URL"] = {collector_url!r}
# A busy test machine can delay the collector; 3 s keeps the panel from timing out there.
os.environ["PANEL_SITE_COLLECTOR_TIMEOUT"] = "3"

from django.core.wsgi import get_wsgi_application

from scoreboard_collector_wsgi import ScoreboardMiddleware

application = ScoreboardMiddleware(get_wsgi_application(), directory={segment_dir!r})
"""


def collector_binary():
    """Path of the collector binary: $SCOREBOARD_COLLECTOR_BINARY, else the debug build of this clone."""
    return os.environ.get("SCOREBOARD_COLLECTOR_BINARY") or os.path.join(REPOSITORY, ".build", "debug", "scoreboard-collector")


def missing_prerequisite():
    """Why the real-collector tests cannot run here, or None."""
    if not os.access(collector_binary(), os.X_OK):
        return f"collector binary {collector_binary()} not found: run 'swift build' in {REPOSITORY}"
    if not os.access("/usr/sbin/apache2", os.X_OK) or not os.path.exists("/usr/lib/apache2/modules/mod_wsgi.so"):
        return "apache2 or libapache2-mod-wsgi-py3 is not installed: run 'make deps'"
    for path in site_files():
        # Apache's children run as www-data and import the site from these files.
        readable = subprocess.run(["runuser", "-u", APACHE_USER, "--", "test", "-r", path], capture_output=True)
        if readable.returncode != 0:
            return f"{APACHE_USER} cannot read {path}, which mod_wsgi must import; make its directories world-readable"
    return None


def site_files():
    """Files that the mod_wsgi daemon imports: the package, the test site and Django."""
    import django

    return [
        os.path.join(PYTHON_DIR, "scoreboard_collector_wsgi", "__init__.py"),
        os.path.join(TESTS_DIR, "panel_site", "settings.py"),
        django.__file__,
    ]


def get_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode())


def get_text(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def wait_for_port(port, process=None, seconds=STARTUP_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process {process.args[0]} exited with status {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def wait_for(condition, description, seconds=STARTUP_SECONDS):
    """Poll `condition()` until it returns a true value; return that value."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{description} did not happen within {seconds} s")
        time.sleep(0.1)


class RealCollector:
    """The running Apache, collector and their directories; `stop()` ends what `start()` began."""

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="panel-real-collector-")
        self.apache_dir = os.path.join(self.base, "apache")
        self.segment_dir = os.path.join(self.base, "wsgi")
        self.apache_port = unused_port()
        self.collector_port = unused_port()
        self.collector = None
        self.apache_started = False

    @property
    def collector_url(self):
        return f"http://127.0.0.1:{self.collector_port}"

    @property
    def apache_url(self):
        return f"http://127.0.0.1:{self.apache_port}"

    def apache_pid(self):
        with open(os.path.join(self.apache_dir, "run", "apache2.pid")) as pid_file:
            return int(pid_file.read().strip())

    def start(self):
        # Apache's children (www-data) must reach the directories; they are removed in stop().
        os.chmod(self.base, 0o755)
        os.mkdir(self.segment_dir)
        os.chmod(self.segment_dir, 0o777)

        started = subprocess.run(
            [APACHE_INSTANCE, "start", self.apache_dir, "--port", str(self.apache_port),
             "--wsgi-daemon", f"{PROCESS_GROUP}:1:{DAEMON_THREADS}"],
            capture_output=True, text=True,
        )
        self.apache_started = os.path.exists(os.path.join(self.apache_dir, "run", "apache2.pid"))
        if started.returncode != 0:
            raise RuntimeError(f"apache-instance.sh start failed with status {started.returncode}: {started.stderr.strip()}")
        self._install_django_site()

        empty_config = os.path.join(self.base, "collector.conf")
        open(empty_config, "w").close()
        self.collector_log = open(os.path.join(self.base, "collector.log"), "w")
        self.collector = subprocess.Popen(
            [collector_binary(), "--config", empty_config, "--listen", f"127.0.0.1:{self.collector_port}",
             "--apache-pid-file", os.path.join(self.apache_dir, "run", "apache2.pid"),
             "--apache-config", os.path.join(self.apache_dir, "httpd.conf"),
             "--wsgi-dir", self.segment_dir, "--log-target", "stderr"],
            stdout=self.collector_log, stderr=subprocess.STDOUT,
        )
        wait_for_port(self.collector_port, self.collector)
        wait_for(lambda: (get_json(self.collector_url + "/v1/metrics").get("apache") or {}).get("up"), "collector attaching to Apache")

    def _install_django_site(self):
        script = DJANGO_WSGI_SCRIPT.format(
            paths=[PYTHON_DIR, TESTS_DIR, *site_packages()],
            collector_url=self.collector_url,
            segment_dir=self.segment_dir,
        )
        with open(os.path.join(self.apache_dir, "app.wsgi"), "w") as script_file:
            script_file.write(script)

    def stop(self):
        if self.collector is not None and self.collector.poll() is None:
            self.collector.send_signal(signal.SIGTERM)
            try:
                self.collector.wait(10)
            except subprocess.TimeoutExpired:
                self.collector.kill()
                self.collector.wait()
        if self.apache_started:
            subprocess.run([APACHE_INSTANCE, "stop", self.apache_dir], check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(self.base, ignore_errors=True)

    def diagnostics(self):
        """The ends of Apache's error log and of the collector's log, for failure messages."""
        parts = []
        for name in (os.path.join("apache", "error.log"), "collector.log"):
            try:
                with open(os.path.join(self.base, name), errors="replace") as log:
                    parts.append(f"--- {name} ---\n" + "".join(log.readlines()[-15:]))
            except OSError as error:
                parts.append(f"--- {name}: {error.strerror} ---")
        return "\n".join(parts)


def site_packages():
    """The directories that hold Django and the toolbar in the Python running the tests."""
    import debug_toolbar
    import django

    return sorted({os.path.dirname(os.path.dirname(module.__file__)) for module in (django, debug_toolbar)})
