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
    bool gc_refused;
} echo_env;

static zwasm_result_t echo(void *env, zwasm_caller_t *caller, const zwasm_val_t *args, zwasm_val_t *results,
                           zwasm_error_t *err) {
    (void)caller;
    (void)err;
    echo_env *e = env;
    e->calls++;
    /* no collection from the host while wasm frames are live */
    e->gc_refused = !zwasm_store_gc(e->store);
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
    uint8_t *bin = NULL;
    size_t len = 0;
    zwasm_error_t err;
    CHECK(zwasm_wat2wasm(gc_wat, sizeof gc_wat - 1, &bin, &len, &err) == ZWASM_OK);
    zwasm_engine_t *eng = test_engine_new(NULL);
    zwasm_module_t *m = NULL;
    CHECK(zwasm_module_new(eng, bin, len, &m, &err) == ZWASM_OK);
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
    CHECK(env.gc_refused);

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
    zwasm_bytes_delete(bin);
}
