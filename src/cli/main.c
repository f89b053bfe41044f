/*
 * main.c — the `zwasm` command-line tool: argument handling and the `run`,
 * `validate` and `inspect` commands (the `wast` script runner is in wast.c).
 * Also owns reading files and turning a .wasm or .wat file into a module
 * binary.
 *
 * Exit statuses: 0 success, 1 load/validation/link error or bad --invoke
 * arguments, 2 usage error (bad command line), 3 trap (or the guest's exit
 * code when it asks to exit).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#ifdef ZW_HAVE_CAPSTONE
#include <capstone/capstone.h>
#include <dlfcn.h>
#endif
#include "text/text.h"

static const char usage_text[] =
    "usage: zwasm COMMAND [OPTIONS] ...\n"
    "\n"
    "commands:\n"
    "  run [OPTIONS] FILE.wasm|FILE.wat [ARGS...]\n"
    "      Instantiate the module and call _start (after _initialize, if exported),\n"
    "      or the export named by --invoke with ARGS parsed by its parameter types;\n"
    "      print each result on a line.  WASI preview 1 (wasi_snapshot_preview1)\n"
    "      is provided: the guest's argv is FILE ARGS...; exit status is the\n"
    "      guest's proc_exit code.  Options must come before FILE.\n"
    "        --invoke NAME         call the exported function NAME\n"
    "        --dir HOST[::GUEST]   preopen host directory HOST as GUEST (default HOST)\n"
    "        --env KEY=VALUE       set a guest environment variable\n"
    "        --inherit-env         pass the whole host environment to the guest\n"
    "        --engine auto|jit|interp  execution engine (default auto: the JIT\n"
    "                              where the machine supports it)\n"
    "        --wasm 1.0|2.0|3.0|threads the WebAssembly version modules may use\n"
    "                              (default 3.0: every feature zwasm implements;\n"
    "                              threads: the proposal alone, on 1.0; join\n"
    "                              with +: 3.0+threads)\n"
    "        --dump-ir             print the register IR of every function and exit\n"
    "        --dump-jit            print every function's machine code under the IR\n"
    "                              instruction it came from (implies --engine jit)\n"
    "        --perfmap             JIT: list compiled functions in /tmp/perf-PID.map\n"
    "                              for perf\n"
    "        --trace               trace every executed IR instruction to stderr\n"
    "        --max-call-depth N    wasm frames before \"call stack exhausted\"\n"
    "                              (1 to 1000000, default 100000)\n"
    "        --fuel N              trap \"out of fuel\" after about N loop iterations\n"
    "                              and calls (N >= 1; default: no fuel)\n"
    "        --max-memory SIZE     bound the guest's linear memory plus table storage\n"
    "                              (bytes, or with a K/M/G suffix; default 2G;\n"
    "                              \"unlimited\" for none)\n"
    "        --timeout DURATION    trap \"interrupted\" after DURATION (a number with\n"
    "                              ms, s, m or h; seconds without a unit)\n"
    "  validate [--wasm V] FILE...  check each FILE (as WebAssembly V, as for run);\n"
    "                              print nothing if they are valid\n"
    "  inspect FILE               list imports, exports, memories, tables, globals\n"
    "                             and custom sections\n"
    "  wast [OPTIONS] FILE.wast...  run WebAssembly spec test scripts\n"
    "        --engine auto|jit|interp  execution engine (default auto: the JIT\n"
    "                              where the machine supports it)\n"
    "        --wasm 1.0|2.0|3.0|threads as for run\n"
    "        -v                    verbose: print every command and phase mismatch\n"
    "        --known-failures LIST skip the failures listed in LIST\n"
    "        --timeout SECS        kill a script running longer (default 300, 0 = never)\n"
    "        --no-fork             run scripts in-process (no crash/timeout isolation)\n"
    "  --help, --version\n"
    "\n"
    "argument syntax for --invoke:\n"
    "  i32, i64   decimal or 0x hex, optional sign; signed or unsigned range\n"
    "  f32, f64   decimal, hex float (0x1.8p3), inf, -inf, nan\n"
    "  v128       0x + 32 hex digits (most significant byte first), or\n"
    "             SHAPE:L0,L1,... with SHAPE i8x16 i16x8 i32x4 i64x2 f32x4 f64x2\n"
    "  funcref    null;  externref: null or a number\n"
    "results: i32/i64 signed decimal, f32 %.9g, f64 %.17g, v128 as four i32 hex\n"
    "lanes (\"i32x4 0x... 0x... 0x... 0x...\", lane 0 first), references null/ref.\n"
    "\n"
    "exit status: 0 ok, 1 error (load, validation, link, bad --invoke arguments),\n"
    "2 usage error (bad command line), 3 trap, or the code a WASI guest exits with.\n";

static int usage_error(const char *fmt, const char *arg) {
    char e[512];
    fputs("zwasm: ", stderr);
    fprintf(stderr, fmt, cli_esc(e, sizeof e, arg));
    fputs(" (see zwasm --help)\n", stderr);
    return CLI_EXIT_USAGE;
}

/* The CLI's default --max-memory: enough for common programs, small enough
 * that a memory or table bomb stops long before the machine does. */
#define CLI_DEFAULT_MAX_MEMORY ((uint64_t)2 << 30)
/* wasi-threads: threads a program may run at once besides the main one */
#define CLI_DEFAULT_MAX_THREADS 64u

