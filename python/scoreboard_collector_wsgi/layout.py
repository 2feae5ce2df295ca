"""Byte layout of a WSGI scoreboard segment, version 1.

Source: docs/wsgi-scoreboard.md of scoreboard-collector, section "Byte layout". The C reader in
Sources/CScoreboard/include/cscoreboard_wsgi.h follows the same table; change both together.
All integers are little-endian.
"""

import struct
import sys

MAGIC = b"SCBWSGI\x00"
VERSION = 1

# Sizes of u64 and u32 fields; the writer also addresses the segment as arrays of these.
WORD_SIZE = 8
HALF_WORD_SIZE = 4

HEADER_SIZE = 128
PROCESS_RECORD_OFFSET = HEADER_SIZE
THREAD_RECORD_SIZE = 256

METHOD_SIZE = 16
PATH_SIZE = 176
GROUP_NAME_SIZE = 64

HISTOGRAM_LOWEST_US = 10.0
HISTOGRAM_RATIO = 1.04
# Bucket 0 is underflow, buckets 1..411 are logarithmic, bucket 412 is overflow.
HISTOGRAM_LOG_BUCKETS = 411
HISTOGRAM_BUCKET_COUNT = HISTOGRAM_LOG_BUCKETS + 2
HISTOGRAM_COUNT = 3
HISTOGRAM_BYTES = HISTOGRAM_BUCKET_COUNT * 8

# Header: magic, version, header_size, process_record_offset, process_record_size,
# thread_record_offset, thread_record_size, thread_record_count, histogram_bucket_count,
# histogram_lowest_us, histogram_ratio, segment_size, method_size, path_size, group_name_size,
# histogram_count. 48 reserved bytes follow.
HEADER = struct.Struct("<8sIIIIIIIIddQIIII")

# Process record.
SEQ = struct.Struct("<Q")
SEQ_OFFSET = 0
# pid, mode, start_time_ticks, configured_processes, configured_threads, created_us.
PROCESS_IDENTITY = struct.Struct("<IIQIIq")
PROCESS_IDENTITY_OFFSET = 8
UPDATED_US = struct.Struct("<q")
UPDATED_US_OFFSET = 40
PROCESS_GROUP_OFFSET = 48
APPLICATION_GROUP_OFFSET = 112

COUNTER_NAMES = (
    "requests",
    "status_1xx",
    "status_2xx",
    "status_3xx",
    "status_4xx",
    "status_5xx",
    "status_other",
    "exceptions",
    "negative_server",
    "negative_queue",
    "negative_daemon",
    "negative_application",
    "malformed_timestamps",
    "requests_without_thread_record",
    "bytes_in",
    "bytes_out",
    "server_us_sum",
    "queue_us_sum",
    "daemon_us_sum",
    "application_us_sum",
    "total_us_sum",
    "server_count",
    "queue_count",
    "daemon_count",
    "application_count",
    "total_count",
)
COUNTER_INDEX = {name: index for index, name in enumerate(COUNTER_NAMES)}
COUNTERS_OFFSET = 176
COUNTERS = struct.Struct("<%dQ" % len(COUNTER_NAMES))
# Counters end at 384; 64 reserved bytes follow, then the histograms.
HISTOGRAMS_OFFSET = 448
HISTOGRAM_NAMES = ("application", "queue", "total")
APPLICATION_HISTOGRAM_OFFSET = HISTOGRAMS_OFFSET
QUEUE_HISTOGRAM_OFFSET = HISTOGRAMS_OFFSET + HISTOGRAM_BYTES
TOTAL_HISTOGRAM_OFFSET = HISTOGRAMS_OFFSET + 2 * HISTOGRAM_BYTES
PROCESS_RECORD_SIZE = HISTOGRAMS_OFFSET + HISTOGRAM_COUNT * HISTOGRAM_BYTES
BUCKET = struct.Struct("<Q")
HISTOGRAM = struct.Struct("<%dQ" % HISTOGRAM_BUCKET_COUNT)

THREAD_RECORD_OFFSET = PROCESS_RECORD_OFFSET + PROCESS_RECORD_SIZE

# Thread record: seq, state, wsgi_thread_id, native_thread_id, request_start_us, queue_start_us,
# daemon_start_us, application_start_us, requests, method, path.
THREAD_RECORD = struct.Struct("<QIIQqqqqQ%ds%ds" % (METHOD_SIZE, PATH_SIZE))
# The same record without the leading seq, written between the two seq increments.
THREAD_BODY = struct.Struct("<IIQqqqqQ%ds%ds" % (METHOD_SIZE, PATH_SIZE))
THREAD_BODY_OFFSET = 8
# state and requests alone, for the cheap idle transition.
THREAD_STATE = struct.Struct("<I")
THREAD_STATE_OFFSET = 8
THREAD_REQUESTS = struct.Struct("<Q")
THREAD_REQUESTS_OFFSET = 56

MODE_NONE = 0
MODE_EMBEDDED = 1
MODE_DAEMON = 2

THREAD_UNUSED = 0
THREAD_IDLE = 1
THREAD_BUSY = 2

SEGMENT_SUFFIX = ".wsb"
TEMPORARY_SUFFIX = ".wsb.tmp"

# The writer stores seq through a native memoryview (see segment.py), so the host must match the
# file's byte order.
assert sys.byteorder == "little", "the WSGI scoreboard writer needs a little-endian CPU"
assert HEADER.size == 80
assert PROCESS_RECORD_SIZE == 10360
assert THREAD_RECORD_OFFSET == 10488
assert THREAD_RECORD.size == THREAD_RECORD_SIZE
assert COUNTERS_OFFSET + COUNTERS.size == 384
# The writer stores these fields as whole u64 or u32 items, so they must be aligned.
assert (PROCESS_RECORD_OFFSET + UPDATED_US_OFFSET) % WORD_SIZE == 0
assert (PROCESS_RECORD_OFFSET + HISTOGRAMS_OFFSET) % WORD_SIZE == 0
assert THREAD_RECORD_OFFSET % WORD_SIZE == 0
assert THREAD_RECORD_SIZE % WORD_SIZE == 0
assert THREAD_REQUESTS_OFFSET % WORD_SIZE == 0
assert THREAD_STATE_OFFSET % HALF_WORD_SIZE == 0


def segment_size(thread_record_count):
    """Return the file size of a segment with this many thread records."""
    return THREAD_RECORD_OFFSET + thread_record_count * THREAD_RECORD_SIZE


def thread_record_offset(index):
    """Return the file offset of thread record `index`."""
    return THREAD_RECORD_OFFSET + index * THREAD_RECORD_SIZE
