/*
 * wasi_poll.c — WASI preview 1 poll_oneoff (clock subscriptions, relative
 * and absolute, and fd read/write readiness via poll(2)) and the socket
 * functions sock_accept, sock_recv, sock_send, sock_shutdown, which work on
 * sockets the embedder handed in (zwasm_wasi_config_add_socket) and on the
 * connections accepted from them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wasi/wasi.h"

/* ---- poll_oneoff ------------------------------------------------------------------ */
enum { EV_CLOCK = 0, EV_FD_READ = 1, EV_FD_WRITE = 2 };

static uint64_t now_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_event(uint8_t *ev, uint64_t userdata, uint16_t error, uint8_t type, uint64_t nbytes,
                      uint16_t flags) {
    memset(ev, 0, 32);
    zw_st64(ev, userdata);
    zw_st16(ev + 8, error);
    ev[10] = type;
    zw_st64(ev + 16, nbytes);
    zw_st16(ev + 24, flags);
}

/* Bytes readable without blocking, as far as the host tells. */
static uint64_t readable_bytes(int fd) {
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        off_t pos = lseek(fd, 0, SEEK_CUR);
        return pos >= 0 && st.st_size > pos ? (uint64_t)(st.st_size - pos) : 0;
    }
    int n = 0;
    if (ioctl(fd, FIONREAD, &n) == 0 && n > 0) return (uint64_t)n;
    return 0;
}