/* SIZE: bytes with an optional K, M or G suffix (powers of 1024), or
 * "unlimited".  False when malformed or out of range. */
static bool parse_size(const char *v, uint64_t *out) {
    if (strcmp(v, "unlimited") == 0) {
        *out = UINT64_MAX;
        return true;
    }
    char *end;
    errno = 0;
    if (!*v || v[0] == '-' || v[0] == '+') return false;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v) return false;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10, end++;
    else if (*end == 'M' || *end == 'm') shift = 20, end++;
    else if (*end == 'G' || *end == 'g') shift = 30, end++;
    if (*end || n > (UINT64_MAX >> shift)) return false;
    *out = (uint64_t)n << shift;
    return true;
}

/* DURATION: a number with an optional unit ms, s, m or h (seconds by
 * default), more than 0 and at most a year.  Nanoseconds in *out. */
static bool parse_duration(const char *v, uint64_t *out) {
    char *end;
    errno = 0;
    if (!*v || v[0] == '-' || v[0] == '+') return false;
    double x = strtod(v, &end);
    if (errno || end == v || !(x > 0)) return false;
    double unit = 1e9;
    if (strcmp(end, "ms") == 0) unit = 1e6;
    else if (strcmp(end, "s") == 0 || !*end) unit = 1e9;
    else if (strcmp(end, "m") == 0) unit = 60e9;
    else if (strcmp(end, "h") == 0) unit = 3600e9;
    else return false;
    double ns = x * unit;
    if (ns < 1 || ns > 365.0 * 24 * 3600e9) return false;
    *out = (uint64_t)ns;
    return true;
}

/* Parse a whole-number option value in [lo, hi]. */
static bool parse_count(const char *v, uint64_t lo, uint64_t hi, uint64_t *out) {
    char *end;
    errno = 0;
    if (!*v || v[0] == '-' || v[0] == '+') return false;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || n < lo || n > hi) return false;
    *out = (uint64_t)n;
    return true;
}

bool cli_read_file(const char *path, uint8_t **data, size_t *len, zwasm_error_t *err) {
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        zw_err_set(err, ZWASM_ERR_IO, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "cannot open: %s",
                   strerror(errno));
        return false;
    }
    zw_buf b = {0};
    uint8_t chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) zw_buf_append(&b, chunk, n);
    bool ioerr = ferror(f);
    int read_errno = errno;
    fclose(f);
    if (ioerr || b.oom) {
        zw_buf_free(&b);
        if (ioerr)
            zw_err_set(err, ZWASM_ERR_IO, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "read error: %s",
                       strerror(read_errno));
        else
            zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        return false;
    }
    /* keep a NUL after the data so text can be handled as a C string */
    zw_buf_byte(&b, 0);
    if (b.oom) {
        zw_buf_free(&b);
        zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        return false;
    }
    *data = b.data;
    *len = b.len - 1;
    return true;
}

/* One line for a load/validation error: "zwasm: FILE: offset 0x1a: message". */
static void report_error(const char *path, const zwasm_error_t *err) {
    char p[1024];
    cli_esc(p, sizeof p, path);
    if (err->offset != ZWASM_NO_OFFSET)
        fprintf(stderr, "zwasm: %s: offset 0x%" PRIx64 ": %s\n", p, err->offset, err->message);
    else
        fprintf(stderr, "zwasm: %s: %s\n", p, err->message);
}

static void report_trap(const zwasm_error_t *err) {
    fprintf(stderr, "zwasm: trap: %s", err->message);
    if (err->func != ZWASM_NO_FUNC && err->offset != ZWASM_NO_OFFSET)
        fprintf(stderr, " (func %" PRIu32 ", offset 0x%" PRIx64 ")", err->func, err->offset);
    else if (err->func != ZWASM_NO_FUNC)
        fprintf(stderr, " (func %" PRIu32 ")", err->func);
    fputc('\n', stderr);
    if (err->backtrace[0]) fprintf(stderr, "wasm backtrace:\n%s", err->backtrace);
}

/* Read path and return a module binary in *bin: the file itself when it
 * starts with the wasm magic or is named *.wasm, else the result of
 * compiling it as text. */
static bool load_binary(const char *path, zw_buf *bin, zwasm_error_t *err) {
    uint8_t *data;
    size_t len;
    memset(bin, 0, sizeof *bin);
    if (!cli_read_file(path, &data, &len, err)) return false;
    size_t plen = strlen(path);
    bool wasm_name = plen >= 5 && strcmp(path + plen - 5, ".wasm") == 0;
    if (wasm_name || (len >= 4 && memcmp(data, "\0asm", 4) == 0)) {
        bin->data = data;
        bin->len = len;
        bin->cap = len + 1;
        return true;
    }
    zwasm_result_t r = zw_wat_compile((const char *)data, len, bin, err);
    free(data);
    if (r != ZWASM_OK) {
        zw_buf_free(bin);
        return false;
    }
    return true;
}

/* ---- --dump-jit ---------------------------------------------------------------- */

/* Print machine code: disassembled with capstone (x86-64 or AArch64, the
 * JIT's target) when the build found its header and the library loads
 * (dlopen, so that only --dump-jit pays for it), else as hex: one line per
 * 16 bytes, or per instruction word on AArch64. */
