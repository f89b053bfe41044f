/*
 * test_atomic.c — the wait/notify parking lot (runtime/atomic.c) driven by
 * pthreads on a shared memory made through the API: the compare, timeouts,
 * unshared memories, wakeup, the notify count, FIFO order, the interrupt
 * flag, and a ping-pong that would stall on a lost wakeup.
 *
 * No test can hang: every blocking wait has a timeout (a timeout where a
 * wakeup was due is a failed CHECK), and every spin is bounded.  A test
 * knows a thread has blocked by zw_atomic_waiting, so it never depends on
 * scheduling luck.
 */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "runtime/runtime.h"
#include "test.h"

#define MS 1000000ll
/* Long enough never to expire on a loaded machine when a wakeup is due. */
#define LONG_WAIT (5000 * MS)

typedef struct shmem {
    zwasm_engine_t *engine;
    zwasm_store_t *store;
    zw_memory *mem;
} shmem;

static shmem shmem_new(bool shared) {
    shmem s;
    s.engine = test_engine_new(NULL);
    s.store = zwasm_store_new(s.engine);
    zwasm_externtype_t t = {.kind = ZWASM_EXTERN_MEMORY};
    t.of.memory.limits = (zwasm_limits_t){1, 1, true};
    t.of.memory.page_log2 = 16;
    t.of.memory.shared = shared;
    s.mem = zwasm_memory_new_typed(s.store, &t);
    return s;
}

static void shmem_free(shmem *s) {
    zwasm_store_delete(s->store);
    zwasm_engine_delete(s->engine);
}

static uint32_t *word(zw_memory *m, uint64_t ea) { return (uint32_t *)(m->base + ea); }

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void pause_briefly(void) {
    struct timespec ts = {0, 50000};
    nanosleep(&ts, NULL);
}

/* Spin until want threads are parked on ea (false after 5 s). */
static bool await_waiting(zw_memory *m, uint64_t ea, uint32_t want) {
    int64_t end = now_ns() + LONG_WAIT;
    while (zw_atomic_waiting(m, ea) != want)
        if (now_ns() > end) return false;
        else pause_briefly();
    return true;
}

/* A thread blocked in one zw_atomic_wait; on return it appends id to the
 * wake order (*order, *nwoken). */
typedef struct waiter_arg {
    zw_memory *mem;
    uint64_t ea;
    int64_t timeout;
    const uint32_t *interrupt;
    int id;
    int *order;
    uint32_t *nwoken;
    uint32_t kind, res;
    bool started;
    pthread_t thread;
} waiter_arg;

static void *waiter_main(void *p) {
    waiter_arg *a = p;
    a->kind = zw_atomic_wait(a->mem, a->ea, 4, *word(a->mem, a->ea), a->timeout, a->interrupt, &a->res);
    if (a->order) a->order[__atomic_fetch_add(a->nwoken, 1, __ATOMIC_SEQ_CST)] = a->id;
    return NULL;
}

static bool start_waiter(waiter_arg *a, zw_memory *m, uint64_t ea, int id, int *order, uint32_t *nwoken) {
    *a = (waiter_arg){.mem = m, .ea = ea, .timeout = LONG_WAIT, .id = id, .order = order,
                      .nwoken = nwoken, .kind = 99, .res = 99};
    a->started = pthread_create(&a->thread, NULL, waiter_main, a) == 0;
    return a->started;
}

static void join_waiter(waiter_arg *a) {
    if (a->started) pthread_join(a->thread, NULL);
}

/* A value other than the expected one returns 1 at once (any timeout);
 * wait32 compares only the low 4 bytes of expected, wait64 all 8. */
TEST(atomic_wait_not_equal) {
    shmem s = shmem_new(true);
    CHECK(s.mem && s.mem->waiters);
    uint32_t res = 99;
    __atomic_store_n((uint64_t *)s.mem->base, 0x100000005ull, __ATOMIC_SEQ_CST);
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 0, 4, 6, -1, NULL, &res), 0);
    CHECK_EQ_INT(res, 1);
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 0, 8, 5, -1, NULL, &res), 0);
    CHECK_EQ_INT(res, 1);
    /* equal in the low bytes: the wait happens, and times out at once */
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 0, 4, 0xffffffff00000005ull, 0, NULL, &res), 0);
    CHECK_EQ_INT(res, 2);
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 0, 8, 0x100000005ull, 0, NULL, &res), 0);
    CHECK_EQ_INT(res, 2);
    CHECK_EQ_INT(zw_atomic_waiting(s.mem, 0), 0);
    shmem_free(&s);
}

