/*
 * atomic.c — memory.atomic.wait32/wait64 and memory.atomic.notify (threads):
 * a parking lot keyed by host address, like a futex.
 *
 * Every shared memory owns one waiter table (zw_memory.waiters), made and
 * freed with it, so the project keeps no global mutable state and every
 * thread that sees the memory meets the same waiters.  A waiter is a record
 * on its own stack, linked into one of 256 buckets chosen by a hash of its
 * key (the host address base + ea: a shared memory's base never moves).
 * Wait compares the value under the bucket's lock and notify takes the same
 * lock, so no wakeup is lost between the compare and the enqueue.
 */
#include <errno.h>
#include <time.h>

#include "runtime.h"

#define ZW_WAIT_BUCKETS 256
/* A blocked waiter wakes at least this often to see the interrupt flag:
 * zwasm_store_interrupt and --timeout stop a wait within this bound. */
#define ZW_WAIT_SLICE_NS 10000000u

typedef struct zw_waiter {
    uintptr_t key;            /* host address waited on */
    pthread_cond_t cv;        /* CLOCK_MONOTONIC: wall-clock jumps move no deadline */
    bool woken;               /* set by notify, under the bucket's lock */
    struct zw_waiter *prev, *next;
} zw_waiter;

typedef struct zw_wait_bucket {
    pthread_mutex_t mu;
    zw_waiter *head, *tail;   /* FIFO: notify wakes from the head */
} zw_wait_bucket;

struct zw_waiters {
    pthread_condattr_t cattr; /* CLOCK_MONOTONIC, for every waiter's cv */
    zw_wait_bucket b[ZW_WAIT_BUCKETS];
};

zw_waiters *zw_waiters_new(const zw_alloc *al) {
    zw_waiters *w = zw_calloc(al, 1, sizeof *w);
    if (!w) return NULL;
    if (pthread_condattr_init(&w->cattr) != 0) {
        zw_free(al, w);
        return NULL;
    }
    unsigned i = 0;
    if (pthread_condattr_setclock(&w->cattr, CLOCK_MONOTONIC) == 0)
        while (i < ZW_WAIT_BUCKETS && pthread_mutex_init(&w->b[i].mu, NULL) == 0) i++;
    if (i < ZW_WAIT_BUCKETS) {
        while (i) pthread_mutex_destroy(&w->b[--i].mu);
        pthread_condattr_destroy(&w->cattr);
        zw_free(al, w);
        return NULL;
    }
    return w;
}

void zw_waiters_free(const zw_alloc *al, zw_waiters *w) {
    if (!w) return;
    for (unsigned i = 0; i < ZW_WAIT_BUCKETS; i++) pthread_mutex_destroy(&w->b[i].mu);
    pthread_condattr_destroy(&w->cattr);
    zw_free(al, w);
}

/* The bucket of a key: the low 2 bits of an aligned address carry nothing,
 * and the top bits of a Fibonacci product mix in every other bit. */
static zw_wait_bucket *bucket_of(zw_waiters *w, uintptr_t key) {
    uint64_t h = ((uint64_t)key >> 2) * 0x9E3779B97F4A7C15ull;
    return &w->b[h >> 56];
}

static void unlink_waiter(zw_wait_bucket *b, zw_waiter *w) {
    if (w->prev) w->prev->next = w->next;
    else b->head = w->next;
    if (w->next) w->next->prev = w->prev;
    else b->tail = w->prev;
    w->prev = w->next = NULL;
}