int zw_wasi_poll_oneoff(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    uint32_t in = (uint32_t)a[0], out = (uint32_t)a[1], n = (uint32_t)a[2], neventsp = (uint32_t)a[3];
    const uint8_t *subs = zw_wm_ptr(m, in, (uint64_t)n * 48);
    uint8_t *evs = zw_wm_ptr(m, out, (uint64_t)n * 32);
    if (!subs || !evs || !zw_wm_ok(m, neventsp, 4)) return ZW_E_FAULT;
    if (n == 0) return ZW_E_INVAL;
    struct pollfd *pfd = zw_calloc(&w->al, n, sizeof *pfd);
    /* subscription index of each pollfd, then room for the fds duplicated */
    uint32_t *pidx = zw_calloc(&w->al, (size_t)n * 2, sizeof *pidx);
    if (!pfd || !pidx) {
        zw_free(&w->al, pfd);
        zw_free(&w->al, pidx);
        return ZW_E_NOMEM;
    }
    uint32_t np = 0, nev = 0;
    bool dups = false; /* pfd holds duplicates (closed at the end) */
    /* earliest clock deadline, as nanoseconds from now; UINT64_MAX: none */
    uint64_t timeout = UINT64_MAX;
    int rc = ZW_E_SUCCESS;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *s = subs + 48 * i;
        uint64_t ud = zw_ld64(s);
        uint8_t tag = s[8];
        if (tag == EV_CLOCK) {
            uint32_t id = zw_ld32(s + 16);
            uint64_t t = zw_ld64(s + 24);
            uint16_t fl = zw_ld16(s + 40);
            clockid_t c;
            if (!zw_wasi_clock(id, &c)) {
                put_event(evs + 32 * nev++, ud, ZW_E_INVAL, EV_CLOCK, 0, 0);
                continue;
            }
            uint64_t rel = t;
            if (fl & 1) { /* abstime */
                uint64_t now = now_ns(c);
                rel = t > now ? t - now : 0;
            }
            if (rel < timeout) timeout = rel;
        } else if (tag == EV_FD_READ || tag == EV_FD_WRITE) {
            uint32_t fd = zw_ld32(s + 16);
            int e;
            zw_wasi_fd *f = zw_wasi_get_fd(w, fd, ZW_R_POLL_FD_READWRITE, &e);
            if (!f) {
                put_event(evs + 32 * nev++, ud, (uint16_t)e, tag, 0, 0);
                continue;
            }
            pfd[np].fd = f->host;
            pfd[np].events = tag == EV_FD_READ ? POLLIN : POLLOUT;
            pidx[np++] = i;
        } else {
            rc = ZW_E_INVAL;
            goto out;
        }
    }
    if (nev > 0) timeout = 0; /* errors are reported at once */
    const uint64_t first_due = timeout; /* the clocks due when the wait ends */
    /* A wait on fds in a shared context (threads) polls duplicates with the
     * lock released, as zw_wasi_stream_begin does for one transfer: other
     * threads' calls go on, and none can close an fd under the poll. */
    if (w->shared && np && timeout != 0) {
        uint32_t k = 0;
        for (; k < np; k++) {
            int h = fcntl(pfd[k].fd, F_DUPFD_CLOEXEC, 0);
            if (h < 0) break;
            pidx[n + k] = (uint32_t)pfd[k].fd; /* the original, to restore */
            pfd[k].fd = h;
        }
        dups = k == np;
        if (!dups) /* no duplicates: wait locked, on the fds themselves */
            for (uint32_t j = 0; j < k; j++) {
                close(pfd[j].fd);
                pfd[j].fd = (int)pidx[n + j];
            }
    }
    for (;;) {
        int ms;
        if (timeout == UINT64_MAX) ms = -1;
        else if (timeout / 1000000u > INT32_MAX) ms = INT32_MAX;
        else ms = (int)((timeout + 999999u) / 1000000u);
        uint64_t t0 = now_ns(CLOCK_MONOTONIC);
        int r = 0;
        if (np) {
            if (dups) zw_wasi_unlock(w);
            r = poll(pfd, np, ms);
            int e = errno;
            if (dups) zw_wasi_relock(w);
            errno = e;
        } else if (ms != 0) { /* a sleep: other threads' calls go on meanwhile */
            zw_wasi_unlock(w);
            r = poll(NULL, 0, ms);
            zw_wasi_relock(w);
        }
        if (r < 0 && errno == EINTR) {
            uint64_t el = now_ns(CLOCK_MONOTONIC) - t0;
            if (timeout != UINT64_MAX) timeout = timeout > el ? timeout - el : 0;
            continue;
        }
        if (r < 0) {
            rc = zw_wasi_errno(errno);
            goto out;
        }
        break;
    }
    bool any_fd = false;
    for (uint32_t k = 0; k < np; k++) {
        short re = pfd[k].revents;
        if (!re) continue;
        const uint8_t *s = subs + 48 * pidx[k];
        uint8_t tag = s[8];
        uint16_t err = 0, flags = 0;
        uint64_t nbytes = 0;
        if (re & POLLNVAL) err = ZW_E_BADF;
        else if (re & POLLERR) err = ZW_E_IO;
        if (re & POLLHUP) flags |= 1; /* fd_readwrite_hangup */
        if (tag == EV_FD_READ && !err) nbytes = readable_bytes(pfd[k].fd);
        put_event(evs + 32 * nev++, zw_ld64(s), err, tag, nbytes, flags);
        any_fd = true;
    }
    if (!any_fd && nev == 0) {
        /* the wait ended by a clock: report every clock that is due */
        for (uint32_t i = 0; i < n; i++) {
            const uint8_t *s = subs + 48 * i;
            if (s[8] != EV_CLOCK) continue;
            uint64_t t = zw_ld64(s + 24);
            bool due = t <= first_due; /* relative */
            clockid_t c; /* every id is valid here: an invalid one made nev > 0 */
            if ((zw_ld16(s + 40) & 1) && zw_wasi_clock(zw_ld32(s + 16), &c)) {
                uint64_t now = now_ns(c);
                due = now >= t || t - now <= first_due;
            }
            if (due) put_event(evs + 32 * nev++, zw_ld64(s), 0, EV_CLOCK, 0, 0);
        }
    }
    zw_wm_put32(m, neventsp, nev);
out:
    for (uint32_t k = 0; dups && k < np; k++) close(pfd[k].fd);
    zw_free(&w->al, pfd);
    zw_free(&w->al, pidx);
    return rc;
}

/* ---- sockets --------------------------------------------------------------------------------- */
static int sock_fd(zw_wasi *w, uint32_t fd, uint64_t rights, zw_wasi_fd **out) {
    int e;
    zw_wasi_fd *f = zw_wasi_get_fd(w, fd, 0, &e);
    if (!f) return e;
    if (f->type != ZW_FT_SOCK_STREAM && f->type != ZW_FT_SOCK_DGRAM) return ZW_E_NOTSOCK;
    if ((f->rights & rights) != rights) return ZW_E_NOTCAPABLE;
    *out = f;
    return ZW_E_SUCCESS;
}

