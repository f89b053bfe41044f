/*
 * test_security.c — what a hostile guest or a careless embedder must not be
 * able to do through the C API: link objects of another store, use handles
 * of a deleted store, return values of the wrong type from a host function,
 * overflow the native stack by recursing through a host import, exceed the
 * store's resource limits, escape fuel with bulk instructions, run past an
 * interrupt, or put terminal escape sequences into messages.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/runtime.h"
#include "test.h"
#include "text/text.h"
#include "zwasm.h"

/* ---- helpers ------------------------------------------------------------------- */

static zwasm_module_t *compile(zwasm_engine_t *e, const char *wat, zw_buf *extra_custom) {
    zw_buf b = {0};
    zwasm_error_t err;
    if (zw_wat_compile(wat, strlen(wat), &b, &err) != ZWASM_OK) {
        fprintf(stderr, "  wat: %s\n", err.message);
        zw_buf_free(&b);
        return NULL;
    }
    if (extra_custom) zw_buf_append(&b, extra_custom->data, extra_custom->len);
    zwasm_module_t *m = NULL;
    if (zwasm_module_new(e, b.data, b.len, &m, &err) != ZWASM_OK)
        fprintf(stderr, "  module: %s\n", err.message);
    zw_buf_free(&b);
    return m;
}

static zwasm_func_t *export_func(zwasm_instance_t *inst, const char *name) {
    zwasm_extern_t x;
    if (!inst || !zwasm_instance_export(inst, name, strlen(name), &x) || x.kind != ZWASM_EXTERN_FUNC)
        return NULL;
    return x.of.func;
}

static zwasm_val_t I32(int32_t v) { zwasm_val_t x = {.kind = ZWASM_I32}; x.of.i32 = v; return x; }

/* Instantiate m in s with host function h as its only import (NULL and
 * err filled on failure). */
static zwasm_instance_t *with_host(zwasm_store_t *s, zwasm_module_t *m, zwasm_func_t *h,
                                   zwasm_error_t *err) {
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = h};
    zwasm_instance_t *inst = NULL;
    if (!m || zwasm_instance_new(s, m, &imp, 1, &inst, err) != ZWASM_OK) return NULL;
    return inst;
}

static const uint32_t k_i32[] = {ZWASM_I32};
static const uint32_t k_i64[] = {ZWASM_I64};
static const uint32_t k_funcref[] = {ZWASM_FUNCREF};

static zwasm_result_t ret_4141(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                               zwasm_error_t *err) {
    (void)env; (void)c; (void)a; (void)err;
    r[0].of.i64 = 0x4141414141414141ll;
    return ZWASM_OK;
}

static bool has_byte(const char *s, size_t n, unsigned char c) {
    return memchr(s, c, strnlen(s, n)) != NULL;
}

/* ---- objects of another store --------------------------------------------------- */

/* A function () -> i64 of store A would carry A's type id, which in store B
 * may name () -> funcref: call_indirect would accept it and turn an i64
 * into a pointer.  Every handle from another store is refused. */
