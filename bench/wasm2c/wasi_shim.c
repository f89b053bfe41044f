/* wasi_shim.c — just enough WASI preview1 for the benchmark corpus (shootout,
 * SIMD and TinyGo programs): stdout/stderr writes, stdin reads, exit, args,
 * environment (empty), clocks, random bytes, and "no preopened directories".
 * Anything touching files answers EBADF.
 *
 * Compiled once per module with -DBENCH_MODULE_H="x.h" so the compiler checks
 * every definition here against the prototype wasm2c generated for the
 * import (a mismatch is a compile error, not a silent ABI bug). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "wasi_shim.h"
#ifdef BENCH_MODULE_H
#include BENCH_MODULE_H
#endif

#define W(name) Z_wasi_snapshot_preview1Z_##name
typedef struct Z_wasi_snapshot_preview1_instance_t wasi_t;

enum { WASI_ESUCCESS = 0, WASI_EBADF = 8, WASI_EFAULT = 21, WASI_EINVAL = 28, WASI_EIO = 29,
       WASI_ENOSYS = 52, WASI_ESPIPE = 70 };

/* Bounds-checked pointer into guest memory; NULL when [off, off+len) is out. */
static uint8_t *gptr(wasi_t *w, uint32_t off, uint64_t len)
{
    if (!w->memory || (uint64_t)off + len > w->memory->size)
        return NULL;
    return w->memory->data + off;
}

static int put_u32(wasi_t *w, uint32_t off, uint32_t v)
{
    uint8_t *p = gptr(w, off, 4);
    if (!p) return 0;
    memcpy(p, &v, 4); /* x86-64 and aarch64: little-endian like wasm */
    return 1;
}

static int put_u64(wasi_t *w, uint32_t off, uint64_t v)
{
    uint8_t *p = gptr(w, off, 8);
    if (!p) return 0;
    memcpy(p, &v, 8);
    return 1;
}

static uint32_t get_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

