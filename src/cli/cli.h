/*
 * cli.h — declarations shared by the files of the `zwasm` command-line tool
 * (src/cli/).  Not part of the library.
 *
 *   main.c      argument handling, `run`, `validate`, `inspect`, file I/O
 *   values.c    parsing values from command-line text, printing values/types
 *   wast.c      the .wast script runner (`zwasm wast`)
 *   spectest.c  the `spectest` host module used by the script runner
 *   threads.c   wasi-threads for `run` (thread-spawn, the shared memory)
 */
#ifndef ZW_CLI_H
#define ZW_CLI_H

#include <stdio.h>

#include "common.h"

/* Exit statuses. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_ERROR = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_TRAP = 3 };

/* ---- main.c ---------------------------------------------------------------- */
/* Read a whole file.  Returns false and fills err (ZWASM_ERR_IO / NOMEM). */
bool cli_read_file(const char *path, uint8_t **data, size_t *len, zwasm_error_t *err);

/* ---- values.c ---------------------------------------------------------------- */
#define CLI_TYPE_BUF 32 /* ZW_VALTYPE_BUF */
const char *cli_valkind_name(uint32_t kind, char buf[CLI_TYPE_BUF]);
/* Parse one command-line argument as a value of the given kind.  On failure
 * returns false and writes a short reason (what was expected) to why. */
bool cli_parse_val(const char *text, uint32_t kind, zwasm_val_t *out, char *why, size_t whylen);
/* Print a result value as documented in `zwasm --help` (no newline). */
void cli_print_val(FILE *f, const zwasm_val_t *v);
/* Format a value as a script constant "(i32.const 7)" into buf. */
void cli_format_val(char *buf, size_t len, const zwasm_val_t *v);
/* An untrusted string (a path, a name, a command-line argument, a line of a
 * file) made safe to print: escaped into buf (zw_escape); returns buf. */
const char *cli_esc(char *buf, size_t cap, const char *s);
/* --wasm VERSION: "2.0" (no feature beyond 2.0) or "3.0" (every feature
 * zwasm has); false for anything else. */
bool cli_wasm_features(const char *version, uint32_t *features);
/* What cli_wasm_features accepts, for the error when it refuses a version. */
#define CLI_WASM_VERSIONS "1.0, 2.0, 3.0, threads, or several joined with +"
/* Print a module's name (n bytes) escaped, with `"` and `\` escaped too
 * so that it can be shown between quotes. */
void cli_print_name(FILE *f, const char *s, size_t n);
/* "(i32 i64)" for a list of value kinds. */
void cli_format_types(char *buf, size_t len, const uint32_t *kinds, uint32_t n);
void cli_format_externtype(char *buf, size_t len, const zwasm_externtype_t *t);

/* Externref values of scripts: (ref.extern N) is the host pointer N + 1. */
static inline void *cli_externref(uint64_t n) { return (void *)(uintptr_t)(n + 1); }

/* ---- wast.c ------------------------------------------------------------------- */
int cli_wast_main(int argc, char **argv);

/* ---- threads.c ------------------------------------------------------------------- */
typedef struct cli_threads cli_threads;
/* The threads of one `run` of module (file: for messages); the main thread
 * runs in main_store; at most max others run at once. */
cli_threads *cli_threads_new(zwasm_engine_t *engine, const zwasm_module_t *module, const char *file,
                             zwasm_store_t *main_store, uint32_t max);
/* The main thread's WASI context, which the others share. */
void cli_threads_set_wasi(cli_threads *ct, zwasm_wasi_t *wasi);
/* Resolve, for an instance in store, the imports wasi-threads adds: a
 * shared memory (one for the whole program) and wasi.thread-spawn; false
 * with why filled when one cannot be. */
bool cli_threads_imports(cli_threads *ct, zwasm_store_t *store, zwasm_extern_t *imports, bool *resolved,
                         char *why, size_t whylen);
/* Whether the program is ending (a thread trapped or exited): the main
 * thread's "interrupted" is then not its own failure. */
bool cli_threads_ending(cli_threads *ct);
/* The main thread is done with status: stop and join the others; the
 * program's exit status (the first thread to end sets it). */
int cli_threads_finish(cli_threads *ct, int status);
void cli_threads_free(cli_threads *ct);

/* ---- spectest.c ----------------------------------------------------------------- */
typedef struct cli_spectest cli_spectest;
/* Create the spectest host objects in store.  verbose: print calls. */
cli_spectest *cli_spectest_new(zwasm_store_t *store, bool verbose);
void cli_spectest_free(cli_spectest *st);
/* Look up spectest.NAME; false if there is no such export. */
bool cli_spectest_lookup(const cli_spectest *st, const char *name, size_t name_len,
                         zwasm_extern_t *out);

#endif
