/*
 * test_api.c — unit tests of the runtime and the public C API: module
 * introspection, instantiation and linking (host functions, other
 * instances' exports, link errors), segments, memories, tables, globals,
 * calls with argument checking, and value/slot conversions.
 *
 * The test modules are binaries produced once by `wat2wasm --debug-names`
 * from the WAT shown above each array.
 */
#include <stdio.h>
#include <string.h>

#include "zwasm.h"
#include "runtime/runtime.h"
#include "test.h"

/*
 * (module
 *   (import "env" "add3" (func $add3 (param i32 i64) (result i64)))
 *   (import "env" "mem" (memory 1 2))
 *   (import "env" "tab" (table 2 funcref))
 *   (import "env" "g" (global $g (mut i32)))
 *   (func $call_add3 (export "call_add3") (param i32 i64) (result i64)
 *     local.get 0 local.get 1 call $add3)
 *   (func $load (export "load") (param i32) (result i32) local.get 0 i32.load)
 *   (func $bump (export "bump") (result i32)
 *     global.get $g i32.const 1 i32.add global.set $g global.get $g)
 *   (global (export "gi") i64 (i64.const 42))
 *   (global (export "gm") (mut f32) (f32.const 1.5))
 *   (export "mem2" (memory 0)))
 */
static const uint8_t wasm_a[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x10, 0x03, 0x60,
    0x02, 0x7f, 0x7e, 0x01, 0x7e, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x00,
    0x01, 0x7f, 0x02, 0x2d, 0x04, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x61, 0x64,
    0x64, 0x33, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d,
    0x02, 0x01, 0x01, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x74, 0x61, 0x62,
    0x01, 0x70, 0x00, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x67, 0x03, 0x7f,
    0x01, 0x03, 0x04, 0x03, 0x00, 0x01, 0x02, 0x06, 0x0e, 0x02, 0x7e, 0x00,
    0x42, 0x2a, 0x0b, 0x7d, 0x01, 0x43, 0x00, 0x00, 0xc0, 0x3f, 0x0b, 0x07,
    0x2c, 0x06, 0x09, 0x63, 0x61, 0x6c, 0x6c, 0x5f, 0x61, 0x64, 0x64, 0x33,
    0x00, 0x01, 0x04, 0x6c, 0x6f, 0x61, 0x64, 0x00, 0x02, 0x04, 0x62, 0x75,
    0x6d, 0x70, 0x00, 0x03, 0x02, 0x67, 0x69, 0x03, 0x01, 0x02, 0x67, 0x6d,
    0x03, 0x02, 0x04, 0x6d, 0x65, 0x6d, 0x32, 0x02, 0x00, 0x0a, 0x1e, 0x03,
    0x08, 0x00, 0x20, 0x00, 0x20, 0x01, 0x10, 0x00, 0x0b, 0x07, 0x00, 0x20,
    0x00, 0x28, 0x02, 0x00, 0x0b, 0x0b, 0x00, 0x23, 0x00, 0x41, 0x01, 0x6a,
    0x24, 0x00, 0x23, 0x00, 0x0b, 0x00, 0x36, 0x04, 0x6e, 0x61, 0x6d, 0x65,
    0x01, 0x1e, 0x04, 0x00, 0x04, 0x61, 0x64, 0x64, 0x33, 0x01, 0x09, 0x63,
    0x61, 0x6c, 0x6c, 0x5f, 0x61, 0x64, 0x64, 0x33, 0x02, 0x04, 0x6c, 0x6f,
    0x61, 0x64, 0x03, 0x04, 0x62, 0x75, 0x6d, 0x70, 0x02, 0x09, 0x04, 0x00,
    0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x07, 0x04, 0x01, 0x00, 0x01,
    0x67,
};

/*
 * (module
 *   (memory (export "mem") 1 4)
 *   (table (export "tab") 3 10 funcref)
 *   (global (export "g") (mut i32) (i32.const 7))
 *   (global (export "gc") i32 (i32.const 5))
 *   (func $f (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add)
 *   (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
 *   (func (export "v") (param v128 f64) (result v128 f64) local.get 0 local.get 1)
 *   (elem (i32.const 1) $f)
 *   (data (i32.const 16) "hello"))
 */
static const uint8_t wasm_b[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x0d, 0x02, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7b, 0x7c, 0x02, 0x7b, 0x7c, 0x03,
    0x04, 0x03, 0x00, 0x00, 0x01, 0x04, 0x05, 0x01, 0x70, 0x01, 0x03, 0x0a,
    0x05, 0x04, 0x01, 0x01, 0x01, 0x04, 0x06, 0x0b, 0x02, 0x7f, 0x01, 0x41,
    0x07, 0x0b, 0x7f, 0x00, 0x41, 0x05, 0x0b, 0x07, 0x25, 0x07, 0x03, 0x6d,
    0x65, 0x6d, 0x02, 0x00, 0x03, 0x74, 0x61, 0x62, 0x01, 0x00, 0x01, 0x67,
    0x03, 0x00, 0x02, 0x67, 0x63, 0x03, 0x01, 0x01, 0x66, 0x00, 0x00, 0x04,
    0x67, 0x72, 0x6f, 0x77, 0x00, 0x01, 0x01, 0x76, 0x00, 0x02, 0x09, 0x07,
    0x01, 0x00, 0x41, 0x01, 0x0b, 0x01, 0x00, 0x0a, 0x17, 0x03, 0x07, 0x00,
    0x20, 0x00, 0x41, 0x01, 0x6a, 0x0b, 0x06, 0x00, 0x20, 0x00, 0x40, 0x00,
    0x0b, 0x06, 0x00, 0x20, 0x00, 0x20, 0x01, 0x0b, 0x0b, 0x0b, 0x01, 0x00,
    0x41, 0x10, 0x0b, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x14, 0x04,
    0x6e, 0x61, 0x6d, 0x65, 0x01, 0x04, 0x01, 0x00, 0x01, 0x66, 0x02, 0x07,
    0x03, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00,
};

/*
 * (module
 *   (import "env" "tab" (table 1 funcref))
 *   (import "env" "mem" (memory 1))
 *   (func $h)
 *   (elem (i32.const 0) $h)
 *   (data (i32.const 0) "ok")
 *   (data (i32.const 65530) "0123456789"))
 */
static const uint8_t wasm_c[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
    0x00, 0x00, 0x02, 0x18, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x74, 0x61,
    0x62, 0x01, 0x70, 0x00, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65,
    0x6d, 0x02, 0x00, 0x01, 0x03, 0x02, 0x01, 0x00, 0x09, 0x07, 0x01, 0x00,
    0x41, 0x00, 0x0b, 0x01, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b, 0x0b,
    0x19, 0x02, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x6f, 0x6b, 0x00, 0x41, 0xfa,
    0xff, 0x03, 0x0b, 0x0a, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
    0x38, 0x39, 0x00, 0x10, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x04, 0x01,
    0x00, 0x01, 0x68, 0x02, 0x03, 0x01, 0x00, 0x00,
};

/*
 * (module
 *   (import "env" "log" (func $log (param i32)))
 *   (global $n (export "n") (mut i32) (i32.const 0))
 *   (func $start (call $log (i32.const 99)) (global.set $n (i32.const 123)))
 *   (start $start))
 */
