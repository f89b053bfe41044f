/*
 * test_alloc.c — the caller-supplied allocator (zwasm_config_t.allocator).
 *
 * One scenario goes through every layer: an engine, a module (decoded,
 * validated, with a name section), a store, a host function, WASI with a
 * preopened directory, an instance (segments, table, globals), and a call
 * that lowers and compiles its functions on first use, grows memory and a
 * table, calls through the table and the host, writes to stdout and opens,
 * writes and closes a file through a path with "..".  It runs
 *   - with an allocator that counts: the result is right, every block is
 *     freed, and (the unit tests are linked with --wrap for malloc, calloc,
 *     realloc, free and strdup) the library called the C library's
 *     allocator not once;
 *   - once for every N with an allocator that fails the Nth request: each
 *     run ends in an error value (or, where the failure only cost an
 *     optional extra such as function names, the right result), nothing
 *     crashes and nothing leaks (the counter; and LeakSanitizer in
 *     make test-asan).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

/* ---- the C library's allocator, watched (the link wraps it) ------------------------ */
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
char *__real_strdup(const char *s);

static __thread int libc_watch;   /* counting C-library calls on this thread */
static __thread long libc_calls;

void *__wrap_malloc(size_t n) {
    libc_calls += libc_watch;
    return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size) {
    libc_calls += libc_watch;
    return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n) {
    libc_calls += libc_watch;
    return __real_realloc(p, n);
}
void __wrap_free(void *p) {
    libc_calls += libc_watch && p;
    __real_free(p);
}
char *__wrap_strdup(const char *s) {
    libc_calls += libc_watch;
    return __real_strdup(s);
}

/* ---- a counting allocator that can fail its Nth request ---------------------------- */
typedef struct counter {
    long requests; /* allocations and resizes */
    long live;     /* blocks not yet freed */
    long fail_at;  /* 0: never fail; else fail request number fail_at */
    bool failed;
} counter;

static void *counting_alloc(void *user, void *ptr, size_t size) {
    counter *c = user;
    if (size == 0) {
        c->live--;
        __real_free(ptr);
        return NULL;
    }
    if (++c->requests == c->fail_at) {
        c->failed = true;
        return NULL;
    }
    void *p = __real_realloc(ptr, size);
    if (p && !ptr) c->live++;
    return p;
}

/* ---- the scenario -------------------------------------------------------------------- */
static const char scenario_wat[] =
    "(module $m\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $fd_write (param i32 i32 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"path_open\"\n"
    "    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_close\" (func $fd_close (param i32) (result i32)))\n"
    "  (import \"env\" \"host\" (func $host (param i32) (result i32)))\n"
    "  (type $un (func (param i32) (result i32)))\n"
    "  (memory (export \"memory\") 1 4)\n"
    "  (table 2 8 funcref)\n"
    "  (global $g (mut i32) (i32.const 5))\n"
    "  (elem (i32.const 0) $sq $add1)\n"
    "  (data (i32.const 16) \"hello\\n\")\n"
    "  (data (i32.const 64) \"sub/../f.txt\")\n"
    "  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))\n"
    "  (func $add1 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))\n"
    "  (func $write (param $fd i32) (result i32)\n"
    "    (i32.store (i32.const 0) (i32.const 16))\n"
    "    (i32.store (i32.const 4) (i32.const 6))\n"
    "    (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8)))\n"
    "  (func (export \"run\") (param $n i32) (result i32)\n"
    "    (local $i i32) (local $acc i32) (local $e i32)\n"
    "    (loop $l\n"
    "      (local.set $acc (i32.add (local.get $acc)\n"
    "        (call_indirect (type $un) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))\n"
    "    (drop (memory.grow (i32.const 1)))\n"
    "    (drop (table.grow (ref.null func) (i32.const 2)))\n"
    "    (global.set $g (call $host (local.get $acc)))\n"
    "    ;; a failed WASI call returns 1000 * step + its errno\n"
    "    (if (local.tee $e (call $write (i32.const 1)))\n"
    "      (then (return (i32.add (i32.const 1000) (local.get $e)))))\n"
    "    (if (local.tee $e (call $path_open (i32.const 3) (i32.const 1) (i32.const 64) (i32.const 12)\n"
    "                         (i32.const 9) (i64.const 0x1ff) (i64.const 0x1ff) (i32.const 0) (i32.const 12)))\n"
    "      (then (return (i32.add (i32.const 2000) (local.get $e)))))\n"
    "    (if (local.tee $e (call $write (i32.load (i32.const 12))))\n"
    "      (then (return (i32.add (i32.const 3000) (local.get $e)))))\n"
    "    (if (local.tee $e (call $fd_close (i32.load (i32.const 12))))\n"
    "      (then (return (i32.add (i32.const 4000) (local.get $e)))))\n"
    "    (i32.add (global.get $g) (i32.load8_u (i32.const 16)))))\n";