TEST(sec_foreign_store_objects_are_refused) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *a = zwasm_store_new(e), *b = zwasm_store_new(e);
    zwasm_functype_t ft = {0, 1, NULL, k_i64};
    zwasm_func_t *fa = zwasm_func_new(a, &ft, ret_4141, NULL, NULL);
    zwasm_module_t *m = compile(e,
        "(module (type $fr (func (result funcref))) (type $fi (func (result i64)))"
        "  (import \"env\" \"f\" (func $f (type $fi)))"
        "  (table $t 1 funcref) (elem (i32.const 0) $f)"
        "  (func (export \"go\") (result funcref) (call_indirect (type $fr) (i32.const 0))))",
        NULL);
    CHECK(fa && m);
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = fa};
    zwasm_instance_t *inst = NULL;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_instance_new(b, m, &imp, 1, &inst, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "another store") != NULL);
    CHECK(inst == NULL);
    /* the same module links in the function's own store, and the call
     * through the table traps on the type instead of forging a reference */
    CHECK_EQ_INT(zwasm_instance_new(a, m, &imp, 1, &inst, &err), ZWASM_OK);
    zwasm_val_t r;
    CHECK_EQ_INT(zwasm_func_call(a, export_func(inst, "go"), NULL, 0, &r, 1, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_INDIRECT_CALL_TYPE);

    /* memories, tables and globals of another store */
    zwasm_module_t *m2 = compile(e,
        "(module (import \"env\" \"m\" (memory 1)) (import \"env\" \"t\" (table 1 funcref))"
        "  (import \"env\" \"g\" (global i32)))", NULL);
    zwasm_val_t null_ref = {.kind = ZWASM_FUNCREF};
    zwasm_extern_t imps[3] = {
        {.kind = ZWASM_EXTERN_MEMORY, .of.memory = zwasm_memory_new(a, 1, 1, true)},
        {.kind = ZWASM_EXTERN_TABLE, .of.table = zwasm_table_new(b, ZWASM_FUNCREF, 1, 1, true, null_ref)},
        {.kind = ZWASM_EXTERN_GLOBAL, .of.global = zwasm_global_new(b, ZWASM_I32, false, I32(1))},
    };
    CHECK_EQ_INT(zwasm_instance_new(b, m2, imps, 3, &inst, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "\"env\" \"m\"") && strstr(err.message, "memory"));
    imps[0].of.memory = zwasm_memory_new(b, 1, 1, true);
    imps[1].of.table = zwasm_table_new(a, ZWASM_FUNCREF, 1, 1, true, null_ref);
    CHECK_EQ_INT(zwasm_instance_new(b, m2, imps, 3, &inst, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "table") != NULL);
    imps[1].of.table = zwasm_table_new(b, ZWASM_FUNCREF, 1, 1, true, null_ref);
    imps[2].of.global = zwasm_global_new(a, ZWASM_I32, false, I32(1));
    CHECK_EQ_INT(zwasm_instance_new(b, m2, imps, 3, &inst, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "global") != NULL);
    imps[2].of.global = zwasm_global_new(b, ZWASM_I32, false, I32(1));
    CHECK_EQ_INT(zwasm_instance_new(b, m2, imps, 3, &inst, &err), ZWASM_OK);

    /* a foreign function as a reference value: into a table, a global, an
     * argument, or a host function's result */
    zwasm_val_t ref = {.kind = ZWASM_FUNCREF, .of.funcref = fa};
    zwasm_table_t *tb = zwasm_table_new(b, ZWASM_FUNCREF, 2, 2, true, null_ref);
    CHECK(!zwasm_table_set(tb, 0, ref));
    CHECK(zwasm_table_grow(tb, 0, ref) == -1);
    CHECK(zwasm_table_new(b, ZWASM_FUNCREF, 1, 1, true, ref) == NULL);
    zwasm_global_t *gb = zwasm_global_new(b, ZWASM_FUNCREF, true, null_ref);
    CHECK(!zwasm_global_set(gb, ref));
    CHECK(zwasm_global_new(b, ZWASM_FUNCREF, true, ref) == NULL);
    zwasm_module_t *m3 = compile(e,
        "(module (func (export \"id\") (param funcref) (result funcref) local.get 0))", NULL);
    CHECK_EQ_INT(zwasm_instance_new(b, m3, NULL, 0, &inst, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_func_call(b, export_func(inst, "id"), &ref, 1, &r, 1, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "another store") != NULL);
    /* and the function itself, called through the wrong store */
    CHECK_EQ_INT(zwasm_func_call(b, fa, NULL, 0, &r, 1, &err), ZWASM_ERR_ARG);
    zwasm_store_delete(a);
    zwasm_store_delete(b);
    zwasm_module_delete(m);
    zwasm_module_delete(m2);
    zwasm_module_delete(m3);
    zwasm_engine_delete(e);
}

static zwasm_result_t ret_ref(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                              zwasm_error_t *err) {
    (void)c; (void)a; (void)err;
    r[0].of.funcref = env;
    return ZWASM_OK;
}

TEST(sec_host_result_of_another_store) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *a = zwasm_store_new(e), *b = zwasm_store_new(e);
    zwasm_functype_t fi = {0, 1, NULL, k_i64}, fr = {0, 1, NULL, k_funcref};
    zwasm_func_t *fa = zwasm_func_new(a, &fi, ret_4141, NULL, NULL);
    zwasm_func_t *h = zwasm_func_new(b, &fr, ret_ref, fa, NULL);
    zwasm_val_t r;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_func_call(b, h, NULL, 0, &r, 1, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_HOST);
    CHECK(strstr(err.message, "result 1") != NULL);
    zwasm_engine_delete(e); /* deletes both stores */
}

/* ---- handles of a deleted store -------------------------------------------------- */