static const uint8_t wasm_d[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60,
    0x01, 0x7f, 0x00, 0x60, 0x00, 0x00, 0x02, 0x0b, 0x01, 0x03, 0x65, 0x6e,
    0x76, 0x03, 0x6c, 0x6f, 0x67, 0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x06,
    0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b, 0x07, 0x05, 0x01, 0x01, 0x6e,
    0x03, 0x00, 0x08, 0x01, 0x01, 0x0a, 0x0e, 0x01, 0x0c, 0x00, 0x41, 0xe3,
    0x00, 0x10, 0x00, 0x41, 0xfb, 0x00, 0x24, 0x00, 0x0b, 0x00, 0x21, 0x04,
    0x6e, 0x61, 0x6d, 0x65, 0x01, 0x0d, 0x02, 0x00, 0x03, 0x6c, 0x6f, 0x67,
    0x01, 0x05, 0x73, 0x74, 0x61, 0x72, 0x74, 0x02, 0x05, 0x02, 0x00, 0x00,
    0x01, 0x00, 0x07, 0x04, 0x01, 0x00, 0x01, 0x6e,
};

/*
 * (module
 *   (import "env" "base" (global $base i32))
 *   (table 4 funcref)
 *   (memory 1)
 *   (func $a) (func $b)
 *   (global $gr (export "gr") funcref (ref.func $a))
 *   (global $gb (export "gb") i32 (global.get $base))
 *   (global $gv (export "gv") v128 (v128.const i32x4 1 2 3 4))
 *   (elem $p funcref (ref.func $b) (ref.null func))
 *   (elem declare func $a)
 *   (elem (i32.const 2) func $a $b)
 *   (data $dp "abc")
 *   (data (global.get $base) "xy")
 *   (export "t" (table 0)) (export "m" (memory 0))
 *   (export "a" (func $a)) (export "b" (func $b)))
 */
static const uint8_t wasm_e[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60,
    0x00, 0x00, 0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x04, 0x62, 0x61,
    0x73, 0x65, 0x03, 0x7f, 0x00, 0x03, 0x03, 0x02, 0x00, 0x00, 0x04, 0x04,
    0x01, 0x70, 0x00, 0x04, 0x05, 0x03, 0x01, 0x00, 0x01, 0x06, 0x20, 0x03,
    0x70, 0x00, 0xd2, 0x00, 0x0b, 0x7f, 0x00, 0x23, 0x00, 0x0b, 0x7b, 0x00,
    0xfd, 0x0c, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x00,
    0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0b, 0x07, 0x20, 0x07, 0x02, 0x67,
    0x72, 0x03, 0x01, 0x02, 0x67, 0x62, 0x03, 0x02, 0x02, 0x67, 0x76, 0x03,
    0x03, 0x01, 0x74, 0x01, 0x00, 0x01, 0x6d, 0x02, 0x00, 0x01, 0x61, 0x00,
    0x00, 0x01, 0x62, 0x00, 0x01, 0x09, 0x15, 0x03, 0x05, 0x70, 0x02, 0xd2,
    0x01, 0x0b, 0xd0, 0x70, 0x0b, 0x03, 0x00, 0x01, 0x00, 0x00, 0x41, 0x02,
    0x0b, 0x02, 0x00, 0x01, 0x0a, 0x07, 0x02, 0x02, 0x00, 0x0b, 0x02, 0x00,
    0x0b, 0x0b, 0x0d, 0x02, 0x01, 0x03, 0x61, 0x62, 0x63, 0x00, 0x23, 0x00,
    0x0b, 0x02, 0x78, 0x79, 0x00, 0x37, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01,
    0x07, 0x02, 0x00, 0x01, 0x61, 0x01, 0x01, 0x62, 0x02, 0x05, 0x02, 0x00,
    0x00, 0x01, 0x00, 0x07, 0x13, 0x04, 0x00, 0x04, 0x62, 0x61, 0x73, 0x65,
    0x01, 0x02, 0x67, 0x72, 0x02, 0x02, 0x67, 0x62, 0x03, 0x02, 0x67, 0x76,
    0x08, 0x04, 0x01, 0x00, 0x01, 0x70, 0x09, 0x05, 0x01, 0x00, 0x02, 0x64,
    0x70,
};

/* ---- helpers ------------------------------------------------------------------------- */

typedef struct env {
    zwasm_engine_t *engine;
    zwasm_store_t *store;
} env;

static env env_new(void) {
    env e;
    e.engine = test_engine_new(NULL);
    e.store = zwasm_store_new(e.engine);
    return e;
}

static void env_free(env *e) {
    zwasm_store_delete(e->store);
    zwasm_engine_delete(e->engine);
}

static zwasm_module_t *load(env *e, const uint8_t *b, size_t n) {
    zwasm_module_t *m = NULL;
    zwasm_error_t err;
    memset(&err, 0, sizeof err);
    if (zwasm_module_new(e->engine, b, n, &m, &err) != ZWASM_OK) {
        fprintf(stderr, "  module_new: %s\n", err.message);
        return NULL;
    }
    return m;
}

