/*
 * test_gc.c — the GC heap through the API: allocation-heavy code stays
 * within a store's memory limit, a program that keeps everything alive
 * traps "out of memory" and leaves the store usable, objects passed
 * through the host survive collections, and the collector's pause times
 * are measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zwasm.h"
#include "test.h"

static const char gc_wat[] =
    "(module\n"
    "  (type $node (struct (field $v i32) (field $next (mut (ref null $node)))))\n"
    "  (type $bytes (array (mut i8)))\n"
    "  (import \"env\" \"echo\" (func $echo (param anyref) (result anyref)))\n"
    "  (global $keep (mut (ref null $node)) (ref.null $node))\n"
    "  (func (export \"churn\") (param $n i32) (result i32)\n"
    "    (local $i i32)\n"
    "    (loop $l\n"
    "      (drop (struct.new $node (local.get $i) (ref.null $node)))\n"
    "      (drop (array.new_default $bytes (i32.const 100)))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))\n"
    "    (local.get $i))\n"
    /* a list that only grows: everything stays reachable */
    "  (func (export \"hoard\") (param $n i32) (result i32)\n"
    "    (local $i i32)\n"
    "    (loop $l\n"
    "      (global.set $keep (struct.new $node (local.get $i) (global.get $keep)))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))\n"
    "    (local.get $i))\n"
    "  (func (export \"forget\") (global.set $keep (ref.null $node)))\n"
    /* an object goes out to the host and comes back while others churn */
    "  (func (export \"through_host\") (param $n i32) (result i32)\n"
    "    (local $o (ref null $node)) (local $back anyref) (local $i i32)\n"
    "    (local.set $o (struct.new $node (i32.const 1234) (ref.null $node)))\n"
    "    (local.set $back (call $echo (local.get $o)))\n"
    "    (loop $l\n"
    "      (drop (struct.new $node (local.get $i) (ref.null $node)))\n"
    "      (local.set $i (i32.add (local.get $i) (i32.const 1)))\n"
    "      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))\n"
    "    (i32.add (ref.eq (ref.cast eqref (local.get $back)) (local.get $o))\n"
    "             (struct.get $node $v (ref.cast (ref $node) (local.get $back)))))\n"
    ")\n";

typedef struct echo_env {
    zwasm_store_t *store;
    int calls;
    bool gc_done;
} echo_env;

static zwasm_result_t echo(void *env, zwasm_caller_t *caller, const zwasm_val_t *args, zwasm_val_t *results,
                           zwasm_error_t *err) {
    (void)caller;
    (void)err;
    echo_env *e = env;
    e->calls++;
    /* a collection from the host: the caller's frame keeps its object */
    e->gc_done = zwasm_store_gc(e->store);
    results[0] = args[0];
    return ZWASM_OK;
}

static zwasm_result_t call_i32(zwasm_store_t *s, zwasm_instance_t *inst, const char *name, int32_t arg,
                               int32_t *out, zwasm_error_t *err) {
    zwasm_extern_t f;
    if (!zwasm_instance_export(inst, name, strlen(name), &f)) return ZWASM_ERR_ARG;
    zwasm_val_t a = {.kind = ZWASM_I32, .of.i32 = arg}, r = {0};
    zwasm_result_t rc = zwasm_func_call(s, f.of.func, &a, name[0] == 'f' ? 0 : 1, &r, 1, err);
    if (out) *out = r.of.i32;
    return rc;
}