TEST(sec_deleted_store_handles_are_refused) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_module_t *m = compile(e, "(module (func (export \"f\") (result i32) i32.const 7))", NULL);
    zwasm_instance_t *inst = NULL;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_OK);
    zwasm_func_t *f = export_func(inst, "f");
    zwasm_val_t r;
    CHECK_EQ_INT(zwasm_func_call(s, f, NULL, 0, &r, 1, &err), ZWASM_OK);
    zwasm_store_delete(s);
    CHECK_EQ_INT(zwasm_func_call(s, f, NULL, 0, &r, 1, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "deleted") != NULL);
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_ERR_ARG);
    CHECK(zwasm_memory_new(s, 1, 1, true) == NULL);
    zwasm_store_delete(s); /* twice: nothing happens */
    zwasm_store_interrupt(s);
    /* the record is reused: the old function is not an object of the new store */
    zwasm_store_t *s2 = zwasm_store_new(e);
    CHECK(s2 == s);
    CHECK_EQ_INT(zwasm_func_call(s2, f, NULL, 0, &r, 1, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "another store or was deleted") != NULL);
    CHECK_EQ_INT(zwasm_instance_new(s2, m, NULL, 0, &inst, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_func_call(s2, export_func(inst, "f"), NULL, 0, &r, 1, &err), ZWASM_OK);
    CHECK_EQ_INT(r.of.i32, 7);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

TEST(sec_module_of_another_engine) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.fuel = 100;
    zwasm_engine_t *plain = test_engine_new(NULL), *fueled = test_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(fueled);
    /* lowered without fuel checks: running it in a fuel store would escape fuel */
    zwasm_module_t *m = compile(plain, "(module (func (export \"spin\") (loop (br 0))))", NULL);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "another engine") != NULL);
    zwasm_module_delete(m);
    zwasm_engine_delete(plain);
    zwasm_engine_delete(fueled);
}

TEST(sec_engine_config_ranges) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.max_call_depth = 4294967295u;
    CHECK(test_engine_new(&cfg) == NULL);
    cfg.max_call_depth = 1000000;
    zwasm_engine_t *e = test_engine_new(&cfg);
    CHECK(e != NULL);
    zwasm_engine_delete(e);
    cfg.stack_bytes = (uint64_t)1 << 40;
    CHECK(test_engine_new(&cfg) == NULL);
}

/* ---- what host functions return ---------------------------------------------------- */

static zwasm_result_t ret_v128(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                               zwasm_error_t *err) {
    (void)env; (void)c; (void)a; (void)err;
    r[0].kind = ZWASM_V128; /* declared i32 */
    memset(r[0].of.v128, 0x41, 16);
    return ZWASM_OK;
}

TEST(sec_host_result_kind_is_checked) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_functype_t ft = {0, 1, NULL, k_i32};
    zwasm_func_t *h = zwasm_func_new(s, &ft, ret_v128, NULL, NULL);
    zwasm_module_t *m = compile(e,
        "(module (import \"env\" \"h\" (func $h (result i32)))"
        "  (func (export \"g\") (result i32) (local i32) call $h))", NULL);
    zwasm_error_t err;
    zwasm_val_t r;
    zwasm_instance_t *inst = with_host(s, m, h, &err);
    CHECK(inst != NULL);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "g"), NULL, 0, &r, 1, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_HOST);
    CHECK(strstr(err.message, "host function \"env\" \"h\": result 1: expected i32, got") != NULL);
    CHECK(strstr(err.message, "v128") != NULL);
    CHECK_EQ_INT(zwasm_func_call(s, h, NULL, 0, &r, 1, &err), ZWASM_ERR_TRAP);
    CHECK(strstr(err.message, "host function: result 1") != NULL);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

/* ---- recursion through a host import ------------------------------------------------ */

typedef struct {
    zwasm_func_t *rec;  /* the export to call back */
    uint32_t deepest;
} reenter_env;

static zwasm_result_t reenter(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                              zwasm_error_t *err) {
    reenter_env *re = env;
    int32_t depth = a[0].of.i32;
    if ((uint32_t)depth > re->deepest) re->deepest = (uint32_t)depth;
    if (depth >= 1000000) {
        r[0].of.i32 = depth;
        return ZWASM_OK;
    }
    zwasm_val_t arg = I32(depth + 1);
    return zwasm_func_call(zwasm_caller_store(c), re->rec, &arg, 1, r, 1, err);
}

typedef struct {
    zwasm_result_t rc;
    zwasm_trap_kind_t trap;
    uint32_t deepest;
} reenter_result;

/* A guest that recurses through a host import up to a million levels. */
static void *run_reentry(void *p) {
    reenter_result *out = p;
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    reenter_env re = {0};
    zwasm_functype_t ft = {1, 1, k_i32, k_i32};
    zwasm_func_t *h = zwasm_func_new(s, &ft, reenter, &re, NULL);
    zwasm_module_t *m = compile(e,
        "(module (import \"env\" \"h\" (func $h (param i32) (result i32)))"
        "  (func (export \"rec\") (param i32) (result i32) local.get 0 call $h))", NULL);
    zwasm_error_t err = {0};
    zwasm_instance_t *inst = with_host(s, m, h, &err);
    out->rc = err.code;
    if (inst) {
        re.rec = export_func(inst, "rec");
        zwasm_val_t arg = I32(1), r;
        out->rc = zwasm_func_call(s, re.rec, &arg, 1, &r, 1, &err);
        out->trap = err.trap;
    }
    out->deepest = re.deepest;
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
    return NULL;
}