static bool name_is(const char *s, size_t n, const char *want) {
    return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

static zwasm_extern_t get_export(zwasm_instance_t *inst, const char *name) {
    zwasm_extern_t x;
    memset(&x, 0, sizeof x);
    if (!zwasm_instance_export(inst, name, strlen(name), &x)) x.kind = (zwasm_externkind_t)-1;
    return x;
}

static zwasm_val_t vi32(int32_t v) { zwasm_val_t x; memset(&x, 0, sizeof x); x.kind = ZWASM_I32; x.of.i32 = v; return x; }
static zwasm_val_t vi64(int64_t v) { zwasm_val_t x; memset(&x, 0, sizeof x); x.kind = ZWASM_I64; x.of.i64 = v; return x; }
static zwasm_val_t vf32(float v) { zwasm_val_t x; memset(&x, 0, sizeof x); x.kind = ZWASM_F32; x.of.f32 = v; return x; }
static zwasm_val_t vfunc(zwasm_func_t *f) { zwasm_val_t x; memset(&x, 0, sizeof x); x.kind = ZWASM_FUNCREF; x.of.funcref = f; return x; }
static zwasm_val_t vextern(void *p) { zwasm_val_t x; memset(&x, 0, sizeof x); x.kind = ZWASM_EXTERNREF; x.of.externref = p; return x; }

/* Host function env.add3: (i32, i64) -> i64, returns a + b + 3 and counts calls. */
static zwasm_result_t host_add3(void *envp, zwasm_caller_t *caller, const zwasm_val_t *args,
                                zwasm_val_t *results, zwasm_error_t *err) {
    (void)caller; (void)err;
    int *calls = envp;
    (*calls)++;
    results[0] = vi64((int64_t)args[0].of.i32 + args[1].of.i64 + 3);
    return ZWASM_OK;
}

static const uint32_t t_i32_i64[] = {ZWASM_I32, ZWASM_I64};
static const uint32_t t_i64[] = {ZWASM_I64};
static const uint32_t t_i32[] = {ZWASM_I32};

static void count_finalizer(void *p) { (*(int *)p) += 100; }

/* ---- tests ------------------------------------------------------------------------------ */

TEST(api_version_and_names) {
    CHECK(strcmp(zwasm_version(), "0.1.0") == 0);
    CHECK(strcmp(zwasm_result_name(ZWASM_OK), "ok") == 0);
    CHECK(strcmp(zwasm_result_name(ZWASM_ERR_TRAP), "trap") == 0);
    zwasm_config_t c;
    zwasm_config_init(&c);
    CHECK(c.engine == ZWASM_ENGINE_AUTO);
    CHECK_EQ_INT(c.max_call_depth, 100000);
    CHECK(c.stack_bytes == (uint64_t)256 << 20);
    CHECK(!c.trace);
    CHECK(zwasm_store_new(NULL) == NULL);
    zwasm_store_delete(NULL);
    zwasm_engine_delete(NULL);
}

TEST(api_module_errors) {
    env e = env_new();
    zwasm_module_t *m = (zwasm_module_t *)1;
    zwasm_error_t err;
    static const uint8_t junk[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
    CHECK(zwasm_module_new(e.engine, junk, sizeof junk, &m, &err) == ZWASM_ERR_MALFORMED);
    CHECK(m == NULL);
    CHECK(zwasm_module_new(NULL, junk, sizeof junk, &m, &err) == ZWASM_ERR_ARG);
    CHECK(zwasm_module_new(e.engine, NULL, 10, &m, &err) == ZWASM_ERR_ARG);
    CHECK(zwasm_module_new(e.engine, junk, sizeof junk, NULL, &err) == ZWASM_ERR_ARG);
    CHECK(zwasm_module_new(e.engine, NULL, 0, &m, NULL) == ZWASM_ERR_MALFORMED);
    CHECK(zwasm_module_validate(e.engine, wasm_b, sizeof wasm_b, &err) == ZWASM_OK);
    CHECK(zwasm_module_validate(e.engine, junk, sizeof junk, &err) == ZWASM_ERR_MALFORMED);
    /* (func (result i32) i64.const 0): type mismatch */
    static const uint8_t bad[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05,
                                  0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a,
                                  0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b};
    CHECK(zwasm_module_validate(e.engine, bad, sizeof bad, &err) == ZWASM_ERR_INVALID);
    m = NULL;
    CHECK(zwasm_module_new(e.engine, bad, sizeof bad, &m, &err) == ZWASM_ERR_INVALID);
    zwasm_module_delete(m); /* NULL unless the validator missed it */
    /* NULL-tolerant introspection */
    CHECK_EQ_INT(zwasm_module_import_count(NULL), 0);
    CHECK_EQ_INT(zwasm_module_export_count(NULL), 0);
    CHECK(!zwasm_module_import(NULL, 0, NULL));
    zwasm_module_delete(NULL);
    env_free(&e);
}

TEST(api_module_introspection) {
    env e = env_new();
    zwasm_module_t *m = load(&e, wasm_a, sizeof wasm_a);
    CHECK(m != NULL);
    if (!m) { env_free(&e); return; }
    CHECK_EQ_INT(zwasm_module_import_count(m), 4);
    zwasm_importtype_t it;
    CHECK(zwasm_module_import(m, 0, &it));
    CHECK(name_is(it.module, it.module_len, "env") && name_is(it.name, it.name_len, "add3"));
    CHECK(it.type.kind == ZWASM_EXTERN_FUNC);
    CHECK_EQ_INT(it.type.of.func.nparams, 2);
    CHECK_EQ_INT(it.type.of.func.nresults, 1);
    if (it.type.of.func.nparams == 2) {
        CHECK_EQ_INT(it.type.of.func.params[0], ZWASM_I32);
        CHECK_EQ_INT(it.type.of.func.params[1], ZWASM_I64);
        CHECK_EQ_INT(it.type.of.func.results[0], ZWASM_I64);
    }
    CHECK(zwasm_module_import(m, 1, &it));
    CHECK(it.type.kind == ZWASM_EXTERN_MEMORY && name_is(it.name, it.name_len, "mem"));
    CHECK(it.type.of.memory.limits.min == 1 && it.type.of.memory.limits.has_max &&
          it.type.of.memory.limits.max == 2 && !it.type.of.memory.is64);
    CHECK(zwasm_module_import(m, 2, &it));
    CHECK(it.type.kind == ZWASM_EXTERN_TABLE && it.type.of.table.elem == ZWASM_FUNCREF);
    CHECK(it.type.of.table.limits.min == 2 && !it.type.of.table.limits.has_max);
    CHECK(zwasm_module_import(m, 3, &it));
    CHECK(it.type.kind == ZWASM_EXTERN_GLOBAL && it.type.of.global.type == ZWASM_I32 &&
          it.type.of.global.mut);
    CHECK(!zwasm_module_import(m, 4, &it));

    CHECK_EQ_INT(zwasm_module_export_count(m), 6);
    zwasm_exporttype_t et;
    CHECK(zwasm_module_export(m, 0, &et));
    CHECK(name_is(et.name, et.name_len, "call_add3") && et.type.kind == ZWASM_EXTERN_FUNC);
    CHECK_EQ_INT(et.type.of.func.nparams, 2);
    CHECK(zwasm_module_export(m, 3, &et));
    CHECK(name_is(et.name, et.name_len, "gi") && et.type.kind == ZWASM_EXTERN_GLOBAL);
    CHECK(et.type.of.global.type == ZWASM_I64 && !et.type.of.global.mut);
    CHECK(zwasm_module_export(m, 4, &et));
    CHECK(name_is(et.name, et.name_len, "gm") && et.type.of.global.type == ZWASM_F32 &&
          et.type.of.global.mut);
    CHECK(zwasm_module_export(m, 5, &et));
    CHECK(name_is(et.name, et.name_len, "mem2") && et.type.kind == ZWASM_EXTERN_MEMORY);
    CHECK(et.type.of.memory.limits.min == 1 && et.type.of.memory.limits.max == 2);
    CHECK(!zwasm_module_export(m, 6, &et));

    /* wat2wasm --debug-names emitted a "name" section */
    CHECK(zwasm_module_custom_count(m) >= 1);
    const char *cn = NULL;
    size_t cnl = 0;
    const uint8_t *cd = NULL;
    size_t cdl = 0;
    CHECK(zwasm_module_custom(m, 0, &cn, &cnl, &cd, &cdl));
    CHECK(name_is(cn, cnl, "name") && cd && cdl > 0);
    CHECK(!zwasm_module_custom(m, 99, &cn, &cnl, &cd, &cdl));
    zwasm_module_delete(m);
    env_free(&e);
}

TEST(api_instance_exports_segments) {
    env e = env_new();
    zwasm_module_t *m = load(&e, wasm_b, sizeof wasm_b);
    CHECK(m != NULL);
    if (!m) { env_free(&e); return; }
    zwasm_instance_t *inst = NULL;
    zwasm_error_t err;
    CHECK(zwasm_instance_new(e.store, m, NULL, 0, &inst, &err) == ZWASM_OK);
    if (!inst) { zwasm_module_delete(m); env_free(&e); return; }
    CHECK_EQ_INT(zwasm_instance_export_count(inst), 7);
    const char *n;
    size_t nl;
    zwasm_extern_t x;
    CHECK(zwasm_instance_export_nth(inst, 0, &n, &nl, &x));
    CHECK(name_is(n, nl, "mem") && x.kind == ZWASM_EXTERN_MEMORY);
    CHECK(!zwasm_instance_export_nth(inst, 7, &n, &nl, &x));
    CHECK(!zwasm_instance_export(inst, "nope", 4, &x));

    zwasm_memory_t *mem = get_export(inst, "mem").of.memory;
    CHECK_EQ_INT(zwasm_memory_pages(mem), 1);
    CHECK_EQ_INT(zwasm_memory_size(mem), 65536);
    CHECK(memcmp(zwasm_memory_data(mem) + 16, "hello", 5) == 0);
    CHECK(zwasm_memory_data(mem)[15] == 0 && zwasm_memory_data(mem)[21] == 0);
    zwasm_externtype_t t;
    zwasm_memory_type(mem, &t);
    CHECK(t.kind == ZWASM_EXTERN_MEMORY && t.of.memory.limits.min == 1 &&
          t.of.memory.limits.max == 4);

    zwasm_table_t *tab = get_export(inst, "tab").of.table;
    zwasm_func_t *f = get_export(inst, "f").of.func;
    CHECK(f != NULL);
    CHECK_EQ_INT(zwasm_table_size(tab), 3);
    zwasm_val_t v;
    CHECK(zwasm_table_get(tab, 1, &v));
    CHECK(v.kind == ZWASM_FUNCREF && v.of.funcref == f);
    CHECK(zwasm_table_get(tab, 0, &v) && v.of.funcref == NULL);
    CHECK(!zwasm_table_get(tab, 3, &v));

    zwasm_functype_t ft;
    zwasm_func_type(f, &ft);
    CHECK(ft.nparams == 1 && ft.nresults == 1 && ft.params[0] == ZWASM_I32);
    const char *fname = zwasm_func_name(f);
    CHECK(fname && strcmp(fname, "f") == 0);

    zwasm_global_t *g = get_export(inst, "g").of.global;
    zwasm_global_t *gc = get_export(inst, "gc").of.global;
    zwasm_global_get(g, &v);
    CHECK(v.kind == ZWASM_I32 && v.of.i32 == 7);
    CHECK(zwasm_global_set(g, vi32(-9)));
    zwasm_global_get(g, &v);
    CHECK(v.of.i32 == -9);
    CHECK(!zwasm_global_set(g, vi64(1))); /* wrong kind */
    CHECK(!zwasm_global_set(gc, vi32(1))); /* immutable */
    zwasm_global_get(gc, &v);
    CHECK(v.of.i32 == 5);
    zwasm_global_type(gc, &t);
    CHECK(t.kind == ZWASM_EXTERN_GLOBAL && t.of.global.type == ZWASM_I32 && !t.of.global.mut);
    zwasm_module_delete(m);
    env_free(&e);
}

TEST(api_segments_and_const_exprs) {
    env e = env_new();
    zwasm_module_t *m = load(&e, wasm_e, sizeof wasm_e);
    CHECK(m != NULL);
    if (!m) { env_free(&e); return; }
    zwasm_global_t *base = zwasm_global_new(e.store, ZWASM_I32, false, vi32(100));
    CHECK(base != NULL);
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_GLOBAL, .of.global = base};
    zwasm_instance_t *inst = NULL;
    zwasm_error_t err;
    CHECK(zwasm_instance_new(e.store, m, &imp, 1, &inst, &err) == ZWASM_OK);
    if (!inst) { zwasm_module_delete(m); env_free(&e); return; }
    zwasm_func_t *a = get_export(inst, "a").of.func, *b = get_export(inst, "b").of.func;
    zwasm_val_t v;
    zwasm_global_get(get_export(inst, "gr").of.global, &v);
    CHECK(v.kind == ZWASM_FUNCREF && v.of.funcref == a && a != NULL);
    zwasm_global_get(get_export(inst, "gb").of.global, &v);
    CHECK(v.kind == ZWASM_I32 && v.of.i32 == 100);
    zwasm_global_get(get_export(inst, "gv").of.global, &v);
    CHECK(v.kind == ZWASM_V128 && v.of.v128[0] == 1 && v.of.v128[4] == 2 && v.of.v128[12] == 4);
    zwasm_table_t *t = get_export(inst, "t").of.table;
    CHECK(zwasm_table_get(t, 2, &v) && v.of.funcref == a);
    CHECK(zwasm_table_get(t, 3, &v) && v.of.funcref == b);
    CHECK(zwasm_table_get(t, 0, &v) && v.of.funcref == NULL);
    uint8_t *mem = zwasm_memory_data(get_export(inst, "m").of.memory);
    CHECK(memcmp(mem + 100, "xy", 2) == 0);
    /* segment state read by the interpreter for table.init / memory.init */
    zw_instance *ri = (zw_instance *)inst;
    CHECK_EQ_INT(ri->elem_len[0], 2); /* passive */
    CHECK(ri->elem_refs[0][0] == b && ri->elem_refs[0][1] == NULL);
    CHECK_EQ_INT(ri->elem_len[1], 0); /* declarative: dropped */
    CHECK_EQ_INT(ri->elem_len[2], 0); /* active: dropped */
    CHECK_EQ_INT(ri->data_len[0], 3); /* passive */
    CHECK_EQ_INT(ri->data_len[1], 0); /* active: dropped */
    zwasm_module_delete(m);
    env_free(&e);
}

TEST(api_link_host_and_instance_imports) {
    env e = env_new();
    zwasm_module_t *mb = load(&e, wasm_b, sizeof wasm_b);
    zwasm_module_t *ma = load(&e, wasm_a, sizeof wasm_a);
    CHECK(ma && mb);
    if (!ma || !mb) { zwasm_module_delete(ma); zwasm_module_delete(mb); env_free(&e); return; }
    zwasm_error_t err;
    zwasm_instance_t *ib = NULL, *ia = NULL;
    CHECK(zwasm_instance_new(e.store, mb, NULL, 0, &ib, &err) == ZWASM_OK);
    int calls = 0;
    zwasm_functype_t ft = {2, 1, t_i32_i64, t_i64};
    zwasm_func_t *add3 = zwasm_func_new(e.store, &ft, host_add3, &calls, count_finalizer);
    CHECK(add3 != NULL);
    /* b's table has 3 entries, a wants >= 2 with no max: fine; b's memory is
     * 1..4 pages, a wants 1..2: too big a max.  Use a fresh memory instead. */
    zwasm_memory_t *mem = zwasm_memory_new(e.store, 1, 2, true);
    zwasm_extern_t imps[4] = {
        {.kind = ZWASM_EXTERN_FUNC, .of.func = add3},
        {.kind = ZWASM_EXTERN_MEMORY, .of.memory = get_export(ib, "mem").of.memory},
        {.kind = ZWASM_EXTERN_TABLE, .of.table = get_export(ib, "tab").of.table},
        {.kind = ZWASM_EXTERN_GLOBAL, .of.global = get_export(ib, "g").of.global},
    };
    CHECK(zwasm_instance_new(e.store, ma, imps, 4, &ia, &err) == ZWASM_ERR_LINK);
    CHECK(ia == NULL);
    CHECK(strstr(err.message, "incompatible import type") != NULL);
    CHECK(strstr(err.message, "mem") != NULL);
    imps[1].of.memory = mem;
    CHECK(zwasm_instance_new(e.store, ma, imps, 4, &ia, &err) == ZWASM_OK);
    if (!ia) { zwasm_module_delete(ma); zwasm_module_delete(mb); env_free(&e); return; }
    /* a re-exports the imported memory */
    CHECK(get_export(ia, "mem2").of.memory == mem);

    /* calls through the interpreter */
    zwasm_val_t args[2] = {vi32(10), vi64(100)}, res[1];
    zwasm_result_t r = zwasm_func_call(e.store, get_export(ia, "call_add3").of.func, args, 2,
                                       res, 1, &err);
    CHECK(r == ZWASM_OK);
    if (r == ZWASM_OK) CHECK(res[0].kind == ZWASM_I64 && res[0].of.i64 == 113);
    else fprintf(stderr, "  call_add3: %s\n", err.message);
    CHECK_EQ_INT(calls, 1);
    /* host function called directly through the API */
    r = zwasm_func_call(e.store, add3, args, 2, res, 1, &err);
    CHECK(r == ZWASM_OK && res[0].of.i64 == 113);
    CHECK_EQ_INT(calls, 2);
    /* the imported global is shared with b */
    r = zwasm_func_call(e.store, get_export(ia, "bump").of.func, NULL, 0, res, 1, &err);
    CHECK(r == ZWASM_OK && res[0].kind == ZWASM_I32 && res[0].of.i32 == 8);
    zwasm_val_t gv;
    zwasm_global_get(get_export(ib, "g").of.global, &gv);
    CHECK(gv.of.i32 == (r == ZWASM_OK ? 8 : 7));
    /* memory written through the API, read by wasm */
    memcpy(zwasm_memory_data(mem) + 8, "\x78\x56\x34\x12", 4);
    args[0] = vi32(8);
    r = zwasm_func_call(e.store, get_export(ia, "load").of.func, args, 1, res, 1, &err);
    CHECK(r == ZWASM_OK && res[0].of.i32 == 0x12345678);
    args[0] = vi32(65536 - 2);
    r = zwasm_func_call(e.store, get_export(ia, "load").of.func, args, 1, res, 1, &err);
    CHECK(r == ZWASM_ERR_TRAP && err.trap == ZWASM_TRAP_MEMORY_OOB);
    /* memory.grow from wasm, visible through the API */
    zwasm_memory_t *bm = get_export(ib, "mem").of.memory;
    args[0] = vi32(2);
    r = zwasm_func_call(e.store, get_export(ib, "grow").of.func, args, 1, res, 1, &err);
    CHECK(r == ZWASM_OK && res[0].of.i32 == 1);
    CHECK_EQ_INT(zwasm_memory_pages(bm), r == ZWASM_OK ? 3 : 1);
    args[0] = vi32(5);
    r = zwasm_func_call(e.store, get_export(ib, "grow").of.func, args, 1, res, 1, &err);
    CHECK(r == ZWASM_OK && res[0].of.i32 == -1);
    /* v128 and f64 round trip through slots */
    zwasm_val_t vargs[2], vres[2];
    memset(vargs, 0, sizeof vargs);
    vargs[0].kind = ZWASM_V128;
    for (int i = 0; i < 16; i++) vargs[0].of.v128[i] = (uint8_t)(i * 7 + 1);
    vargs[1].kind = ZWASM_F64;
    vargs[1].of.f64 = -2.5;
    r = zwasm_func_call(e.store, get_export(ib, "v").of.func, vargs, 2, vres, 2, &err);
    CHECK(r == ZWASM_OK);
    if (r == ZWASM_OK) {
        CHECK(vres[0].kind == ZWASM_V128 && memcmp(vres[0].of.v128, vargs[0].of.v128, 16) == 0);
        CHECK(vres[1].kind == ZWASM_F64 && vres[1].of.f64 == -2.5);
    }
    zwasm_module_delete(ma);
    zwasm_module_delete(mb);
    env_free(&e);
    CHECK_EQ_INT(calls, 102); /* finalizer ran once when the store was deleted */
}

TEST(api_link_errors) {
    env e = env_new();
    zwasm_module_t *ma = load(&e, wasm_a, sizeof wasm_a);
    CHECK(ma != NULL);
    if (!ma) { env_free(&e); return; }
    int calls = 0;
    zwasm_functype_t ft = {2, 1, t_i32_i64, t_i64}, ft_bad = {1, 1, t_i32, t_i32};
    zwasm_func_t *add3 = zwasm_func_new(e.store, &ft, host_add3, &calls, NULL);
    zwasm_func_t *wrong = zwasm_func_new(e.store, &ft_bad, host_add3, &calls, NULL);
    zwasm_memory_t *mem = zwasm_memory_new(e.store, 1, 2, true);
    zwasm_table_t *tab = zwasm_table_new(e.store, ZWASM_FUNCREF, 2, 0, false, vfunc(NULL));
    zwasm_global_t *g = zwasm_global_new(e.store, ZWASM_I32, true, vi32(0));
    CHECK(add3 && wrong && mem && tab && g);
    zwasm_extern_t ok[4] = {
        {.kind = ZWASM_EXTERN_FUNC, .of.func = add3},
        {.kind = ZWASM_EXTERN_MEMORY, .of.memory = mem},
        {.kind = ZWASM_EXTERN_TABLE, .of.table = tab},
        {.kind = ZWASM_EXTERN_GLOBAL, .of.global = g},
    };
    zwasm_extern_t imps[4];
    zwasm_error_t err;
    zwasm_instance_t *inst = NULL;
#define TRY_LINK(idx, ext, want)                                                            \
    do {                                                                                    \
        memcpy(imps, ok, sizeof ok);                                                        \
        imps[idx] = (ext);                                                                  \
        memset(&err, 0, sizeof err);                                                        \
        CHECK_EQ_INT(zwasm_instance_new(e.store, ma, imps, 4, &inst, &err), (want));        \
        if ((want) == ZWASM_ERR_LINK)                                                       \
            CHECK(strstr(err.message, "incompatible import type") != NULL);                \
    } while (0)
    /* wrong kind */
    TRY_LINK(0, ((zwasm_extern_t){.kind = ZWASM_EXTERN_GLOBAL, .of.global = g}), ZWASM_ERR_LINK);
    CHECK(strstr(err.message, "add3") != NULL);
    TRY_LINK(1, ((zwasm_extern_t){.kind = ZWASM_EXTERN_TABLE, .of.table = tab}), ZWASM_ERR_LINK);
    /* wrong function type */
    TRY_LINK(0, ((zwasm_extern_t){.kind = ZWASM_EXTERN_FUNC, .of.func = wrong}), ZWASM_ERR_LINK);
    /* memory limits: import is (memory 1 2) */
    zwasm_memory_t *m_nomax = zwasm_memory_new(e.store, 1, 0, false);
    zwasm_memory_t *m_bigmax = zwasm_memory_new(e.store, 1, 3, true);
    zwasm_memory_t *m_small = zwasm_memory_new(e.store, 0, 2, true);
    zwasm_memory_t *m_exact = zwasm_memory_new(e.store, 2, 2, true);
    TRY_LINK(1, ((zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = m_nomax}), ZWASM_ERR_LINK);
    TRY_LINK(1, ((zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = m_bigmax}), ZWASM_ERR_LINK);
    TRY_LINK(1, ((zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = m_small}), ZWASM_ERR_LINK);
    TRY_LINK(1, ((zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = m_exact}), ZWASM_OK);
    /* a memory grown to the required minimum now matches */
    CHECK_EQ_INT(zwasm_memory_grow(m_small, 1), 0);
    TRY_LINK(1, ((zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = m_small}), ZWASM_OK);
    /* table: import is (table 2 funcref) */
    zwasm_table_t *t_ext = zwasm_table_new(e.store, ZWASM_EXTERNREF, 2, 0, false, vextern(NULL));
    zwasm_table_t *t_small = zwasm_table_new(e.store, ZWASM_FUNCREF, 1, 5, true, vfunc(NULL));
    TRY_LINK(2, ((zwasm_extern_t){.kind = ZWASM_EXTERN_TABLE, .of.table = t_ext}), ZWASM_ERR_LINK);
    TRY_LINK(2, ((zwasm_extern_t){.kind = ZWASM_EXTERN_TABLE, .of.table = t_small}), ZWASM_ERR_LINK);
    CHECK_EQ_INT(zwasm_table_grow(t_small, 1, vfunc(NULL)), 1);
    TRY_LINK(2, ((zwasm_extern_t){.kind = ZWASM_EXTERN_TABLE, .of.table = t_small}), ZWASM_OK);
    /* globals: import is (mut i32) */
    zwasm_global_t *g_const = zwasm_global_new(e.store, ZWASM_I32, false, vi32(0));
    zwasm_global_t *g_i64 = zwasm_global_new(e.store, ZWASM_I64, true, vi64(0));
    TRY_LINK(3, ((zwasm_extern_t){.kind = ZWASM_EXTERN_GLOBAL, .of.global = g_const}), ZWASM_ERR_LINK);
    TRY_LINK(3, ((zwasm_extern_t){.kind = ZWASM_EXTERN_GLOBAL, .of.global = g_i64}), ZWASM_ERR_LINK);
    /* NULL objects and wrong counts */
    TRY_LINK(3, ((zwasm_extern_t){.kind = ZWASM_EXTERN_GLOBAL, .of.global = NULL}), ZWASM_ERR_ARG);
    CHECK(zwasm_instance_new(e.store, ma, ok, 3, &inst, &err) == ZWASM_ERR_LINK);
    CHECK(zwasm_instance_new(e.store, ma, NULL, 4, &inst, &err) == ZWASM_ERR_ARG);
    CHECK(zwasm_instance_new(NULL, ma, ok, 4, &inst, &err) == ZWASM_ERR_ARG);
    CHECK(zwasm_instance_new(e.store, NULL, ok, 4, &inst, &err) == ZWASM_ERR_ARG);
#undef TRY_LINK
    zwasm_module_delete(ma);
    env_free(&e);
}

TEST(api_instantiation_trap_keeps_effects) {
    env e = env_new();
    zwasm_module_t *m = load(&e, wasm_c, sizeof wasm_c);
    CHECK(m != NULL);
    if (!m) { env_free(&e); return; }
    zwasm_table_t *tab = zwasm_table_new(e.store, ZWASM_FUNCREF, 1, 0, false, vfunc(NULL));
    zwasm_memory_t *mem = zwasm_memory_new(e.store, 1, 0, false);
    zwasm_extern_t imps[2] = {
        {.kind = ZWASM_EXTERN_TABLE, .of.table = tab},
        {.kind = ZWASM_EXTERN_MEMORY, .of.memory = mem},
    };
    zwasm_instance_t *inst = (zwasm_instance_t *)1;
    zwasm_error_t err;
    CHECK(zwasm_instance_new(e.store, m, imps, 2, &inst, &err) == ZWASM_ERR_TRAP);
    CHECK(err.trap == ZWASM_TRAP_MEMORY_OOB);
    CHECK(strcmp(err.message, "out of bounds memory access") == 0);
    CHECK(inst == NULL);
    zwasm_val_t v;
    CHECK(zwasm_table_get(tab, 0, &v) && v.of.funcref != NULL); /* elem segment applied */
    CHECK(memcmp(zwasm_memory_data(mem), "ok", 2) == 0);        /* first data segment applied */
    CHECK(zwasm_memory_data(mem)[65530] == 0);                   /* nothing partial */
    /* a table below the import's minimum is a link error: nothing is written */
    zwasm_table_t *tab0 = zwasm_table_new(e.store, ZWASM_FUNCREF, 0, 0, false, vfunc(NULL));
    zwasm_memory_t *mem2 = zwasm_memory_new(e.store, 1, 0, false);
    imps[0].of.table = tab0;
    imps[1].of.memory = mem2;
    CHECK(zwasm_instance_new(e.store, m, imps, 2, &inst, &err) == ZWASM_ERR_LINK);
    CHECK(zwasm_memory_data(mem2)[0] == 0);
    zwasm_module_delete(m);
    env_free(&e);
}

static zwasm_result_t host_log(void *envp, zwasm_caller_t *caller, const zwasm_val_t *args,
                               zwasm_val_t *results, zwasm_error_t *err) {
    (void)results; (void)err;
    *(int *)envp = args[0].of.i32;
    if (!zwasm_caller_store(caller)) *(int *)envp = -1;
    return ZWASM_OK;
}

TEST(api_start_function) {
    env e = env_new();
    zwasm_module_t *m = load(&e, wasm_d, sizeof wasm_d);
    CHECK(m != NULL);
    if (!m) { env_free(&e); return; }
    int logged = 0;
    zwasm_functype_t ft = {1, 0, t_i32, NULL};
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC,
                          .of.func = zwasm_func_new(e.store, &ft, host_log, &logged, NULL)};
    zwasm_instance_t *inst = NULL;
    zwasm_error_t err;
    zwasm_result_t r = zwasm_instance_new(e.store, m, &imp, 1, &inst, &err);
    CHECK(r == ZWASM_OK);
    if (r != ZWASM_OK) fprintf(stderr, "  start: %s\n", err.message);
    CHECK_EQ_INT(logged, 99);
    if (inst) {
        zwasm_val_t v;
        zwasm_global_get(get_export(inst, "n").of.global, &v);
        CHECK_EQ_INT(v.of.i32, 123);
    }
    zwasm_module_delete(m);
    env_free(&e);
}

