/*
 * test_threads.c — wasm threads on one shared memory (issue 11): each
 * thread has its own store and instance of one module, importing the same
 * shared memory, as wasi-threads and an embedder run them.  Each test
 * fails on a wrong implementation:
 *   - many threads incrementing one counter with i32.atomic.rmw.add get
 *     the exact total (a non-atomic add loses updates);
 *   - a lock built on cmpxchg + wait/notify protects a plain counter (and
 *     no wait times out: a lost wakeup would);
 *   - a producer/consumer ring with wait/notify and timeouts delivers every
 *     item once, in order;
 *   - memory.grow races with accesses at the end of memory from other
 *     threads, which must never trap (a thread's cached size is stale);
 * and the linking rules: a shared memory may be imported into another
 * store of its engine; an unshared one, or one of another engine, not.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "test.h"

enum { NTHREADS = 4 };

static const char *const wat =
    "(module\n"
    "  (import \"env\" \"memory\" (memory 1 64 shared))\n"
    "  (func (export \"count\") (param $n i32)\n"
    "    (loop $l\n"
    "      (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))\n"
    "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
    "      (br_if $l (local.get $n))))\n"
    /* a futex lock at 4 (0 free, 1 held, 2 held and contended); a wait that
     * times out (1 s: a lost wakeup) is counted at 12 */
    "  (func $wait (param $a i32) (param $v i32)\n"
    "    (if (i32.eq (memory.atomic.wait32 (local.get $a) (local.get $v) (i64.const 1000000000)) (i32.const 2))\n"
    "      (then (drop (i32.atomic.rmw.add (i32.const 12) (i32.const 1))))))\n"
    "  (func $lock (local $c i32)\n"
    "    (local.set $c (i32.atomic.rmw.cmpxchg (i32.const 4) (i32.const 0) (i32.const 1)))\n"
    "    (if (local.get $c) (then\n"
    "      (if (i32.ne (local.get $c) (i32.const 2))\n"
    "        (then (local.set $c (i32.atomic.rmw.xchg (i32.const 4) (i32.const 2)))))\n"
    "      (block $out (loop $l\n"
    "        (br_if $out (i32.eqz (local.get $c)))\n"
    "        (call $wait (i32.const 4) (i32.const 2))\n"
    "        (local.set $c (i32.atomic.rmw.xchg (i32.const 4) (i32.const 2)))\n"
    "        (br $l))))))\n"
    "  (func $unlock\n"
    "    (if (i32.ne (i32.atomic.rmw.sub (i32.const 4) (i32.const 1)) (i32.const 1)) (then\n"
    "      (i32.atomic.store (i32.const 4) (i32.const 0))\n"
    "      (drop (memory.atomic.notify (i32.const 4) (i32.const 1))))))\n"
    "  (func (export \"locked_count\") (param $n i32)\n"
    "    (loop $l\n"
    "      (call $lock)\n"
    "      (i32.store (i32.const 8) (i32.add (i32.load (i32.const 8)) (i32.const 1)))\n"
    "      (call $unlock)\n"
    "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
    "      (br_if $l (local.get $n))))\n"
    /* a ring of 16 i32 slots at 64; head (items put) at 16, tail (taken) at 20 */
    "  (func (export \"produce\") (param $n i32) (local $i i32) (local $h i32)\n"
    "    (loop $l\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (local.set $h (i32.atomic.load (i32.const 16)))\n"
    "      (block $room (loop $full\n"
    "        (br_if $room (i32.lt_u (i32.sub (local.get $h) (i32.atomic.load (i32.const 20))) (i32.const 16)))\n"
    "        (call $wait (i32.const 20) (i32.sub (local.get $h) (i32.const 16)))\n"
    "        (br $full)))\n"
    "      (i32.store (i32.add (i32.const 64) (i32.shl (i32.and (local.get $h) (i32.const 15)) (i32.const 2)))\n"
    "                 (local.get $i))\n"
    "      (i32.atomic.store (i32.const 16) (i32.add (local.get $h) (i32.const 1)))\n"
    "      (drop (memory.atomic.notify (i32.const 16) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))\n"
    /* the sum of the items, or -1 when one came out of order */
    "  (func (export \"consume\") (param $n i32) (result i64)\n"
    "    (local $t i32) (local $v i32) (local $sum i64)\n"
    "    (loop $l\n"
    "      (local.set $t (i32.atomic.load (i32.const 20)))\n"
    "      (block $some (loop $empty\n"
    "        (br_if $some (i32.ne (i32.atomic.load (i32.const 16)) (local.get $t)))\n"
    "        (call $wait (i32.const 16) (local.get $t))\n"
    "        (br $empty)))\n"
    "      (local.set $v (i32.load (i32.add (i32.const 64) (i32.shl (i32.and (local.get $t) (i32.const 15)) (i32.const 2)))))\n"
    "      (if (i32.ne (local.get $v) (i32.add (local.get $t) (i32.const 1))) (then (return (i64.const -1))))\n"
    "      (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $v))))\n"
    "      (i32.atomic.store (i32.const 20) (i32.add (local.get $t) (i32.const 1)))\n"
    "      (drop (memory.atomic.notify (i32.const 20) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (i32.add (local.get $t) (i32.const 1)) (local.get $n))))\n"
    "    (local.get $sum))\n"
    /* grow one page at a time to the maximum */
    "  (func (export \"grow\") (result i32) (local $k i32)\n"
    "    (block $done (loop $l\n"
    "      (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))\n"
    "      (local.set $k (i32.add (local.get $k) (i32.const 1)))\n"
    "      (br $l)))\n"
    "    (local.get $k))\n"
    /* n times: the last word of memory as it is now, plain and atomic */
    "  (func (export \"touch_end\") (param $n i32) (result i32) (local $a i32)\n"
    "    (loop $l\n"
    "      (local.set $a (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)))\n"
    "      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))\n"
    "      (drop (i32.atomic.rmw.add (local.get $a) (i32.const 1)))\n"
    "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
    "      (br_if $l (local.get $n)))\n"
    "    (memory.size))\n"
    ")\n";

