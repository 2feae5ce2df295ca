"""One WSGI scoreboard segment file: creation, seqlock-protected writes, stale-file removal.

Layout: docs/wsgi-scoreboard.md, section "Byte layout" (mirrored in layout.py). The writer never
uses multiprocessing.shared_memory, whose resource tracker unlinks the segment at exit.
"""

import mmap
import os
import re

from . import layout
from .procstat import process_start_time

FILE_MODE = 0o640
_COUNTERS_FILE_OFFSET = layout.PROCESS_RECORD_OFFSET + layout.COUNTERS_OFFSET
# Indices into the segment seen as u64 words (layout.WORD_SIZE bytes each) or u32 half words.
_PROCESS_SEQ_WORD = (layout.PROCESS_RECORD_OFFSET + layout.SEQ_OFFSET) // layout.WORD_SIZE
_UPDATED_US_WORD = (layout.PROCESS_RECORD_OFFSET + layout.UPDATED_US_OFFSET) // layout.WORD_SIZE
# Bucket 0 of the application, queue and total histograms, in the order of layout.HISTOGRAM_NAMES.
_APPLICATION_BUCKET_WORD = (layout.PROCESS_RECORD_OFFSET + layout.APPLICATION_HISTOGRAM_OFFSET) // layout.WORD_SIZE
_QUEUE_BUCKET_WORD = (layout.PROCESS_RECORD_OFFSET + layout.QUEUE_HISTOGRAM_OFFSET) // layout.WORD_SIZE
_TOTAL_BUCKET_WORD = (layout.PROCESS_RECORD_OFFSET + layout.TOTAL_HISTOGRAM_OFFSET) // layout.WORD_SIZE
_THREAD_REQUESTS_WORD = layout.THREAD_REQUESTS_OFFSET // layout.WORD_SIZE
_THREAD_STATE_HALF_WORD = layout.THREAD_STATE_OFFSET // layout.HALF_WORD_SIZE
_THREAD_RECORD_WORDS = layout.THREAD_RECORD_SIZE // layout.WORD_SIZE
_THREAD_RECORD_HALF_WORDS = layout.THREAD_RECORD_SIZE // layout.HALF_WORD_SIZE
_FIRST_THREAD_WORD = layout.THREAD_RECORD_OFFSET // layout.WORD_SIZE
_FIRST_THREAD_HALF_WORD = layout.THREAD_RECORD_OFFSET // layout.HALF_WORD_SIZE
_SEGMENT_NAME = re.compile(r"^(\d+)-(\d+)\.wsb(\.tmp)?$")


class ProcessIdentity:
    """Identity fields of the process record, fixed for the life of a segment."""

    __slots__ = ("pid", "start_time_ticks", "mode", "configured_processes", "configured_threads",
                 "process_group", "application_group")

    def __init__(self, pid, start_time_ticks, mode, configured_processes, configured_threads,
                 process_group, application_group):
        self.pid = pid
        self.start_time_ticks = start_time_ticks
        self.mode = mode
        self.configured_processes = configured_processes
        self.configured_threads = configured_threads
        self.process_group = process_group
        self.application_group = application_group

    def file_name(self):
        return "%d-%d%s" % (self.pid, self.start_time_ticks, layout.SEGMENT_SUFFIX)


def _encode_text(text, size):
    return text.encode("utf-8", "replace")[:size]