TEST(sec_reentry_main_thread) {
    reenter_result res = {0};
    run_reentry(&res);
    CHECK_EQ_INT(res.rc, ZWASM_ERR_TRAP);
    CHECK_EQ_INT(res.trap, ZWASM_TRAP_STACK_EXHAUSTED);
    CHECK(res.deepest > 100); /* an 8 MiB stack holds many levels */
}

TEST(sec_reentry_small_thread) {
    pthread_attr_t attr;
    pthread_t t;
    reenter_result res = {0};
    pthread_attr_init(&attr);
    CHECK(pthread_attr_setstacksize(&attr, 256 << 10) == 0);
    CHECK(pthread_create(&t, &attr, run_reentry, &res) == 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    CHECK_EQ_INT(res.rc, ZWASM_ERR_TRAP);
    CHECK_EQ_INT(res.trap, ZWASM_TRAP_STACK_EXHAUSTED);
    CHECK(res.deepest >= 1);
}

/* One store used by a thread with a big stack, then by a thread with a
 * small one (which may get the same pthread_t at the same stack top): the
 * second must not inherit the first one's stack floor. */
typedef struct {
    zwasm_store_t *store;
    zwasm_func_t *rec;
    int32_t arg;
    reenter_result res;
} moved_call;

static void *call_rec(void *p) {
    moved_call *mc = p;
    zwasm_val_t arg = I32(mc->arg), r;
    zwasm_error_t err = {0};
    mc->res.rc = zwasm_func_call(mc->store, mc->rec, &arg, 1, &r, 1, &err);
    mc->res.trap = err.trap;
    return NULL;
}

TEST(sec_reentry_store_moves_to_smaller_thread) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    reenter_env re = {0};
    zwasm_functype_t ft = {1, 1, k_i32, k_i32};
    zwasm_func_t *h = zwasm_func_new(s, &ft, reenter, &re, NULL);
    zwasm_module_t *m = compile(e,
        "(module (import \"env\" \"h\" (func $h (param i32) (result i32)))"
        "  (func (export \"rec\") (param i32) (result i32) local.get 0 call $h))", NULL);
    zwasm_error_t err;
    zwasm_instance_t *inst = with_host(s, m, h, &err);
    CHECK(inst != NULL);
    re.rec = export_func(inst, "rec");
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    /* a shallow call on a 64 MiB stack, then deep recursion on 256 KiB */
    moved_call big = {s, re.rec, 999999, {0}}, small = {s, re.rec, 1, {0}};
    pthread_attr_setstacksize(&attr, (size_t)64 << 20);
    CHECK(pthread_create(&t, &attr, call_rec, &big) == 0);
    pthread_join(t, NULL);
    CHECK_EQ_INT(big.res.rc, ZWASM_OK);
    pthread_attr_setstacksize(&attr, 256 << 10);
    CHECK(pthread_create(&t, &attr, call_rec, &small) == 0);
    pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    CHECK_EQ_INT(small.res.rc, ZWASM_ERR_TRAP);
    CHECK_EQ_INT(small.res.trap, ZWASM_TRAP_STACK_EXHAUSTED);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

/* ---- resource limits ------------------------------------------------------------------ */

TEST(sec_limits_memory_bomb) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.limits.memory_bytes = 16 << 20;
    zwasm_engine_t *e = test_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    /* grow a page at a time until memory.grow fails; return the pages */
    zwasm_module_t *m = compile(e,
        "(module (memory (export \"mem\") 1)"
        "  (func (export \"bomb\") (result i32)"
        "    (block $done (loop $l (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))"
        "      (br $l)))"
        "    memory.size))", NULL);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    zwasm_val_t r;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "bomb"), NULL, 0, &r, 1, &err), ZWASM_OK);
    CHECK_EQ_INT(r.of.i32, 256); /* 16 MiB */
    CHECK_EQ_INT(zwasm_store_memory_used(s), 16 << 20);
    zwasm_extern_t mem;
    CHECK(zwasm_instance_export(inst, "mem", 3, &mem));
    CHECK_EQ_INT(zwasm_memory_grow(mem.of.memory, 1), -1);
    /* a second instance does not fit at all */
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_ERR_LIMIT);
    CHECK(strstr(err.message, "memory 0: memory limit") != NULL);
    /* raising the limit lets it grow again */
    zwasm_store_limits_t lim;
    zwasm_store_get_limits(s, &lim);
    lim.memory_bytes = 32 << 20;
    CHECK_EQ_INT(zwasm_store_set_limits(s, &lim, NULL), ZWASM_OK);
    CHECK_EQ_INT(zwasm_memory_grow(mem.of.memory, 1), 256);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