TEST(api_call_argument_checks) {
    env e = env_new();
    zwasm_module_t *m = load(&e, wasm_b, sizeof wasm_b);
    CHECK(m != NULL);
    if (!m) { env_free(&e); return; }
    zwasm_instance_t *inst = NULL;
    zwasm_error_t err;
    CHECK(zwasm_instance_new(e.store, m, NULL, 0, &inst, &err) == ZWASM_OK);
    if (!inst) { zwasm_module_delete(m); env_free(&e); return; }
    zwasm_func_t *f = get_export(inst, "f").of.func;
    zwasm_val_t res[1], args[2] = {vi64(1), vi32(2)};
    CHECK(zwasm_func_call(e.store, f, args, 0, res, 1, &err) == ZWASM_ERR_ARG);
    CHECK(strcmp(err.message, "expected 1 argument, got 0") == 0);
    CHECK(zwasm_func_call(e.store, f, args, 2, res, 1, &err) == ZWASM_ERR_ARG);
    CHECK(strcmp(err.message, "expected 1 argument, got 2") == 0);
    CHECK(zwasm_func_call(e.store, f, args, 1, res, 1, &err) == ZWASM_ERR_ARG);
    CHECK(strcmp(err.message, "argument 1: expected i32, got i64") == 0);
    CHECK(zwasm_func_call(e.store, f, args + 1, 1, res, 0, &err) == ZWASM_ERR_ARG);
    CHECK(zwasm_func_call(e.store, f, NULL, 1, res, 1, &err) == ZWASM_ERR_ARG);
    CHECK(zwasm_func_call(NULL, f, args + 1, 1, res, 1, &err) == ZWASM_ERR_ARG);
    CHECK(zwasm_func_call(e.store, NULL, args + 1, 1, res, 1, &err) == ZWASM_ERR_ARG);
    zwasm_result_t r = zwasm_func_call(e.store, f, args + 1, 1, res, 1, &err);
    CHECK(r == ZWASM_OK && res[0].kind == ZWASM_I32 && res[0].of.i32 == 3);
    /* a host function with a bad type is refused */
    static const uint32_t bogus[] = {0x42};
    zwasm_functype_t bad = {1, 0, bogus, NULL};
    CHECK(zwasm_func_new(e.store, &bad, host_log, NULL, NULL) == NULL);
    CHECK(zwasm_func_new(e.store, NULL, host_log, NULL, NULL) == NULL);
    /* a function of another store is refused */
    env e2 = env_new();
    CHECK(zwasm_func_call(e2.store, f, args + 1, 1, res, 1, &err) == ZWASM_ERR_ARG);
    env_free(&e2);
    zwasm_module_delete(m);
    env_free(&e);
}

