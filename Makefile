# scoreboard-collector: build, test, demo and install.
#
#   make deps      install the Debian packages the build and the tests need (root)
#   make test      everything CI runs: unit, integration, Python, unit-file and journald checks
#   make demo      private Apache + mod_wsgi on 127.0.0.1, the collector, live metrics
#   make bench     benchmarks into docs/benchmarks.md
#   make install   release binary, unit, config, sysusers, tmpfiles, man page (PREFIX, DESTDIR)

SHELL := /bin/bash
SWIFT ?= swift
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
RELEASE_BINARY = $(shell $(SWIFT) build -c release --show-bin-path)/scoreboard-collector

# Debian packages: build (apache2-dev is for building mod_wsgi 6 from PyPI in the tests),
# the servers the tests start, and the tools they drive.
DEBIAN_PACKAGES = \
	pkg-config libsystemd-dev zlib1g-dev libapr1-dev \
	apache2 apache2-utils apache2-dev libapache2-mod-wsgi-py3 \
	python3 python3-venv python3-pytest python3-dev \
	systemd curl gzip procps wrk hyperfine valgrind \
	prometheus prometheus-apache-exporter chromium

.PHONY: all deps build release static test test-swift schemathesis-venv test-python check-unit journal-check django-check \
	demo demo-stop bench accuracy install uninstall clean

all: build

deps:
	@command -v $(SWIFT) >/dev/null || { echo "make deps: the Swift toolchain (swift 6.x) is not on PATH; install it first" >&2; exit 1; }
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing $$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install packages" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --static-swift-stdlib

test: deps build test-swift test-python check-unit journal-check django-check

# schemathesis (PyPI) checks the live daemon against docs/openapi.yaml; the test finds it here.
SCHEMATHESIS_VENV = .build/schemathesis-venv

schemathesis-venv:
	test -x $(SCHEMATHESIS_VENV)/bin/schemathesis || { /usr/bin/python3 -m venv $(SCHEMATHESIS_VENV) && $(SCHEMATHESIS_VENV)/bin/pip install -q schemathesis; }

# --no-parallel: the integration tests start Apache, Prometheus and the collector; one at a
# time keeps their timings meaningful on a 2-core machine.
test-swift: schemathesis-venv
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel

test-python:
	cd python && /usr/bin/python3 -m pytest -q

check-unit:
	scripts/systemd-check-unit.sh "$$($(SWIFT) build --show-bin-path)"

journal-check:
	$(SWIFT) build --product journal-probe
	scripts/systemd-journal-roundtrip.sh "$$($(SWIFT) build --show-bin-path)/journal-probe" stream make-journal-check

django-check:
	@if [ -x scripts/django-panel-test.sh ]; then scripts/django-panel-test.sh; fi

demo: deps build
	scripts/demo.sh start

demo-stop:
	scripts/demo.sh stop

bench: deps release
	scripts/bench.sh

accuracy: deps build
	scripts/accuracy.sh

install:
	@test -x "$(RELEASE_BINARY)" || { echo "make install: build first with 'make release'" >&2; exit 1; }
	install -D -m 0755 $(RELEASE_BINARY) $(DESTDIR)$(BINDIR)/scoreboard-collector
	strip $(DESTDIR)$(BINDIR)/scoreboard-collector
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(BINDIR)|g' systemd/scoreboard-collector.service >$(DESTDIR)$(UNITDIR)/scoreboard-collector.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/scoreboard-collector.service
	install -D -m 0644 systemd/scoreboard-collector.sysusers $(DESTDIR)$(SYSUSERSDIR)/scoreboard-collector.conf
	install -D -m 0644 systemd/scoreboard-collector.tmpfiles $(DESTDIR)$(TMPFILESDIR)/scoreboard-collector.conf
	install -D -m 0644 docs/scoreboard-collector.8 $(DESTDIR)$(MANDIR)/man8/scoreboard-collector.8
	test -e $(DESTDIR)$(SYSCONFDIR)/scoreboard-collector.conf || \
		install -D -m 0644 systemd/scoreboard-collector.conf $(DESTDIR)$(SYSCONFDIR)/scoreboard-collector.conf
	if [ -z "$(DESTDIR)" ]; then \
		systemd-sysusers $(SYSUSERSDIR)/scoreboard-collector.conf && \
		systemd-tmpfiles --create $(TMPFILESDIR)/scoreboard-collector.conf && \
		{ systemctl daemon-reload 2>/dev/null || true; }; \
	fi

# Leaves /etc/scoreboard-collector.conf, the system user and /run/scoreboard-collector in place.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/scoreboard-collector $(DESTDIR)$(UNITDIR)/scoreboard-collector.service \
		$(DESTDIR)$(SYSUSERSDIR)/scoreboard-collector.conf $(DESTDIR)$(TMPFILESDIR)/scoreboard-collector.conf \
		$(DESTDIR)$(MANDIR)/man8/scoreboard-collector.8

clean:
	rm -rf .build
