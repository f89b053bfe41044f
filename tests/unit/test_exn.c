/*
 * test_exn.c — exception handling through the API, on the engine under
 * test: an exception escaping to the host with its tag and payload (v128
 * included), a host function throwing into wasm (zwasm_caller_throw), an
 * exception thrown by wasm through a host function that called back into
 * wasm, exnref values handed to the host and back, refusals (an exception
 * of another store, a host function throwing garbage), traps that handlers
 * do not catch, throws at the call depth limit, and the store's memory
 * limit bounding kept exceptions.
 */
#include <stdio.h>
#include <string.h>

#include "zwasm.h"
#include "test.h"

typedef struct {
    zwasm_engine_t *engine;
    zwasm_store_t *store;
    zwasm_module_t *module;
    zwasm_instance_t *inst;
} fixture;

static const char *const exn_wat =
    "(module\n"
    "  (import \"env\" \"host_tag\" (tag $h (param i64)))\n"
    "  (import \"env\" \"host_throw\" (func $host_throw (param i64)))\n"
    "  (import \"env\" \"host_reenter\" (func $host_reenter (param i32) (result i32)))\n"
    "  (tag $t (export \"t\") (param i32 f64 v128))\n"
    "  (tag $e (export \"e\") (param i32))\n"
    "  (func (export \"throw\") (param i32)\n"
    "    (throw $t (local.get 0) (f64.const 2.5) (v128.const i32x4 1 2 3 4)))\n"
    "  (func (export \"catch_host\") (param i64) (result i64)\n"
    "    (block $c (result i64)\n"
    "      (try_table (catch $h $c) (call $host_throw (local.get 0)))\n"
    "      (i64.const -1))\n"
    "    (i64.const 1) (i64.add))\n"
    "  ;; wasm -> host -> wasm (throws $e) -> back through the host -> caught here\n"
    "  (func (export \"inner\") (param i32) (result i32)\n"
    "    (if (local.get 0) (then (throw $e (local.get 0)))) (i32.const 0))\n"
    "  (func (export \"through_host\") (param i32) (result i32)\n"
    "    (block $c (result i32)\n"
    "      (try_table (catch $e $c) (return (call $host_reenter (local.get 0))))\n"
    "      (unreachable))\n"
    "    (i32.const 100) (i32.add))\n"
    "  (func (export \"catch_ref\") (param i32) (result exnref)\n"
    "    (block $c (result exnref)\n"
    "      (try_table (catch_all_ref $c) (throw $e (local.get 0)))\n"
    "      (unreachable)))\n"
    "  (func (export \"rethrow\") (param exnref) (throw_ref (local.get 0)))\n"
    "  (func $rec (param i32)\n"
    "    (if (local.get 0) (then (call $rec (i32.sub (local.get 0) (i32.const 1))))\n"
    "      (else (throw $e (i32.const 77)))))\n"
    "  (func (export \"deep\") (param i32) (result i32)\n"
    "    (block $c (result i32)\n"
    "      (try_table (catch $e $c) (call $rec (local.get 0)))\n"
    "      (i32.const 0)))\n"
    "  (func $forever (param i32) (call $forever (local.get 0)))\n"
    "  (func (export \"exhaust\") (result i32)\n"
    "    (block $c (try_table (catch_all $c) (call $forever (i32.const 0)))) (i32.const 1))\n"
    "  (global $keep (mut exnref) (ref.null exn))\n"
    "  (tag $link (param exnref))\n"
    "  ;; each exception holds the one before: all of them stay reachable\n"
    "  (func (export \"keep_many\") (param i32)\n"
    "    (loop $l\n"
    "      (block $c (result exnref)\n"
    "        (try_table (catch_all_ref $c) (throw $link (global.get $keep)))\n"
    "        (unreachable))\n"
    "      (global.set $keep)\n"
    "      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))\n"
    "      (br_if $l (local.get 0))))\n"
    "  ;; each exception replaces the last: garbage, collected\n"
    "  (func (export \"drop_many\") (param i32)\n"
    "    (global.set $keep (ref.null exn))\n"
    "    (loop $l\n"
    "      (block $c (result exnref)\n"
    "        (try_table (catch_all_ref $c) (throw $e (local.get 0)))\n"
    "        (unreachable))\n"
    "      (global.set $keep)\n"
    "      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))\n"
    "      (br_if $l (local.get 0))))\n"
    ")\n";