static zwasm_result_t host_double(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                                  zwasm_val_t *results, zwasm_error_t *err) {
    (void)env, (void)caller, (void)err;
    results[0].kind = ZWASM_I32;
    results[0].of.i32 = args[0].of.i32 * 2;
    return ZWASM_OK;
}

/* A call that returns NULL on out of memory (and only then, here) failed. */
static zwasm_result_t null_result(zwasm_error_t *err, const char *what) {
    err->code = ZWASM_ERR_NOMEM;
    snprintf(err->message, sizeof err->message, "%s returned NULL", what);
    return ZWASM_ERR_NOMEM;
}

typedef struct scenario {
    const uint8_t *wasm;
    size_t len;
    const zwasm_wasi_config_t *wasi_cfg;
    zwasm_engine_kind_t engine;
} scenario;

/* Run the scenario with allocator al: ZWASM_OK with *result, or the first
 * error (err filled; ZWASM_ERR_NOMEM "out of memory" for a failed engine). */
static zwasm_result_t run_scenario(const scenario *sc, const zwasm_allocator_t *al, int32_t *result,
                                   zwasm_error_t *err) {
    memset(err, 0, sizeof *err);
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.engine = sc->engine;
    cfg.allocator = *al;
    zwasm_engine_t *engine = zwasm_engine_new(&cfg);
    if (!engine) return null_result(err, "zwasm_engine_new");
    zwasm_module_t *mod = NULL;
    zwasm_store_t *store = NULL;
    zwasm_wasi_t *wasi = NULL;
    zwasm_extern_t imports[4];
    bool resolved[4] = {false};
    zwasm_result_t r = zwasm_module_new(engine, sc->wasm, sc->len, &mod, err);
    if (r == ZWASM_OK && !(store = zwasm_store_new(engine))) r = null_result(err, "zwasm_store_new");
    if (r == ZWASM_OK) r = zwasm_wasi_new(store, sc->wasi_cfg, &wasi, err);
    if (r == ZWASM_OK) r = zwasm_wasi_define_imports(wasi, mod, imports, resolved, err);
    if (r == ZWASM_OK) {
        static const uint32_t i32[] = {ZWASM_I32};
        zwasm_functype_t ft = {1, 1, i32, i32};
        imports[3].kind = ZWASM_EXTERN_FUNC;
        if (!(imports[3].of.func = zwasm_func_new(store, &ft, host_double, NULL, NULL)))
            r = null_result(err, "zwasm_func_new");
    }
    zwasm_instance_t *inst = NULL;
    if (r == ZWASM_OK) r = zwasm_instance_new(store, mod, imports, 4, &inst, err);
    zwasm_extern_t run;
    if (r == ZWASM_OK && !zwasm_instance_export(inst, "run", 3, &run)) r = null_result(err, "export run");
    if (r == ZWASM_OK) {
        zwasm_val_t arg = {.kind = ZWASM_I32, .of.i32 = 10}, res;
        r = zwasm_func_call(store, run.of.func, &arg, 1, &res, 1, err);
        if (r == ZWASM_OK) *result = res.of.i32;
    }
    if (r == ZWASM_OK && inst) zwasm_func_name(run.of.func); /* a copy cached in the store */
    zwasm_wasi_delete(wasi);
    zwasm_store_delete(store);
    zwasm_module_delete(mod);
    zwasm_engine_delete(engine);
    return r;
}

/* sum over i < 10 of (i odd ? i + 1 : i * i) = 120 + 30 = 150; doubled by the
 * host: 300; plus 'h' (104) */