TEST(api_memory) {
    env e = env_new();
    zwasm_memory_t *m = zwasm_memory_new(e.store, 1, 3, true);
    CHECK(m != NULL);
    if (!m) { env_free(&e); return; }
    uint8_t *base = zwasm_memory_data(m);
    CHECK_EQ_INT(zwasm_memory_size(m), 65536);
    CHECK(base[0] == 0 && base[65535] == 0);
    memset(base, 0xAB, 65536);
    CHECK_EQ_INT(zwasm_memory_grow(m, 2), 1);
    CHECK(zwasm_memory_data(m) == base); /* base never moves */
    CHECK_EQ_INT(zwasm_memory_pages(m), 3);
    CHECK(base[65535] == 0xAB && base[65536] == 0 && base[3 * 65536 - 1] == 0);
    CHECK_EQ_INT(zwasm_memory_grow(m, 1), -1);
    CHECK_EQ_INT(zwasm_memory_grow(m, 0), 3);
    CHECK_EQ_INT(zwasm_memory_grow(m, UINT64_MAX), -1);
    zwasm_externtype_t t;
    zwasm_memory_type(m, &t);
    CHECK(t.of.memory.limits.min == 3 && t.of.memory.limits.max == 3 && t.of.memory.limits.has_max);
    /* no max: up to 65536 pages (4 GiB) */
    zwasm_memory_t *big = zwasm_memory_new(e.store, 0, 0, false);
    CHECK(big != NULL);
    CHECK_EQ_INT(zwasm_memory_grow(big, 10), 0);
    CHECK_EQ_INT(zwasm_memory_grow(big, 65536 - 10), 10);
    CHECK_EQ_INT(zwasm_memory_grow(big, 1), -1);
    CHECK(zwasm_memory_size(big) == (uint64_t)4 << 30);
    zwasm_memory_data(big)[((uint64_t)4 << 30) - 1] = 1;
    /* bad arguments */
    CHECK(zwasm_memory_new(NULL, 1, 1, true) == NULL);
    CHECK(zwasm_memory_new(e.store, 2, 1, true) == NULL);
    CHECK(zwasm_memory_new(e.store, 65537, 0, false) == NULL);
    CHECK_EQ_INT(zwasm_memory_grow(NULL, 1), -1);
    CHECK(zwasm_memory_data(NULL) == NULL);
    env_free(&e);
}

