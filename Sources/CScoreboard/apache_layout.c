/*
 * Field offsets of Apache httpd 2.4's scoreboard records (x86_64, threads and HAVE_TIMES).
 * Fields were only ever appended, so every offset holds in every layout group that has
 * the field; the group decides which trailing fields exist and the record strides.
 */
#include "cscoreboard.h"

#include <errno.h>
#include <string.h>

/* global_score */
enum {
    GLOBAL_SERVER_LIMIT = 0,
    GLOBAL_THREAD_LIMIT = 4,
    GLOBAL_RUNNING_GENERATION = 8,
    GLOBAL_RESTART_TIME = 16,
    GLOBAL_TIMES = 24, /* from L4 */
};

/* process_score */
enum {
    PROCESS_PID = 0,
    PROCESS_GENERATION = 4,
    PROCESS_QUIESCING = 8,
    PROCESS_NOT_ACCEPTING = 9,
    PROCESS_CONNECTIONS = 12,
    PROCESS_WRITE_COMPLETION = 16,
    PROCESS_LINGERING_CLOSE = 20,
    PROCESS_KEEP_ALIVE = 24,
    PROCESS_SUSPENDED = 28,
    PROCESS_WAIT_IO = 36, /* L6; padding (zero) on L5 */
};

/* worker_score */
enum {
    WORKER_TID = 0,
    WORKER_THREAD_NUM = 8,
    WORKER_PID = 12,
    WORKER_GENERATION = 16,
    WORKER_STATUS = 20,
    WORKER_CONN_COUNT = 22,
    WORKER_CONN_BYTES = 24,
    WORKER_ACCESS_COUNT = 32,
    WORKER_BYTES_SERVED = 40,
    WORKER_MY_ACCESS_COUNT = 48,
    WORKER_MY_BYTES_SERVED = 56,
    WORKER_START_TIME = 64,
    WORKER_STOP_TIME = 72,
    WORKER_LAST_USED = 80,
    WORKER_TIMES = 88,
    WORKER_CLIENT = 120, /* char[32] */
    WORKER_REQUEST = 152, /* char[64] */
    WORKER_VHOST = 216, /* char[32] */
    WORKER_PROTOCOL = 248, /* char[16], from L3 */
    WORKER_DURATION = 264, /* apr_time_t, from L4 */
    WORKER_CLIENT64 = 272, /* char[64], from L5 */
};

typedef struct {
    int group;
    size_t global_stride;
    size_t process_stride;
    size_t worker_stride;
} layout_candidate;

/* Newest first: from one group to the next older one each stride stays or shrinks. */
static const layout_candidate candidates[SC_LAYOUT_CANDIDATES] = {
    {SC_LAYOUT_L5_L6, 56, 40, 336},
    {SC_LAYOUT_L4, 56, 40, 272},
    {SC_LAYOUT_L3, 24, 40, 264},
    {SC_LAYOUT_L2, 24, 40, 248},
    {SC_LAYOUT_L1, 24, 32, 248},
};

static const layout_candidate *candidate_for(int group) {
    for (int i = 0; i < SC_LAYOUT_CANDIDATES; i++) {
        if (candidates[i].group == group) return &candidates[i];
    }
    return NULL;
}

static size_t size_for(const layout_candidate *c, int server_limit, int thread_limit) {
    if (server_limit <= 0 || thread_limit <= 0) return 0;
    size_t sl = (size_t)server_limit, tl = (size_t)thread_limit;
    size_t workers, worker_bytes, process_bytes, total;
    if (__builtin_mul_overflow(sl, tl, &workers)) return 0;
    if (__builtin_mul_overflow(workers, c->worker_stride, &worker_bytes)) return 0;
    if (__builtin_mul_overflow(sl, c->process_stride, &process_bytes)) return 0;
    if (__builtin_add_overflow(c->global_stride, process_bytes, &total)) return 0;
    if (__builtin_add_overflow(total, worker_bytes, &total)) return 0;
    return total;
}

size_t sc_layout_payload_size(int group, int server_limit, int thread_limit) {
    const layout_candidate *c = candidate_for(group);
    return c ? size_for(c, server_limit, thread_limit) : 0;
}

