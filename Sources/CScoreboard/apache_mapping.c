/*
 * Read-only attach to the three ways APR stores Apache's scoreboard.  APR itself has no
 * read-only attach (apr_shm_attach maps read-write), so the mapping is made here:
 * POSIX objects and anonymous mappings with mmap(PROT_READ), SysV with shmat(SHM_RDONLY).
 */
#define _GNU_SOURCE
#include "cscoreboard.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void reset(sc_mapping *m) {
    memset(m, 0, sizeof(*m));
    m->fd = -1;
    m->shmid = -1;
}

/* Maps a file descriptor whose content starts with APR's 8-byte size header. */
static int map_header_fd(int fd, int mechanism, sc_mapping *out) {
    struct stat st;
    if (fstat(fd, &st) != 0) return errno;
    if (st.st_size < SC_APR_SIZE_HEADER) return EINVAL;

    /* A map_files entry reports size 0 through fstat on some kernels; read the header instead. */
    uint64_t total = 0;
    if (pread(fd, &total, sizeof(total), 0) != (ssize_t)sizeof(total)) return errno ? errno : EINVAL;
    if (total < SC_APR_SIZE_HEADER) return EINVAL;
    if (st.st_size > 0 && total > (uint64_t)st.st_size) return EINVAL;

    void *base = mmap(NULL, (size_t)total, PROT_READ, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) return errno;

    out->base = base;
    out->mapping_size = (size_t)total;
    out->payload_offset = SC_APR_SIZE_HEADER;
    out->payload_size = (size_t)total - SC_APR_SIZE_HEADER;
    out->mechanism = mechanism;
    out->fd = fd;
    out->device = (uint64_t)st.st_dev;
    out->inode = (uint64_t)st.st_ino;
    return 0;
}

int sc_attach_posix(const char *name, sc_mapping *out) {
    reset(out);
    int fd = shm_open(name, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return errno;
    int err = map_header_fd(fd, SC_MECHANISM_POSIX, out);
    if (err != 0) {
        close(fd);
        reset(out);
    }
    return err;
}

int sc_attach_header_file(const char *path, sc_mapping *out) {
    reset(out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int err = map_header_fd(fd, SC_MECHANISM_ANONYMOUS, out);
    if (err != 0) {
        close(fd);
        reset(out);
    }
    return err;
}

int sc_sysv_segment_size(int shmid, size_t *size) {
    struct shmid_ds ds;
    if (shmctl(shmid, IPC_STAT, &ds) != 0) return errno;
    *size = ds.shm_segsz;
    return 0;
}

int sc_attach_sysv(int shmid, sc_mapping *out) {
    reset(out);
    size_t size = 0;
    int err = sc_sysv_segment_size(shmid, &size);
    if (err != 0) return err;
    void *base = shmat(shmid, NULL, SHM_RDONLY);
    if (base == (void *)-1) return errno;
    out->base = base;
    out->mapping_size = size;
    out->payload_offset = 0;
    out->payload_size = size;
    out->mechanism = SC_MECHANISM_SYSV;
    out->shmid = shmid;
    return 0;
}

void sc_detach(sc_mapping *m) {
    if (m->base != NULL) {
        if (m->mechanism == SC_MECHANISM_SYSV) {
            shmdt(m->base);
        } else {
            munmap((void *)m->base, m->mapping_size);
        }
    }
    if (m->fd >= 0) close(m->fd);
    reset(m);
}

int sc_posix_segment_state(const sc_mapping *m, const char *name) {
    struct stat held;
    if (fstat(m->fd, &held) != 0) return -errno;
    /* APR unlinks the old object before it creates a new one under the same name. So an
     * object that still has a link is the live one, and only an unlinked one needs the path lookup. */
    if (held.st_nlink > 0) return SC_SEGMENT_CURRENT;

    char path[256];
    int n = snprintf(path, sizeof(path), "/dev/shm%s", name);
    if (n < 0 || (size_t)n >= sizeof(path)) return -ENAMETOOLONG;
    struct stat current;
    if (stat(path, &current) != 0) {
        if (errno == ENOENT) return SC_SEGMENT_REMOVED;
        return -errno;
    }
    if ((uint64_t)current.st_ino != m->inode || (uint64_t)current.st_dev != m->device) {
        return SC_SEGMENT_REPLACED;
    }
    /* Same inode under the name but no links: only possible in a race with unlink. */
    return SC_SEGMENT_REMOVED;
}

int sc_pidfd_open(pid_t pid) {
    long fd = syscall(SYS_pidfd_open, pid, 0);
    return fd < 0 ? -errno : (int)fd;
}

int sc_pidfd_exited(int pidfd) {
    struct pollfd watch = {.fd = pidfd, .events = POLLIN};
    int ready = poll(&watch, 1, 0);
    if (ready < 0) return -errno;
    if (ready > 0 && (watch.revents & POLLNVAL)) return -EBADF;
    return ready > 0 ? 1 : 0;
}

int sc_sysv_segment_state(const sc_mapping *m, key_t key) {
    struct shmid_ds ds;
    if (shmctl(m->shmid, IPC_STAT, &ds) != 0) {
        if (errno == EINVAL || errno == EIDRM) return SC_SEGMENT_REMOVED;
        return -errno;
    }
    if ((ds.shm_perm.mode & SHM_DEST) != 0 || ds.shm_perm.__key == IPC_PRIVATE) return SC_SEGMENT_REMOVED;
    if (key != (key_t)-1) {
        int current = shmget(key, 0, 0);
        if (current >= 0 && current != m->shmid) return SC_SEGMENT_REPLACED;
    }
    return SC_SEGMENT_CURRENT;
}

size_t sc_copy_payload(const sc_mapping *m, void *destination, size_t capacity) {
    if (m->base == NULL || capacity < m->payload_size) return 0;
    memcpy(destination, m->base + m->payload_offset, m->payload_size);
    return m->payload_size;
}

uint32_t sc_apr_times33(const char *string) {
    uint32_t hash = 0;
    for (const unsigned char *p = (const unsigned char *)string; *p; p++) hash = hash * 33 + *p;
    return hash;
}

/* Sedgewick's RS hash as APR's shm code computes it; `c` is a plain (signed on x86) char. */
static uint32_t rs_hash(const char *string) {
    uint32_t hash = 0, a = 63689;
    for (const char *p = string; *p; p++) {
        hash = hash * a + (uint32_t)(int32_t)*p;
        a = a * 378551;
    }
    return hash;
}

int sc_apr_posix_name(const char *path, char *out, size_t capacity) {
    int n = snprintf(out, capacity, "/ShM.%xH%x", sc_apr_times33(path), rs_hash(path));
    return (n < 0 || (size_t)n >= capacity) ? ENAMETOOLONG : 0;
}

key_t sc_apr_sysv_key(const char *path) {
    return ftok(path, (int)sc_apr_times33(path));
}