#ifdef ZW_HAVE_CAPSTONE
typedef struct {
    cs_err (*open)(cs_arch, cs_mode, csh *);
    size_t (*disasm)(csh, const uint8_t *, size_t, uint64_t, size_t, cs_insn **);
    void (*free)(cs_insn *, size_t);
    cs_err (*close)(csh *);
} capstone_api;

static bool capstone_load(capstone_api *api) {
    char name[32];
    snprintf(name, sizeof name, "libcapstone.so.%d", CS_API_MAJOR);
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) h = dlopen("libcapstone.so", RTLD_NOW | RTLD_LOCAL);
    if (!h) return false;
    *(void **)&api->open = dlsym(h, "cs_open");
    *(void **)&api->disasm = dlsym(h, "cs_disasm");
    *(void **)&api->free = dlsym(h, "cs_free");
    *(void **)&api->close = dlsym(h, "cs_close");
    return api->open && api->disasm && api->free && api->close;
}
#endif

typedef struct {
    FILE *out;
    uint32_t func;  /* the function being printed */
    bool body;      /* its IR instructions have started */
#ifdef ZW_HAVE_CAPSTONE
    int loaded;     /* -1: not tried yet */
    capstone_api api;
#endif
} dump_code_state;

static void print_machine_code(dump_code_state *ds, const uint8_t *code, size_t len, uint64_t addr) {
    FILE *out = ds->out;
#ifdef ZW_HAVE_CAPSTONE
    capstone_api api;
    csh h;
    if (ds->loaded < 0) ds->loaded = capstone_load(&ds->api);
    api = ds->api;
#if defined(__aarch64__)
    cs_err opened = ds->loaded ? api.open(CS_ARCH_ARM64, CS_MODE_ARM, &h) : CS_ERR_ARCH;
#else
    cs_err opened = ds->loaded ? api.open(CS_ARCH_X86, CS_MODE_64, &h) : CS_ERR_ARCH;
#endif
    if (opened == CS_ERR_OK) {
        while (len) {
            cs_insn *insn;
            size_t n = api.disasm(h, code, len, addr, 0, &insn);
            size_t done = 0;
            for (size_t i = 0; i < n; i++) {
                fprintf(out, "        %" PRIx64 ":  %-8s %s\n", insn[i].address, insn[i].mnemonic, insn[i].op_str);
                done += insn[i].size;
            }
            if (n) api.free(insn, n);
            code += done;
            addr += done;
            len -= done;
#if defined(__aarch64__)
            /* a word this capstone does not decode (an instruction newer
             * than it, such as Armv8.1's atomics): as hex, and go on */
            if (len >= 4) {
                uint32_t w;
                memcpy(&w, code, 4);
                fprintf(out, "        %" PRIx64 ":  %08x\n", addr, w);
                code += 4;
                addr += 4;
                len -= 4;
                continue;
            }
#endif
            break;
        }
        api.close(&h);
    }
#endif
#if defined(__aarch64__)
    /* A64: one instruction word per line */
    for (size_t i = 0; i + 4 <= len; i += 4) {
        uint32_t w;
        memcpy(&w, code + i, 4);
        fprintf(out, "        %" PRIx64 ":  %08x\n", addr + i, w);
    }
#else
    for (size_t i = 0; i < len; i += 16) {
        fprintf(out, "        %" PRIx64 ":  ", addr + i);
        for (size_t k = i; k < len && k < i + 16; k++) fprintf(out, "%02x ", code[k]);
        fputc('\n', out);
    }
#endif
}

static void dump_code(void *env, uint32_t func, const char *ir_text, const uint8_t *code, size_t len,
                      uint64_t addr) {
    dump_code_state *ds = env;
    if (func != ds->func) {
        fprintf(ds->out, "func %u:\n", func);
        ds->func = func;
        ds->body = false;
    }
    if (ir_text) {
        fprintf(ds->out, "%s\n", ir_text);
        ds->body = true;
    } else if (len) {
        fprintf(ds->out, "      (%s)\n", ds->body ? "out of line" : "prologue");
    }
    print_machine_code(ds, code, len, addr);
}

/* ---- run ------------------------------------------------------------------- */
typedef struct {
    const char *invoke;
    const char *file;
    int nargs;
    char **args;
    bool dump_ir, dump_jit;
    uint64_t timeout_ns;       /* --timeout; 0: none */
    const char *timeout_text;
    zwasm_config_t cfg;
    zwasm_wasi_config_t *wasi; /* --dir, --env, --inherit-env */
    uint32_t max_threads;      /* --max-threads */
    cli_threads *ct;           /* wasi-threads of this run */
} run_opts;