TEST(sec_limits_table_bomb) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.limits.memory_bytes = 64 << 20;
    zwasm_engine_t *e = test_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    /* 64 tables of 10M references: 5 GB */
    zw_buf wat = {0};
    zw_buf_printf(&wat, "(module (func $f)");
    for (int i = 0; i < 64; i++) zw_buf_printf(&wat, " (table %d funcref)", 10000000);
    zw_buf_printf(&wat, " (func (export \"grow\") (result i32) (table.grow 0 (ref.null func) (i32.const 1000))))");
    zw_buf_byte(&wat, 0);
    zwasm_module_t *m = compile(e, (const char *)wat.data, NULL);
    zw_buf_free(&wat);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_ERR_LIMIT);
    CHECK(strstr(err.message, "table 0: memory limit") != NULL);
    CHECK(zwasm_store_memory_used(s) == 0);
    /* the table count limit, and table.grow at the byte limit */
    zwasm_store_limits_t lim = {.memory_bytes = 8000, .memories = 10, .tables = 1, .instances = 10};
    zwasm_store_set_limits(s, &lim, NULL);
    zwasm_val_t null_ref = {.kind = ZWASM_FUNCREF};
    zwasm_table_t *t = zwasm_table_new(s, ZWASM_FUNCREF, 999, 0, false, null_ref);
    CHECK(t != NULL);
    CHECK(zwasm_table_new(s, ZWASM_FUNCREF, 1, 0, false, null_ref) == NULL);
    CHECK_EQ_INT(zwasm_table_grow(t, 2, null_ref), -1);
    CHECK_EQ_INT(zwasm_table_grow(t, 1, null_ref), 999);
    CHECK_EQ_INT(zwasm_store_memory_used(s), 8000);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

TEST(sec_limits_counts) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.limits.instances = 2;
    cfg.limits.memories = 1;
    zwasm_engine_t *e = test_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_module_t *m = compile(e, "(module)", NULL);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_ERR_LIMIT);
    CHECK(strstr(err.message, "instance limit") != NULL);
    CHECK(zwasm_memory_new(s, 0, 1, true) != NULL);
    CHECK(zwasm_memory_new(s, 0, 1, true) == NULL);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

/* ---- fuel and bulk instructions ----------------------------------------------------------- */

TEST(sec_fuel_charges_bulk_memory) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.fuel = 1000;
    zwasm_engine_t *e = test_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_module_t *m = compile(e,
        "(module (memory (export \"mem\") 1024) (table 100000 funcref)"
        "  (func (export \"fill\") (param i32) (memory.fill (i32.const 0) (i32.const 7) (local.get 0)))"
        "  (func (export \"copy\") (param i32) (memory.copy (i32.const 0) (i32.const 1) (local.get 0)))"
        "  (func (export \"tfill\") (param i32) (table.fill 0 (i32.const 0) (ref.null func) (local.get 0))))",
        NULL);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_OK);
    zwasm_extern_t mem;
    CHECK(zwasm_instance_export(inst, "mem", 3, &mem));
    uint8_t *base = zwasm_memory_data(mem.of.memory);
    /* 64 MiB would take a million units: refused before a byte is written */
    zwasm_val_t n = I32(64 << 20);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "fill"), &n, 1, NULL, 0, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_OUT_OF_FUEL);
    CHECK_EQ_INT(base[0], 0);
    uint64_t left = 1;
    CHECK(zwasm_store_get_fuel(s, &left) && left == 0);
    /* 6400 bytes cost 1 (entry) + 100 */
    zwasm_store_set_fuel(s, 101, NULL);
    n = I32(6400);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "fill"), &n, 1, NULL, 0, &err), ZWASM_OK);
    CHECK(zwasm_store_get_fuel(s, &left) && left == 0);
    CHECK_EQ_INT(base[6399], 7);
    zwasm_store_set_fuel(s, 100, NULL);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "copy"), &n, 1, NULL, 0, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_OUT_OF_FUEL);
    /* tables: one unit per 8 elements */
    zwasm_store_set_fuel(s, 1000, NULL);
    n = I32(100000);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "tfill"), &n, 1, NULL, 0, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_OUT_OF_FUEL);
    zwasm_store_set_fuel(s, 1 + 100000 / 8, NULL);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "tfill"), &n, 1, NULL, 0, &err), ZWASM_OK);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

/* table.grow that cannot succeed returns -1 and burns no fuel (it used to
 * burn n/8 first and trap "out of fuel" on a grow by -1); one that can
 * burns one unit per 8 elements. */
