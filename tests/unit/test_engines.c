/*
 * test_engines.c — outcomes that must be the same in both engines, checked
 * by running each case on the interpreter and on the JIT in one test (the
 * rest of the unit tests run on one engine per run: unit_tests --engine).
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

static zwasm_func_t *export_of(zwasm_instance_t *inst, const char *name) {
    zwasm_extern_t x;
    if (!inst || !zwasm_instance_export(inst, name, strlen(name), &x) || x.kind != ZWASM_EXTERN_FUNC)
        return NULL;
    return x.of.func;
}

/* A trap in one instance called from another (call of an import): the
 * backtrace walks through the call between instances, identically. */
static void cross_instance_trap(zwasm_engine_kind_t kind, zwasm_error_t *err) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.engine = kind;
    zwasm_engine_t *e = zwasm_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_module_t *mb = test_wat_module(e,
        "(module (memory 1)"
        "  (func $div (param i32) (result i32) (i32.div_u (i32.const 7) (local.get 0)))"
        "  (func (export \"f\") (param i32) (result i32) (i32.add (call $div (local.get 0)) (i32.load (i32.const 0)))))");
    zwasm_module_t *ma = test_wat_module(e,
        "(module (import \"b\" \"f\" (func $f (param i32) (result i32)))"
        "  (func $mid (param i32) (result i32) (i32.mul (call $f (local.get 0)) (i32.const 3)))"
        "  (func (export \"g\") (param i32) (result i32) (i32.add (call $mid (local.get 0)) (i32.const 1))))");
    zwasm_instance_t *ib = NULL, *ia = NULL;
    memset(err, 0, sizeof *err);
    if (mb && zwasm_instance_new(s, mb, NULL, 0, &ib, err) == ZWASM_OK) {
        zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = export_of(ib, "f")};
        if (ma && zwasm_instance_new(s, ma, &imp, 1, &ia, err) == ZWASM_OK) {
            zwasm_val_t arg = {.kind = ZWASM_I32}, r;
            arg.of.i32 = 0;
            zwasm_func_call(s, export_of(ia, "g"), &arg, 1, &r, 1, err);
        }
    }
    if (ma) zwasm_module_delete(ma);
    if (mb) zwasm_module_delete(mb);
    zwasm_engine_delete(e);
}

TEST(engines_cross_instance_backtrace) {
    zwasm_error_t ei, ej;
    cross_instance_trap(ZWASM_ENGINE_INTERP, &ei);
    cross_instance_trap(ZWASM_ENGINE_JIT, &ej);
    CHECK_EQ_INT(ei.trap, ZWASM_TRAP_INT_DIV_ZERO);
    CHECK_EQ_INT(ej.trap, ZWASM_TRAP_INT_DIV_ZERO);
    CHECK(strcmp(ei.message, ej.message) == 0);
    CHECK_EQ_INT(ei.func, ej.func);
    CHECK(ei.offset == ej.offset);
    if (strcmp(ei.backtrace, ej.backtrace) != 0)
        fprintf(stderr, "  interp:\n%s  jit:\n%s", ei.backtrace, ej.backtrace);
    CHECK(strcmp(ei.backtrace, ej.backtrace) == 0);
    /* B's two functions (the divide inlined into f), then A's two */
    CHECK(strstr(ej.backtrace, "#3") != NULL);
}

/* max_call_depth counts wasm frames only: a chain of host -> wasm
 * re-entries gets as deep in both engines (the JIT bounds depth through the
 * native stack and must not count the host's). */
static zwasm_func_t *reenter_rec;
static zwasm_result_t reenter_host(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                                   zwasm_error_t *err) {
    (void)env;
    zwasm_val_t x = a[0];
    x.of.i32 -= 1;
    if (x.of.i32 <= 0) {
        r[0] = a[0];
        return ZWASM_OK;
    }
    return zwasm_func_call(zwasm_caller_store(c), reenter_rec, &x, 1, r, 1, err);
}

static int deepest_reentry(zwasm_engine_kind_t kind, uint32_t max_depth) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.engine = kind;
    cfg.max_call_depth = max_depth;
    zwasm_engine_t *e = zwasm_engine_new(&cfg);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_module_t *m = test_wat_module(e,
        "(module (import \"e\" \"h\" (func $h (param i32) (result i32)))"
        "  (func (export \"rec\") (param i32) (result i32)"
        "    (if (result i32) (i32.le_s (local.get 0) (i32.const 0)) (then (i32.const 0))"
        "      (else (call $h (local.get 0))))))");
    static const uint32_t k[] = {ZWASM_I32};
    zwasm_functype_t ft = {1, 1, k, k};
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(s, &ft, reenter_host, NULL, NULL)};
    zwasm_instance_t *in = NULL;
    zwasm_error_t err;
    int lo = 0;
    if (m && zwasm_instance_new(s, m, &imp, 1, &in, &err) == ZWASM_OK) {
        reenter_rec = export_of(in, "rec");
        int hi = (int)max_depth + 50;
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            zwasm_val_t a = {.kind = ZWASM_I32}, r;
            a.of.i32 = mid;
            if (zwasm_func_call(s, reenter_rec, &a, 1, &r, 1, &err) == ZWASM_OK) lo = mid;
            else hi = mid - 1;
        }
    }
    if (m) zwasm_module_delete(m);
    zwasm_engine_delete(e);
    return lo;
}

TEST(engines_depth_counts_wasm_frames_only) {
    CHECK_EQ_INT(deepest_reentry(ZWASM_ENGINE_INTERP, 100), 100);
    CHECK_EQ_INT(deepest_reentry(ZWASM_ENGINE_JIT, 100), 100);
    /* deeper, the thread's stack binds first, at a point that depends on
     * each engine's C frames (and on the sanitizers) */
}
