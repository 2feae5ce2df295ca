/*
 * Read-only mapping and seqlock copies of WSGI scoreboard segments.
 * Layout source: docs/wsgi-scoreboard.md, section "Byte layout"; the structs are in
 * include/cscoreboard_wsgi.h.
 */

/* O_CLOEXEC, O_NOFOLLOW and nanosleep are POSIX.1-2008. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "cscoreboard_wsgi.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the WSGI scoreboard is little-endian; this reader copies fields without byte swapping"
#endif

_Static_assert(sizeof(csb_wsgi_header) == CSB_WSGI_HEADER_SIZE, "header size");
_Static_assert(offsetof(csb_wsgi_header, histogram_lowest_us) == 40, "header layout");
_Static_assert(offsetof(csb_wsgi_header, segment_size) == 56, "header layout");
_Static_assert(offsetof(csb_wsgi_header, histogram_count) == 76, "header layout");
_Static_assert(sizeof(csb_wsgi_process_record) == CSB_WSGI_PROCESS_RECORD_SIZE, "process record size");
_Static_assert(offsetof(csb_wsgi_process_record, process_group) == 48, "process record layout");
_Static_assert(offsetof(csb_wsgi_process_record, application_group) == 112, "process record layout");
_Static_assert(offsetof(csb_wsgi_process_record, requests) == 176, "process record layout");
_Static_assert(offsetof(csb_wsgi_process_record, total_count) == 376, "process record layout");
_Static_assert(offsetof(csb_wsgi_process_record, application_histogram) == 448, "process record layout");
_Static_assert(offsetof(csb_wsgi_process_record, queue_histogram) == 3752, "process record layout");
_Static_assert(offsetof(csb_wsgi_process_record, total_histogram) == 7056, "process record layout");
_Static_assert(sizeof(csb_wsgi_thread_record) == CSB_WSGI_THREAD_RECORD_SIZE, "thread record size");
_Static_assert(offsetof(csb_wsgi_thread_record, requests) == 56, "thread record layout");
_Static_assert(offsetof(csb_wsgi_thread_record, method) == 64, "thread record layout");
_Static_assert(offsetof(csb_wsgi_thread_record, path) == 80, "thread record layout");

static const char csb_wsgi_magic[CSB_WSGI_MAGIC_SIZE] = {'S', 'C', 'B', 'W', 'S', 'G', 'I', '\0'};

/* Spin this many attempts before pausing between attempts: a Python writer can lose the GIL
 * in the middle of an update and leave the record odd for milliseconds. */
#define CSB_WSGI_SPIN_ATTEMPTS 8
#define CSB_WSGI_PAUSE_NANOSECONDS 20000L

const char *csb_wsgi_status_name(csb_wsgi_status status) {
    switch (status) {
    case CSB_WSGI_OK: return "ok";
    case CSB_WSGI_ERROR_OPEN: return "open failed";
    case CSB_WSGI_ERROR_STAT: return "fstat failed";
    case CSB_WSGI_ERROR_NOT_REGULAR_FILE: return "not a regular file";
    case CSB_WSGI_ERROR_TOO_SMALL: return "file shorter than the header";
    case CSB_WSGI_ERROR_MAP: return "mmap failed";
    case CSB_WSGI_ERROR_MAGIC: return "bad magic";
    case CSB_WSGI_ERROR_VERSION: return "unsupported version";
    case CSB_WSGI_ERROR_HEADER_SIZE: return "bad header size";
    case CSB_WSGI_ERROR_RECORD_SIZE: return "record size smaller than version 1 defines";
    case CSB_WSGI_ERROR_HISTOGRAM_GEOMETRY: return "unexpected histogram geometry";
    case CSB_WSGI_ERROR_FIELD_SIZE: return "unexpected text field size";
    case CSB_WSGI_ERROR_OFFSETS: return "records overlap or lie outside the segment";
    case CSB_WSGI_ERROR_SEGMENT_SIZE: return "segment_size differs from the file size";
    }
    return "unknown status";
}