TEST(api_table) {
    env e = env_new();
    int dummy;
    zwasm_table_t *t = zwasm_table_new(e.store, ZWASM_EXTERNREF, 2, 4, true, vextern(&dummy));
    CHECK(t != NULL);
    if (!t) { env_free(&e); return; }
    zwasm_val_t v;
    CHECK(zwasm_table_get(t, 1, &v) && v.kind == ZWASM_EXTERNREF && v.of.externref == &dummy);
    CHECK(zwasm_table_set(t, 0, vextern(NULL)));
    CHECK(zwasm_table_get(t, 0, &v) && v.of.externref == NULL);
    CHECK(!zwasm_table_set(t, 2, vextern(NULL)));  /* out of bounds */
    CHECK(!zwasm_table_set(t, 0, vfunc(NULL)));    /* wrong kind */
    CHECK_EQ_INT(zwasm_table_grow(t, 2, vextern(&v)), 2);
    CHECK_EQ_INT(zwasm_table_size(t), 4);
    CHECK(zwasm_table_get(t, 3, &v) && v.of.externref != NULL);
    CHECK_EQ_INT(zwasm_table_grow(t, 1, vextern(NULL)), -1);
    CHECK_EQ_INT(zwasm_table_grow(t, 0, vextern(NULL)), 4);
    CHECK_EQ_INT(zwasm_table_grow(t, 1, vfunc(NULL)), -1);
    zwasm_externtype_t ty;
    zwasm_table_type(t, &ty);
    CHECK(ty.kind == ZWASM_EXTERN_TABLE && ty.of.table.elem == ZWASM_EXTERNREF &&
          ty.of.table.limits.min == 4 && ty.of.table.limits.max == 4);
    CHECK(zwasm_table_new(e.store, ZWASM_I32, 1, 0, false, vi32(0)) == NULL);
    CHECK(zwasm_table_new(e.store, ZWASM_FUNCREF, 1, 0, false, vextern(NULL)) == NULL);
    CHECK(zwasm_table_new(e.store, ZWASM_FUNCREF, 3, 2, true, vfunc(NULL)) == NULL);
    zwasm_table_t *u = zwasm_table_new(e.store, ZWASM_FUNCREF, 0, 0, false, vfunc(NULL));
    CHECK(u && zwasm_table_size(u) == 0 && !zwasm_table_get(u, 0, &v));
    CHECK_EQ_INT(zwasm_table_grow(u, 1000, vfunc(NULL)), 0);
    CHECK(zwasm_table_get(u, 999, &v) && v.of.funcref == NULL);
    env_free(&e);
}