/* Timeout 0 returns 2 without blocking; 1 ms returns 2 after at least 1 ms. */
TEST(atomic_wait_timeout) {
    shmem s = shmem_new(true);
    uint32_t res = 99;
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 16, 4, 0, 0, NULL, &res), 0);
    CHECK_EQ_INT(res, 2);
    int64_t t0 = now_ns();
    res = 99;
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 16, 8, 0, 1 * MS, NULL, &res), 0);
    int64_t took = now_ns() - t0;
    CHECK_EQ_INT(res, 2);
    CHECK(took >= 1 * MS);
    CHECK(took < 1000 * MS);
    CHECK_EQ_INT(zw_atomic_waiting(s.mem, 16), 0); /* the timed-out waiter is gone */
    shmem_free(&s);
}

/* wait on an unshared memory traps; notify on it returns 0. */
TEST(atomic_unshared_memory) {
    shmem s = shmem_new(false);
    CHECK(s.mem && !s.mem->waiters);
    uint32_t res = 99;
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 0, 4, 0, 0, NULL, &res), ZWASM_TRAP_EXPECTED_SHARED_MEMORY);
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 0, 8, 1, -1, NULL, &res), ZWASM_TRAP_EXPECTED_SHARED_MEMORY);
    CHECK_EQ_INT(res, 99);
    CHECK_EQ_INT(zw_atomic_notify(s.mem, 0, 1), 0);
    shmem_free(&s);
}

/* A blocked waiter is woken by notify (res 0; notify counts it); notify
 * on another address or with no waiter wakes nobody. */
TEST(atomic_notify_wakes_waiter) {
    shmem s = shmem_new(true);
    CHECK_EQ_INT(zw_atomic_notify(s.mem, 0, 1), 0);
    waiter_arg a;
    CHECK(start_waiter(&a, s.mem, 0, 1, NULL, NULL));
    /* retry until the waiter has blocked and the notify found it */
    uint32_t n = 0;
    int64_t end = now_ns() + LONG_WAIT;
    while (n == 0 && now_ns() < end) {
        CHECK_EQ_INT(zw_atomic_notify(s.mem, 4, 1), 0);
        if (!(n = zw_atomic_notify(s.mem, 0, 1))) pause_briefly();
    }
    CHECK_EQ_INT(n, 1);
    join_waiter(&a);
    CHECK_EQ_INT(a.kind, 0);
    CHECK_EQ_INT(a.res, 0);
    CHECK_EQ_INT(zw_atomic_notify(s.mem, 0, 1), 0);
    shmem_free(&s);
}

/* Starting waiters 1..n one at a time (each parked before the next
 * starts), so their queue order is their ids. */
static void start_parked(int *zw_failed_, waiter_arg *w, int n, zw_memory *m, uint64_t ea, int *order,
                         uint32_t *nwoken) {
    for (int i = 0; i < n; i++) {
        CHECK(start_waiter(&w[i], m, ea, i + 1, order, nwoken));
        CHECK(await_waiting(m, ea, (uint32_t)i + 1));
    }
}

/* notify wakes at most count waiters, and reports how many it woke. */
TEST(atomic_notify_count) {
    shmem s = shmem_new(true);
    waiter_arg w[3];
    int order[3] = {0};
    uint32_t nwoken = 0;
    start_parked(zw_failed_, w, 3, s.mem, 32, order, &nwoken);
    CHECK_EQ_INT(zw_atomic_notify(s.mem, 32, 0), 0);
    CHECK_EQ_INT(zw_atomic_notify(s.mem, 32, 1), 1);
    CHECK_EQ_INT(zw_atomic_waiting(s.mem, 32), 2);
    CHECK_EQ_INT(zw_atomic_notify(s.mem, 32, 10), 2);
    CHECK_EQ_INT(zw_atomic_notify(s.mem, 32, 10), 0);
    for (int i = 0; i < 3; i++) {
        join_waiter(&w[i]);
        CHECK_EQ_INT(w[i].kind, 0);
        CHECK_EQ_INT(w[i].res, 0);
    }
    shmem_free(&s);
}

/* Waiters on one address are woken oldest first. */
TEST(atomic_notify_fifo) {
    shmem s = shmem_new(true);
    waiter_arg w[3];
    int order[3] = {0};
    uint32_t nwoken = 0;
    start_parked(zw_failed_, w, 3, s.mem, 8, order, &nwoken);
    for (uint32_t i = 0; i < 3; i++) {
        CHECK_EQ_INT(zw_atomic_notify(s.mem, 8, 1), 1);
        /* let the woken one record itself before the next is woken */
        int64_t end = now_ns() + LONG_WAIT;
        while (__atomic_load_n(&nwoken, __ATOMIC_SEQ_CST) == i && now_ns() < end) pause_briefly();
    }
    for (int i = 0; i < 3; i++) {
        join_waiter(&w[i]);
        CHECK_EQ_INT(w[i].res, 0);
        CHECK_EQ_INT(order[i], i + 1);
    }
    shmem_free(&s);
}