/* The grow race over a 64-bit memory (memory64: every access is checked
 * against the size, also in compiled code). */
static const char *const wat64 =
    "(module\n"
    "  (import \"env\" \"memory\" (memory i64 1 64 shared))\n"
    "  (func (export \"grow\") (result i32) (local $k i32)\n"
    "    (block $done (loop $l\n"
    "      (br_if $done (i64.eq (memory.grow (i64.const 1)) (i64.const -1)))\n"
    "      (local.set $k (i32.add (local.get $k) (i32.const 1)))\n"
    "      (br $l)))\n"
    "    (local.get $k))\n"
    "  (func (export \"touch_end\") (param $n i32) (result i32) (local $a i64)\n"
    "    (loop $l\n"
    "      (local.set $a (i64.sub (i64.mul (memory.size) (i64.const 65536)) (i64.const 4)))\n"
    "      (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))\n"
    "      (drop (i32.atomic.rmw.add (local.get $a) (i32.const 1)))\n"
    "      (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
    "      (br_if $l (local.get $n)))\n"
    "    (i32.wrap_i64 (memory.size)))\n"
    ")\n";

typedef struct world {
    zwasm_engine_t *engine;
    zwasm_store_t *store;   /* the memory's */
    zwasm_module_t *module;
    zwasm_memory_t *mem;
} world;

static bool world_new(world *w, const char *text, bool is64) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.features |= ZWASM_FEATURE_THREADS;
    w->engine = test_engine_new(&cfg);
    w->store = zwasm_store_new(w->engine);
    w->module = test_wat_module(w->engine, text);
    zwasm_externtype_t t = {.kind = ZWASM_EXTERN_MEMORY};
    t.of.memory.limits = (zwasm_limits_t){1, 64, true};
    t.of.memory.page_log2 = 16;
    t.of.memory.shared = true;
    t.of.memory.is64 = is64;
    w->mem = zwasm_memory_new_typed(w->store, &t);
    return w->module && w->mem;
}

static void world_free(world *w) {
    zwasm_module_delete(w->module);
    zwasm_store_delete(w->store);
    zwasm_engine_delete(w->engine);
}

/* One thread's job: call export name with one i32 argument in a store of
 * its own (an instance importing the world's memory). */
typedef struct job {
    world *w;
    const char *name;
    int32_t arg;
    zwasm_val_t result;
    zwasm_result_t rc;
    char msg[320];
} job;

static void *run_job(void *p) {
    job *j = p;
    zwasm_error_t err;
    zwasm_store_t *s = zwasm_store_new(j->w->engine);
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_MEMORY, .of.memory = j->w->mem};
    zwasm_instance_t *inst = NULL;
    zwasm_extern_t f;
    j->rc = zwasm_instance_new(s, j->w->module, &imp, 1, &inst, &err);
    if (j->rc == ZWASM_OK && !zwasm_instance_export(inst, j->name, strlen(j->name), &f)) j->rc = ZWASM_ERR_ARG;
    if (j->rc == ZWASM_OK) {
        zwasm_functype_t ft;
        zwasm_func_type(f.of.func, &ft);
        zwasm_val_t arg = {.kind = ZWASM_I32, .of.i32 = j->arg};
        j->rc = zwasm_func_call(s, f.of.func, &arg, ft.nparams, &j->result, ft.nresults, &err);
    }
    if (j->rc != ZWASM_OK) snprintf(j->msg, sizeof j->msg, "%s: %s", j->name, err.message);
    zwasm_store_delete(s);
    return NULL;
}

/* Run the jobs on threads of their own; the number that failed. */
static int run_all(job *jobs, int n) {
    pthread_t t[8];
    for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, run_job, &jobs[i]);
    int bad = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
        if (jobs[i].rc != ZWASM_OK) {
            fprintf(stderr, "  job %d: %s\n", i, jobs[i].msg);
            bad++;
        }
    }
    return bad;
}

static uint32_t mem_u32(world *w, uint64_t at) {
    uint32_t v;
    memcpy(&v, zwasm_memory_data(w->mem) + at, 4);
    return v;
}

