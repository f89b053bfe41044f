/*
 * threads.c — a multithreaded program on the wasi-threads ABI, without a
 * threaded libc: wasi.thread-spawn, a shared imported memory, atomics and
 * memory.atomic.wait/notify through clang's builtins (-matomics).
 *
 *   threads.wasm [THREADS [LIMIT]]   (default 2 threads, limit 3000000)
 *
 * Counts the primes below LIMIT by trial division, with THREADS workers
 * (the main thread waits) taking chunks of numbers from a shared atomic
 * counter; each adds its count and sum with atomic adds, and the largest
 * gap between consecutive primes of its chunks is merged under a lock made
 * of compare-exchange and wait/notify.  The output does not depend on
 * THREADS, so a run on several threads is checked against a run on one.
 */
#include <stdint.h>

#define IMPORT(m, n) __attribute__((import_module(m), import_name(n)))
IMPORT("wasi", "thread-spawn") int32_t thread_spawn(void *arg);
IMPORT("wasi_snapshot_preview1", "proc_exit") _Noreturn void proc_exit(int32_t code);
IMPORT("wasi_snapshot_preview1", "fd_write") int32_t fd_write(int32_t fd, const void *iovs, int32_t n, int32_t *written);
IMPORT("wasi_snapshot_preview1", "args_sizes_get") int32_t args_sizes_get(int32_t *argc, int32_t *size);
IMPORT("wasi_snapshot_preview1", "args_get") int32_t args_get(char **argv, char *buf);

enum { MAX_THREADS = 16, STACK = 64 * 1024, CHUNK = 10000 };

/* ---- a pthread-like layer: spawn, join, a lock ---- */
typedef struct thread {
    uint32_t stack_top;      /* first: read by wasi_thread_start */
    void (*fn)(void *);
    void *arg;
    int done;                /* 1 once fn returned: join waits on it */
} thread;
static char stacks[MAX_THREADS][STACK] __attribute__((aligned(16)));
static thread threads[MAX_THREADS];

