/* hello.c — the smallest embedding through the standard C API (wasm.h):
 * a host function, a module importing it, an instance, a call. */
#include <stdio.h>

#include "example.h"

static wasm_trap_t *hello_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    (void)args;
    (void)results;
    printf("Calling back...\n> Hello World!\n");
    return NULL;
}

int main(void) {
    printf("Initializing...\n");
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);

    printf("Loading and compiling module...\n");
    wasm_byte_vec_t binary;
    if (!example_load("hello.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    if (!module) {
        printf("> Error compiling module!\n");
        return 1;
    }

    printf("Creating callback...\n");
    wasm_functype_t *hello_type = wasm_functype_new_0_0();
    wasm_func_t *hello_func = wasm_func_new(store, hello_type, hello_callback);
    wasm_functype_delete(hello_type);

    printf("Instantiating module...\n");
    wasm_extern_t *externs[] = {wasm_func_as_extern(hello_func)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance) {
        printf("> Error instantiating module!\n");
        return 1;
    }
    wasm_func_delete(hello_func);

    printf("Extracting export...\n");
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    const wasm_func_t *run = exports.size ? wasm_extern_as_func(exports.data[0]) : NULL;
    if (!run) {
        printf("> Error accessing export!\n");
        return 1;
    }
    wasm_module_delete(module);
    wasm_instance_delete(instance);

    printf("Calling export...\n");
    wasm_val_vec_t args = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;
    wasm_trap_t *trap = wasm_func_call(run, &args, &results);
    if (trap) {
        wasm_message_t m;
        wasm_trap_message(trap, &m);
        printf("> Error calling function: %s\n", m.data);
        wasm_byte_vec_delete(&m);
        wasm_trap_delete(trap);
        return 1;
    }
    wasm_extern_vec_delete(&exports);

    printf("Shutting down...\n");
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    printf("Done.\n");
    return 0;
}