TEST(sec_fuel_table_grow_that_fails) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.fuel = 1000;
    zwasm_engine_t *e = test_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_module_t *m = compile(e,
        "(module (table 0 funcref)"
        "  (func (export \"grow\") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))",
        NULL);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_OK);
    zwasm_val_t n = I32(-1), r;
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "grow"), &n, 1, &r, 1, &err), ZWASM_OK);
    CHECK_EQ_INT(r.of.i32, -1);
    uint64_t left = 0;
    CHECK(zwasm_store_get_fuel(s, &left) && left == 999); /* the call's entry only */
    n = I32(800);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "grow"), &n, 1, &r, 1, &err), ZWASM_OK);
    CHECK_EQ_INT(r.of.i32, 0);
    CHECK(zwasm_store_get_fuel(s, &left) && left == 999 - 1 - 100);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

/* ---- interruption ----------------------------------------------------------------------------- */

typedef struct {
    zwasm_store_t *store;
    unsigned ms;
} interrupter;

static void *interrupt_later(void *p) {
    interrupter *it = p;
    struct timespec ts = {0, (long)it->ms * 1000000L};
    nanosleep(&ts, NULL);
    zwasm_store_interrupt(it->store);
    return NULL;
}

TEST(sec_interrupt_from_another_thread) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.interruptible = true;
    zwasm_engine_t *e = test_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_module_t *m = compile(e,
        "(module (func (export \"spin\") (loop (br 0)))"
        "  (func (export \"one\") (result i32) i32.const 1))", NULL);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    zwasm_val_t r;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_OK);
    interrupter it = {s, 50};
    pthread_t t;
    CHECK(pthread_create(&t, NULL, interrupt_later, &it) == 0);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "spin"), NULL, 0, NULL, 0, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_INTERRUPTED);
    CHECK(strstr(err.message, "interrupted") != NULL);
    pthread_join(t, NULL);
    /* consumed: the next call runs */
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "one"), NULL, 0, &r, 1, &err), ZWASM_OK);
    /* a request made while nothing runs stops the next call */
    zwasm_store_interrupt(s);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "spin"), NULL, 0, NULL, 0, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_INTERRUPTED);
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

/* ---- untrusted text in messages ---------------------------------------------------------------- */

/* A name section naming function 0 `name`. */
static void name_section(zw_buf *b, const char *name) {
    zw_buf sub = {0}, sec = {0};
    zw_buf_uleb(&sub, 1); /* one name */
    zw_buf_uleb(&sub, 0); /* function 0 */
    zw_buf_uleb(&sub, strlen(name));
    zw_buf_append(&sub, name, strlen(name));
    zw_buf_uleb(&sec, 4);
    zw_buf_append(&sec, "name", 4);
    zw_buf_byte(&sec, 1); /* function names */
    zw_buf_uleb(&sec, sub.len);
    zw_buf_append(&sec, sub.data, sub.len);
    zw_buf_byte(b, 0);
    zw_buf_uleb(b, sec.len);
    zw_buf_append(b, sec.data, sec.len);
    zw_buf_free(&sub);
    zw_buf_free(&sec);
}

static zwasm_result_t evil_trap(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                                zwasm_error_t *err) {
    (void)env; (void)c; (void)a; (void)r;
    snprintf(err->message, sizeof err->message, "bad\x1b]0;owned\x07 \xc2\x9b" "2J");
    return ZWASM_ERR_TRAP;
}

TEST(sec_untrusted_text_is_escaped) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    zw_buf names = {0};
    name_section(&names, "f\x1b[2J\x1b[32mall checks passed\xe2\x80\xae");
    zwasm_module_t *m = compile(e, "(module (func (export \"f\") unreachable))", &names);
    zw_buf_free(&names);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_instance_new(s, m, NULL, 0, &inst, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "f"), NULL, 0, NULL, 0, &err), ZWASM_ERR_TRAP);
    CHECK(!has_byte(err.backtrace, sizeof err.backtrace, 0x1b));
    CHECK(strstr(err.backtrace, "f\\x1b[2J\\x1b[32mall checks passed\\u{202E} (func 0, offset ") != NULL);
    /* a host function's message */
    zwasm_functype_t ft = {0, 0, NULL, NULL};
    zwasm_func_t *h = zwasm_func_new(s, &ft, evil_trap, NULL, NULL);
    CHECK_EQ_INT(zwasm_func_call(s, h, NULL, 0, NULL, 0, &err), ZWASM_ERR_TRAP);
    CHECK(strcmp(err.message, "bad\\x1b]0;owned\\x07 \\u{9B}2J") == 0);
    /* an import name in a link error */
    zwasm_module_t *m2 = compile(e, "(module (import \"\\1b[31m\" \"x\\07\" (func)))", NULL);
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_GLOBAL, .of.global = zwasm_global_new(s, ZWASM_I32, false, I32(0))};
    CHECK_EQ_INT(zwasm_instance_new(s, m2, &imp, 1, &inst, &err), ZWASM_ERR_LINK);
    CHECK(!has_byte(err.message, sizeof err.message, 0x1b) && !has_byte(err.message, sizeof err.message, 0x07));
    CHECK(strstr(err.message, "\"\\x1b[31m\" \"x\\x07\"") != NULL);
    zwasm_module_delete(m);
    zwasm_module_delete(m2);
    zwasm_engine_delete(e);
}