int zw_wasi_sock_accept(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    zw_wasi_fd *f = NULL;
    int e = sock_fd(w, (uint32_t)a[0], ZW_R_SOCK_ACCEPT, &f);
    if (e) return e;
    uint32_t flags = (uint32_t)a[1];
    if (flags & ~(uint32_t)ZW_FDF_NONBLOCK) return ZW_E_INVAL;
    if (!zw_wm_ok(m, (uint32_t)a[2], 4)) return ZW_E_FAULT;
    int host = f->host, s = zw_wasi_stream_begin(w, host);
    int h = accept4(s, NULL, NULL, SOCK_CLOEXEC | (flags & ZW_FDF_NONBLOCK ? SOCK_NONBLOCK : 0));
    zw_wasi_stream_end(w, host, s);
    if (h < 0) return zw_wasi_errno(errno);
    int64_t g = zw_wasi_add_fd(w, h, ZW_FT_SOCK_STREAM, ZW_R_SOCK & ~ZW_R_SOCK_ACCEPT, 0);
    if (g < 0) return (int)-g;
    zw_wm_put32(m, (uint32_t)a[2], (uint32_t)g);
    return ZW_E_SUCCESS;
}

/* The transfer of sock_recv / sock_send once their arguments are checked:
 * guest iovecs (iovs, niovs) through recvmsg / sendmsg with host flags hf;
 * the byte count goes to lenp, the host's msg_flags to *msg_flags. */
static int sock_io(zw_wasi *w, const zw_wmem *m, int host, bool send, uint32_t iovs, uint32_t niovs,
                   int hf, uint32_t lenp, int *msg_flags) {
    struct iovec *v;
    int nv;
    int e = zw_wasi_iovecs(m, iovs, niovs, (void **)&v, &nv);
    if (e) return e;
    struct msghdr mh = {.msg_iov = v, .msg_iovlen = (size_t)nv};
    int h = zw_wasi_stream_begin(w, host);
    ssize_t r = send ? sendmsg(h, &mh, hf) : recvmsg(h, &mh, hf);
    zw_wasi_stream_end(w, host, h);
    int he = errno;
    zw_free(m->al, v);
    if (r < 0) return zw_wasi_errno(he);
    zw_wm_put32(m, lenp, (uint32_t)r);
    *msg_flags = mh.msg_flags;
    return ZW_E_SUCCESS;
}

int zw_wasi_sock_recv(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    zw_wasi_fd *f = NULL;
    int e = sock_fd(w, (uint32_t)a[0], ZW_R_FD_READ, &f);
    if (e) return e;
    uint32_t riflags = (uint32_t)a[3], lenp = (uint32_t)a[4], flagsp = (uint32_t)a[5];
    if (riflags & ~3u) return ZW_E_INVAL;
    if (!zw_wm_ok(m, lenp, 4) || !zw_wm_ok(m, flagsp, 2)) return ZW_E_FAULT;
    int hf = (riflags & 1 ? MSG_PEEK : 0) | (riflags & 2 ? MSG_WAITALL : 0), mf = 0;
    if ((e = sock_io(w, m, f->host, false, (uint32_t)a[1], (uint32_t)a[2], hf, lenp, &mf))) return e;
    zw_st16(zw_wm_ptr(m, flagsp, 2), mf & MSG_TRUNC ? 1 : 0);
    return ZW_E_SUCCESS;
}

int zw_wasi_sock_send(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    zw_wasi_fd *f = NULL;
    int e = sock_fd(w, (uint32_t)a[0], ZW_R_FD_WRITE, &f);
    if (e) return e;
    uint32_t lenp = (uint32_t)a[4];
    if ((uint32_t)a[3] != 0) return ZW_E_INVAL; /* no siflags are defined */
    if (!zw_wm_ok(m, lenp, 4)) return ZW_E_FAULT;
    int mf;
    return sock_io(w, m, f->host, true, (uint32_t)a[1], (uint32_t)a[2], MSG_NOSIGNAL, lenp, &mf);
}

int zw_wasi_sock_shutdown(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    zw_wasi_fd *f = NULL;
    int e = sock_fd(w, (uint32_t)a[0], ZW_R_SOCK_SHUTDOWN, &f);
    if (e) return e;
    int how;
    switch ((uint32_t)a[1]) {
    case 1: how = SHUT_RD; break;
    case 2: how = SHUT_WR; break;
    case 3: how = SHUT_RDWR; break;
    default: return ZW_E_INVAL;
    }
    return shutdown(f->host, how) == 0 ? ZW_E_SUCCESS : zw_wasi_errno(errno);
}
