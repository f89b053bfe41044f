/* serialize.c — a module saved to bytes and loaded again in another
 * store; and a module shared between stores (wasm_module_share/obtain). */
#include <stdio.h>

#include "example.h"

static int run_answer(wasm_store_t *store, const wasm_module_t *module) {
    wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance) return -1;
    wasm_instance_exports(instance, &exports);
    wasm_val_t rs[1];
    wasm_val_vec_t none = WASM_EMPTY_VEC, results = WASM_ARRAY_VEC(rs);
    wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &none, &results);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    if (trap) {
        wasm_trap_delete(trap);
        return -1;
    }
    return rs[0].of.i32;
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("serialize.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);

    wasm_byte_vec_t saved;
    wasm_module_serialize(module, &saved);
    printf("serialized: %zu bytes\n", saved.size);
    wasm_shared_module_t *shared = wasm_module_share(module);
    wasm_module_delete(module);

    wasm_store_t *store2 = wasm_store_new(engine);
    wasm_module_t *loaded = wasm_module_deserialize(store2, &saved);
    wasm_byte_vec_delete(&saved);
    printf("deserialized in another store: answer() = %d\n", run_answer(store2, loaded));
    wasm_module_delete(loaded);

    wasm_module_t *obtained = wasm_module_obtain(store2, shared);
    wasm_shared_module_delete(shared);
    printf("obtained from the shared module: answer() = %d\n", run_answer(store2, obtained));
    wasm_module_delete(obtained);

    wasm_engine_t *other = wasm_engine_new();
    wasm_store_t *store3 = wasm_store_new(other);
    printf("a malformed binary: %s\n", wasm_module_validate(store3, &(wasm_byte_vec_t){4, "\0asm"}) ? "valid" : "invalid");
    wasm_store_delete(store3);
    wasm_engine_delete(other);

    wasm_store_delete(store2);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