TEST(gc_bounded_by_the_store_limit) {
    zwasm_error_t err;
    zwasm_engine_t *eng = test_engine_new(NULL);
    zwasm_module_t *m = test_wat_module(eng, gc_wat);
    CHECK(m != NULL);
    zwasm_store_t *s = zwasm_store_new(eng);
    zwasm_store_limits_t lim;
    zwasm_store_get_limits(s, &lim);
    lim.memory_bytes = 24u << 20; /* 24 MiB for the whole store */
    CHECK(zwasm_store_set_limits(s, &lim, &err) == ZWASM_OK);
    echo_env env = {s, 0, false};
    uint32_t anyref_kind = ZWASM_ANYREF;
    zwasm_functype_t ft = {1, 1, &anyref_kind, &anyref_kind};
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(s, &ft, echo, &env, NULL)};
    zwasm_instance_t *inst = NULL;
    CHECK(zwasm_instance_new(s, m, &imp, 1, &inst, &err) == ZWASM_OK);

    /* 3 million short-lived objects (about 400 MB in all) in 24 MiB */
    int32_t r = 0;
    CHECK(call_i32(s, inst, "churn", 1500000, &r, &err) == ZWASM_OK);
    CHECK_EQ_INT(r, 1500000);
    CHECK(zwasm_store_memory_used(s) <= lim.memory_bytes);
    zwasm_gc_stats_t st;
    zwasm_store_gc_stats(s, &st);
    CHECK(st.collections > 10);
    CHECK(st.heap_bytes <= lim.memory_bytes);
    printf("  gc churn: %llu collections, max pause %.3f ms, mean %.3f ms, heap %llu KiB\n",
           (unsigned long long)st.collections, st.max_pause_ns / 1e6,
           st.collections ? st.total_pause_ns / 1e6 / (double)st.collections : 0.0,
           (unsigned long long)(st.heap_bytes >> 10));

    /* an object through the host survives the collections that follow */
    CHECK(call_i32(s, inst, "through_host", 300000, &r, &err) == ZWASM_OK);
    CHECK_EQ_INT(r, 1235);
    CHECK_EQ_INT(env.calls, 1);
    CHECK(env.gc_done);

    /* keeping everything: a trap, not a crash, and the store goes on */
    zwasm_result_t rc = call_i32(s, inst, "hoard", 100000000, &r, &err);
    CHECK_EQ_INT(rc, ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_OUT_OF_MEMORY);
    CHECK(zwasm_store_memory_used(s) <= lim.memory_bytes);
    CHECK(call_i32(s, inst, "forget", 0, NULL, &err) == ZWASM_OK);
    CHECK(zwasm_store_gc(s));
    zwasm_store_gc_stats(s, &st);
    CHECK(st.live_bytes < (1u << 20));
    CHECK(call_i32(s, inst, "churn", 100000, &r, &err) == ZWASM_OK);
    CHECK_EQ_INT(r, 100000);

    zwasm_store_delete(s);
    zwasm_module_delete(m);
    zwasm_engine_delete(eng);
}

/* ---- precise stack roots ------------------------------------------------------------ */
static const char roots_wat[] =
    "(module\n"
    "  (type $node (struct (field $v i32) (field $next (ref null $node))))\n"
    "  (type $big (array (mut i8)))\n"
    "  (import \"env\" \"collect\" (func $collect))\n"
    "  (import \"env\" \"reenter\" (func $reenter (param i32)))\n"
    "  (import \"env\" \"hold\" (func $hold (param anyref) (result anyref)))\n"
    "  (func $churn (export \"churn\") (param $n i32)\n"
    "    (loop $l\n"
    "      (drop (array.new_default $big (i32.const 65536)))\n"
    "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))\n"
    /* a 4 MB array whose local is never read again: not a root */
    "  (func (export \"dead\") (result i32)\n"
    "    (local $x (ref null $big))\n"
    "    (local.set $x (array.new_default $big (i32.const 4000000)))\n"
    "    (call $collect)\n"
    "    (i32.const 1))\n"
    "  (func (export \"make\") (result anyref) (array.new_default $big (i32.const 4000000)))\n"
    /* an integer equal to an object's address keeps nothing alive */
    "  (func (export \"as_int\") (param $addr i64) (result i64)\n"
    "    (call $collect)\n"
    "    (local.get $addr))\n"
    /* nor one in an exception's payload */
    "  (tag $num (param i64))\n"
    "  (global $kept (mut exnref) (ref.null exn))\n"
    "  (func (export \"exn_int\") (param $addr i64)\n"
    "    (global.set $kept (block $c (result exnref)\n"
    "      (try_table (catch_all_ref $c) (throw $num (local.get $addr))) (unreachable)))\n"
    "    (call $collect))\n"
    /* a reference in a frame below a host function that re-enters wasm
     * (which collects), and below one that collects itself */
    "  (func (export \"outer\") (result i32)\n"
    "    (local $o (ref null $node))\n"
    "    (local.set $o (struct.new $node (i32.const 4321) (ref.null $node)))\n"
    "    (call $reenter (i32.const 300))\n"
    "    (call $collect)\n"
    "    (struct.get $node $v (local.get $o)))\n"
    /* the only reference is the host function's argument */
    "  (func (export \"arg_only\") (result i32)\n"
    "    (struct.get $node $v (ref.cast (ref $node)\n"
    "      (call $hold (struct.new $node (i32.const 99) (ref.null $node))))))\n"
    ")\n";

typedef struct roots_env {
    zwasm_store_t *store;
    zwasm_instance_t *inst;
    uint64_t live_after;   /* live_bytes after the last collect */
    bool arg_survived;
} roots_env;

static zwasm_result_t h_collect(void *env, zwasm_caller_t *caller, const zwasm_val_t *args, zwasm_val_t *results,
                                zwasm_error_t *err) {
    roots_env *e = env;
    if (!zwasm_store_gc(e->store)) return ZWASM_ERR_ARG;
    zwasm_gc_stats_t st;
    zwasm_store_gc_stats(e->store, &st);
    e->live_after = st.live_bytes;
    return ZWASM_OK;
}