TEST(sec_escape_function) {
    char out[64];
    zw_escape(out, sizeof out, "a\x01\x7f\xff\xc3\xa9\xe2\x80\x8b", 9);
    CHECK(strcmp(out, "a\\x01\\x7f\\xff\xc3\xa9\\u{200B}") == 0);
    /* truncation never splits an escape or a character */
    zw_escape(out, 6, "ab\x1b", 3);
    CHECK(strcmp(out, "ab") == 0);
    zw_escape(out, 4, "ab\xc3\xa9", 4);
    CHECK(strcmp(out, "ab") == 0);
}

/* ---- a WASI context deleted before its store ---------------------------------------------- */

TEST(sec_wasi_deleted_before_store) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_wasi_t *w;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_wasi_new(s, NULL, &w, &err), ZWASM_OK);
    zwasm_module_t *m = compile(e,
        "(module (import \"wasi_snapshot_preview1\" \"sched_yield\" (func $y (result i32)))"
        "  (func (export \"f\") (result i32) call $y))", NULL);
    zwasm_extern_t imp;
    CHECK_EQ_INT(zwasm_wasi_define_imports(w, m, &imp, NULL, &err), ZWASM_OK);
    zwasm_instance_t *inst;
    zwasm_val_t r;
    CHECK_EQ_INT(zwasm_instance_new(s, m, &imp, 1, &inst, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "f"), NULL, 0, &r, 1, &err), ZWASM_OK);
    zwasm_wasi_delete(w);
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "f"), NULL, 0, &r, 1, &err), ZWASM_ERR_TRAP);
    CHECK(strstr(err.message, "WASI context has been deleted") != NULL);
    /* and a WASI context of another store cannot be linked */
    zwasm_store_t *s2 = zwasm_store_new(e);
    CHECK_EQ_INT(zwasm_wasi_new(s2, NULL, &w, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_wasi_define_imports(w, m, &imp, NULL, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_instance_new(s, m, &imp, 1, &inst, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "another store") != NULL);
    zwasm_store_delete(s2);
    zwasm_wasi_delete(w); /* after its store: frees it */
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}

/* ---- a host function deleting its own store --------------------------------------------------- */

static zwasm_result_t delete_caller_store(void *env, zwasm_caller_t *c, const zwasm_val_t *a,
                                          zwasm_val_t *r, zwasm_error_t *err) {
    (void)env; (void)a; (void)r; (void)err;
    zwasm_store_t *s = zwasm_caller_store(c);
    zwasm_store_delete(s);
    zwasm_store_delete(s); /* twice */
    return ZWASM_OK;
}

TEST(sec_store_deleted_by_host_function) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_functype_t ft = {0, 0, NULL, NULL};
    zwasm_func_t *h = zwasm_func_new(s, &ft, delete_caller_store, NULL, NULL);
    /* after the host call the guest keeps using its memory and globals */
    zwasm_module_t *m = compile(e,
        "(module (import \"env\" \"h\" (func $h)) (memory 1) (global $g (mut i32) (i32.const 1))"
        "  (func (export \"f\") (result i32)"
        "    call $h (i32.store (i32.const 8) (i32.const 5)) (global.set $g (i32.const 2))"
        "    (i32.add (i32.load (i32.const 8)) (global.get $g))))", NULL);
    zwasm_error_t err;
    zwasm_val_t r;
    zwasm_instance_t *inst = with_host(s, m, h, &err);
    CHECK(inst != NULL);
    zwasm_func_t *f = export_func(inst, "f");
    CHECK_EQ_INT(zwasm_func_call(s, f, NULL, 0, &r, 1, &err), ZWASM_OK);
    CHECK_EQ_INT(r.of.i32, 7);
    /* the deletion took effect when the call returned */
    CHECK_EQ_INT(zwasm_func_call(s, f, NULL, 0, &r, 1, &err), ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "deleted") != NULL);
    /* from a start function: instantiation fails, the store is gone */
    s = zwasm_store_new(e);
    h = zwasm_func_new(s, &ft, delete_caller_store, NULL, NULL);
    zwasm_module_t *m2 = compile(e, "(module (import \"env\" \"h\" (func $h)) (start $h))", NULL);
    CHECK(with_host(s, m2, h, &err) == NULL);
    CHECK_EQ_INT(err.code, ZWASM_ERR_ARG);
    CHECK(strstr(err.message, "deleted by the start function") != NULL);
    CHECK(zwasm_memory_new(s, 1, 1, true) == NULL);
    zwasm_module_delete(m);
    zwasm_module_delete(m2);
    zwasm_engine_delete(e);
}

