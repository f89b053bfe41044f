/* callback.c — host functions called from wasm: one plain (wasm_func_new),
 * one with an environment and a finalizer (wasm_func_new_with_env). */
#include <stdio.h>

#include "example.h"

static wasm_trap_t *print_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    printf("> print(%d)\n", args->data[0].of.i32);
    wasm_val_copy(&results->data[0], &args->data[0]);
    return NULL;
}

typedef struct counter { int calls; } counter;

static wasm_trap_t *count_callback(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    (void)args;
    counter *c = env;
    c->calls++;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = c->calls * 100;
    return NULL;
}

static void counter_finalize(void *env) {
    printf("> counter finalized after %d calls\n", ((counter *)env)->calls);
    free(env);
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("callback.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    if (!module) return 1;

    wasm_functype_t *print_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
    wasm_func_t *print = wasm_func_new(store, print_type, print_callback);
    wasm_functype_delete(print_type);

    counter *c = calloc(1, sizeof *c);
    wasm_functype_t *count_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
    wasm_func_t *count = wasm_func_new_with_env(store, count_type, count_callback, c, counter_finalize);
    wasm_functype_delete(count_type);

    wasm_extern_t *externs[] = {wasm_func_as_extern(print), wasm_func_as_extern(count)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    wasm_func_delete(print);
    wasm_func_delete(count);
    wasm_module_delete(module);
    if (!instance) return 1;

    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_func_t *run = wasm_extern_as_func(exports.data[0]);
    printf("run takes %zu arguments and returns %zu result\n", wasm_func_param_arity(run),
           wasm_func_result_arity(run));
    for (int i = 1; i <= 2; i++) {
        wasm_val_t as[2] = {WASM_I32_VAL(3 * i), WASM_I32_VAL(4)};
        wasm_val_t rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        if ((trap = wasm_func_call(run, &args, &results))) return 1;
        printf("run(%d, 4) = %d\n", 3 * i, rs[0].of.i32);
    }
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    printf("deleting the store\n");
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