static zwasm_tag_t *g_host_tag; /* the tag the host functions throw (set per fixture) */
static zwasm_func_t *g_inner;   /* the export host_reenter calls */

static zwasm_result_t host_throw(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                                 zwasm_val_t *results, zwasm_error_t *err) {
    (void)env;
    (void)results;
    zwasm_val_t v = {.kind = ZWASM_I64, .of.i64 = args[0].of.i64 * 2};
    return zwasm_caller_throw(caller, g_host_tag, &v, 1, err);
}

static zwasm_result_t host_reenter(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                                   zwasm_val_t *results, zwasm_error_t *err) {
    (void)env;
    zwasm_val_t r;
    zwasm_result_t rc = zwasm_func_call(zwasm_caller_store(caller), g_inner, args, 1, &r, 1, err);
    if (rc != ZWASM_OK) return rc; /* an exception goes on into the caller as it is */
    results[0] = r;
    return ZWASM_OK;
}

static bool fixture_new(fixture *fx, const zwasm_config_t *cfg) {
    memset(fx, 0, sizeof *fx);
    uint8_t *wasm;
    size_t len;
    zwasm_error_t err;
    if (zwasm_wat2wasm(exn_wat, strlen(exn_wat), &wasm, &len, &err) != ZWASM_OK) {
        fprintf(stderr, "  wat2wasm: %s\n", err.message);
        return false;
    }
    fx->engine = test_engine_new(cfg);
    fx->store = zwasm_store_new(fx->engine);
    zwasm_result_t r = zwasm_module_new(fx->engine, wasm, len, &fx->module, &err);
    zwasm_bytes_delete(wasm);
    if (r != ZWASM_OK) {
        fprintf(stderr, "  module_new: %s\n", err.message);
        return false;
    }
    uint32_t p_i64[1] = {ZWASM_I64}, p_i32[1] = {ZWASM_I32};
    zwasm_functype_t tt = {1, 0, p_i64, NULL}, ft = {1, 0, p_i64, NULL}, rt = {1, 1, p_i32, p_i32};
    g_host_tag = zwasm_tag_new(fx->store, &tt);
    zwasm_extern_t imps[3] = {
        {.kind = ZWASM_EXTERN_TAG, .of.tag = g_host_tag},
        {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(fx->store, &ft, host_throw, NULL, NULL)},
        {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(fx->store, &rt, host_reenter, NULL, NULL)},
    };
    if (!g_host_tag || !imps[1].of.func || !imps[2].of.func) return false;
    r = zwasm_instance_new(fx->store, fx->module, imps, 3, &fx->inst, &err);
    if (r != ZWASM_OK) {
        fprintf(stderr, "  instance_new: %s\n", err.message);
        return false;
    }
    zwasm_extern_t x;
    if (!zwasm_instance_export(fx->inst, "inner", 5, &x)) return false;
    g_inner = x.of.func;
    return true;
}

static void fixture_free(fixture *fx) {
    zwasm_store_delete(fx->store);
    zwasm_module_delete(fx->module);
    zwasm_engine_delete(fx->engine);
}

static zwasm_func_t *func(fixture *fx, const char *name) {
    zwasm_extern_t x;
    return zwasm_instance_export(fx->inst, name, strlen(name), &x) && x.kind == ZWASM_EXTERN_FUNC ? x.of.func : NULL;
}

TEST(exn_escapes_to_host_with_tag_and_payload) {
    fixture fx;
    if (!fixture_new(&fx, NULL)) {
        CHECK(false);
        fixture_free(&fx);
        return;
    }
    zwasm_extern_t tx;
    CHECK(zwasm_instance_export(fx.inst, "t", 1, &tx) && tx.kind == ZWASM_EXTERN_TAG);
    zwasm_functype_t ty;
    zwasm_tag_type(tx.of.tag, &ty);
    CHECK_EQ_INT(ty.nparams, 3);
    CHECK_EQ_INT(ty.nresults, 0);
    zwasm_val_t arg = {.kind = ZWASM_I32, .of.i32 = -5};
    zwasm_error_t err;
    zwasm_result_t r = zwasm_func_call(fx.store, func(&fx, "throw"), &arg, 1, NULL, 0, &err);
    CHECK_EQ_INT(r, ZWASM_ERR_EXCEPTION);
    CHECK(err.code == ZWASM_ERR_EXCEPTION && err.exception != NULL);
    CHECK(zwasm_exn_tag(fx.store, err.exception) == tx.of.tag);
    zwasm_val_t pay[3];
    CHECK_EQ_INT(zwasm_exn_payload(fx.store, err.exception, pay, 3), 3);
    CHECK(pay[0].kind == ZWASM_I32 && pay[0].of.i32 == -5);
    CHECK(pay[1].kind == ZWASM_F64 && pay[1].of.f64 == 2.5);
    uint32_t lanes[4];
    memcpy(lanes, pay[2].of.v128, 16);
    CHECK(pay[2].kind == ZWASM_V128 && lanes[0] == 1 && lanes[3] == 4);
    CHECK(strstr(zwasm_result_name(r), "exception") != NULL);
    fixture_free(&fx);
}

