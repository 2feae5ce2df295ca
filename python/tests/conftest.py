"""Shared fixtures: a unique segment directory per test and a pure-Python segment reader."""

import os
import shutil
import tempfile

import pytest

from scoreboard_collector_wsgi import layout


@pytest.fixture
def segment_directory():
    directory = tempfile.mkdtemp(prefix="wsgi-scoreboard-test-")
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


class SegmentImage:
    """Decoded content of one segment file, read with the layout table (test-side reader)."""

    def __init__(self, path):
        with open(path, "rb") as segment_file:
            self.data = segment_file.read()
        header = layout.HEADER.unpack_from(self.data, 0)
        (self.magic, self.version, self.header_size, self.process_record_offset, self.process_record_size,
         self.thread_record_offset, self.thread_record_size, self.thread_record_count,
         self.histogram_bucket_count, self.histogram_lowest_us, self.histogram_ratio, self.segment_size,
         self.method_size, self.path_size, self.group_name_size, self.histogram_count) = header

        base = self.process_record_offset
        self.process_seq = layout.SEQ.unpack_from(self.data, base)[0]
        (self.pid, self.mode, self.start_time_ticks, self.configured_processes, self.configured_threads,
         self.created_us) = layout.PROCESS_IDENTITY.unpack_from(self.data, base + layout.PROCESS_IDENTITY_OFFSET)
        self.updated_us = layout.UPDATED_US.unpack_from(self.data, base + layout.UPDATED_US_OFFSET)[0]
        self.process_group = self._text(base + layout.PROCESS_GROUP_OFFSET, self.group_name_size)
        self.application_group = self._text(base + layout.APPLICATION_GROUP_OFFSET, self.group_name_size)
        values = layout.COUNTERS.unpack_from(self.data, base + layout.COUNTERS_OFFSET)
        self.counters = dict(zip(layout.COUNTER_NAMES, values))
        self.histograms = {}
        for index, name in enumerate(layout.HISTOGRAM_NAMES):
            offset = base + layout.HISTOGRAMS_OFFSET + index * layout.HISTOGRAM_BYTES
            self.histograms[name] = list(layout.HISTOGRAM.unpack_from(self.data, offset))

        self.threads = []
        for index in range(self.thread_record_count):
            fields = layout.THREAD_RECORD.unpack_from(self.data, layout.thread_record_offset(index))
            self.threads.append({
                "seq": fields[0], "state": fields[1], "wsgi_thread_id": fields[2], "native_thread_id": fields[3],
                "request_start_us": fields[4], "queue_start_us": fields[5], "daemon_start_us": fields[6],
                "application_start_us": fields[7], "requests": fields[8],
                "method": fields[9].rstrip(b"\0").decode(), "path": fields[10].rstrip(b"\0").decode(),
            })

    def _text(self, offset, size):
        return self.data[offset:offset + size].rstrip(b"\0").decode()

    def used_threads(self):
        return [thread for thread in self.threads if thread["state"] != layout.THREAD_UNUSED]


def segment_files(directory):
    return sorted(name for name in os.listdir(directory) if name.endswith(layout.SEGMENT_SUFFIX))


def read_only_segment(directory):
    names = segment_files(directory)
    assert len(names) == 1, names
    return SegmentImage(os.path.join(directory, names[0]))


def simple_application(body=(b"hello", b"world"), status="200 OK"):
    def application(environ, start_response):
        start_response(status, [("Content-Type", "text/plain")])
        return list(body)
    return application


def run_request(application, environ=None):
    """Call a WSGI application like a server: iterate the response, then close it."""
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = status
        return lambda data: None

    request_environ = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/"}
    request_environ.update(environ or {})
    response = application(request_environ, start_response)
    try:
        body = b"".join(response)
    finally:
        close = getattr(response, "close", None)
        if close is not None:
            close()
    return captured.get("status"), body