csb_wsgi_status csb_wsgi_validate_header(const void *bytes, size_t size, csb_wsgi_header *out) {
    if (size < CSB_WSGI_HEADER_SIZE) {
        return CSB_WSGI_ERROR_TOO_SMALL;
    }
    csb_wsgi_header header;
    memcpy(&header, bytes, sizeof header);

    if (memcmp(header.magic, csb_wsgi_magic, CSB_WSGI_MAGIC_SIZE) != 0) {
        return CSB_WSGI_ERROR_MAGIC;
    }
    if (header.version != CSB_WSGI_VERSION) {
        return CSB_WSGI_ERROR_VERSION;
    }
    if (header.header_size < CSB_WSGI_HEADER_SIZE) {
        return CSB_WSGI_ERROR_HEADER_SIZE;
    }
    if (header.process_record_size < CSB_WSGI_PROCESS_RECORD_SIZE ||
        header.thread_record_size < CSB_WSGI_THREAD_RECORD_SIZE ||
        header.process_record_size % 8 != 0 || header.thread_record_size % 8 != 0) {
        return CSB_WSGI_ERROR_RECORD_SIZE;
    }
    if (header.histogram_bucket_count != CSB_WSGI_HISTOGRAM_BUCKET_COUNT ||
        header.histogram_count != CSB_WSGI_HISTOGRAM_COUNT ||
        header.histogram_lowest_us != CSB_WSGI_HISTOGRAM_LOWEST_US ||
        header.histogram_ratio != CSB_WSGI_HISTOGRAM_RATIO) {
        return CSB_WSGI_ERROR_HISTOGRAM_GEOMETRY;
    }
    if (header.method_size != CSB_WSGI_METHOD_SIZE || header.path_size != CSB_WSGI_PATH_SIZE ||
        header.group_name_size != CSB_WSGI_GROUP_NAME_SIZE) {
        return CSB_WSGI_ERROR_FIELD_SIZE;
    }

    /* 64-bit arithmetic: every operand is at most 32 bits (the count is capped first). */
    uint64_t process_end = (uint64_t)header.process_record_offset + header.process_record_size;
    uint64_t threads_end = (uint64_t)header.thread_record_offset +
                           (uint64_t)header.thread_record_count * header.thread_record_size;
    if (header.thread_record_count > CSB_WSGI_MAX_THREAD_RECORDS ||
        header.process_record_offset < header.header_size ||
        header.process_record_offset % 8 != 0 || header.thread_record_offset % 8 != 0 ||
        header.thread_record_offset < process_end || threads_end > header.segment_size) {
        return CSB_WSGI_ERROR_OFFSETS;
    }
    if (header.segment_size != size) {
        return CSB_WSGI_ERROR_SEGMENT_SIZE;
    }

    if (out != NULL) {
        *out = header;
    }
    return CSB_WSGI_OK;
}

static csb_wsgi_segment csb_wsgi_failed(csb_wsgi_status status, int error_number) {
    csb_wsgi_segment segment;
    memset(&segment, 0, sizeof segment);
    segment.fd = -1;
    segment.status = status;
    segment.error_number = error_number;
    return segment;
}