TEST(threads_atomic_counter_is_exact) {
    world w;
    CHECK(world_new(&w, wat, false));
    if (!w.module) return;
    job jobs[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) jobs[i] = (job){.w = &w, .name = "count", .arg = 100000};
    CHECK_EQ_INT(run_all(jobs, NTHREADS), 0);
    CHECK_EQ_INT(mem_u32(&w, 0), NTHREADS * 100000);
    world_free(&w);
}

TEST(threads_lock_protects_a_plain_counter) {
    world w;
    CHECK(world_new(&w, wat, false));
    if (!w.module) return;
    job jobs[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) jobs[i] = (job){.w = &w, .name = "locked_count", .arg = 20000};
    CHECK_EQ_INT(run_all(jobs, NTHREADS), 0);
    CHECK_EQ_INT(mem_u32(&w, 8), NTHREADS * 20000);
    CHECK_EQ_INT(mem_u32(&w, 4), 0);  /* released */
    CHECK_EQ_INT(mem_u32(&w, 12), 0); /* no wait ran out: no wakeup was lost */
    world_free(&w);
}

TEST(threads_producer_consumer_ring) {
    world w;
    CHECK(world_new(&w, wat, false));
    if (!w.module) return;
    enum { N = 50000 };
    job jobs[2] = {{.w = &w, .name = "produce", .arg = N}, {.w = &w, .name = "consume", .arg = N}};
    CHECK_EQ_INT(run_all(jobs, 2), 0);
    CHECK_EQ_INT(jobs[1].result.of.i64, (int64_t)N * (N + 1) / 2);
    CHECK_EQ_INT(mem_u32(&w, 16), N);
    CHECK_EQ_INT(mem_u32(&w, 20), N);
    CHECK_EQ_INT(mem_u32(&w, 12), 0);
    world_free(&w);
}

/* Threads touch the last word of memory as it grows under them. */
static void grow_race(int *zw_failed_, const char *text, bool is64) {
    world w;
    CHECK(world_new(&w, text, is64));
    if (!w.module) return;
    job jobs[NTHREADS];
    jobs[0] = (job){.w = &w, .name = "grow"};
    for (int i = 1; i < NTHREADS; i++) jobs[i] = (job){.w = &w, .name = "touch_end", .arg = 200000};
    CHECK_EQ_INT(run_all(jobs, NTHREADS), 0);
    CHECK_EQ_INT(jobs[0].result.of.i32, 63);
    CHECK_EQ_INT(zwasm_memory_pages(w.mem), 64);
    world_free(&w);
}

TEST(threads_grow_races_with_accesses) { grow_race(zw_failed_, wat, false); }

TEST(threads_grow_races_with_accesses_memory64) { grow_race(zw_failed_, wat64, true); }

/* Only a shared memory crosses stores, and only within its engine. */
TEST(threads_shared_memory_linking_rules) {
    world w;
    CHECK(world_new(&w, wat, false));
    if (!w.module) return;
    zwasm_error_t err;
    zwasm_instance_t *inst;
    /* the shared memory into a second store: fine, and it outlives the
     * store that made it */
    zwasm_store_t *s2 = zwasm_store_new(w.engine);
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_MEMORY, .of.memory = w.mem};
    CHECK_EQ_INT(zwasm_instance_new(s2, w.module, &imp, 1, &inst, &err), ZWASM_OK);
    zwasm_store_delete(w.store);
    w.store = zwasm_store_new(w.engine);
    zwasm_extern_t f;
    CHECK(zwasm_instance_export(inst, "count", 5, &f));
    zwasm_val_t arg = {.kind = ZWASM_I32, .of.i32 = 5};
    CHECK_EQ_INT(zwasm_func_call(s2, f.of.func, &arg, 1, NULL, 0, &err), ZWASM_OK);
    CHECK_EQ_INT(mem_u32(&w, 0), 5);
    /* an unshared memory of another store: refused */
    zwasm_module_t *m1 = test_wat_module(w.engine, "(module (import \"env\" \"memory\" (memory 1)))");
    zwasm_store_t *s3 = zwasm_store_new(w.engine);
    zwasm_extern_t plain = {.kind = ZWASM_EXTERN_MEMORY, .of.memory = zwasm_memory_new(s3, 1, 1, true)};
    CHECK_EQ_INT(zwasm_instance_new(s2, m1, &plain, 1, &inst, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "another store") != NULL);
    /* a shared memory of another engine: refused */
    world w2;
    CHECK(world_new(&w2, wat, false));
    zwasm_extern_t other = {.kind = ZWASM_EXTERN_MEMORY, .of.memory = w2.mem};
    CHECK_EQ_INT(zwasm_instance_new(s2, w.module, &other, 1, &inst, &err), ZWASM_ERR_ARG);
    world_free(&w2);
    zwasm_module_delete(m1);
    zwasm_store_delete(s3);
    zwasm_store_delete(s2); /* the last holder: the memory goes now */
    w.mem = NULL;
    world_free(&w);
}