static int parse_run_opts(int argc, char **argv, run_opts *o) {
    zwasm_config_init(&o->cfg);
    o->cfg.limits.memory_bytes = CLI_DEFAULT_MAX_MEMORY;
    o->max_threads = CLI_DEFAULT_MAX_THREADS;
    int i = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || strcmp(a, "-") == 0) break;
        if (strcmp(a, "--") == 0) { i++; break; }
        bool has_val = i + 1 < argc;
        if (strcmp(a, "--invoke") == 0) {
            if (!has_val) return usage_error("%s needs a function name", a);
            o->invoke = argv[++i];
        } else if (strcmp(a, "--engine") == 0) {
            if (!has_val) return usage_error("%s needs an engine name", a);
            const char *e = argv[++i];
            if (strcmp(e, "interp") == 0) {
                o->cfg.engine = ZWASM_ENGINE_INTERP;
            } else if (strcmp(e, "jit") == 0) {
                o->cfg.engine = ZWASM_ENGINE_JIT;
            } else if (strcmp(e, "auto") == 0) {
                o->cfg.engine = ZWASM_ENGINE_AUTO;
            } else {
                return usage_error("unknown engine '%s' (expected auto, jit or interp)", e);
            }
        } else if (strcmp(a, "--wasm") == 0) {
            if (!has_val) return usage_error("%s needs a version", a);
            if (!cli_wasm_features(argv[++i], &o->cfg.features))
                return usage_error("unknown WebAssembly version '%s' (expected " CLI_WASM_VERSIONS ")", argv[i]);
        } else if (strcmp(a, "--dir") == 0) {
            if (!has_val) return usage_error("%s needs a directory", a);
            const char *spec = argv[++i];
            const char *sep = strstr(spec, "::");
            char *host = sep ? strndup(spec, (size_t)(sep - spec)) : strdup(spec);
            const char *guest = sep ? sep + 2 : spec;
            if (!host) return CLI_EXIT_ERROR;
            if (!*host || !*guest) {
                free(host);
                return usage_error("--dir expects HOST[::GUEST], got '%s'", spec);
            }
            zwasm_error_t err = {0};
            zwasm_result_t r = zwasm_wasi_config_preopen_dir(o->wasi, host, guest, &err);
            free(host);
            if (r != ZWASM_OK) {
                fprintf(stderr, "zwasm: --dir: %s\n", err.message);
                return CLI_EXIT_ERROR;
            }
        } else if (strcmp(a, "--env") == 0) {
            if (!has_val) return usage_error("%s needs KEY=VALUE", a);
            const char *kv = argv[++i];
            const char *eq = strchr(kv, '=');
            if (!eq || eq == kv) return usage_error("--env expects KEY=VALUE, got '%s'", kv);
            char *key = strndup(kv, (size_t)(eq - kv));
            bool ok = key && zwasm_wasi_config_add_env(o->wasi, key, eq + 1);
            free(key);
            if (!ok) return CLI_EXIT_ERROR;
        } else if (strcmp(a, "--inherit-env") == 0) {
            if (!zwasm_wasi_config_inherit_env(o->wasi)) return CLI_EXIT_ERROR;
        } else if (strcmp(a, "--dump-ir") == 0) {
            o->dump_ir = true;
        } else if (strcmp(a, "--dump-jit") == 0) {
            o->dump_jit = true;
        } else if (strcmp(a, "--perfmap") == 0) {
            o->cfg.perf_map = true;
        } else if (strcmp(a, "--trace") == 0) {
            o->cfg.trace = true;
        } else if (strcmp(a, "--max-call-depth") == 0) {
            if (!has_val) return usage_error("%s needs a number", a);
            const char *v = argv[++i];
            uint64_t n;
            if (!parse_count(v, 1, 1000000, &n))
                return usage_error("--max-call-depth expects a number from 1 to 1000000, got '%s'", v);
            o->cfg.max_call_depth = (uint32_t)n;
        } else if (strcmp(a, "--fuel") == 0) {
            if (!has_val) return usage_error("%s needs a number", a);
            const char *v = argv[++i];
            if (!parse_count(v, 1, UINT64_MAX, &o->cfg.fuel))
                return usage_error("--fuel expects a positive number, got '%s'", v);
        } else if (strcmp(a, "--max-memory") == 0) {
            if (!has_val) return usage_error("%s needs a size", a);
            const char *v = argv[++i];
            if (!parse_size(v, &o->cfg.limits.memory_bytes))
                return usage_error("--max-memory expects bytes with an optional K, M or G suffix "
                                   "(or unlimited), got '%s'", v);
        } else if (strcmp(a, "--timeout") == 0) {
            if (!has_val) return usage_error("%s needs a duration", a);
            const char *v = argv[++i];
            if (!parse_duration(v, &o->timeout_ns))
                return usage_error("--timeout expects a duration such as 10s, 500ms or 2m, got '%s'", v);
            o->timeout_text = v;
            o->cfg.interruptible = true;
        } else if (strcmp(a, "--max-threads") == 0) {
            if (!has_val) return usage_error("%s needs a number", a);
            const char *v = argv[++i];
            char *end;
            errno = 0;
            unsigned long n = strtoul(v, &end, 10);
            if (!*v || *end || errno || n > 100000 || v[0] == '-')
                return usage_error("--max-threads expects a number from 0 to 100000, got '%s'", v);
            o->max_threads = (uint32_t)n;
        } else {
            return usage_error("unknown option '%s' for run", a);
        }
    }
    if (i >= argc) return usage_error("%s", "run: missing FILE");
    if (o->dump_jit) o->cfg.engine = ZWASM_ENGINE_JIT;
    o->file = argv[i];
    o->args = argv + i + 1;
    o->nargs = argc - i - 1;
    return -1;
}

/* Whether m imports wasi.thread-spawn (wasi-threads). */
static bool uses_threads(const zwasm_module_t *m) {
    uint32_t n = zwasm_module_import_count(m);
    for (uint32_t i = 0; i < n; i++) {
        zwasm_importtype_t it;
        if (zwasm_module_import(m, i, &it) && it.module_len == 4 && !memcmp(it.module, "wasi", 4) &&
            it.name_len == 12 && !memcmp(it.name, "thread-spawn", 12))
            return true;
    }
    return false;
}

