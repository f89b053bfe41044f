/*
 * compile_speed.c — how fast each engine prepares code: for every module
 * given, the time to decode and validate it (zwasm_module_new), then to
 * lower every function to the IR (what the interpreter runs), and to lower
 * and compile every function with the JIT (zw_jit_compile_module), with the
 * speed in MB of function bodies per second.
 *
 *   make bench-compile   (builds build/compile_speed and runs it on the corpus)
 *   build/compile_speed FILE.wasm...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ir/ir.h"
#include "jit/jit.h"
#include "module.h"
#include "zwasm.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void no_code(void *env, uint32_t fi, const char *ir, const uint8_t *code, size_t len, uint64_t a) {
    (void)ir; (void)code; (void)a; (void)fi;
    *(size_t *)env += len;
}

int main(int argc, char **argv) {
    printf("%-28s %10s %9s %9s %10s %9s %10s\n", "module", "code KB", "load ms", "IR ms", "IR MB/s",
           "JIT ms", "JIT MB/s");
    double all_kb = 0, all_mcode = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) { perror(argv[i]); continue; }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *bytes = malloc((size_t)n);
        if (!bytes || fread(bytes, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(bytes); continue; }
        fclose(f);
        double t_ir = 0, t_jit = 0, t_load = 0, code_kb = 0;
        size_t mcode = 0;
        for (int e = 0; e < 2; e++) {
            zwasm_config_t cfg;
            zwasm_config_init(&cfg);
            cfg.engine = e ? ZWASM_ENGINE_JIT : ZWASM_ENGINE_INTERP;
            zwasm_engine_t *eng = zwasm_engine_new(&cfg);
            zwasm_module_t *m = NULL;
            zwasm_error_t err;
            double t0 = now();
            if (!eng || zwasm_module_new(eng, bytes, (size_t)n, &m, &err) != ZWASM_OK) {
                fprintf(stderr, "%s: %s\n", argv[i], eng ? err.message : "no engine");
                zwasm_engine_delete(eng);
                break;
            }
            double t1 = now();
            if (e) {
                zw_jit_compile_module((zw_module *)m, &err);
                t_jit = now() - t1;
                zwasm_module_code(m, no_code, &mcode, &err);
            } else {
                zw_lower_module((zw_module *)m, &err);
                t_ir = now() - t1;
                t_load = t1 - t0;
                const zw_module *zm = (const zw_module *)m;
                uint64_t bytes_code = 0;
                for (uint32_t k = zm->nfunc_imports; k < zm->nfuncs; k++) bytes_code += zm->funcs[k].code_len;
                code_kb = (double)bytes_code / 1024;
            }
            zwasm_module_delete(m);
            zwasm_engine_delete(eng);
        }
        const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
        printf("%-28s %10.0f %9.1f %9.1f %10.1f %9.1f %10.1f\n", name, code_kb, t_load * 1e3, t_ir * 1e3,
               code_kb / 1024 / (t_ir > 0 ? t_ir : 1e-9), t_jit * 1e3, code_kb / 1024 / (t_jit > 0 ? t_jit : 1e-9));
        printf("%-28s machine code %.0f KB (%.1fx the wasm code)\n", "", (double)mcode / 1024,
               code_kb > 0 ? (double)mcode / 1024 / code_kb : 0);
        all_kb += code_kb;
        all_mcode += (double)mcode / 1024;
        free(bytes);
    }
    /* the JIT's code size per byte of function bodies, over every module */
    printf("all: %.0f KB of function bodies, %.0f KB of machine code: %.2f bytes per wasm byte\n", all_kb,
           all_mcode, all_kb > 0 ? all_mcode / all_kb : 0);
    return 0;
}