#define SCENARIO_RESULT 404

typedef struct fixture {
    char dir[64];
    uint8_t *wasm;
    size_t len;
    zwasm_wasi_config_t *wasi_cfg;
    int devnull;
} fixture;

static bool fixture_open(fixture *fx) {
    memset(fx, 0, sizeof *fx);
    fx->devnull = -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/zwasm-alloc-XXXXXX");
    if (!mkdtemp(fx->dir)) return false;
    char sub[96];
    snprintf(sub, sizeof sub, "%s/sub", fx->dir);
    if (mkdir(sub, 0700) != 0) return false;
    if (zwasm_wat2wasm(scenario_wat, strlen(scenario_wat), &fx->wasm, &fx->len, NULL) != ZWASM_OK)
        return false;
    fx->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    fx->wasi_cfg = zwasm_wasi_config_new();
    if (fx->devnull < 0 || !fx->wasi_cfg) return false;
    zwasm_wasi_config_set_stdio(fx->wasi_cfg, -1, fx->devnull, fx->devnull);
    const char *argv[] = {"scenario", "--flag", "value"};
    if (!zwasm_wasi_config_set_args(fx->wasi_cfg, 3, argv) ||
        !zwasm_wasi_config_add_env(fx->wasi_cfg, "HOME", "/nowhere"))
        return false;
    return zwasm_wasi_config_preopen_dir(fx->wasi_cfg, fx->dir, ".", NULL) == ZWASM_OK;
}