/* Resolve the module's imports: wasi_snapshot_preview1 from the WASI
 * context, nothing else.  Reports the first unresolved import by module and
 * name before anything runs. */
static bool resolve_imports(const char *file, const zwasm_module_t *m, zwasm_wasi_t *wasi,
                            cli_threads *ct, zwasm_store_t *store, zwasm_extern_t **out) {
    char pe[1024];
    const char *path = cli_esc(pe, sizeof pe, file);
    uint32_t n = zwasm_module_import_count(m);
    zwasm_extern_t *imports = zw_calloc(NULL, n + 1, sizeof *imports);
    bool *resolved = zw_calloc(NULL, n + 1, sizeof *resolved);
    zwasm_error_t err = {0};
    bool ok = imports && resolved;
    if (!ok) fprintf(stderr, "zwasm: %s: out of memory\n", path);
    if (ok && zwasm_wasi_define_imports(wasi, m, imports, resolved, &err) != ZWASM_OK) {
        fprintf(stderr, "zwasm: %s: %s\n", path, err.message);
        ok = false;
    }
    if (ok && !cli_threads_imports(ct, store, imports, resolved, err.message, sizeof err.message)) {
        fprintf(stderr, "zwasm: %s: %s\n", path, err.message);
        ok = false;
    }
    for (uint32_t i = 0; ok && i < n; i++) {
        zwasm_importtype_t it;
        if (resolved[i] || !zwasm_module_import(m, i, &it)) continue;
        fprintf(stderr, "zwasm: %s: unknown import ", path);
        cli_print_name(stderr, it.module, it.module_len);
        fputc('.', stderr);
        cli_print_name(stderr, it.name, it.name_len);
        fputc('\n', stderr);
        ok = false;
    }
    free(resolved);
    if (!ok) {
        free(imports);
        return false;
    }
    *out = imports;
    return true;
}

/* Report the outcome of a call that trapped or failed; returns the exit status. */
static int call_failed(const char *file, zwasm_result_t r, const zwasm_error_t *err, cli_threads *ct) {
    fflush(stdout);
    if (r == ZWASM_ERR_TRAP && err->trap == ZWASM_TRAP_EXIT) return err->exit_code;
    /* stopped because another thread ended the program: its status counts */
    if (r == ZWASM_ERR_TRAP && err->trap == ZWASM_TRAP_INTERRUPTED && cli_threads_ending(ct)) return CLI_EXIT_OK;
    if (r == ZWASM_ERR_TRAP) {
        report_trap(err);
        return CLI_EXIT_TRAP;
    }
    if (r == ZWASM_ERR_EXCEPTION) { /* an uncaught wasm exception ends the run as a trap does */
        fprintf(stderr, "zwasm: %s\n", err->message);
        return CLI_EXIT_TRAP;
    }
    report_error(file, err);
    return CLI_EXIT_ERROR;
}

/* A reactor's _initialize, when exported: run it before anything else. */
static int run_initialize(const char *file, zwasm_store_t *store, zwasm_instance_t *inst,
                          bool *has, cli_threads *ct) {
    zwasm_extern_t ext;
    *has = zwasm_instance_export(inst, "_initialize", strlen("_initialize"), &ext) &&
           ext.kind == ZWASM_EXTERN_FUNC;
    if (!*has) return CLI_EXIT_OK;
    zwasm_functype_t ft;
    zwasm_func_type(ext.of.func, &ft);
    if (ft.nparams || ft.nresults) return CLI_EXIT_OK;
    zwasm_error_t err = {0};
    zwasm_result_t r = zwasm_func_call(store, ext.of.func, NULL, 0, NULL, 0, &err);
    return r == ZWASM_OK ? CLI_EXIT_OK : call_failed(file, r, &err, ct);
}

static int call_export(const run_opts *o, zwasm_store_t *store, zwasm_instance_t *inst) {
    const char *name = o->invoke ? o->invoke : "_start";
    char fe[1024], ne[512];
    const char *file = cli_esc(fe, sizeof fe, o->file), *ename = cli_esc(ne, sizeof ne, name);
    zwasm_extern_t ext;
    if (!zwasm_instance_export(inst, name, strlen(name), &ext)) {
        if (o->invoke)
            fprintf(stderr, "zwasm: %s: no export named \"%s\"\n", file, ename);
        else
            fprintf(stderr, "zwasm: %s: no _start export (use --invoke NAME)\n", file);
        return CLI_EXIT_ERROR;
    }
    if (ext.kind != ZWASM_EXTERN_FUNC) {
        fprintf(stderr, "zwasm: %s: export \"%s\" is not a function\n", file, ename);
        return CLI_EXIT_ERROR;
    }
    zwasm_functype_t ft;
    zwasm_func_type(ext.of.func, &ft);
    int nargs = o->invoke ? o->nargs : 0;
    if ((uint32_t)nargs != ft.nparams) {
        char types[512];
        cli_format_types(types, sizeof types, ft.params, ft.nparams);
        fprintf(stderr, "zwasm: %s: %s expects %" PRIu32 " argument%s %s, got %d\n", file, ename,
                ft.nparams, ft.nparams == 1 ? "" : "s", types, nargs);
        return CLI_EXIT_ERROR;
    }
    zwasm_val_t *args = zw_calloc(NULL, ft.nparams + 1, sizeof *args);
    zwasm_val_t *results = zw_calloc(NULL, ft.nresults + 1, sizeof *results);
    int status = CLI_EXIT_OK;
    if (!args || !results) {
        fprintf(stderr, "zwasm: %s: out of memory\n", file);
        status = CLI_EXIT_ERROR;
        goto out;
    }
    for (uint32_t i = 0; i < ft.nparams; i++) {
        char why[160], ae[256];
        if (!cli_parse_val(o->args[i], ft.params[i], &args[i], why, sizeof why)) {
            fprintf(stderr, "zwasm: %s: %s argument %" PRIu32 " '%s': expected %s\n", file, ename,
                    i + 1, cli_esc(ae, sizeof ae, o->args[i]), why);
            status = CLI_EXIT_ERROR;
            goto out;
        }
    }
    zwasm_error_t err = {0};
    zwasm_result_t r = zwasm_func_call(store, ext.of.func, args, ft.nparams, results, ft.nresults, &err);
    if (r != ZWASM_OK) {
        status = call_failed(o->file, r, &err, o->ct);
    } else {
        for (uint32_t i = 0; i < ft.nresults; i++) {
            cli_print_val(stdout, &results[i]);
            putchar('\n');
        }
    }
out:
    free(args);
    free(results);
    return status;
}

