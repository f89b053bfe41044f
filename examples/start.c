/* start.c — a module's start function runs during wasm_instance_new; its
 * trap makes the instantiation fail and comes back as a wasm_trap_t. */
#include <stdio.h>

#include "example.h"

static wasm_instance_t *instantiate(wasm_store_t *store, wasm_module_t *module, int32_t fail) {
    wasm_globaltype_t *t = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
    wasm_val_t v = WASM_I32_VAL(fail);
    wasm_global_t *g = wasm_global_new(store, t, &v);
    wasm_globaltype_delete(t);
    wasm_extern_t *externs[] = {wasm_global_as_extern(g)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    wasm_global_delete(g);
    if (trap) {
        wasm_message_t m;
        wasm_trap_message(trap, &m);
        printf("fail=%d: instantiation trapped: %s\n", fail, m.data);
        wasm_byte_vec_delete(&m);
        wasm_trap_delete(trap);
    }
    return instance;
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("start.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);

    wasm_instance_t *instance = instantiate(store, module, 0);
    if (!instance) return 1;
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_val_t ran;
    wasm_global_get(wasm_extern_as_global(exports.data[0]), &ran);
    printf("fail=0: instantiated, the start function ran: %d\n", ran.of.i32);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);

    instance = instantiate(store, module, 1);
    printf("fail=1: instance %s\n", instance ? "made" : "not made");

    wasm_extern_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t *trap = NULL;
    instance = wasm_instance_new(store, module, &none, &trap);
    if (trap) {
        wasm_message_t m;
        wasm_trap_message(trap, &m);
        printf("no imports: %s\n", m.data);
        wasm_byte_vec_delete(&m);
        wasm_trap_delete(trap);
    }

    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