static void fixture_close(fixture *fx) {
    char path[96];
    snprintf(path, sizeof path, "%s/f.txt", fx->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub", fx->dir);
    rmdir(path);
    rmdir(fx->dir);
    zwasm_wasi_config_delete(fx->wasi_cfg);
    zwasm_bytes_delete(fx->wasm);
    if (fx->devnull >= 0) close(fx->devnull);
}

static void check_counting(int *zw_failed_, zwasm_engine_kind_t kind) {
    fixture fx;
    CHECK(fixture_open(&fx));
    scenario sc = {fx.wasm, fx.len, fx.wasi_cfg, kind};
    counter c = {0};
    zwasm_allocator_t al = {counting_alloc, &c};
    int32_t result = 0;
    zwasm_error_t err;
    libc_calls = 0;
    libc_watch = 1;
    zwasm_result_t r = run_scenario(&sc, &al, &result, &err);
    libc_watch = 0;
    if (r != ZWASM_OK) fprintf(stderr, "  scenario: %s\n", err.message);
    CHECK_EQ_INT(r, ZWASM_OK);
    CHECK_EQ_INT(result, SCENARIO_RESULT);
    CHECK(c.requests > 50);
    CHECK_EQ_INT(c.live, 0);
    if (libc_calls) fprintf(stderr, "  the library called the C library's allocator %ld times\n", libc_calls);
    CHECK_EQ_INT(libc_calls, 0);
    /* the watch works: with no allocator given, the C library's serves */
    zwasm_allocator_t none = {NULL, NULL};
    libc_calls = 0;
    libc_watch = 1;
    r = run_scenario(&sc, &none, &result, &err);
    libc_watch = 0;
    CHECK_EQ_INT(r, ZWASM_OK);
    CHECK(libc_calls >= c.requests);
    fixture_close(&fx);
}

TEST(alloc_counting_interp) { check_counting(zw_failed_, ZWASM_ENGINE_INTERP); }
TEST(alloc_counting_jit) {
    if (zw_test_engine == ZWASM_ENGINE_INTERP) return; /* the interp-only run covers the other */
    check_counting(zw_failed_, ZWASM_ENGINE_AUTO);
}

/* Fail request N for every N the scenario makes. */
static void check_fail_each(int *zw_failed_, zwasm_engine_kind_t kind) {
    fixture fx;
    CHECK(fixture_open(&fx));
    scenario sc = {fx.wasm, fx.len, fx.wasi_cfg, kind};
    counter full = {0};
    zwasm_allocator_t al = {counting_alloc, &full};
    int32_t result = 0;
    zwasm_error_t err;
    CHECK_EQ_INT(run_scenario(&sc, &al, &result, &err), ZWASM_OK);
    long errors = 0, survived = 0;
    for (long n = 1; n <= full.requests; n++) {
        counter c = {.fail_at = n};
        al.user = &c;
        result = 0;
        zwasm_result_t r = run_scenario(&sc, &al, &result, &err);
        bool ok;
        if (r == ZWASM_OK && result % 1000 == 48 && result / 1000 >= 1 && result / 1000 <= 4) {
            /* a WASI call told the guest ENOMEM (48), and the guest said so */
            ok = true;
            errors++;
        } else if (r == ZWASM_OK) {
            /* the failure cost only an optional extra */
            ok = result == SCENARIO_RESULT;
            survived++;
        } else {
            /* an error value saying so: out of memory, directly or as the
             * errno a WASI call returned (the guest then traps) */
            ok = err.message[0] && (r == ZWASM_ERR_NOMEM || r == ZWASM_ERR_TRAP);
            errors++;
        }
        if (!ok || c.live != 0 || !c.failed) {
            fprintf(stderr, "  request %ld of %ld failed: result %d, code %d, live %ld, \"%s\"\n", n,
                    full.requests, result, (int)r, c.live, err.message);
            (*zw_failed_)++;
            break;
        }
    }
    CHECK(errors > 0);
    if (getenv("ZW_TEST_VERBOSE"))
        fprintf(stderr, "  %ld requests: %ld errors, %ld survived\n", full.requests, errors, survived);
    fixture_close(&fx);
}

TEST(alloc_fail_each_request_interp) { check_fail_each(zw_failed_, ZWASM_ENGINE_INTERP); }
TEST(alloc_fail_each_request_jit) {
    if (zw_test_engine == ZWASM_ENGINE_INTERP) return;
    check_fail_each(zw_failed_, ZWASM_ENGINE_AUTO);
}

/* A host function deletes the store during a call whose arguments did not
 * fit the call's small buffers (more than 16 slots): the buffers go back
 * to the allocator that gave them, nothing stays live. */
static zwasm_result_t host_delete_store(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                                        zwasm_val_t *results, zwasm_error_t *err) {
    (void)env, (void)args, (void)results, (void)err;
    zwasm_store_delete(zwasm_caller_store(caller));
    return ZWASM_OK;
}

TEST(alloc_store_deleted_during_call) {
    static const char wat[] =
        "(module (import \"h\" \"del\" (func $del))\n"
        "  (func (export \"big\") (param i64 i64 i64 i64 i64 i64 i64 i64 i64 i64\n"
        "                             i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)\n"
        "    (call $del)))\n";
    uint8_t *wasm;
    size_t len;
    CHECK_EQ_INT(zwasm_wat2wasm(wat, strlen(wat), &wasm, &len, NULL), ZWASM_OK);
    for (int k = 0; k < 2; k++) {
        counter c = {0};
        zwasm_config_t cfg;
        zwasm_config_init(&cfg);
        cfg.engine = k ? ZWASM_ENGINE_AUTO : ZWASM_ENGINE_INTERP;
        cfg.allocator = (zwasm_allocator_t){counting_alloc, &c};
        zwasm_engine_t *engine = zwasm_engine_new(&cfg);
        zwasm_store_t *store = zwasm_store_new(engine);
        zwasm_module_t *mod;
        zwasm_instance_t *inst;
        CHECK_EQ_INT(zwasm_module_new(engine, wasm, len, &mod, NULL), ZWASM_OK);
        zwasm_functype_t ft = {0, 0, NULL, NULL};
        zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC};
        imp.of.func = zwasm_func_new(store, &ft, host_delete_store, NULL, NULL);
        CHECK_EQ_INT(zwasm_instance_new(store, mod, &imp, 1, &inst, NULL), ZWASM_OK);
        zwasm_extern_t big;
        CHECK(zwasm_instance_export(inst, "big", 3, &big));
        zwasm_val_t args[20];
        for (int i = 0; i < 20; i++) args[i] = (zwasm_val_t){.kind = ZWASM_I64, .of.i64 = i};
        (void)zwasm_func_call(store, big.of.func, args, 20, NULL, 0, NULL);
        zwasm_module_delete(mod);
        zwasm_engine_delete(engine);
        CHECK_EQ_INT(c.live, 0);
    }
    zwasm_bytes_delete(wasm);
}