int sc_layout_make(int group, int server_limit, int thread_limit, sc_layout *out) {
    const layout_candidate *c = candidate_for(group);
    size_t size = c ? size_for(c, server_limit, thread_limit) : 0;
    if (size == 0) return EINVAL;
    out->group = group;
    out->server_limit = server_limit;
    out->thread_limit = thread_limit;
    out->global_stride = c->global_stride;
    out->process_stride = c->process_stride;
    out->worker_stride = c->worker_stride;
    out->payload_size = size;
    return 0;
}

int sc_detect_layout(const void *payload, size_t payload_size, sc_layout *out, size_t *expected_sizes) {
    int32_t server_limit = 0, thread_limit = 0;
    if (payload_size >= 8) {
        memcpy(&server_limit, (const unsigned char *)payload + GLOBAL_SERVER_LIMIT, 4);
        memcpy(&thread_limit, (const unsigned char *)payload + GLOBAL_THREAD_LIMIT, 4);
    }
    int found = 0;
    for (int i = 0; i < SC_LAYOUT_CANDIDATES; i++) {
        size_t size = size_for(&candidates[i], server_limit, thread_limit);
        if (expected_sizes) expected_sizes[i] = size;
        if (!found && size != 0 && size == payload_size) {
            sc_layout_make(candidates[i].group, server_limit, thread_limit, out);
            found = 1;
        }
    }
    if (!found) {
        memset(out, 0, sizeof(*out));
        out->server_limit = server_limit;
        out->thread_limit = thread_limit;
        return EINVAL;
    }
    return 0;
}

/* ---- record access ---- */

static const unsigned char *process_at(const void *payload, const sc_layout *layout, int process) {
    return (const unsigned char *)payload + layout->global_stride + (size_t)process * layout->process_stride;
}

static const unsigned char *worker_at(const void *payload, const sc_layout *layout, int process, int thread) {
    size_t index = (size_t)process * (size_t)layout->thread_limit + (size_t)thread;
    return (const unsigned char *)payload + layout->global_stride +
           (size_t)layout->server_limit * layout->process_stride + index * layout->worker_stride;
}

#define LOAD(dst, base, offset) memcpy(&(dst), (base) + (offset), sizeof(dst))
#define STORE(base, offset, src) memcpy((base) + (offset), &(src), sizeof(src))

void sc_read_global(const void *payload, const sc_layout *layout, sc_global_score *out) {
    const unsigned char *g = payload;
    memset(out, 0, sizeof(*out));
    LOAD(out->server_limit, g, GLOBAL_SERVER_LIMIT);
    LOAD(out->thread_limit, g, GLOBAL_THREAD_LIMIT);
    LOAD(out->running_generation, g, GLOBAL_RUNNING_GENERATION);
    LOAD(out->restart_time, g, GLOBAL_RESTART_TIME);
    if (layout->group >= SC_LAYOUT_L4) LOAD(out->times, g, GLOBAL_TIMES);
}

void sc_read_process(const void *payload, const sc_layout *layout, int process, sc_process_score *out) {
    const unsigned char *p = process_at(payload, layout, process);
    LOAD(out->pid, p, PROCESS_PID);
    LOAD(out->generation, p, PROCESS_GENERATION);
    LOAD(out->quiescing, p, PROCESS_QUIESCING);
    LOAD(out->not_accepting, p, PROCESS_NOT_ACCEPTING);
    LOAD(out->connections, p, PROCESS_CONNECTIONS);
    LOAD(out->write_completion, p, PROCESS_WRITE_COMPLETION);
    LOAD(out->lingering_close, p, PROCESS_LINGERING_CLOSE);
    LOAD(out->keep_alive, p, PROCESS_KEEP_ALIVE);
    LOAD(out->suspended, p, PROCESS_SUSPENDED);
    out->wait_io = 0;
    if (layout->process_stride >= PROCESS_WAIT_IO + 4) LOAD(out->wait_io, p, PROCESS_WAIT_IO);
}