TEST(exn_host_throws_into_wasm) {
    fixture fx;
    if (!fixture_new(&fx, NULL)) {
        CHECK(false);
        fixture_free(&fx);
        return;
    }
    zwasm_val_t arg = {.kind = ZWASM_I64, .of.i64 = 20}, res;
    zwasm_error_t err;
    zwasm_result_t r = zwasm_func_call(fx.store, func(&fx, "catch_host"), &arg, 1, &res, 1, &err);
    CHECK_EQ_INT(r, ZWASM_OK);
    CHECK(res.kind == ZWASM_I64 && res.of.i64 == 41);
    /* wasm throws in a call the host made from wasm: through the host frame */
    zwasm_val_t a2 = {.kind = ZWASM_I32, .of.i32 = 6};
    r = zwasm_func_call(fx.store, func(&fx, "through_host"), &a2, 1, &res, 1, &err);
    CHECK_EQ_INT(r, ZWASM_OK);
    CHECK(res.kind == ZWASM_I32 && res.of.i32 == 106);
    a2.of.i32 = 0;
    r = zwasm_func_call(fx.store, func(&fx, "through_host"), &a2, 1, &res, 1, &err);
    CHECK(r == ZWASM_OK && res.of.i32 == 0);
    fixture_free(&fx);
}

TEST(exn_exnref_through_the_host) {
    fixture fx, other;
    if (!fixture_new(&fx, NULL) || !fixture_new(&other, NULL)) {
        CHECK(false);
        fixture_free(&fx);
        return;
    }
    zwasm_val_t arg = {.kind = ZWASM_I32, .of.i32 = 9}, ref;
    zwasm_error_t err;
    zwasm_result_t r = zwasm_func_call(fx.store, func(&fx, "catch_ref"), &arg, 1, &ref, 1, &err);
    CHECK_EQ_INT(r, ZWASM_OK);
    CHECK(ref.kind == ZWASM_EXNREF && ref.of.exnref != NULL);
    zwasm_val_t pay;
    CHECK_EQ_INT(zwasm_exn_payload(fx.store, ref.of.exnref, &pay, 1), 1);
    CHECK(pay.of.i32 == 9);
    /* rethrown by wasm, it escapes again as the same exception */
    r = zwasm_func_call(fx.store, func(&fx, "rethrow"), &ref, 1, NULL, 0, &err);
    CHECK_EQ_INT(r, ZWASM_ERR_EXCEPTION);
    CHECK(err.exception == ref.of.exnref);
    /* a null exnref traps */
    zwasm_val_t null = {.kind = ZWASM_EXNREF};
    r = zwasm_func_call(fx.store, func(&fx, "rethrow"), &null, 1, NULL, 0, &err);
    CHECK(r == ZWASM_ERR_TRAP && err.trap == ZWASM_TRAP_NULL_REFERENCE);
    /* an exception of another store is refused, here and in its accessors */
    r = zwasm_func_call(other.store, func(&other, "rethrow"), &ref, 1, NULL, 0, &err);
    CHECK_EQ_INT(r, ZWASM_ERR_ARG);
    CHECK(zwasm_exn_tag(other.store, ref.of.exnref) == NULL);
    CHECK_EQ_INT(zwasm_exn_payload(other.store, ref.of.exnref, &pay, 1), 0);
    /* the host makes one itself: a tag of another store is refused */
    zwasm_exn_t *e = NULL;
    zwasm_val_t v = {.kind = ZWASM_I64, .of.i64 = 1};
    CHECK_EQ_INT(zwasm_exn_new(other.store, g_host_tag, &v, 1, &e, &err), ZWASM_OK);
    zwasm_extern_t tx;
    CHECK(zwasm_instance_export(fx.inst, "e", 1, &tx));
    CHECK_EQ_INT(zwasm_exn_new(other.store, tx.of.tag, &arg, 1, &e, &err), ZWASM_ERR_ARG);
    CHECK_EQ_INT(zwasm_exn_new(fx.store, tx.of.tag, &v, 1, &e, &err), ZWASM_ERR_ARG); /* wrong kind */
    fixture_free(&other);
    fixture_free(&fx);
}

