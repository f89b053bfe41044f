/* threads.c — one engine and one module shared by several threads, each
 * with its own store and instance, all running at once. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>

#include "example.h"

enum { NTHREADS = 4, N = 1000000 };

static wasm_engine_t *engine;
static wasm_shared_module_t *shared;

static wasm_trap_t *id_callback(void *env, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    (void)args;
    results->data[0].kind = WASM_I32;
    results->data[0].of.i32 = (int32_t)(intptr_t)env;
    return NULL;
}

static void *run_thread(void *arg) {
    intptr_t id = (intptr_t)arg;
    int64_t *out = malloc(sizeof *out);
    *out = -1;
    wasm_store_t *store = wasm_store_new(engine);
    wasm_module_t *module = wasm_module_obtain(store, shared);
    wasm_functype_t *t = wasm_functype_new_0_1(wasm_valtype_new_i32());
    wasm_func_t *f = wasm_func_new_with_env(store, t, id_callback, (void *)id, NULL);
    wasm_functype_delete(t);
    wasm_extern_t *externs[] = {wasm_func_as_extern(f)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs), exports;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (instance) {
        wasm_instance_exports(instance, &exports);
        wasm_val_t as[1] = {WASM_I32_VAL(N)}, rs[1];
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        wasm_trap_t *trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results);
        if (!trap) *out = rs[0].of.i64;
        else wasm_trap_delete(trap);
        wasm_extern_vec_delete(&exports);
        wasm_instance_delete(instance);
    }
    wasm_func_delete(f);
    wasm_module_delete(module);
    wasm_store_delete(store);
    return out;
}

int main(void) {
    engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("threads.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    shared = wasm_module_share(module);
    wasm_module_delete(module);
    wasm_store_delete(store);

    pthread_t th[NTHREADS];
    for (intptr_t i = 0; i < NTHREADS; i++) pthread_create(&th[i], NULL, run_thread, (void *)i);
    int status = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        pthread_join(th[i], &r);
        int64_t got = *(int64_t *)r, want = (int64_t)N * (N + 1) / 2 + i;
        printf("thread %d: %" PRId64 " (%s)\n", i, got, got == want ? "right" : "WRONG");
        status |= got != want;
        free(r);
    }
    wasm_shared_module_delete(shared);
    wasm_engine_delete(engine);
    return status;
}