static zwasm_result_t h_reenter(void *env, zwasm_caller_t *caller, const zwasm_val_t *args, zwasm_val_t *results,
                                zwasm_error_t *err) {
    roots_env *e = env;
    zwasm_extern_t f;
    if (!zwasm_instance_export(e->inst, "churn", 5, &f)) return ZWASM_ERR_ARG;
    return zwasm_func_call(e->store, f.of.func, args, 1, NULL, 0, err);
}

static zwasm_result_t h_hold(void *env, zwasm_caller_t *caller, const zwasm_val_t *args, zwasm_val_t *results,
                             zwasm_error_t *err) {
    roots_env *e = env;
    if (!zwasm_store_gc(e->store)) return ZWASM_ERR_ARG;
    e->arg_survived = zwasm_anyref_kind(args[0].of.anyref) == ZWASM_ANYREF_STRUCT;
    results[0] = args[0];
    return ZWASM_OK;
}

static zwasm_result_t call_export(roots_env *e, const char *name, const zwasm_val_t *a, size_t na, zwasm_val_t *r,
                                  zwasm_error_t *err) {
    zwasm_extern_t f;
    if (!zwasm_instance_export(e->inst, name, strlen(name), &f)) return ZWASM_ERR_ARG;
    return zwasm_func_call(e->store, f.of.func, a, na, r, 1, err);
}

/* The collector takes from a frame exactly the references live in it:
 * dead slots and integers keep nothing (a conservative scan of the value
 * stack kept both), while frames below host functions, across re-entries,
 * and a host function's arguments keep theirs. */
TEST(gc_precise_stack_roots) {
    zwasm_error_t err;
    zwasm_engine_t *eng = test_engine_new(NULL);
    zwasm_module_t *m = test_wat_module(eng, roots_wat);
    CHECK(m != NULL);
    zwasm_store_t *s = zwasm_store_new(eng);
    roots_env env = {s, NULL, 0, false};
    uint32_t i32k = ZWASM_I32, anyk = ZWASM_ANYREF;
    zwasm_functype_t t_none = {0, 0, NULL, NULL}, t_i32 = {1, 0, &i32k, NULL}, t_any = {1, 1, &anyk, &anyk};
    zwasm_extern_t imps[3] = {
        {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(s, &t_none, h_collect, &env, NULL)},
        {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(s, &t_i32, h_reenter, &env, NULL)},
        {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(s, &t_any, h_hold, &env, NULL)},
    };
    CHECK(zwasm_instance_new(s, m, imps, 3, &env.inst, &err) == ZWASM_OK);
    zwasm_val_t r = {0};

    CHECK(call_export(&env, "dead", NULL, 0, &r, &err) == ZWASM_OK);
    CHECK(env.live_after < (1u << 20));

    CHECK(call_export(&env, "make", NULL, 0, &r, &err) == ZWASM_OK);
    CHECK_EQ_INT(zwasm_anyref_kind(r.of.anyref), ZWASM_ANYREF_ARRAY);
    zwasm_val_t a = {.kind = ZWASM_I64, .of.i64 = (int64_t)(uintptr_t)r.of.anyref};
    CHECK(call_export(&env, "as_int", &a, 1, &r, &err) == ZWASM_OK);
    CHECK(env.live_after < (1u << 20));

    CHECK(call_export(&env, "make", NULL, 0, &r, &err) == ZWASM_OK);
    a.of.i64 = (int64_t)(uintptr_t)r.of.anyref;
    zwasm_extern_t exn_int;
    CHECK(zwasm_instance_export(env.inst, "exn_int", 7, &exn_int));
    CHECK(zwasm_func_call(s, exn_int.of.func, &a, 1, NULL, 0, &err) == ZWASM_OK);
    CHECK(env.live_after < (1u << 20));

    zwasm_gc_stats_t st0, st1;
    zwasm_store_gc_stats(s, &st0);
    CHECK(call_export(&env, "outer", NULL, 0, &r, &err) == ZWASM_OK);
    CHECK_EQ_INT(r.of.i32, 4321);
    zwasm_store_gc_stats(s, &st1);
    CHECK(st1.collections > st0.collections + 1); /* in the re-entry, and the host's */
    CHECK(st1.frames > st0.frames);

    CHECK(call_export(&env, "arg_only", NULL, 0, &r, &err) == ZWASM_OK);
    CHECK_EQ_INT(r.of.i32, 99);
    CHECK(env.arg_survived);

    zwasm_store_delete(s);
    zwasm_module_delete(m);
    zwasm_engine_delete(eng);
}
