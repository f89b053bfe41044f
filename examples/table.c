/* table.c — a table exported by wasm: read, written with wasm and host
 * functions, grown; calls through it, null and out-of-bounds traps. */
#include <stdio.h>

#include "example.h"

static wasm_trap_t *negate(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = -args->data[0].of.i32;
    return NULL;
}

static void call(const wasm_func_t *f, int32_t i, int32_t x) {
    wasm_val_t as[2] = {WASM_I32_VAL(i), WASM_I32_VAL(x)}, rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
    wasm_trap_t *trap = wasm_func_call(f, &args, &results);
    if (!trap) {
        printf("call(%d, %d) = %d\n", i, x, rs[0].of.i32);
        return;
    }
    char what[64];
    snprintf(what, sizeof what, "call(%d, %d)", i, x);
    example_print_trap(what, trap);
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("table.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance) return 1;
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_table_t *table = wasm_extern_as_table(exports.data[0]);
    wasm_func_t *dbl = wasm_extern_as_func(exports.data[1]);
    wasm_func_t *callf = wasm_extern_as_func(exports.data[2]);

    wasm_ref_t *r0 = wasm_table_get(table, 0), *r1 = wasm_table_get(table, 1);
    printf("size %u; [0] %s; [1] %s\n", wasm_table_size(table), r0 ? "a function" : "null",
           r1 && wasm_func_same(wasm_ref_as_func(r1), dbl) ? "double" : "?");
    wasm_ref_delete(r1);
    call(callf, 1, 21);
    call(callf, 0, 21);
    call(callf, 2, 21);

    wasm_functype_t *t = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *neg = wasm_func_new(store, t, negate);
    wasm_functype_delete(t);
    printf("set [0] = negate: %s\n", wasm_table_set(table, 0, wasm_func_as_ref(neg)) ? "ok" : "failed");
    printf("set [2] = negate: %s\n", wasm_table_set(table, 2, wasm_func_as_ref(neg)) ? "ok" : "failed");
    call(callf, 0, 21);
    bool grown = wasm_table_grow(table, 3, wasm_func_as_ref(neg));
    printf("grow by 3 with negate: %s, size %u\n", grown ? "ok" : "failed", wasm_table_size(table));
    call(callf, 4, 5);
    printf("grow by 6: %s\n", wasm_table_grow(table, 6, NULL) ? "ok" : "failed");
    printf("set [1] = null: %s\n", wasm_table_set(table, 1, NULL) ? "ok" : "failed");
    call(callf, 1, 21);

    wasm_func_delete(neg);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