/* --timeout: a thread that interrupts the store at the deadline and, if the
 * guest is blocked in a host call (reading a pipe, sleeping) and does not
 * reach a check within a second more, ends the process. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done, fired, started;
    zwasm_store_t *store;
    uint64_t ns;
    const char *text;
    pthread_t thread;
} watchdog;

static void deadline_after(struct timespec *t, uint64_t ns) {
    clock_gettime(CLOCK_MONOTONIC, t);
    uint64_t s = ns / 1000000000u, rest = ns % 1000000000u;
    t->tv_sec += (time_t)s;
    t->tv_nsec += (long)rest;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

/* Wait on w->cond until w->done or the deadline; true if done. */
static bool wait_done(watchdog *w, const struct timespec *deadline) {
    while (!w->done)
        if (pthread_cond_timedwait(&w->cond, &w->lock, deadline) == ETIMEDOUT) break;
    return w->done;
}

static void *watchdog_main(void *p) {
    watchdog *w = p;
    struct timespec t;
    deadline_after(&t, w->ns);
    pthread_mutex_lock(&w->lock);
    if (!wait_done(w, &t)) {
        w->fired = true;
        zwasm_store_interrupt(w->store);
        deadline_after(&t, 1000000000u);
        if (!wait_done(w, &t)) {
            char e[64];
            fprintf(stderr, "zwasm: --timeout %s expired and the guest did not stop within 1 s "
                    "(it is blocked in a host call): exiting\n", cli_esc(e, sizeof e, w->text));
            _exit(CLI_EXIT_TRAP);
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static bool watchdog_start(watchdog *w, zwasm_store_t *store, uint64_t ns, const char *text) {
    memset(w, 0, sizeof *w);
    w->store = store;
    w->ns = ns;
    w->text = text;
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0) return false;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    bool ok = pthread_mutex_init(&w->lock, NULL) == 0 && pthread_cond_init(&w->cond, &ca) == 0;
    pthread_condattr_destroy(&ca);
    w->started = ok && pthread_create(&w->thread, NULL, watchdog_main, w) == 0;
    return w->started;
}

/* Stop the watchdog; true if it fired. */
static bool watchdog_stop(watchdog *w) {
    if (!w->started) return false;
    pthread_mutex_lock(&w->lock);
    w->done = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    w->started = false;
    return w->fired;
}

static int cmd_run(int argc, char **argv) {
    run_opts o = {0};
    o.wasi = zwasm_wasi_config_new();
    if (!o.wasi) {
        fprintf(stderr, "zwasm: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    int rc = parse_run_opts(argc, argv, &o);
    if (rc >= 0) {
        zwasm_wasi_config_delete(o.wasi);
        return rc;
    }

    int status = CLI_EXIT_ERROR;
    zwasm_error_t err = {0};
    zw_buf bin = {0};
    zwasm_engine_t *engine = NULL;
    zwasm_module_t *module = NULL;
    zwasm_store_t *store = NULL;
    zwasm_instance_t *inst = NULL;
    zwasm_wasi_t *wasi = NULL;
    zwasm_extern_t *imports = NULL;
    watchdog wd = {0};

    engine = zwasm_engine_new(&o.cfg);
    if (!engine) {
        fprintf(stderr, "zwasm: cannot create the engine\n");
        goto out;
    }
    if (!load_binary(o.file, &bin, &err)) {
        report_error(o.file, &err);
        goto out;
    }
    if (zwasm_module_new(engine, bin.data, bin.len, &module, &err) != ZWASM_OK) {
        report_error(o.file, &err);
        goto out;
    }
    if (uses_threads(module) && !o.cfg.interruptible) {
        /* the program ends as a whole: every thread's store must be
         * interruptible (compiled with the checks) */
        zwasm_module_delete(module);
        zwasm_engine_delete(engine);
        module = NULL;
        o.cfg.interruptible = true;
        engine = zwasm_engine_new(&o.cfg);
        if (!engine || zwasm_module_new(engine, bin.data, bin.len, &module, &err) != ZWASM_OK) {
            if (engine) report_error(o.file, &err);
            else fprintf(stderr, "zwasm: cannot create the engine\n");
            goto out;
        }
    }
    if (o.dump_ir) {
        zwasm_module_dump_ir(module, stdout);
        status = CLI_EXIT_OK;
        goto out;
    }
    if (o.dump_jit) {
        dump_code_state ds;
        memset(&ds, 0, sizeof ds);
        ds.out = stdout;
        ds.func = UINT32_MAX;
#ifdef ZW_HAVE_CAPSTONE
        ds.loaded = -1;
#endif
        if (zwasm_module_code(module, dump_code, &ds, &err) != ZWASM_OK) {
            report_error(o.file, &err);
            goto out;
        }
        status = CLI_EXIT_OK;
        goto out;
    }
    store = zwasm_store_new(engine);
    if (!store) {
        fprintf(stderr, "zwasm: cannot create the store\n");
        goto out;
    }
    if (o.timeout_ns && !watchdog_start(&wd, store, o.timeout_ns, o.timeout_text)) {
        fprintf(stderr, "zwasm: cannot start the --timeout thread\n");
        goto out;
    }
    {
        /* the guest's argv: FILE exactly as given, then ARGS */
        const char **gargv = zw_calloc(NULL, (size_t)o.nargs + 2, sizeof *gargv);
        bool ok = gargv != NULL;
        if (ok) {
            gargv[0] = o.file;
            for (int i = 0; i < o.nargs; i++) gargv[i + 1] = o.args[i];
            ok = zwasm_wasi_config_set_args(o.wasi, (size_t)o.nargs + 1, gargv);
        }
        free(gargv);
        if (!ok || zwasm_wasi_new(store, o.wasi, &wasi, &err) != ZWASM_OK) {
            fprintf(stderr, "zwasm: WASI: %s\n", ok ? err.message : "out of memory");
            goto out;
        }
    }
    o.ct = cli_threads_new(engine, module, o.file, store, o.max_threads);
    if (!o.ct) {
        fprintf(stderr, "zwasm: out of memory\n");
        goto out;
    }
    cli_threads_set_wasi(o.ct, wasi);
    if (!resolve_imports(o.file, module, wasi, o.ct, store, &imports)) goto out;
    zwasm_result_t r = zwasm_instance_new(store, module, imports, zwasm_module_import_count(module),
                                          &inst, &err);
    if (r != ZWASM_OK) { /* a trap (or exit) in the start function, or a link error */
        status = call_failed(o.file, r, &err, o.ct);
        goto out;
    }
    bool has_init;
    status = run_initialize(o.file, store, inst, &has_init, o.ct);
    if (status != CLI_EXIT_OK || zwasm_wasi_exited(wasi, NULL)) goto out;
    zwasm_extern_t start;
    if (!o.invoke && has_init && !zwasm_instance_export(inst, "_start", strlen("_start"), &start))
        goto out; /* a reactor without _start: initializing was the whole run */
    status = call_export(&o, store, inst);
out:
    status = cli_threads_finish(o.ct, status); /* the other threads, if any, end now */
    fflush(stdout);
    if (watchdog_stop(&wd)) {
        char e[64];
        fprintf(stderr, "zwasm: --timeout %s expired\n", cli_esc(e, sizeof e, o.timeout_text));
    }
    free(imports);
    if (store) zwasm_store_delete(store);
    zwasm_wasi_delete(wasi);
    cli_threads_free(o.ct);
    zwasm_wasi_config_delete(o.wasi);
    if (module) zwasm_module_delete(module);
    if (engine) zwasm_engine_delete(engine);
    zw_buf_free(&bin);
    return status;
}

/* ---- validate ---------------------------------------------------------------- */
static int cmd_validate(int argc, char **argv) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    if (argc >= 1 && strcmp(argv[0], "--wasm") == 0) {
        if (argc < 2 || !cli_wasm_features(argv[1], &cfg.features))
            return usage_error("unknown WebAssembly version '%s' (expected " CLI_WASM_VERSIONS ")",
                               argc < 2 ? "" : argv[1]);
        argc -= 2;
        argv += 2;
    }
    if (argc < 1) return usage_error("%s", "validate: missing FILE");
    int status = CLI_EXIT_OK;
    zwasm_engine_t *engine = zwasm_engine_new(&cfg);
    if (!engine) {
        fprintf(stderr, "zwasm: cannot create the engine\n");
        return CLI_EXIT_ERROR;
    }
    for (int i = 0; i < argc; i++) {
        zwasm_error_t err = {0};
        zw_buf bin;
        if (!load_binary(argv[i], &bin, &err) ||
            zwasm_module_validate(engine, bin.data, bin.len, &err) != ZWASM_OK) {
            report_error(argv[i], &err);
            status = CLI_EXIT_ERROR;
        }
        zw_buf_free(&bin);
    }
    zwasm_engine_delete(engine);
    return status;
}

/* ---- inspect ------------------------------------------------------------------- */
/* Import or export i of m as an importtype (an export has no module name). */
static bool entry_at(const zwasm_module_t *m, bool import, uint32_t i, zwasm_importtype_t *e) {
    if (import) return zwasm_module_import(m, i, e);
    zwasm_exporttype_t et;
    if (!zwasm_module_export(m, i, &et)) return false;
    memset(e, 0, sizeof *e);
    e->name = et.name;
    e->name_len = et.name_len;
    e->type = et.type;
    return true;
}

static uint32_t entry_count(const zwasm_module_t *m, bool import) {
    return import ? zwasm_module_import_count(m) : zwasm_module_export_count(m);
}

/* List the imports (MOD.NAME) or exports ("NAME") of kind `kind` (-1: all,
 * without the import/export word). */
static void print_entries(const zwasm_module_t *m, bool import, int kind) {
    uint32_t n = entry_count(m, import);
    for (uint32_t i = 0; i < n; i++) {
        zwasm_importtype_t e;
        char ty[1200];
        if (!entry_at(m, import, i, &e) || (kind >= 0 && e.type.kind != (zwasm_externkind_t)kind))
            continue;
        cli_format_externtype(ty, sizeof ty, &e.type);
        fputs(kind < 0 ? "  " : import ? "  import " : "  export ", stdout);
        if (import) {
            cli_print_name(stdout, e.module, e.module_len);
            putchar('.');
            cli_print_name(stdout, e.name, e.name_len);
        } else {
            putchar('"');
            cli_print_name(stdout, e.name, e.name_len);
            putchar('"');
        }
        printf(": %s\n", ty);
    }
}

static uint32_t count_kind(const zwasm_module_t *m, zwasm_externkind_t kind, bool import) {
    uint32_t n = entry_count(m, import), c = 0;
    for (uint32_t i = 0; i < n; i++) {
        zwasm_importtype_t e;
        if (entry_at(m, import, i, &e) && e.type.kind == kind) c++;
    }
    return c;
}

static int cmd_inspect(int argc, char **argv) {
    if (argc != 1) return usage_error("%s", "inspect: expected exactly one FILE");
    const char *path = argv[0];
    int status = CLI_EXIT_ERROR;
    zwasm_error_t err = {0};
    zw_buf bin = {0};
    zwasm_module_t *m = NULL;
    zwasm_engine_t *engine = zwasm_engine_new(NULL);
    if (!engine) {
        fprintf(stderr, "zwasm: cannot create the engine\n");
        return CLI_EXIT_ERROR;
    }
    if (!load_binary(path, &bin, &err) || zwasm_module_new(engine, bin.data, bin.len, &m, &err) != ZWASM_OK) {
        report_error(path, &err);
        goto out;
    }
    char pe[1024];
    printf("%s: %zu bytes\n", cli_esc(pe, sizeof pe, path), bin.len);
    uint32_t nt = zwasm_module_type_count(m);
    printf("types: %" PRIu32 "\n", nt);
    for (uint32_t i = 0; i < nt; i++) {
        char ty[1024];
        if (zwasm_module_type_text(m, i, ty, sizeof ty)) printf("  %" PRIu32 ": %s\n", i, ty);
    }
    printf("imports: %" PRIu32 "\n", zwasm_module_import_count(m));
    print_entries(m, true, -1);
    printf("exports: %" PRIu32 "\n", zwasm_module_export_count(m));
    print_entries(m, false, -1);
    static const struct { zwasm_externkind_t kind; const char *name; } kinds[] = {
        {ZWASM_EXTERN_MEMORY, "memories"},
        {ZWASM_EXTERN_TABLE, "tables"},
        {ZWASM_EXTERN_GLOBAL, "globals"},
        {ZWASM_EXTERN_TAG, "tags"},
    };
    for (size_t k = 0; k < ZW_ARRAY_LEN(kinds); k++) {
        uint32_t n = zwasm_module_extern_count(m, kinds[k].kind);
        uint32_t ni = count_kind(m, kinds[k].kind, true), ne = count_kind(m, kinds[k].kind, false);
        printf("%s: %" PRIu32 " (%" PRIu32 " imported, %" PRIu32 " defined, %" PRIu32 " exported)\n",
               kinds[k].name, n, ni, n - ni, ne);
        for (uint32_t i = 0; i < n; i++) {
            zwasm_externtype_t t;
            char ty[1200];
            if (!zwasm_module_extern_type(m, kinds[k].kind, i, &t)) continue;
            cli_format_externtype(ty, sizeof ty, &t);
            printf("  %" PRIu32 ": %s%s\n", i, ty, i < ni ? " (imported)" : "");
        }
        print_entries(m, true, (int)kinds[k].kind);
        print_entries(m, false, (int)kinds[k].kind);
    }
    uint32_t nc = zwasm_module_custom_count(m);
    printf("custom sections: %" PRIu32 "\n", nc);
    for (uint32_t i = 0; i < nc; i++) {
        const char *name;
        size_t name_len, data_len;
        const uint8_t *data;
        if (!zwasm_module_custom(m, i, &name, &name_len, &data, &data_len)) continue;
        fputs("  \"", stdout);
        cli_print_name(stdout, name, name_len);
        printf("\": %zu bytes\n", data_len);
    }
    status = CLI_EXIT_OK;
out:
    if (m) zwasm_module_delete(m);
    zwasm_engine_delete(engine);
    zw_buf_free(&bin);
    return status;
}

/* ---- main ------------------------------------------------------------------------ */
int main(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_text, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("zwasm %s\n", zwasm_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0) return cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "inspect") == 0) return cmd_inspect(argc - 2, argv + 2);
    if (strcmp(cmd, "wast") == 0) return cli_wast_main(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}