u32 W(fd_write)(wasi_t *w, u32 fd, u32 iovs, u32 iovs_len, u32 nwritten)
{
    if (fd != 1 && fd != 2) return WASI_EBADF;
    uint8_t *iov = gptr(w, iovs, (uint64_t)iovs_len * 8);
    if (!iov) return WASI_EFAULT;
    uint32_t total = 0;
    for (uint32_t i = 0; i < iovs_len; i++) {
        uint32_t buf = get_u32(iov + 8 * i), len = get_u32(iov + 8 * i + 4);
        uint8_t *p = gptr(w, buf, len);
        if (!p) return WASI_EFAULT;
        while (len > 0) {
            ssize_t n = write((int)fd, p, len);
            if (n < 0) {
                if (errno == EINTR) continue;
                return WASI_EIO;
            }
            p += n; len -= (uint32_t)n; total += (uint32_t)n;
        }
    }
    return put_u32(w, nwritten, total) ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 W(fd_read)(wasi_t *w, u32 fd, u32 iovs, u32 iovs_len, u32 nread)
{
    if (fd != 0) return WASI_EBADF;
    uint8_t *iov = gptr(w, iovs, (uint64_t)iovs_len * 8);
    if (!iov) return WASI_EFAULT;
    uint32_t total = 0;
    for (uint32_t i = 0; i < iovs_len; i++) {
        uint32_t buf = get_u32(iov + 8 * i), len = get_u32(iov + 8 * i + 4);
        uint8_t *p = gptr(w, buf, len);
        if (!p) return WASI_EFAULT;
        ssize_t n = read(0, p, len);
        if (n < 0) return WASI_EIO;
        total += (uint32_t)n;
        if ((uint32_t)n < len) break;
    }
    return put_u32(w, nread, total) ? WASI_ESUCCESS : WASI_EFAULT;
}

void W(proc_exit)(wasi_t *w, u32 code)
{
    (void)w;
    fflush(stdout);
    fflush(stderr);
    _exit((int)code);
}

u32 W(fd_close)(wasi_t *w, u32 fd) { (void)w; return fd <= 2 ? WASI_ESUCCESS : WASI_EBADF; }

u32 W(fd_seek)(wasi_t *w, u32 fd, u64 offset, u32 whence, u32 newoffset)
{
    (void)w; (void)offset; (void)whence; (void)newoffset;
    return fd <= 2 ? WASI_ESPIPE : WASI_EBADF;
}

u32 W(fd_fdstat_get)(wasi_t *w, u32 fd, u32 buf)
{
    if (fd > 2) return WASI_EBADF;
    uint8_t *p = gptr(w, buf, 24);
    if (!p) return WASI_EFAULT;
    memset(p, 0, 24);
    p[0] = 2; /* filetype: character_device */
    /* rights_base: fd_read (bit 1) for stdin, fd_write (bit 6) for out/err */
    uint64_t rights = fd == 0 ? (1u << 1) : (1u << 6);
    memcpy(p + 8, &rights, 8);
    return WASI_ESUCCESS;
}

u32 W(fd_prestat_get)(wasi_t *w, u32 fd, u32 buf) { (void)w; (void)fd; (void)buf; return WASI_EBADF; }

u32 W(fd_prestat_dir_name)(wasi_t *w, u32 fd, u32 path, u32 len)
{
    (void)w; (void)fd; (void)path; (void)len;
    return WASI_EBADF;
}

u32 W(args_sizes_get)(wasi_t *w, u32 argc_out, u32 size_out)
{
    uint32_t size = 0;
    for (int i = 0; i < w->argc; i++) size += (uint32_t)strlen(w->argv[i]) + 1;
    return put_u32(w, argc_out, (uint32_t)w->argc) && put_u32(w, size_out, size) ? WASI_ESUCCESS
                                                                                 : WASI_EFAULT;
}

u32 W(args_get)(wasi_t *w, u32 argv, u32 argv_buf)
{
    for (int i = 0; i < w->argc; i++) {
        uint32_t len = (uint32_t)strlen(w->argv[i]) + 1;
        uint8_t *p = gptr(w, argv_buf, len);
        if (!p || !put_u32(w, argv + 4 * (uint32_t)i, argv_buf)) return WASI_EFAULT;
        memcpy(p, w->argv[i], len);
        argv_buf += len;
    }
    return WASI_ESUCCESS;
}

u32 W(environ_sizes_get)(wasi_t *w, u32 count_out, u32 size_out)
{
    return put_u32(w, count_out, 0) && put_u32(w, size_out, 0) ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 W(environ_get)(wasi_t *w, u32 env, u32 env_buf)
{
    (void)w; (void)env; (void)env_buf;
    return WASI_ESUCCESS;
}

static int clock_for(u32 id, clockid_t *out)
{
    switch (id) {
    case 0: *out = CLOCK_REALTIME; return 1;
    case 1: *out = CLOCK_MONOTONIC; return 1;
    case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return 1;
    case 3: *out = CLOCK_THREAD_CPUTIME_ID; return 1;
    default: return 0;
    }
}

u32 W(clock_time_get)(wasi_t *w, u32 id, u64 precision, u32 out)
{
    (void)precision;
    clockid_t c;
    struct timespec ts;
    if (!clock_for(id, &c)) return WASI_EINVAL;
    clock_gettime(c, &ts);
    return put_u64(w, out, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ? WASI_ESUCCESS
                                                                                       : WASI_EFAULT;
}

u32 W(clock_res_get)(wasi_t *w, u32 id, u32 out)
{
    clockid_t c;
    struct timespec ts;
    if (!clock_for(id, &c)) return WASI_EINVAL;
    clock_getres(c, &ts);
    return put_u64(w, out, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ? WASI_ESUCCESS
                                                                                       : WASI_EFAULT;
}

u32 W(random_get)(wasi_t *w, u32 buf, u32 len)
{
    uint8_t *p = gptr(w, buf, len);
    if (!p) return WASI_EFAULT;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return WASI_EIO;
        }
        p += n; len -= (uint32_t)n;
    }
    return WASI_ESUCCESS;
}

u32 W(sched_yield)(wasi_t *w) { (void)w; return WASI_ESUCCESS; }
