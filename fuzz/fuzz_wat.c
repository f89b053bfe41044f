/*
 * fuzz_wat.c — libFuzzer target for the text format: the S-expression reader
 * and the WAT -> binary encoder (zw_wat_compile), then decode + validate + lower
 * of whatever binary it produced.  Nothing is executed.
 * Build: make fuzz (also writes the seed corpus build-fuzz/corpus-wat);
 * run: build-fuzz/fuzz_wat -dict=fuzz/wat.dict build-fuzz/corpus-wat
 * (more in fuzz/seed_corpus.sh).
 */
#include <stdlib.h>
#include <string.h>

#include "zwasm.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    zwasm_error_t err;
    zw_buf out;
    memset(&out, 0, sizeof out);
    if (zw_wat_compile((const char *)data, size, &out, &err) == ZWASM_OK) {
        zwasm_engine_t *engine = zwasm_engine_new(NULL);
        zwasm_module_t *m = NULL;
        if (zwasm_module_new(engine, out.data, out.len, &m, &err) == ZWASM_OK)
            zwasm_module_delete(m);
        zwasm_engine_delete(engine);
    }
    zw_buf_free(&out);
    return 0;
}
