/*
 * call_cost.c — what a call from C into wasm costs through the standard API
 * (wasm_func_call) and the native one (zwasm_func_call), on each engine:
 * an empty export, and one taking four arguments (i32, i64, f32, f64) and
 * returning one.  `make bench-call`; prints one line per case with the
 * best of five rounds, in ns per call and calls per second.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "wasm.h"
#include "zwasm.h"

static const char wat[] =
    "(module\n"
    "  (func (export \"empty\"))\n"
    "  (func (export \"four\") (param i32 i64 f32 f64) (result i32)\n"
    "    (i32.add (local.get 0) (i32.wrap_i64 (local.get 1)))))\n";

#define CALLS 2000000

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void report(const char *api, const char *engine, const char *fn, double best) {
    double ns = best / CALLS * 1e9;
    printf("%-6s %-6s %-6s %7.1f ns/call %12.0f calls/s\n", api, engine, fn, ns, 1e9 / ns);
}

static int run_wasm_h(zwasm_engine_kind_t kind, const char *name, const uint8_t *bytes, size_t len) {
    wasm_config_t *c = wasm_config_new();
    zwasm_config_from_wasm(c)->engine = kind;
    wasm_engine_t *engine = wasm_engine_new_with_config(c);
    if (!engine) return 1;
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t b = {len, (wasm_byte_t *)bytes};
    wasm_module_t *module = wasm_module_new(store, &b);
    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_instance_t *inst = wasm_instance_new(store, module, &none, NULL);
    wasm_extern_vec_t exports;
    wasm_instance_exports(inst, &exports);
    const char *names[2] = {"empty", "four"};
    int bad = 0;
    for (int k = 0; k < 2; k++) {
        wasm_func_t *f = wasm_extern_as_func(exports.data[k]);
        wasm_val_t args[4] = {WASM_I32_VAL(1), WASM_I64_VAL(2), WASM_F32_VAL(3), WASM_F64_VAL(4)};
        wasm_val_t res[1] = {WASM_INIT_VAL};
        wasm_val_vec_t av = {k ? 4 : 0, args}, rv = {k ? 1 : 0, res};
        double best = 1e9;
        for (int round = 0; round < 5; round++) {
            double t0 = now();
            for (int i = 0; i < CALLS; i++) {
                wasm_trap_t *t = wasm_func_call(f, &av, &rv);
                if (t) {
                    wasm_trap_delete(t);
                    bad = 1;
                }
            }
            double t = now() - t0;
            if (t < best) best = t;
        }
        if (k && res[0].of.i32 != 3) bad = 1;
        report("wasm.h", name, names[k], best);
    }
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(inst);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return bad;
}

static int run_zwasm_h(zwasm_engine_kind_t kind, const char *name, const uint8_t *bytes, size_t len) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.engine = kind;
    zwasm_engine_t *engine = zwasm_engine_new(&cfg);
    if (!engine) return 1;
    zwasm_store_t *store = zwasm_store_new(engine);
    zwasm_module_t *module;
    zwasm_instance_t *inst;
    if (zwasm_module_new(engine, bytes, len, &module, NULL) != ZWASM_OK ||
        zwasm_instance_new(store, module, NULL, 0, &inst, NULL) != ZWASM_OK)
        return 1;
    const char *names[2] = {"empty", "four"};
    int bad = 0;
    for (int k = 0; k < 2; k++) {
        zwasm_extern_t ex;
        zwasm_instance_export(inst, names[k], strlen(names[k]), &ex);
        zwasm_val_t args[4] = {{.kind = ZWASM_I32, .of.i32 = 1}, {.kind = ZWASM_I64, .of.i64 = 2},
                               {.kind = ZWASM_F32, .of.f32 = 3}, {.kind = ZWASM_F64, .of.f64 = 4}};
        zwasm_val_t res[1];
        double best = 1e9;
        for (int round = 0; round < 5; round++) {
            double t0 = now();
            for (int i = 0; i < CALLS; i++)
                if (zwasm_func_call(store, ex.of.func, args, k ? 4 : 0, res, k ? 1 : 0, NULL) != ZWASM_OK)
                    bad = 1;
            double t = now() - t0;
            if (t < best) best = t;
        }
        if (k && res[0].of.i32 != 3) bad = 1;
        report("zwasm", name, names[k], best);
    }
    zwasm_module_delete(module);
    zwasm_store_delete(store);
    zwasm_engine_delete(engine);
    return bad;
}

int main(void) {
    uint8_t *bytes;
    size_t len;
    if (zwasm_wat2wasm(wat, strlen(wat), &bytes, &len, NULL) != ZWASM_OK) return 1;
    int bad = 0;
    bad |= run_wasm_h(ZWASM_ENGINE_INTERP, "interp", bytes, len);
    bad |= run_wasm_h(ZWASM_ENGINE_JIT, "jit", bytes, len);
    bad |= run_zwasm_h(ZWASM_ENGINE_INTERP, "interp", bytes, len);
    bad |= run_zwasm_h(ZWASM_ENGINE_JIT, "jit", bytes, len);
    zwasm_bytes_delete(bytes);
    if (bad) fprintf(stderr, "call_cost: a call failed or returned a wrong value\n");
    return bad;
}