TEST(api_globals) {
    env e = env_new();
    zwasm_global_t *g = zwasm_global_new(e.store, ZWASM_F32, true, vf32(1.25f));
    zwasm_global_t *c = zwasm_global_new(e.store, ZWASM_I64, false, vi64(-5));
    CHECK(g && c);
    if (!g || !c) { env_free(&e); return; }
    zwasm_val_t v;
    zwasm_global_get(g, &v);
    CHECK(v.kind == ZWASM_F32 && v.of.f32 == 1.25f);
    CHECK(zwasm_global_set(g, vf32(-3.0f)));
    zwasm_global_get(g, &v);
    CHECK(v.of.f32 == -3.0f);
    CHECK(!zwasm_global_set(g, vi32(0)));
    CHECK(!zwasm_global_set(c, vi64(1)));
    zwasm_global_get(c, &v);
    CHECK(v.kind == ZWASM_I64 && v.of.i64 == -5);
    CHECK(zwasm_global_new(e.store, ZWASM_I32, false, vi64(0)) == NULL); /* kind mismatch */
    CHECK(zwasm_global_new(e.store, 0x42, false, vi64(0)) == NULL);
    CHECK(!zwasm_global_set(NULL, vi32(0)));
    env_free(&e);
}

TEST(api_slots) {
    zw_valtype ts[] = {ZW_I32, ZW_V128, ZW_F64, ZW_EXTERNREF};
    CHECK_EQ_INT(zw_types_slots(ts, 4), 5);
    zw_slot s[2];
    zwasm_val_t v = vi32(-1), back;
    zw_val_to_slots(&v, s);
    CHECK(s[0] == 0xFFFFFFFFu);
    zw_slots_to_val(NULL, ZW_I32, s, &back);
    CHECK(back.kind == ZWASM_I32 && back.of.i32 == -1);
    v = vf32(0.5f);
    zw_val_to_slots(&v, s);
    CHECK((uint32_t)s[0] == 0x3f000000u);
    memset(&v, 0, sizeof v);
    v.kind = ZWASM_V128;
    for (int i = 0; i < 16; i++) v.of.v128[i] = (uint8_t)i;
    zw_val_to_slots(&v, s);
    CHECK((s[0] & 0xFF) == 0 && (s[1] & 0xFF) == 8); /* low half first */
    zw_slots_to_val(NULL, ZW_V128, s, &back);
    CHECK(memcmp(back.of.v128, v.of.v128, 16) == 0);
}

