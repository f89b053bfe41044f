/* example.h — what the wasm.h examples share: loading a module from its
 * .wat file, printing a trap.  The only zwasm-specific call of the examples is
 * zwasm_wat2wasm (zwasm.h), which turns the text into the binary that
 * wasm_module_new takes; a program given a .wasm file reads it instead. */
#ifndef EXAMPLE_H
#define EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"
#include "zwasm.h"

/* The binary of the module in file path (a .wat), in *out; false with a
 * message on stderr. */
static inline bool example_load(const char *path, wasm_byte_vec_t *out) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "> cannot open %s\n", path);
        return false;
    }
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    char buf[4096];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *t = realloc(text, cap);
            if (!t) break;
            text = t;
        }
        memcpy(text + len, buf, n);
        len += n;
    }
    fclose(f);
    uint8_t *bytes;
    size_t blen;
    zwasm_error_t err;
    if (zwasm_wat2wasm(text, len, &bytes, &blen, &err) != ZWASM_OK) {
        fprintf(stderr, "> %s: %s\n", path, err.message);
        free(text);
        return false;
    }
    free(text);
    wasm_byte_vec_new(out, blen, (const wasm_byte_t *)bytes);
    zwasm_bytes_delete(bytes);
    return true;
}

/* Print "<what> traps: <message>" and delete the trap. */
static inline void example_print_trap(const char *what, wasm_trap_t *trap) {
    wasm_message_t m;
    wasm_trap_message(trap, &m);
    printf("%s traps: %s\n", what, m.data);
    wasm_byte_vec_delete(&m);
    wasm_trap_delete(trap);
}

#endif
