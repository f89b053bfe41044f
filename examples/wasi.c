/* wasi.c — running a WASI command through the standard C API and wasi.h:
 * arguments, environment, a preopened directory, stdout to a file, and
 * the exit status of proc_exit. */
#include <stdio.h>
#include <unistd.h>

#include "example.h"
#include "wasi.h"

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("wasi.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    if (!module) return 1;

    wasi_config_t *config = wasi_config_new("wasi-example");
    wasi_config_arg(config, "hello");
    wasi_config_arg(config, "world");
    wasi_config_env(config, "GREETING", "hi");
    if (!wasi_config_preopen_dir(config, "wasi-data", ".")) return 1;
    char out_path[] = "/tmp/zwasm-wasi-example-XXXXXX";
    int fd = mkstemp(out_path);
    if (fd < 0 || !wasi_config_set_stdout_file(config, out_path)) return 1;
    close(fd);
    wasi_env_t *env = wasi_env_new(store, config);
    if (!env) return 1;

    wasm_extern_vec_t imports;
    if (!wasi_get_imports(store, env, module, &imports)) return 1;
    wasm_trap_t *trap = NULL;
    wasm_instance_t *instance = wasm_instance_new(store, module, &imports, &trap);
    wasm_extern_vec_delete(&imports);
    if (!instance) return 1;
    wasm_func_t *start = wasi_get_start_function(instance);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    trap = wasm_func_call(start, &none, &none);
    int32_t code = -1;
    bool exited = wasi_env_exited(env, &code);
    printf("the command %s; exited: %s, status %d\n", trap ? "trapped" : "returned", exited ? "yes" : "no", code);
    wasm_trap_delete(trap);

    printf("its stdout:\n");
    FILE *f = fopen(out_path, "r");
    char line[256];
    while (f && fgets(line, sizeof line, f)) printf("  %s", line);
    if (f) fclose(f);
    unlink(out_path);

    wasm_func_delete(start);
    wasm_instance_delete(instance);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasi_env_delete(env);
    wasm_engine_delete(engine);
    return 0;
}
