/* multi.c — functions with several parameters and results, in both
 * directions. */
#include <inttypes.h>
#include <stdio.h>

#include "example.h"

static wasm_trap_t *swap(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    printf("> swap(%d, %" PRId64 ")\n", args->data[0].of.i32, args->data[1].of.i64);
    wasm_val_copy(&results->data[0], &args->data[1]);
    wasm_val_copy(&results->data[1], &args->data[0]);
    return NULL;
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("multi.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    wasm_functype_t *t = wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                               wasm_valtype_new_i64(), wasm_valtype_new_i32());
    wasm_func_t *f = wasm_func_new(store, t, swap);
    wasm_functype_delete(t);
    wasm_extern_t *externs[] = {wasm_func_as_extern(f)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    wasm_func_delete(f);
    if (!instance) return 1;
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_val_t as[3] = {WASM_I32_VAL(-7), WASM_I64_VAL(INT64_C(0x123456789)), WASM_F64_VAL(2.25)};
    wasm_val_t rs[3];
    wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
    if (wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results)) return 1;
    printf("roundtrip(-7, 0x123456789, 2.25) = %g, 0x%" PRIx64 ", %d\n", rs[0].of.f64, (uint64_t)rs[1].of.i64,
           rs[2].of.i32);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