static void append_waiter(zw_wait_bucket *b, zw_waiter *w) {
    w->prev = b->tail;
    w->next = NULL;
    if (b->tail) b->tail->next = w;
    else b->head = w;
    b->tail = w;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whether the n bytes (4 or 8) at p hold the low n bytes of expected:
 * seq-cst, as the threads proposal orders wait with the stores it races. */
static bool holds(const uint8_t *p, unsigned n, uint64_t expected) {
    if (n == 4) return __atomic_load_n((const uint32_t *)p, __ATOMIC_SEQ_CST) == (uint32_t)expected;
    return __atomic_load_n((const uint64_t *)p, __ATOMIC_SEQ_CST) == expected;
}

/* Block w (linked into b, whose lock is held) until notified, the deadline
 * (UINT64_MAX: none) or an interrupt; 0 with *res 0 or 2, or the trap kind. */
static uint32_t park(zw_wait_bucket *b, zw_waiter *w, uint64_t deadline, const uint32_t *interrupt,
                     uint32_t *res) {
    for (;;) {
        /* woken first: a notify that came with the deadline still counts */
        if (w->woken) {
            *res = 0;
            return 0;
        }
        if (interrupt && ZW_ATOMIC_LOAD(interrupt)) {
            unlink_waiter(b, w);
            return ZWASM_TRAP_INTERRUPTED;
        }
        uint64_t now = now_ns();
        if (now >= deadline) {
            unlink_waiter(b, w);
            *res = 2;
            return 0;
        }
        /* a slice, so that the interrupt flag is seen; spurious and slice
         * wakeups just go round the loop */
        uint64_t until = deadline - now > ZW_WAIT_SLICE_NS ? now + ZW_WAIT_SLICE_NS : deadline;
        struct timespec ts = {.tv_sec = (time_t)(until / 1000000000u), .tv_nsec = (long)(until % 1000000000u)};
        pthread_cond_timedwait(&w->cv, &b->mu, &ts);
    }
}

/* Enqueue a waiter on key in b (whose lock is held) and park it; the
 * deadline is taken here, after the compare: a negative timeout is none,
 * and a huge one saturates instead of wrapping. */
static uint32_t wait_blocking(zw_waiters *ws, zw_wait_bucket *b, uintptr_t key, int64_t timeout_ns,
                              const uint32_t *interrupt, uint32_t *res) {
    uint64_t now = now_ns(), deadline = UINT64_MAX;
    if (timeout_ns > 0 && (uint64_t)timeout_ns < UINT64_MAX - now) deadline = now + (uint64_t)timeout_ns;
    zw_waiter w = {.key = key};
    /* glibc's pthread_cond_init cannot fail; if another's does, the thread
     * cannot block, which is running out of a resource */
    if (pthread_cond_init(&w.cv, &ws->cattr) != 0) return ZWASM_TRAP_OUT_OF_MEMORY;
    append_waiter(b, &w);
    uint32_t kind = park(b, &w, deadline, interrupt, res);
    /* w is unlinked, and a notifier signalled it before letting go of the
     * lock we hold again: nobody touches cv any more */
    pthread_cond_destroy(&w.cv);
    return kind;
}

uint32_t zw_atomic_wait(zw_memory *mm, uint64_t ea, unsigned n, uint64_t expected, int64_t timeout_ns,
                        const uint32_t *interrupt, uint32_t *res) {
    if (!mm->type.shared) return ZWASM_TRAP_EXPECTED_SHARED_MEMORY;
    uintptr_t key = (uintptr_t)(mm->base + ea);
    zw_wait_bucket *b = bucket_of(mm->waiters, key);
    uint32_t kind = 0;
    pthread_mutex_lock(&b->mu);
    if (!holds(mm->base + ea, n, expected)) *res = 1;
    else if (timeout_ns == 0) *res = 2;
    else kind = wait_blocking(mm->waiters, b, key, timeout_ns, interrupt, res);
    pthread_mutex_unlock(&b->mu);
    return kind;
}

uint32_t zw_atomic_notify(zw_memory *mm, uint64_t ea, uint32_t count) {
    if (!mm->type.shared) return 0;
    uintptr_t key = (uintptr_t)(mm->base + ea);
    zw_wait_bucket *b = bucket_of(mm->waiters, key);
    uint32_t woken = 0;
    pthread_mutex_lock(&b->mu);
    for (zw_waiter *w = b->head, *next; w && woken < count; w = next) {
        next = w->next;
        if (w->key != key) continue; /* another address in the same bucket */
        unlink_waiter(b, w);
        w->woken = true;
        pthread_cond_signal(&w->cv);
        woken++;
    }
    pthread_mutex_unlock(&b->mu);
    return woken;
}

uint32_t zw_atomic_waiting(zw_memory *mm, uint64_t ea) {
    if (!mm->type.shared) return 0;
    uintptr_t key = (uintptr_t)(mm->base + ea);
    zw_wait_bucket *b = bucket_of(mm->waiters, key);
    uint32_t n = 0;
    pthread_mutex_lock(&b->mu);
    for (zw_waiter *w = b->head; w; w = w->next) n += w->key == key;
    pthread_mutex_unlock(&b->mu);
    return n;
}