csb_wsgi_segment csb_wsgi_open(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        return csb_wsgi_failed(CSB_WSGI_ERROR_OPEN, errno);
    }

    struct stat status;
    if (fstat(fd, &status) != 0) {
        int error_number = errno;
        close(fd);
        return csb_wsgi_failed(CSB_WSGI_ERROR_STAT, error_number);
    }
    if (!S_ISREG(status.st_mode)) {
        close(fd);
        return csb_wsgi_failed(CSB_WSGI_ERROR_NOT_REGULAR_FILE, 0);
    }
    if (status.st_size < CSB_WSGI_HEADER_SIZE) {
        close(fd);
        return csb_wsgi_failed(CSB_WSGI_ERROR_TOO_SMALL, 0);
    }

    size_t size = (size_t)status.st_size;
    void *base = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        int error_number = errno;
        close(fd);
        return csb_wsgi_failed(CSB_WSGI_ERROR_MAP, error_number);
    }

    csb_wsgi_segment segment = csb_wsgi_failed(CSB_WSGI_OK, 0);
    segment.status = csb_wsgi_validate_header(base, size, &segment.header);
    if (segment.status != CSB_WSGI_OK) {
        munmap(base, size);
        close(fd);
        segment.fd = -1;
        return segment;
    }
    segment.base = base;
    segment.size = size;
    segment.fd = fd;
    segment.device = (uint64_t)status.st_dev;
    segment.inode = (uint64_t)status.st_ino;
    return segment;
}

void csb_wsgi_close(csb_wsgi_segment *segment) {
    if (segment->base != NULL) {
        munmap((void *)segment->base, segment->size);
        segment->base = NULL;
    }
    if (segment->fd >= 0) {
        close(segment->fd);
        segment->fd = -1;
    }
}

int csb_wsgi_still_readable(const csb_wsgi_segment *segment) {
    if (segment->base == NULL || segment->fd < 0) {
        return 0;
    }
    struct stat status;
    if (fstat(segment->fd, &status) != 0) {
        return 0;
    }
    return status.st_size >= 0 && (uint64_t)status.st_size >= segment->size;
}

static void csb_wsgi_pause(uint32_t attempt) {
    if (attempt < CSB_WSGI_SPIN_ATTEMPTS) {
        sched_yield();
        return;
    }
    struct timespec pause = {0, CSB_WSGI_PAUSE_NANOSECONDS};
    nanosleep(&pause, NULL);
}

/*
 * Seqlock read: seq (acquire), copy, acquire fence, seq again. Equal even values mean no write
 * overlapped the copy. Returns 1 on a consistent copy.
 */
static int csb_wsgi_copy_record(const uint8_t *record, void *out, size_t size, uint32_t attempts,
                                csb_wsgi_copy_stats *stats) {
    const uint64_t *seq = (const uint64_t *)record;
    if (attempts == 0) {
        attempts = 1;
    }
    for (uint32_t attempt = 0; attempt < attempts; attempt++) {
        if (attempt > 0) {
            stats->retries++;
            csb_wsgi_pause(attempt);
        }
        uint64_t before = __atomic_load_n(seq, __ATOMIC_ACQUIRE);
        if (before & 1) {
            continue;
        }
        memcpy(out, record, size);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t after = __atomic_load_n(seq, __ATOMIC_RELAXED);
        if (before == after) {
            return 1;
        }
    }
    stats->torn++;
    return 0;
}

int csb_wsgi_copy_process(const csb_wsgi_segment *segment, csb_wsgi_process_record *out,
                          uint32_t attempts, csb_wsgi_copy_stats *stats) {
    if (segment->base == NULL) {
        return 0;
    }
    const uint8_t *record = segment->base + segment->header.process_record_offset;
    return csb_wsgi_copy_record(record, out, sizeof *out, attempts, stats);
}

uint32_t csb_wsgi_copy_threads(const csb_wsgi_segment *segment, csb_wsgi_thread_record *out,
                               uint8_t *consistent, uint32_t capacity, uint32_t attempts,
                               csb_wsgi_copy_stats *stats) {
    if (segment->base == NULL) {
        return 0;
    }
    uint32_t count = segment->header.thread_record_count;
    if (count > capacity) {
        count = capacity;
    }
    for (uint32_t index = 0; index < count; index++) {
        const uint8_t *record = segment->base + segment->header.thread_record_offset +
                                (size_t)index * segment->header.thread_record_size;
        consistent[index] = (uint8_t)csb_wsgi_copy_record(record, &out[index], sizeof out[index], attempts, stats);
    }
    return count;
}