static zwasm_result_t delete_engine(void *env, zwasm_caller_t *c, const zwasm_val_t *a,
                                    zwasm_val_t *r, zwasm_error_t *err) {
    (void)c; (void)a; (void)r; (void)err;
    zwasm_engine_delete(env);
    return ZWASM_OK;
}

TEST(sec_engine_deleted_by_host_function) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_functype_t ft = {0, 0, NULL, NULL};
    zwasm_func_t *h = zwasm_func_new(s, &ft, delete_engine, e, NULL);
    zwasm_module_t *m = compile(e,
        "(module (import \"env\" \"h\" (func $h)) (memory 1)"
        "  (func (export \"f\") (result i32)"
        "    call $h (i32.store (i32.const 8) (i32.const 5)) (i32.load (i32.const 8))))", NULL);
    zwasm_error_t err;
    zwasm_val_t r;
    zwasm_instance_t *inst = with_host(s, m, h, &err);
    CHECK(inst != NULL);
    /* the guest finishes; the engine and its store are gone afterwards
     * (ASan checks nothing is used after it is freed, LSan that all is) */
    CHECK_EQ_INT(zwasm_func_call(s, export_func(inst, "f"), NULL, 0, &r, 1, &err), ZWASM_OK);
    CHECK_EQ_INT(r.of.i32, 5);
    zwasm_module_delete(m);
}

/* An instantiation that fails while creating its objects gives back what it
 * took: repeated attempts cannot fill the store. */
TEST(sec_failed_instantiation_gives_back_its_budget) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.limits.memory_bytes = 4 << 20;
    cfg.limits.instances = 3;
    zwasm_engine_t *e = test_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    /* a table of 1M elements (8 MB) would fit a bigger limit; then a memory
     * of 64 pages; here the memory does not fit after the table */
    zwasm_module_t *big = compile(e,
        "(module (func $f) (table 100000 funcref) (memory 64) (global (mut funcref) (ref.func $f)))",
        NULL);
    zwasm_module_t *ok = compile(e, "(module (memory 1))", NULL);
    zwasm_instance_t *inst;
    zwasm_error_t err;
    for (int i = 0; i < 10; i++) {
        CHECK_EQ_INT(zwasm_instance_new(s, big, NULL, 0, &inst, &err), ZWASM_ERR_LIMIT);
        CHECK(strstr(err.message, "memory 0: memory limit") != NULL);
        CHECK_EQ_INT(zwasm_store_memory_used(s), 0);
    }
    for (int i = 0; i < 3; i++) CHECK_EQ_INT(zwasm_instance_new(s, ok, NULL, 0, &inst, &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_store_memory_used(s), 3 << 16);
    CHECK_EQ_INT(zwasm_instance_new(s, ok, NULL, 0, &inst, &err), ZWASM_ERR_LIMIT);
    zwasm_module_delete(big);
    zwasm_module_delete(ok);
    zwasm_engine_delete(e);
}

/* Threads sharing one engine, each creating, calling and deleting stores of
 * its own: a deleted store's record is reused only after it is released
 * (store_clear used to mark it free before zwasm_store_delete's locked
 * release, so two threads could end up with one record). */
typedef struct {
    zwasm_engine_t *e;
    zwasm_module_t *m;
    int bad;
} store_churn;

static void *churn(void *p) {
    store_churn *c = p;
    for (int i = 0; i < 300; i++) {
        zwasm_store_t *s = zwasm_store_new(c->e);
        zwasm_instance_t *in = NULL;
        zwasm_error_t err;
        if (!s || zwasm_instance_new(s, c->m, NULL, 0, &in, &err) != ZWASM_OK) {
            c->bad++;
            zwasm_store_delete(s);
            continue;
        }
        zwasm_func_t *f = export_func(in, "f");
        zwasm_val_t a = I32(i), r;
        for (int j = 0; j < 5; j++)
            if (zwasm_func_call(s, f, &a, 1, &r, 1, &err) != ZWASM_OK || r.of.i32 != i + 1) c->bad++;
        zwasm_store_delete(s);
    }
    return NULL;
}

TEST(sec_stores_on_threads_share_an_engine) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_module_t *m = compile(e, "(module (func (export \"f\") (param i32) (result i32)"
                                   "  (i32.add (local.get 0) (i32.const 1))))", NULL);
    CHECK(m != NULL);
    store_churn c[6];
    pthread_t t[6];
    for (int i = 0; i < 6; i++) {
        c[i] = (store_churn){e, m, 0};
        CHECK(pthread_create(&t[i], NULL, churn, &c[i]) == 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ_INT(c[i].bad, 0);
    }
    zwasm_module_delete(m);
    zwasm_engine_delete(e);
}