/* The interrupt flag, set by another thread, stops a blocked wait within
 * a slice, long before its deadline; one set before the wait stops it at
 * once. */
TEST(atomic_wait_interrupt) {
    shmem s = shmem_new(true);
    uint32_t flag = 0, res = 99;
    waiter_arg a = {.mem = s.mem, .ea = 0, .interrupt = &flag, .kind = 99, .res = 99};
    /* a long timeout, not none: a flag that went unseen fails, not hangs */
    a.timeout = LONG_WAIT;
    a.started = pthread_create(&a.thread, NULL, waiter_main, &a) == 0;
    CHECK(a.started);
    CHECK(await_waiting(s.mem, 0, 1));
    __atomic_store_n(&flag, 1, __ATOMIC_SEQ_CST);
    int64_t t0 = now_ns();
    join_waiter(&a);
    CHECK_EQ_INT(a.kind, ZWASM_TRAP_INTERRUPTED);
    CHECK(now_ns() - t0 < 1000 * MS); /* seen within a slice, not at the timeout */
    CHECK_EQ_INT(zw_atomic_waiting(s.mem, 0), 0);
    CHECK_EQ_INT(zw_atomic_notify(s.mem, 0, 1), 0);
    CHECK_EQ_INT(zw_atomic_wait(s.mem, 0, 4, 0, LONG_WAIT, &flag, &res), ZWASM_TRAP_INTERRUPTED);
    shmem_free(&s);
}

/* Two threads hand a turn back and forth PINGS times, each waiting on its
 * own word for the other to bump it.  A lost wakeup leaves one waiting for
 * a value that has already changed hands: its wait times out (1 s) and the
 * round fails, and a shared stop flag ends the other side too. */
#define PINGS 10000
typedef struct pingpong {
    zw_memory *mem;
    uint32_t stop;      /* set by the side that failed */
    uint32_t timeouts;  /* waits that timed out (each is a lost wakeup) */
} pingpong;

/* Wait until the word at ea holds want; false on a timeout or stop. */
static bool await_word(pingpong *pp, uint64_t ea, uint32_t want) {
    for (;;) {
        uint32_t v = __atomic_load_n(word(pp->mem, ea), __ATOMIC_SEQ_CST), res = 99;
        if (v == want) return true;
        if (__atomic_load_n(&pp->stop, __ATOMIC_SEQ_CST)) return false;
        zw_atomic_wait(pp->mem, ea, 4, v, 1000 * MS, NULL, &res);
        if (res == 2) {
            __atomic_fetch_add(&pp->timeouts, 1, __ATOMIC_SEQ_CST);
            __atomic_store_n(&pp->stop, 1, __ATOMIC_SEQ_CST);
            return false;
        }
    }
}

static void bump(pingpong *pp, uint64_t ea, uint32_t v) {
    __atomic_store_n(word(pp->mem, ea), v, __ATOMIC_SEQ_CST);
    zw_atomic_notify(pp->mem, ea, 1);
}

/* The ping side: bumps word 0, then waits for word 4 to follow. */
static void *ping_main(void *p) {
    pingpong *pp = p;
    for (uint32_t i = 1; i <= PINGS; i++) {
        bump(pp, 0, i);
        if (!await_word(pp, 4, i)) break;
    }
    return NULL;
}

/* The pong side: waits for word 0, then answers on word 4. */
static void *pong_main(void *p) {
    pingpong *pp = p;
    for (uint32_t i = 1; i <= PINGS; i++) {
        if (!await_word(pp, 0, i)) break;
        bump(pp, 4, i);
    }
    return NULL;
}

TEST(atomic_pingpong_loses_no_wakeup) {
    shmem s = shmem_new(true);
    pingpong pp = {.mem = s.mem};
    pthread_t ping, pong;
    bool pong_up = pthread_create(&pong, NULL, pong_main, &pp) == 0;
    bool ping_up = pthread_create(&ping, NULL, ping_main, &pp) == 0;
    CHECK(pong_up && ping_up); /* a lone pong times out, and so ends */
    if (ping_up) pthread_join(ping, NULL);
    if (pong_up) pthread_join(pong, NULL);
    CHECK_EQ_INT(pp.timeouts, 0);
    CHECK_EQ_INT(*word(s.mem, 0), PINGS);
    CHECK_EQ_INT(*word(s.mem, 4), PINGS);
    CHECK_EQ_INT(zw_atomic_waiting(s.mem, 0) + zw_atomic_waiting(s.mem, 4), 0);
    shmem_free(&s);
}
