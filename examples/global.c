/* global.c — globals made by the host and imported, and globals exported
 * by wasm: read and written from both sides; constants refuse writes. */
#include <stdio.h>

#include "example.h"

static wasm_global_t *new_global(wasm_store_t *s, wasm_valkind_t k, wasm_mutability_t mut, wasm_val_t v) {
    wasm_globaltype_t *t = wasm_globaltype_new(wasm_valtype_new(k), mut);
    wasm_global_t *g = wasm_global_new(s, t, &v);
    wasm_globaltype_delete(t);
    return g;
}

static int32_t get_i32(const wasm_global_t *g) {
    wasm_val_t v;
    wasm_global_get(g, &v);
    return v.of.i32;
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("global.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);

    wasm_global_t *c = new_global(store, WASM_F32, WASM_CONST, (wasm_val_t)WASM_F32_VAL(1.5f));
    wasm_global_t *v = new_global(store, WASM_I64, WASM_VAR, (wasm_val_t)WASM_I64_VAL(40));
    wasm_extern_t *externs[] = {wasm_global_as_extern(c), wasm_global_as_extern(v)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance) return 1;
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_global_t *ex_const = wasm_extern_as_global(exports.data[0]);
    wasm_global_t *counter = wasm_extern_as_global(exports.data[1]);
    wasm_func_t *get_host = wasm_extern_as_func(exports.data[2]);
    wasm_func_t *bump = wasm_extern_as_func(exports.data[3]);

    wasm_globaltype_t *t = wasm_global_type(counter);
    printf("counter: %s %s\n", wasm_valtype_kind(wasm_globaltype_content(t)) == WASM_I32 ? "i32" : "?",
           wasm_globaltype_mutability(t) == WASM_VAR ? "var" : "const");
    wasm_globaltype_delete(t);

    wasm_val_t rs[2];
    wasm_val_vec_t none = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(rs);
    if (wasm_func_call(get_host, &none, &results)) return 1;
    printf("get_host() = %g, %lld\n", rs[0].of.f32, (long long)rs[1].of.i64);

    wasm_val_t as[1] = {WASM_I64_VAL(2)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(as);
    if (wasm_func_call(bump, &args, &none) || wasm_func_call(bump, &args, &none)) return 1;
    wasm_val_t hv;
    wasm_global_get(v, &hv);
    printf("after bump(2) twice: host var %lld, counter %d\n", (long long)hv.of.i64, get_i32(counter));

    wasm_val_t nv = WASM_I64_VAL(-1);
    wasm_global_set(v, &nv);
    wasm_val_t cv = WASM_I32_VAL(100);
    wasm_global_set(counter, &cv);
    wasm_global_set(ex_const, &cv); /* constant: ignored */
    if (wasm_func_call(get_host, &none, &results)) return 1;
    printf("after the host's sets: get_host() = %g, %lld, counter %d, const %d\n", rs[0].of.f32,
           (long long)rs[1].of.i64, get_i32(counter), get_i32(ex_const));

    wasm_global_delete(c);
    wasm_global_delete(v);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