void sc_read_worker(const void *payload, const sc_layout *layout, int process, int thread, sc_worker_score *out) {
    const unsigned char *w = worker_at(payload, layout, process, thread);
    LOAD(out->tid, w, WORKER_TID);
    LOAD(out->thread_num, w, WORKER_THREAD_NUM);
    LOAD(out->pid, w, WORKER_PID);
    LOAD(out->generation, w, WORKER_GENERATION);
    LOAD(out->status, w, WORKER_STATUS);
    LOAD(out->conn_count, w, WORKER_CONN_COUNT);
    LOAD(out->conn_bytes, w, WORKER_CONN_BYTES);
    LOAD(out->access_count, w, WORKER_ACCESS_COUNT);
    LOAD(out->bytes_served, w, WORKER_BYTES_SERVED);
    LOAD(out->my_access_count, w, WORKER_MY_ACCESS_COUNT);
    LOAD(out->my_bytes_served, w, WORKER_MY_BYTES_SERVED);
    LOAD(out->start_time, w, WORKER_START_TIME);
    LOAD(out->stop_time, w, WORKER_STOP_TIME);
    LOAD(out->last_used, w, WORKER_LAST_USED);
    LOAD(out->times, w, WORKER_TIMES);
    out->duration = 0;
    if (layout->group >= SC_LAYOUT_L4) LOAD(out->duration, w, WORKER_DURATION);
}

static void digest_row(const unsigned char *row, const sc_layout *layout, sc_worker_digest *out) {
    const int has_duration = layout->group >= SC_LAYOUT_L4;
    for (int thread = 0; thread < layout->thread_limit; thread++, row += layout->worker_stride, out++) {
        LOAD(out->access_count, row, WORKER_ACCESS_COUNT);
        LOAD(out->bytes_served, row, WORKER_BYTES_SERVED);
        LOAD(out->start_time, row, WORKER_START_TIME);
        LOAD(out->stop_time, row, WORKER_STOP_TIME);
        LOAD(out->last_used, row, WORKER_LAST_USED);
        out->duration = 0;
        if (has_duration) LOAD(out->duration, row, WORKER_DURATION);
        LOAD(out->pid, row, WORKER_PID);
        LOAD(out->status, row, WORKER_STATUS);
    }
}

static size_t worker_count(const sc_layout *layout) {
    return (size_t)layout->server_limit * (size_t)layout->thread_limit;
}

size_t sc_digest_workers(const void *payload, const sc_layout *layout, sc_worker_digest *out, size_t capacity) {
    size_t count = worker_count(layout);
    if (capacity < count) return 0;
    for (int process = 0; process < layout->server_limit; process++) {
        digest_row(worker_at(payload, layout, process, 0), layout, out + (size_t)process * layout->thread_limit);
    }
    return count;
}

size_t sc_copy_payload_digesting(const sc_mapping *mapping, const sc_layout *layout, void *destination,
                                 size_t capacity, sc_worker_digest *digests, size_t digest_capacity) {
    if (mapping->base == NULL || capacity < mapping->payload_size) return 0;
    if (layout->payload_size != mapping->payload_size || digest_capacity < worker_count(layout)) return 0;

    const unsigned char *source = mapping->base + mapping->payload_offset;
    unsigned char *target = destination;
    size_t records_before_workers = layout->global_stride + (size_t)layout->server_limit * layout->process_stride;
    memcpy(target, source, records_before_workers);

    size_t row_bytes = (size_t)layout->thread_limit * layout->worker_stride;
    for (int process = 0; process < layout->server_limit; process++) {
        size_t offset = records_before_workers + (size_t)process * row_bytes;
        memcpy(target + offset, source + offset, row_bytes);
        digest_row(target + offset, layout, digests + (size_t)process * layout->thread_limit);
    }
    return mapping->payload_size;
}