void thread_main(int32_t tid, thread *t) {
    (void)tid;
    t->fn(t->arg);
    __atomic_store_n(&t->done, 1, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify(&t->done, 1);
}

static int spawn(int i, void (*fn)(void *), void *arg) {
    thread *t = &threads[i];
    t->stack_top = (uint32_t)(uintptr_t)(stacks[i] + STACK);
    t->fn = fn;
    t->arg = arg;
    return thread_spawn(t) > 0;
}

static void join(int i) {
    while (!__atomic_load_n(&threads[i].done, __ATOMIC_SEQ_CST))
        __builtin_wasm_memory_atomic_wait32(&threads[i].done, 0, -1);
}

/* 0 free, 1 held, 2 held with waiters */
static void lock(int *l) {
    int c = __sync_val_compare_and_swap(l, 0, 1);
    if (!c) return;
    if (c != 2) c = __atomic_exchange_n(l, 2, __ATOMIC_SEQ_CST);
    while (c) {
        __builtin_wasm_memory_atomic_wait32(l, 2, -1);
        c = __atomic_exchange_n(l, 2, __ATOMIC_SEQ_CST);
    }
}

static void unlock(int *l) {
    if (__atomic_fetch_sub(l, 1, __ATOMIC_SEQ_CST) != 1) {
        __atomic_store_n(l, 0, __ATOMIC_SEQ_CST);
        __builtin_wasm_memory_atomic_notify(l, 1);
    }
}

/* ---- the work ---- */
static uint32_t limit = 3000000;
static int next_chunk;          /* atomic: the next chunk to take */
static uint32_t count;          /* atomic */
static uint64_t sum;            /* atomic */
static int gap_lock;
static uint32_t max_gap, gap_at; /* under gap_lock: the largest gap (the first one seen) */
/* primes at the chunks' edges, to join the gaps across chunks: [c] = first
 * and last prime of chunk c (0: none); written once per chunk */
static uint32_t first_in[400], last_in[400];

static int is_prime(uint32_t n) {
    if (n < 2) return 0;
    if (n % 2 == 0) return n == 2;
    for (uint32_t d = 3; d * d <= n; d += 2)
        if (n % d == 0) return 0;
    return 1;
}

/* the workers start together, once main has spawned them all (so that a
 * refused spawn is refused while the others run: --max-threads) */
static int go;

static void worker(void *arg) {
    (void)arg;
    while (!__atomic_load_n(&go, __ATOMIC_SEQ_CST)) __builtin_wasm_memory_atomic_wait32(&go, 0, -1);
    uint32_t nchunks = (limit + CHUNK - 1) / CHUNK;
    for (;;) {
        uint32_t c = (uint32_t)__atomic_fetch_add(&next_chunk, 1, __ATOMIC_SEQ_CST);
        if (c >= nchunks) return;
        uint32_t lo = c * CHUNK, hi = lo + CHUNK < limit ? lo + CHUNK : limit;
        uint32_t n = 0, prev = 0, gap = 0, at = 0;
        uint64_t s = 0;
        for (uint32_t i = lo; i < hi; i++) {
            if (!is_prime(i)) continue;
            n++;
            s += i;
            if (!first_in[c]) first_in[c] = i;
            if (prev && i - prev > gap) { gap = i - prev; at = prev; }
            prev = i;
        }
        last_in[c] = prev;
        __atomic_fetch_add(&count, n, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&sum, s, __ATOMIC_SEQ_CST);
        lock(&gap_lock);
        if (gap > max_gap || (gap == max_gap && at < gap_at)) { max_gap = gap; gap_at = at; }
        unlock(&gap_lock);
    }
}

/* ---- output ---- */
static char out[256];
static int outn;
static void put(const char *s) { while (*s && outn < (int)sizeof out) out[outn++] = *s++; }
static void put_u64(uint64_t v) {
    char b[24];
    int i = sizeof b;
    b[--i] = 0;
    do b[--i] = (char)('0' + v % 10); while ((v /= 10) && i);
    put(b + i);
}
static uint32_t parse(const char *s, uint32_t dflt) {
    uint32_t v = 0;
    if (!s || !*s) return dflt;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return dflt;
        v = v * 10 + (uint32_t)(*s - '0');
    }
    return v;
}

static char argbuf[1024];
static char *argv[16];

void _start(void) {
    int32_t argc = 0, size = 0;
    if (args_sizes_get(&argc, &size) || argc > 16 || size > (int32_t)sizeof argbuf || args_get(argv, argbuf))
        proc_exit(2);
    uint32_t nthreads = parse(argc > 1 ? argv[1] : 0, 2);
    limit = parse(argc > 2 ? argv[2] : 0, 3000000);
    if (nthreads < 1 || nthreads > MAX_THREADS || limit > 400 * CHUNK) proc_exit(2);
    for (uint32_t i = 0; i < nthreads; i++)
        if (!spawn((int)i, worker, 0)) proc_exit(3);
    __atomic_store_n(&go, 1, __ATOMIC_SEQ_CST);
    __builtin_wasm_memory_atomic_notify(&go, (uint32_t)-1);
    for (uint32_t i = 0; i < nthreads; i++) join((int)i);
    /* the gaps across chunk edges */
    uint32_t nchunks = (limit + CHUNK - 1) / CHUNK, prev = 0;
    for (uint32_t c = 0; c < nchunks; c++) {
        if (!first_in[c]) continue;
        if (prev && first_in[c] - prev > max_gap) { max_gap = first_in[c] - prev; gap_at = prev; }
        prev = last_in[c];
    }
    put("primes below ");
    put_u64(limit);
    put(": ");
    put_u64(count);
    put(", sum ");
    put_u64(sum);
    put(", largest gap ");
    put_u64(max_gap);
    put(" after ");
    put_u64(gap_at);
    put("\n");
    struct { const void *p; uint32_t n; } iov = {out, (uint32_t)outn};
    int32_t w;
    fd_write(1, &iov, 1, &w);
    proc_exit(0);
}
