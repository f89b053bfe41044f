/*
 * wasi.h — WASI preview 1 for programs using the standard C API (wasm.h),
 * in the style other runtimes give it: configure a command (arguments,
 * environment, stdio, preopened directories), bind it to a store, get the
 * imports a module needs, run its start function, read its exit code.
 * Written over zwasm.h's WASI (same sandbox: every guest path resolves
 * inside a preopened directory; README, "Security").
 *
 *   wasi_config_t *c = wasi_config_new("prog");
 *   wasi_config_arg(c, "--flag");
 *   wasi_config_preopen_dir(c, "data", ".");
 *   wasi_env_t *env = wasi_env_new(store, c);            // takes c
 *   wasm_extern_vec_t imports;
 *   wasi_get_imports(store, env, module, &imports);       // fills the WASI ones
 *   wasm_instance_t *inst = wasm_instance_new(store, module, &imports, &trap);
 *   wasm_func_t *start = wasi_get_start_function(inst);   // "_start"
 *   wasm_trap_t *t = wasm_func_call(start, &none, &none); // proc_exit is a trap...
 *   int32_t code;
 *   if (wasi_env_exited(env, &code)) ...                 // ... with its status here
 *   ... wasm_store_delete(store); wasi_env_delete(env);  // the env after its store
 */
#ifndef WASI_H
#define WASI_H

#include "wasm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wasi_config_t wasi_config_t;
typedef struct wasi_env_t wasi_env_t;

/* A configuration for a command named program (its argv[0]); NULL on out of memory. */
WASM_API_EXTERN wasi_config_t *wasi_config_new(const char *program);
WASM_API_EXTERN void wasi_config_delete(wasi_config_t *);
/* Append an argument (copied). */
WASM_API_EXTERN void wasi_config_arg(wasi_config_t *, const char *arg);
/* Add KEY=VALUE to the guest's environment (copied). */
WASM_API_EXTERN void wasi_config_env(wasi_config_t *, const char *key, const char *value);
/* Give the guest the whole host environment. */
WASM_API_EXTERN void wasi_config_inherit_env(wasi_config_t *);
/* Open host directory host_dir now and show it to the guest as guest_dir
 * ("." or "/data"); false when it cannot be opened. */
WASM_API_EXTERN bool wasi_config_preopen_dir(wasi_config_t *, const char *host_dir, const char *guest_dir);
/* Standard streams: inherited from the host (the default), or files
 * (stdin read from path; stdout/stderr created or truncated); false when
 * the file cannot be opened. */
WASM_API_EXTERN void wasi_config_inherit_stdin(wasi_config_t *);
WASM_API_EXTERN void wasi_config_inherit_stdout(wasi_config_t *);
WASM_API_EXTERN void wasi_config_inherit_stderr(wasi_config_t *);
WASM_API_EXTERN bool wasi_config_set_stdin_file(wasi_config_t *, const char *path);
WASM_API_EXTERN bool wasi_config_set_stdout_file(wasi_config_t *, const char *path);
WASM_API_EXTERN bool wasi_config_set_stderr_file(wasi_config_t *, const char *path);

/* A WASI context in store, made from config (which it takes over, in any
 * case); NULL on failure.  Delete it after the store. */
WASM_API_EXTERN wasi_env_t *wasi_env_new(wasm_store_t *store, wasi_config_t *config);
WASM_API_EXTERN void wasi_env_delete(wasi_env_t *);
/* imports gets one entry per import of module: the WASI function for each
 * wasi_snapshot_preview1 import, NULL for the others (set them before
 * instantiating).  False, with every entry NULL, when a WASI import does
 * not exist or has the wrong type. */
WASM_API_EXTERN bool wasi_get_imports(const wasm_store_t *store, wasi_env_t *env, const wasm_module_t *module,
                                      wasm_extern_vec_t *imports);
/* The command's entry, the export "_start"; NULL if there is none. */
WASM_API_EXTERN wasm_func_t *wasi_get_start_function(wasm_instance_t *);
/* True once the guest called proc_exit (its call then returns a trap);
 * *code gets the status. */
WASM_API_EXTERN bool wasi_env_exited(const wasi_env_t *, int32_t *code);

#ifdef __cplusplus
}
#endif

#endif