static int string_field(const sc_layout *layout, int field, size_t *offset, size_t *size) {
    switch (field) {
    case SC_WORKER_CLIENT: *offset = WORKER_CLIENT; *size = 32; return 1;
    case SC_WORKER_REQUEST: *offset = WORKER_REQUEST; *size = 64; return 1;
    case SC_WORKER_VHOST: *offset = WORKER_VHOST; *size = 32; return 1;
    case SC_WORKER_PROTOCOL: *offset = WORKER_PROTOCOL; *size = 16; return layout->group >= SC_LAYOUT_L3;
    case SC_WORKER_CLIENT64: *offset = WORKER_CLIENT64; *size = 64; return layout->group >= SC_LAYOUT_L5_L6;
    default: return 0;
    }
}

size_t sc_worker_string_field(const void *payload, const sc_layout *layout, int process, int thread,
                              int field, const char **out) {
    size_t offset, size;
    if (!string_field(layout, field, &offset, &size)) {
        *out = NULL;
        return 0;
    }
    const char *start = (const char *)worker_at(payload, layout, process, thread) + offset;
    *out = start;
    return strnlen(start, size);
}

void sc_write_global(void *payload, const sc_layout *layout, const sc_global_score *in) {
    unsigned char *g = payload;
    STORE(g, GLOBAL_SERVER_LIMIT, in->server_limit);
    STORE(g, GLOBAL_THREAD_LIMIT, in->thread_limit);
    STORE(g, GLOBAL_RUNNING_GENERATION, in->running_generation);
    STORE(g, GLOBAL_RESTART_TIME, in->restart_time);
    if (layout->group >= SC_LAYOUT_L4) STORE(g, GLOBAL_TIMES, in->times);
}

void sc_write_process(void *payload, const sc_layout *layout, int process, const sc_process_score *in) {
    unsigned char *p = (unsigned char *)process_at(payload, layout, process);
    STORE(p, PROCESS_PID, in->pid);
    STORE(p, PROCESS_GENERATION, in->generation);
    STORE(p, PROCESS_QUIESCING, in->quiescing);
    STORE(p, PROCESS_NOT_ACCEPTING, in->not_accepting);
    STORE(p, PROCESS_CONNECTIONS, in->connections);
    STORE(p, PROCESS_WRITE_COMPLETION, in->write_completion);
    STORE(p, PROCESS_LINGERING_CLOSE, in->lingering_close);
    STORE(p, PROCESS_KEEP_ALIVE, in->keep_alive);
    STORE(p, PROCESS_SUSPENDED, in->suspended);
    if (layout->process_stride >= PROCESS_WAIT_IO + 4) STORE(p, PROCESS_WAIT_IO, in->wait_io);
}

void sc_write_worker(void *payload, const sc_layout *layout, int process, int thread, const sc_worker_score *in) {
    unsigned char *w = (unsigned char *)worker_at(payload, layout, process, thread);
    STORE(w, WORKER_TID, in->tid);
    STORE(w, WORKER_THREAD_NUM, in->thread_num);
    STORE(w, WORKER_PID, in->pid);
    STORE(w, WORKER_GENERATION, in->generation);
    STORE(w, WORKER_STATUS, in->status);
    STORE(w, WORKER_CONN_COUNT, in->conn_count);
    STORE(w, WORKER_CONN_BYTES, in->conn_bytes);
    STORE(w, WORKER_ACCESS_COUNT, in->access_count);
    STORE(w, WORKER_BYTES_SERVED, in->bytes_served);
    STORE(w, WORKER_MY_ACCESS_COUNT, in->my_access_count);
    STORE(w, WORKER_MY_BYTES_SERVED, in->my_bytes_served);
    STORE(w, WORKER_START_TIME, in->start_time);
    STORE(w, WORKER_STOP_TIME, in->stop_time);
    STORE(w, WORKER_LAST_USED, in->last_used);
    STORE(w, WORKER_TIMES, in->times);
    if (layout->group >= SC_LAYOUT_L4) STORE(w, WORKER_DURATION, in->duration);
}

void sc_write_worker_string(void *payload, const sc_layout *layout, int process, int thread, int field,
                            const char *value, size_t length) {
    size_t offset, size;
    if (!string_field(layout, field, &offset, &size)) return;
    char *start = (char *)worker_at(payload, layout, process, thread) + offset;
    size_t n = length < size ? length : size;
    memset(start, 0, size);
    memcpy(start, value, n);
}