def remove_stale_segments(directory, own_pid):
    """Remove segment files whose process is dead or whose pid now belongs to another process.

    Files this process cannot remove (another user's, in a directory without write access) are
    left for the collector, which marks them not live.
    """
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = _SEGMENT_NAME.match(name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == own_pid:
            continue
        if process_start_time(pid) == int(match.group(2)):
            continue
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass


class Segment:
    """A created, mapped segment. Methods write only; callers hold the locks the doc requires."""

    def __init__(self, directory, identity, thread_record_count, created_us, counters, histograms):
        """Create, fill and publish the segment file.

        The counters and histograms so far are written before the rename, so the file never shows
        a process record whose seq is still 0.
        """
        self.path = os.path.join(directory, identity.file_name())
        self.thread_record_count = thread_record_count
        self.process_seq = 0
        self.thread_seqs = [0] * thread_record_count

        size = layout.segment_size(thread_record_count)
        temporary_path = self.path + ".tmp"
        descriptor = self._create_exclusive(temporary_path)
        try:
            os.fchmod(descriptor, FILE_MODE)
            os.ftruncate(descriptor, size)
            self.memory = mmap.mmap(descriptor, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
            self.inode = os.fstat(descriptor).st_ino
        except BaseException:
            os.close(descriptor)
            _unlink_quietly(temporary_path)
            raise
        os.close(descriptor)
        # struct.pack_into zeroes its destination before storing the value, so a reader could see
        # a transient 0. Inside the odd seq window that is harmless, but seq itself must change in
        # one store: a memoryview item assignment stores all 8 bytes with one memcpy of a local.
        # Single u64 and u32 fields are stored the same way, because an item assignment costs
        # less than a pack_into call.
        self._words = memoryview(self.memory).cast("Q")
        self._half_words = memoryview(self.memory).cast("I")

        try:
            self._write_header(thread_record_count, size)
            self._write_identity(identity, created_us)
            self.write_all_histograms(histograms)
            self.write_process_update(counters, 0, histograms, None)
            os.rename(temporary_path, self.path)
        except BaseException:
            self.close()
            _unlink_quietly(temporary_path)
            raise

    @staticmethod
    def _create_exclusive(path):
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
        try:
            return os.open(path, flags, FILE_MODE)
        except FileExistsError:
            # Left by an earlier attempt of this same process (same pid and start time).
            os.unlink(path)
            return os.open(path, flags, FILE_MODE)

    def _write_header(self, thread_record_count, size):
        layout.HEADER.pack_into(
            self.memory, 0,
            layout.MAGIC, layout.VERSION, layout.HEADER_SIZE,
            layout.PROCESS_RECORD_OFFSET, layout.PROCESS_RECORD_SIZE,
            layout.THREAD_RECORD_OFFSET, layout.THREAD_RECORD_SIZE, thread_record_count,
            layout.HISTOGRAM_BUCKET_COUNT, layout.HISTOGRAM_LOWEST_US, layout.HISTOGRAM_RATIO,
            size, layout.METHOD_SIZE, layout.PATH_SIZE, layout.GROUP_NAME_SIZE, layout.HISTOGRAM_COUNT,
        )

    def _write_identity(self, identity, created_us):
        base = layout.PROCESS_RECORD_OFFSET
        layout.PROCESS_IDENTITY.pack_into(
            self.memory, base + layout.PROCESS_IDENTITY_OFFSET,
            identity.pid, identity.mode, identity.start_time_ticks,
            identity.configured_processes, identity.configured_threads, created_us,
        )
        group_size = layout.GROUP_NAME_SIZE
        self.memory[base + layout.PROCESS_GROUP_OFFSET:base + layout.PROCESS_GROUP_OFFSET + group_size] = \
            _encode_text(identity.process_group, group_size).ljust(group_size, b"\0")
        self.memory[base + layout.APPLICATION_GROUP_OFFSET:base + layout.APPLICATION_GROUP_OFFSET + group_size] = \
            _encode_text(identity.application_group, group_size).ljust(group_size, b"\0")

    def is_current(self):
        """Return whether the segment's path still names this segment's file."""
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def write_process_update(self, counters, updated_us, histograms, application_bucket, queue_bucket=None,
                             total_bucket=None):
        """Store all counters and the changed histogram buckets under the process record's seqlock.

        `histograms` contains the application, queue and total bucket counts. Each bucket argument
        is the one bucket that changed in that histogram, or None. The caller holds the process lock.
        """
        words = self._words
        seq = self.process_seq + 1
        words[_PROCESS_SEQ_WORD] = seq
        layout.COUNTERS.pack_into(self.memory, _COUNTERS_FILE_OFFSET, *counters)
        words[_UPDATED_US_WORD] = updated_us
        if application_bucket is not None:
            words[_APPLICATION_BUCKET_WORD + application_bucket] = histograms[0][application_bucket]
        if queue_bucket is not None:
            words[_QUEUE_BUCKET_WORD + queue_bucket] = histograms[1][queue_bucket]
        if total_bucket is not None:
            words[_TOTAL_BUCKET_WORD + total_bucket] = histograms[2][total_bucket]
        self.process_seq = seq + 1
        words[_PROCESS_SEQ_WORD] = seq + 1

    def write_all_histograms(self, histograms):
        """Store whole histograms (after re-creation) under the seqlock; caller holds the lock."""
        memory = self.memory
        seq = self.process_seq + 1
        self._words[_PROCESS_SEQ_WORD] = seq
        for index, counts in enumerate(histograms):
            offset = layout.PROCESS_RECORD_OFFSET + layout.HISTOGRAMS_OFFSET + index * layout.HISTOGRAM_BYTES
            layout.HISTOGRAM.pack_into(memory, offset, *counts)
        self.process_seq = seq + 1
        self._words[_PROCESS_SEQ_WORD] = seq + 1

    def write_thread(self, index, state, wsgi_thread_id, native_thread_id, request_start_us, queue_start_us,
                     daemon_start_us, application_start_us, requests, method, path):
        """Store a whole thread record under its seqlock; only the owning thread calls this."""
        words = self._words
        seq_word = _FIRST_THREAD_WORD + index * _THREAD_RECORD_WORDS
        seq = self.thread_seqs[index] + 1
        words[seq_word] = seq
        layout.THREAD_BODY.pack_into(
            self.memory, seq_word * layout.WORD_SIZE + layout.THREAD_BODY_OFFSET,
            state, wsgi_thread_id, native_thread_id, request_start_us, queue_start_us,
            daemon_start_us, application_start_us, requests, method, path,
        )
        self.thread_seqs[index] = seq + 1
        words[seq_word] = seq + 1

    def write_thread_idle(self, index, requests):
        """Mark a thread record idle after a request; the start stamps stay as the last request's."""
        words = self._words
        seq_word = _FIRST_THREAD_WORD + index * _THREAD_RECORD_WORDS
        seq = self.thread_seqs[index] + 1
        words[seq_word] = seq
        self._half_words[_FIRST_THREAD_HALF_WORD + index * _THREAD_RECORD_HALF_WORDS + _THREAD_STATE_HALF_WORD] = \
            layout.THREAD_IDLE
        words[seq_word + _THREAD_REQUESTS_WORD] = requests
        self.thread_seqs[index] = seq + 1
        words[seq_word] = seq + 1

    def write_thread_unused(self, index):
        """Mark a thread record unused when its thread ends."""
        words = self._words
        seq_word = _FIRST_THREAD_WORD + index * _THREAD_RECORD_WORDS
        seq = self.thread_seqs[index] + 1
        words[seq_word] = seq
        self._half_words[_FIRST_THREAD_HALF_WORD + index * _THREAD_RECORD_HALF_WORDS + _THREAD_STATE_HALF_WORD] = \
            layout.THREAD_UNUSED
        self.thread_seqs[index] = seq + 1
        words[seq_word] = seq + 1

    def close(self):
        """Unmap the segment; the file stays for the collector."""
        try:
            self._words.release()
            self._half_words.release()
            self.memory.close()
        except (OSError, ValueError, BufferError):
            pass


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
