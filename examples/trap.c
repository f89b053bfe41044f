/* trap.c — traps: from wasm code (with the frames of its backtrace) and
 * from a host function (wasm_trap_new), caught by the caller. */
#include <stdio.h>

#include "example.h"

static wasm_store_t *the_store;

static wasm_trap_t *fail_callback(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    (void)args;
    (void)results;
    wasm_message_t m;
    wasm_name_new_from_string_nt(&m, "the host says no");
    wasm_trap_t *t = wasm_trap_new(the_store, &m);
    wasm_name_delete(&m);
    return t;
}

static void report(wasm_trap_t *trap) {
    if (!trap) {
        printf("> no trap!\n");
        exit(1);
    }
    wasm_message_t m;
    wasm_trap_message(trap, &m);
    printf("trap: %s\n", m.data);
    wasm_byte_vec_delete(&m);
    wasm_frame_t *origin = wasm_trap_origin(trap);
    if (origin) {
        printf("  origin: func %u, module offset 0x%zx\n", wasm_frame_func_index(origin),
               wasm_frame_module_offset(origin));
        wasm_frame_delete(origin);
    } else {
        printf("  no origin (not from wasm code)\n");
    }
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    for (size_t i = 0; i < trace.size; i++)
        printf("  #%zu func %u, module offset 0x%zx\n", i, wasm_frame_func_index(trace.data[i]),
               wasm_frame_module_offset(trace.data[i]));
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = the_store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("trap.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    wasm_functype_t *t = wasm_functype_new_0_0();
    wasm_func_t *fail = wasm_func_new(store, t, fail_callback);
    wasm_functype_delete(t);
    wasm_extern_t *externs[] = {wasm_func_as_extern(fail)};
    wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    wasm_func_delete(fail);
    if (!instance) return 1;
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);

    wasm_val_t as[1] = {WASM_I32_VAL(0)}, rs[1];
    wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs), none = WASM_EMPTY_VEC;
    printf("divide(0):\n");
    report(wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results));
    printf("host():\n");
    report(wasm_func_call(wasm_extern_as_func(exports.data[1]), &none, &none));
    as[0].of.i32 = 3;
    if (wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results)) return 1;
    printf("divide(3) = %d: the store runs on after traps\n", rs[0].of.i32);

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
