/* finalize.c — host info attached to handles, released by its finalizer
 * when the handle is deleted; environments of host functions, released
 * when their store is deleted. */
#include <stdio.h>

#include "example.h"

static void release(void *info) { printf("> released %s\n", (const char *)info); }

static wasm_trap_t *noop(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    (void)env;
    (void)args;
    (void)results;
    return NULL;
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("finalize.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    wasm_module_set_host_info_with_finalizer(module, "module info", release);

    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    wasm_instance_set_host_info_with_finalizer(instance, "instance info", release);
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_func_t *f = wasm_extern_as_func(exports.data[0]);
    wasm_func_set_host_info_with_finalizer(f, "first func info", release);
    printf("host info of the func: %s\n", (const char *)wasm_func_get_host_info(f));
    wasm_func_set_host_info_with_finalizer(f, "second func info", release); /* releases the first */
    wasm_func_t *copy = wasm_func_copy(f);
    printf("the copy is the same function: %s, with no host info: %s\n", wasm_func_same(copy, f) ? "yes" : "no",
           wasm_func_get_host_info(copy) ? "no" : "yes");
    wasm_func_delete(copy);

    wasm_functype_t *t = wasm_functype_new_0_0();
    wasm_func_t *h = wasm_func_new_with_env(store, t, noop, "host function env", release);
    wasm_functype_delete(t);
    wasm_func_delete(h); /* the handle: the function lives on in the store */

    printf("deleting the exports\n");
    wasm_extern_vec_delete(&exports);
    printf("deleting the instance and the module\n");
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    printf("deleting the store\n");
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    printf("done\n");
    return 0;
}
