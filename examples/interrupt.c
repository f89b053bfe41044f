/* interrupt.c — bounding guest code: fuel (a budget of work) and
 * interruption from another thread, set up through zwasm.h on the objects
 * of wasm.h. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "example.h"

static void *watchdog(void *store) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    zwasm_store_interrupt(zwasm_store_from_wasm(store)); /* safe from any thread */
    return NULL;
}

static void report(const char *what, wasm_trap_t *trap, wasm_val_t *r) {
    if (!trap) {
        printf("%s = %d\n", what, r->of.i32);
        return;
    }
    example_print_trap(what, trap);
}

int main(void) {
    wasm_config_t *config = wasm_config_new();
    zwasm_config_t *native = zwasm_config_from_wasm(config);
    native->fuel = 100000;         /* units: one per call and loop iteration */
    native->interruptible = true;
    wasm_engine_t *engine = wasm_engine_new_with_config(config);
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("interrupt.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    wasm_instance_exports(instance, &exports);
    const wasm_func_t *forever = wasm_extern_as_func(exports.data[0]), *count = wasm_extern_as_func(exports.data[1]);
    wasm_val_t as[1] = {WASM_I32_VAL(1000)}, rs[1];
    wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs), none = WASM_EMPTY_VEC;
    uint64_t fuel;

    report("count(1000)", wasm_func_call(count, &args, &results), rs);
    zwasm_store_get_fuel(zwasm_store_from_wasm(store), &fuel);
    printf("fuel left: %llu\n", (unsigned long long)fuel);
    as[0].of.i32 = 1000000;
    report("count(1000000)", wasm_func_call(count, &args, &results), rs);
    zwasm_store_get_fuel(zwasm_store_from_wasm(store), &fuel);
    printf("fuel left: %llu\n", (unsigned long long)fuel);

    zwasm_store_set_fuel(zwasm_store_from_wasm(store), UINT64_MAX, NULL); /* then stop it another way */
    pthread_t t;
    pthread_create(&t, NULL, watchdog, store);
    report("forever()", wasm_func_call(forever, &none, &none), rs);
    pthread_join(t, NULL);
    as[0].of.i32 = 10;
    report("count(10) afterwards", wasm_func_call(count, &args, &results), rs);

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