TEST(exn_traps_are_not_caught_and_depth_limits_hold) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.max_call_depth = 500;
    fixture fx;
    if (!fixture_new(&fx, &cfg)) {
        CHECK(false);
        fixture_free(&fx);
        return;
    }
    zwasm_error_t err;
    zwasm_val_t res, arg = {.kind = ZWASM_I32, .of.i32 = 480};
    /* thrown near the depth limit, caught at the bottom */
    zwasm_result_t r = zwasm_func_call(fx.store, func(&fx, "deep"), &arg, 1, &res, 1, &err);
    CHECK_EQ_INT(r, ZWASM_OK);
    CHECK(res.of.i32 == 77);
    arg.of.i32 = 600;
    r = zwasm_func_call(fx.store, func(&fx, "deep"), &arg, 1, &res, 1, &err);
    CHECK(r == ZWASM_ERR_TRAP && err.trap == ZWASM_TRAP_STACK_EXHAUSTED);
    /* catch_all does not catch a trap */
    r = zwasm_func_call(fx.store, func(&fx, "exhaust"), NULL, 0, &res, 1, &err);
    CHECK(r == ZWASM_ERR_TRAP && err.trap == ZWASM_TRAP_STACK_EXHAUSTED);
    /* and everything still works after */
    arg.of.i32 = 10;
    r = zwasm_func_call(fx.store, func(&fx, "deep"), &arg, 1, &res, 1, &err);
    CHECK(r == ZWASM_OK && res.of.i32 == 77);
    fixture_free(&fx);
}

TEST(exn_kept_exceptions_count_against_the_memory_limit) {
    fixture fx;
    if (!fixture_new(&fx, NULL)) {
        CHECK(false);
        fixture_free(&fx);
        return;
    }
    zwasm_store_limits_t lim;
    zwasm_store_get_limits(fx.store, &lim);
    lim.memory_bytes = zwasm_store_memory_used(fx.store) + 64 * 1024;
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_store_set_limits(fx.store, &lim, &err), ZWASM_OK);
    zwasm_val_t arg = {.kind = ZWASM_I32, .of.i32 = 100};
    CHECK_EQ_INT(zwasm_func_call(fx.store, func(&fx, "keep_many"), &arg, 1, NULL, 0, &err), ZWASM_OK);
    arg.of.i32 = 100000;
    zwasm_result_t r = zwasm_func_call(fx.store, func(&fx, "keep_many"), &arg, 1, NULL, 0, &err);
    CHECK_EQ_INT(r, ZWASM_ERR_LIMIT);
    CHECK(strstr(err.message, "memory limit") != NULL);
    /* garbage ones do not: the limit makes the store collect them */
    CHECK_EQ_INT(zwasm_func_call(fx.store, func(&fx, "drop_many"), &arg, 1, NULL, 0, &err), ZWASM_OK);
    fixture_free(&fx);
}

TEST(exn_host_throwing_garbage_traps) {
    fixture fx;
    if (!fixture_new(&fx, NULL)) {
        CHECK(false);
        fixture_free(&fx);
        return;
    }
    /* a tag of another store makes zwasm_caller_throw fail: that error traps */
    zwasm_store_t *s2 = zwasm_store_new(fx.engine);
    uint32_t p_i64[1] = {ZWASM_I64};
    zwasm_functype_t tt = {1, 0, p_i64, NULL};
    zwasm_tag_t *keep = g_host_tag;
    g_host_tag = zwasm_tag_new(s2, &tt);
    zwasm_val_t arg = {.kind = ZWASM_I64, .of.i64 = 1}, res;
    zwasm_error_t err;
    zwasm_result_t r = zwasm_func_call(fx.store, func(&fx, "catch_host"), &arg, 1, &res, 1, &err);
    CHECK(r == ZWASM_ERR_TRAP && err.trap == ZWASM_TRAP_HOST);
    g_host_tag = keep;
    zwasm_store_delete(s2);
    fixture_free(&fx);
}