TEST(api_type_ids) {
    env e = env_new();
    zw_store *s = (zw_store *)e.store;
    /* 300 distinct types (exercises index growth), each interned twice */
    zw_valtype buf[12];
    uint32_t ids[300];
    for (uint32_t i = 0; i < 300; i++) {
        uint32_t np = i % 7, nr = (i / 7) % 5;
        for (uint32_t k = 0; k < np + nr; k++) buf[k] = (k + i) % 3 ? ZW_I32 : ZW_F64;
        buf[0] = i < 150 ? ZW_I64 : ZW_V128;
        zw_functype t = {np, nr, buf, buf + np};
        ids[i] = zw_store_type_id(s, &t);
        CHECK(ids[i] != UINT32_MAX);
        CHECK_EQ_INT(zw_store_type_id(s, &t), ids[i]);
    }
    for (uint32_t i = 1; i < 300; i++) CHECK(ids[i] <= i);
    /* host functions and wasm functions of equal type share the id */
    zwasm_functype_t ft = {1, 1, t_i32, t_i32}, ft2 = {1, 1, t_i32, t_i64};
    zwasm_func_t *h1 = zwasm_func_new(e.store, &ft, host_log, NULL, NULL);
    zwasm_func_t *h2 = zwasm_func_new(e.store, &ft, host_log, NULL, NULL);
    zwasm_func_t *h3 = zwasm_func_new(e.store, &ft2, host_log, NULL, NULL);
    CHECK(h1 && h2 && h3);
    CHECK(h1->type_id == h2->type_id && h1->type_id != h3->type_id);
    zwasm_module_t *m = load(&e, wasm_b, sizeof wasm_b);
    zwasm_instance_t *inst = NULL;
    if (m && zwasm_instance_new(e.store, m, NULL, 0, &inst, NULL) == ZWASM_OK) {
        zwasm_func_t *f = get_export(inst, "f").of.func; /* (i32) -> i32 */
        CHECK(f && f->type_id == h1->type_id);
        CHECK(zwasm_func_name(h1) == NULL);
    } else {
        CHECK(!"instantiating b failed");
    }
    zwasm_module_delete(m);
    env_free(&e);
}

TEST(api_module_outlived_by_instance) {
    env e = env_new();
    zwasm_module_t *m = load(&e, wasm_b, sizeof wasm_b);
    CHECK(m != NULL);
    if (!m) { env_free(&e); return; }
    zwasm_instance_t *i1 = NULL, *i2 = NULL;
    CHECK(zwasm_instance_new(e.store, m, NULL, 0, &i1, NULL) == ZWASM_OK);
    CHECK(zwasm_instance_new(e.store, m, NULL, 0, &i2, NULL) == ZWASM_OK);
    zwasm_module_delete(m); /* the instances keep it alive until the store goes */
    if (i1 && i2) {
        CHECK(get_export(i1, "mem").of.memory != get_export(i2, "mem").of.memory);
        zwasm_val_t arg = vi32(41), res;
        zwasm_error_t err;
        CHECK(zwasm_func_call(e.store, get_export(i2, "f").of.func, &arg, 1, &res, 1, &err) ==
              ZWASM_OK);
        CHECK(res.of.i32 == 42);
        CHECK_EQ_INT(zwasm_instance_export_count(i1), 7);
    }
    env_free(&e);
}

/* Memories and tables of every type the API can describe: 64-bit ones,
 * 1-byte pages; their types come back as given; out-of-range types fail. */
TEST(api_typed_memories_and_tables) {
    zwasm_engine_t *e = test_engine_new(NULL);
    zwasm_store_t *s = zwasm_store_new(e);
    zwasm_externtype_t mt = {.kind = ZWASM_EXTERN_MEMORY}, got;
    mt.of.memory.limits = (zwasm_limits_t){3, 100, true};
    mt.of.memory.is64 = true;
    mt.of.memory.page_log2 = 0;
    zwasm_memory_t *m = zwasm_memory_new_typed(s, &mt);
    CHECK(m != NULL);
    CHECK_EQ_INT(zwasm_memory_size(m), 3);
    CHECK_EQ_INT(zwasm_memory_grow(m, 5), 3);
    CHECK_EQ_INT(zwasm_memory_size(m), 8);
    zwasm_memory_type(m, &got);
    CHECK(got.of.memory.is64 && got.of.memory.page_log2 == 0 && got.of.memory.limits.max == 100);
    mt.of.memory.page_log2 = 12; /* only 64 KiB and 1-byte pages exist */
    CHECK(zwasm_memory_new_typed(s, &mt) == NULL);
    zwasm_externtype_t tt = {.kind = ZWASM_EXTERN_TABLE};
    tt.of.table.elem = ZWASM_EXTERNREF;
    tt.of.table.limits = (zwasm_limits_t){2, 0, false};
    tt.of.table.is64 = true;
    zwasm_val_t null = {.kind = ZWASM_EXTERNREF};
    zwasm_table_t *t = zwasm_table_new_typed(s, &tt, null);
    CHECK(t != NULL);
    zwasm_table_type(t, &got);
    CHECK(got.of.table.is64 && got.of.table.elem == ZWASM_EXTERNREF && got.of.table.limits.min == 2);
    tt.of.table.limits = (zwasm_limits_t){2, 1, true}; /* max below min */
    CHECK(zwasm_table_new_typed(s, &tt, null) == NULL);
    zwasm_store_delete(s);
    zwasm_engine_delete(e);
}
