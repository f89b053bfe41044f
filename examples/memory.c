/* memory.c — a memory exported by wasm: read and written from both sides,
 * grown from the host, out-of-bounds accesses trapping; and a memory the
 * host creates. */
#include <stdio.h>

#include "example.h"

static wasm_func_t *export_func(const wasm_extern_vec_t *e, size_t i) { return wasm_extern_as_func(e->data[i]); }

static void check_trap(wasm_trap_t *trap, const char *what) {
    if (!trap) {
        printf("> %s: no trap!\n", what);
        exit(1);
    }
    example_print_trap(what, trap);
}

static int32_t call_i32(const wasm_func_t *f, int32_t a, int32_t b, size_t nargs, wasm_trap_t **trap) {
    wasm_val_t as[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
    wasm_val_t rs[1] = {WASM_INIT_VAL};
    wasm_val_vec_t args = {nargs, as}, results = {wasm_func_result_arity(f), rs};
    *trap = wasm_func_call(f, &args, &results);
    return rs[0].of.i32;
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("memory.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, NULL);
    if (!instance) return 1;
    wasm_extern_vec_t exports;
    wasm_instance_exports(instance, &exports);
    wasm_memory_t *memory = wasm_extern_as_memory(exports.data[0]);
    wasm_func_t *size = export_func(&exports, 1), *load = export_func(&exports, 2), *store_ = export_func(&exports, 3);
    wasm_trap_t *trap;

    printf("pages %u, bytes %zu", wasm_memory_size(memory), wasm_memory_data_size(memory));
    printf(", size() = %d\n", call_i32(size, 0, 0, 0, &trap));
    byte_t *data = wasm_memory_data(memory);
    printf("data[0x1000..] = %d %d %d %d", data[0x1000], data[0x1001], data[0x1002], data[0x1003]);
    printf("; load(0x1002) = %d\n", call_i32(load, 0x1002, 0, 1, &trap));
    call_i32(store_, 0x1002, -5, 2, &trap);
    data[0x1003] = 7;
    printf("after store(0x1002, -5) and data[0x1003] = 7: data[0x1002] = %d", data[0x1002]);
    printf(", load(0x1003) = %d\n", call_i32(load, 0x1003, 0, 1, &trap));
    call_i32(load, 0x20000, 0, 1, &trap);
    check_trap(trap, "load(0x20000)");
    call_i32(store_, 0x20000, 1, 2, &trap);
    check_trap(trap, "store(0x20000, 1)");

    bool grown = wasm_memory_grow(memory, 1);
    printf("grow by 1: %s, pages %u", grown ? "ok" : "failed", wasm_memory_size(memory));
    printf(", load(0x20000) = %d\n", call_i32(load, 0x20000, 0, 1, &trap));
    printf("grow by 1 beyond the maximum: %s\n", wasm_memory_grow(memory, 1) ? "ok" : "failed");
    printf("grow by 0: %s\n", wasm_memory_grow(memory, 0) ? "ok" : "failed");

    wasm_memorytype_t *mt = wasm_memory_type(memory);
    const wasm_limits_t *l = wasm_memorytype_limits(mt);
    printf("type: min %u max %u\n", l->min, l->max);
    wasm_memorytype_delete(mt);

    wasm_limits_t limits = {5, 5};
    wasm_memorytype_t *t = wasm_memorytype_new(&limits);
    wasm_memory_t *own_memory = wasm_memory_new(store, t);
    wasm_memorytype_delete(t);
    printf("a host memory: pages %u", wasm_memory_size(own_memory));
    printf(", grow by 1: %s\n", wasm_memory_grow(own_memory, 1) ? "ok" : "failed");
    wasm_memory_delete(own_memory);

    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
