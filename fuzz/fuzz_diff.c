/*
 * fuzz_diff.c — differential fuzzing of the two execution engines: every
 * input that is a valid module runs on the interpreter and on the JIT, and
 * whatever differs between the two is a bug (of the JIT, usually).
 *
 * Each engine gets the same configuration (fuel, a small call depth, a small
 * value stack, a bound on memory + tables), its own engine, store and module;
 * imports are satisfied with stubs of the right type (host functions record
 * their arguments and return zeros; memories, tables, globals start empty or
 * zero).  Then every exported function is called, in export order, in three
 * rounds with deterministic arguments: all zeros, a pattern of small values,
 * a pattern of edge values (INT_MIN, -1, NaNs with payloads, infinities);
 * at most 64 calls in all.  The fuel is refilled before each call (and
 * binaryen -ttf modules get their hangLimitInitializer called first).  Each engine's run is written down
 * as a transcript: the module's and the instantiation's result; per call the
 * result code, trap kind, message, byte offset, function index, backtrace
 * and the results (bit patterns, NaNs included: both engines compute with
 * the same SSE instructions), the fuel left, every host call with its
 * arguments, and then the state of the instance: every global (exported or
 * not), the size and a hash of the contents of every memory, the size and
 * the elements of every table (references as function indices).  The two
 * transcripts must be identical; otherwise both are printed from the first
 * line that differs, and (under libFuzzer) abort() makes it save the input.
 * Nothing is left out: trap offsets and backtraces must agree to the
 * byte.  ZWASM_DIFF_FUEL=N sets the fuel per call (default 100000).
 *
 * libFuzzer target (built by `make fuzz`):
 *   build-fuzz/fuzz_diff -dict=fuzz/wasm.dict -max_total_time=600 \
 *       -artifact_prefix=/tmp/diff-found/ DIR... (e.g. build-fuzz/corpus-module)
 *   build-fuzz/fuzz_diff FILE          reproduce
 *
 * Stand-alone driver (compiled with -DZWASM_DIFF_MAIN, without libFuzzer:
 * `make build/diff_engines`; make test runs it on tests/diff/):
 *   diff_engines [-v] FILE.wasm...
 * prints one line per file ("same", "invalid", or the difference) and exits
 * 1 when some file differs; -v prints the interpreter's transcript too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zwasm.h"
#include "runtime/runtime.h" /* internal: every global, memory and table of an instance */
#include "imports.h"

#define FUEL 100000  /* per call; ZWASM_DIFF_FUEL=N in the environment changes it */
#define MAX_EXPORT_CALLS 64
#define MAX_HOST_LINES 64   /* host calls written out per export call (all are hashed) */
#define TEXT_LIMIT (1 << 20) /* transcript text kept; the rest is only hashed */

/* ---- transcripts -------------------------------------------------------------------- */
typedef struct tbuf {
    char *p;
    size_t n, cap;
    uint64_t hash, total; /* over everything appended, kept or not */
} tbuf;

static void tput(tbuf *t, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) t->hash = (t->hash ^ (uint8_t)s[i]) * 0x100000001b3ull;
    t->total += len;
    if (t->n + len + 1 > TEXT_LIMIT) return;
    if (t->n + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->n + len + 1) cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p) abort();
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->n, s, len);
    t->n += len;
    t->p[t->n] = 0;
}

__attribute__((format(printf, 2, 3))) static void tprintf(tbuf *t, const char *fmt, ...) {
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    tput(t, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* A string from the library (message, backtrace), escaped onto one line. */
static void tstr(tbuf *t, const char *s) {
    for (; *s; s++) {
        if (*s == '\n') tput(t, " | ", 3);
        else tput(t, s, 1);
    }
}

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    for (; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* ---- one engine's run ------------------------------------------------------------------ */
typedef struct run run;
typedef struct hostimp {
    zwasm_functype_t type;
    uint32_t index; /* import index */
    run *r;
} hostimp;

struct run {
    tbuf t;
    zwasm_instance_t *inst;
    uint32_t host_lines;    /* host calls written out during the current export call */
    uint64_t host_calls;
};

static void put_ref(run *r, const void *ref) {
    const zw_funcinst *f = ref;
    if (!f) tprintf(&r->t, "null");
    else if (!f->inst) {
        const hostimp *h = f->host_env;
        tprintf(&r->t, "host%u", h ? h->index : 0xFFFFFFFFu);
    } else if (f->inst == r->inst)
        tprintf(&r->t, "func%u", f->index);
    else
        tprintf(&r->t, "foreign-func%u", f->index);
}

/* A value of a zwasm_val_t or the bits of a zw_value (kind: an API kind,
 * or a value type of the store: a typed reference counts by its hierarchy). */
static void put_val(run *r, uint32_t kind, const void *bits) {
    if (r->inst && zw_is_ref(kind)) kind = zw_val_kind(r->inst->store->types.v.v, kind);
    switch (kind) {
    case ZWASM_I32: case ZWASM_F32: {
        uint32_t u;
        memcpy(&u, bits, 4);
        tprintf(&r->t, "%s:%08x", kind == ZWASM_I32 ? "i32" : "f32", u);
        break;
    }
    case ZWASM_I64: case ZWASM_F64: {
        uint64_t u;
        memcpy(&u, bits, 8);
        tprintf(&r->t, "%s:%016llx", kind == ZWASM_I64 ? "i64" : "f64", (unsigned long long)u);
        break;
    }
    case ZWASM_V128: {
        const uint8_t *b = bits;
        tprintf(&r->t, "v128:");
        for (int i = 15; i >= 0; i--) tprintf(&r->t, "%02x", b[i]);
        break;
    }
    case ZWASM_FUNCREF: {
        const void *p;
        memcpy(&p, bits, sizeof p);
        put_ref(r, p);
        break;
    }
    case ZWASM_EXTERNREF: {
        const void *p;
        memcpy(&p, bits, sizeof p);
        /* a value of the any hierarchy gone out as an extern: an object of
         * the heap, at an address of its own in each engine */
        if (r->inst && zw_gc_is_object(r->inst->store, p)) tprintf(&r->t, "extern:gc");
        else tprintf(&r->t, "extern:%llx", (unsigned long long)(uintptr_t)p);
        break;
    }
    case ZWASM_ANYREF: { /* by what it is: addresses differ between the two heaps */
        const void *p;
        memcpy(&p, bits, sizeof p);
        switch (zwasm_anyref_kind(p)) {
        case ZWASM_ANYREF_NULL: tprintf(&r->t, "any:null"); break;
        case ZWASM_ANYREF_I31: tprintf(&r->t, "i31:%d", zwasm_anyref_i31(p, true)); break;
        case ZWASM_ANYREF_STRUCT: tprintf(&r->t, "struct"); break;
        case ZWASM_ANYREF_ARRAY: tprintf(&r->t, "array"); break;
        case ZWASM_ANYREF_HOST: tprintf(&r->t, "host:%llx", (unsigned long long)(uintptr_t)zwasm_anyref_host(p)); break;
        }
        break;
    }
    case ZWASM_EXNREF: {
        const void *p;
        memcpy(&p, bits, sizeof p);
        tprintf(&r->t, p ? "exn" : "exn:null");
        break;
    }
    default:
        tprintf(&r->t, "?%x", kind);
    }
}

static void put_zval(run *r, const zwasm_val_t *v) {
    if (v->kind == ZWASM_FUNCREF) put_ref(r, v->of.funcref);
    else put_val(r, v->kind, &v->of);
}

static zwasm_result_t stub(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                           zwasm_val_t *results, zwasm_error_t *err) {
    (void)caller; (void)err;
    hostimp *h = env;
    run *r = h->r;
    r->host_calls++;
    if (r->host_lines < MAX_HOST_LINES) {
        r->host_lines++;
        tprintf(&r->t, "    host%u(", h->index);
        for (uint32_t i = 0; i < h->type.nparams; i++) {
            if (i) tprintf(&r->t, ", ");
            put_zval(r, &args[i]);
        }
        tprintf(&r->t, ")\n");
    } else {
        /* only hashed: the text would be too long */
        uint64_t x = h->index;
        for (uint32_t i = 0; i < h->type.nparams; i++) x = hash_bytes(x, (const uint8_t *)&args[i].of, 16);
        r->t.hash = (r->t.hash ^ x) * 0x100000001b3ull;
    }
    for (uint32_t i = 0; i < h->type.nresults; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].kind = h->type.results[i];
    }
    return ZWASM_OK;
}

/* an imported function: the stub, recording into r */
typedef struct { run *r; hostimp *hosts; } hostenv;
static zwasm_func_t *stub_of(zwasm_store_t *store, uint32_t i, const zwasm_functype_t *t, void *arg) {
    hostenv *he = arg;
    hostimp *h = &he->hosts[i];
    h->type = *t;
    h->index = i;
    h->r = he->r;
    return zwasm_func_new(store, &h->type, stub, h, NULL);
}

/* The argument of parameter k in round 0 (zeros), 1 (small values) or 2 (edge values). */
static zwasm_val_t arg_of(uint32_t kind, uint32_t round, uint32_t k) {
    static const uint32_t e32[] = {0x80000000u, 0xFFFFFFFFu, 0x7FFFFFFFu, 0x0000FFFFu, 0xFFFF8000u, 0x12345678u};
    static const uint64_t e64[] = {0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull, 0x7FFFFFFFFFFFFFFFull,
                                   0x00000000FFFFFFFFull, 0xFFFFFFFF80000000ull, 0x123456789ABCDEF0ull};
    static const uint32_t ef32[] = {0x7FC00001u, 0xFF800000u, 0x80000000u, 0x4F000000u /* 2^31 */,
                                    0xFFA00000u /* -sNaN */, 0x3F7FFFFFu};
    static const uint64_t ef64[] = {0x7FF8000000000001ull, 0xFFF0000000000000ull, 0x8000000000000000ull,
                                    0x43E0000000000000ull /* 2^63 */, 0xFFF4000000000000ull,
                                    0x41DFFFFFFFC00000ull /* 2^31 - 1 */};
    zwasm_val_t v = fuzz_zero(kind);
    if (round == 0) return v;
    uint32_t j = k % 6;
    switch (kind) {
    case ZWASM_I32: v.of.i32 = round == 1 ? (int32_t)(k + 1) : (int32_t)e32[j]; break;
    case ZWASM_I64: v.of.i64 = round == 1 ? (int64_t)(k + 2) : (int64_t)e64[j]; break;
    case ZWASM_F32: {
        uint32_t u = round == 1 ? 0x3FC00000u + (k << 20) /* 1.5, 1.75, ... */ : ef32[j];
        memcpy(&v.of.f32, &u, 4);
        break;
    }
    case ZWASM_F64: {
        uint64_t u = round == 1 ? 0x4004000000000000ull + ((uint64_t)k << 48) : ef64[j];
        memcpy(&v.of.f64, &u, 8);
        break;
    }
    case ZWASM_V128:
        for (int i = 0; i < 16; i++)
            v.of.v128[i] = round == 1 ? (uint8_t)(k * 16 + (uint32_t)i) : (uint8_t)(i & 1 ? 0x80 : 0xFF - k);
        break;
    case ZWASM_EXTERNREF:
        v.of.externref = (void *)(uintptr_t)(0x1000 + 16 * k);
        break;
    default: /* funcref: null */
        break;
    }
    return v;
}

/* Every global, memory and table of the instance. */
static void put_state(run *r) {
    const zw_instance *inst = r->inst;
    const zw_module *m = inst->module;
    tbuf *t = &r->t;
    for (uint32_t i = 0; i < m->nglobals; i++) {
        const zw_globalinst *g = inst->globals[i];
        if (!g->type.mut) continue;
        tprintf(t, "  global%u=", i);
        put_val(r, g->type.type, &g->val);
        tprintf(t, "\n");
    }
    for (uint32_t i = 0; i < m->nmems; i++) {
        const zw_memory *mem = inst->mems[i];
        tprintf(t, "  memory%u pages=%llu hash=%016llx\n", i, (unsigned long long)mem->pages,
                (unsigned long long)hash_bytes(0, mem->base, mem->size));
    }
    for (uint32_t i = 0; i < m->ntables; i++) {
        const zw_tableinst *tab = inst->tables[i];
        tprintf(t, "  table%u size=%llu [", i, (unsigned long long)tab->size);
        uint64_t nonnull = 0;
        for (uint64_t k = 0; k < tab->size; k++) {
            if (!tab->elems[k]) continue;
            if (nonnull++ < 32) {
                tprintf(t, " %llu:", (unsigned long long)k);
                put_val(r, tab->type.elem, &tab->elems[k]);
            } else {
                uint32_t ek = zw_val_kind(inst->store->types.v.v, tab->type.elem);
                uint64_t x = k ^ (uint64_t)(uintptr_t)(ek == ZWASM_EXTERNREF ? tab->elems[k] : 0);
                if (ek == ZWASM_FUNCREF) {
                    const zw_funcinst *f = tab->elems[k];
                    x = x * 31 + (f->inst ? f->index : 0xFFFFFFFFu);
                }
                t->hash = (t->hash ^ x) * 0x100000001b3ull;
            }
        }
        tprintf(t, " ] nonnull=%llu\n", (unsigned long long)nonnull);
    }
}

static uint64_t fuel_per_call = FUEL;

static void put_err(run *r, zwasm_result_t rc, const zwasm_error_t *err) {
    tprintf(&r->t, "%s", zwasm_result_name(rc));
    if (rc == ZWASM_OK) return;
    tprintf(&r->t, " trap=%d offset=%llx func=%d msg=\"", rc == ZWASM_ERR_TRAP ? (int)err->trap : -1,
            (unsigned long long)err->offset, (int)err->func);
    tstr(&r->t, err->message);
    tprintf(&r->t, "\"");
    if (err->backtrace[0]) {
        tprintf(&r->t, " bt=\"");
        tstr(&r->t, err->backtrace);
        tprintf(&r->t, "\"");
    }
}

/* Run the module on one engine, writing the transcript into r->t.  Returns
 * false when the module is not valid (nothing to compare beyond that). */
static bool run_engine(zwasm_engine_kind_t kind, const uint8_t *data, size_t size, run *r) {
    memset(r, 0, sizeof *r);
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.engine = kind;
    cfg.max_call_depth = 200;
    cfg.stack_bytes = 1 << 20;
    cfg.fuel = fuel_per_call;
    cfg.limits.memory_bytes = 16 << 20;
    cfg.limits.memories = 8;
    cfg.limits.tables = 8;
    zwasm_engine_t *engine = zwasm_engine_new(&cfg);
    if (!engine) abort();
    zwasm_store_t *store = zwasm_store_new(engine);
    zwasm_module_t *module = NULL;
    zwasm_error_t err;
    memset(&err, 0, sizeof err);
    hostimp hosts[FUZZ_MAX_IMPORTS];
    bool valid = false;
    zwasm_result_t rc = zwasm_module_new(engine, data, size, &module, &err);
    tprintf(&r->t, "module: ");
    put_err(r, rc, &err);
    tprintf(&r->t, "\n");
    if (rc != ZWASM_OK) goto out;
    valid = true;

    uint32_t nimports;
    zwasm_extern_t imports[FUZZ_MAX_IMPORTS];
    hostenv he = {r, hosts};
    if (!fuzz_imports(store, module, imports, &nimports, stub_of, &he)) goto unsupported;
    zwasm_instance_t *inst = NULL;
    rc = zwasm_instance_new(store, module, imports, nimports, &inst, &err);
    r->inst = inst;
    tprintf(&r->t, "instantiate: ");
    put_err(r, rc, &err);
    tprintf(&r->t, "\n");
    if (rc != ZWASM_OK) goto out;
    put_state(r);

    /* Modules from binaryen's translate-to-fuzz (wasm-opt -ttf) count calls
     * and loop iterations down in a global that hangLimitInitializer resets;
     * once it reaches 0 every function returns at once.  Reset it before
     * each call. */
    zwasm_extern_t hang;
    bool has_hang = zwasm_instance_export(inst, "hangLimitInitializer", 20, &hang) &&
                    hang.kind == ZWASM_EXTERN_FUNC;
    if (has_hang) {
        zwasm_functype_t ft;
        zwasm_func_type(hang.of.func, &ft);
        has_hang = ft.nparams == 0 && ft.nresults == 0;
    }
    uint32_t nexports = zwasm_instance_export_count(inst), ncalls = 0;
    for (uint32_t round = 0; round < 3; round++) {
        for (uint32_t i = 0; i < nexports && ncalls < MAX_EXPORT_CALLS; i++) {
            const char *name;
            size_t len;
            zwasm_extern_t ext;
            if (!zwasm_instance_export_nth(inst, i, &name, &len, &ext)) continue;
            if (ext.kind != ZWASM_EXTERN_FUNC) continue;
            zwasm_functype_t ft;
            zwasm_func_type(ext.of.func, &ft);
            zwasm_val_t args[32], results[32];
            if (ft.nparams > 32 || ft.nresults > 32) continue;
            for (uint32_t k = 0; k < ft.nparams; k++) args[k] = arg_of(ft.params[k], round, k);
            tprintf(&r->t, "call %u export %u (", round, i);
            for (uint32_t k = 0; k < ft.nparams; k++) {
                if (k) tprintf(&r->t, ", ");
                put_zval(r, &args[k]);
            }
            tprintf(&r->t, ")\n");
            ncalls++;
            r->host_lines = 0;
            if (has_hang && ext.of.func != hang.of.func) {
                zwasm_store_set_fuel(store, fuel_per_call, NULL);
                rc = zwasm_func_call(store, hang.of.func, NULL, 0, NULL, 0, &err);
                if (rc != ZWASM_OK) {
                    tprintf(&r->t, "  hangLimitInitializer: ");
                    put_err(r, rc, &err);
                    tprintf(&r->t, "\n");
                }
            }
            zwasm_store_set_fuel(store, fuel_per_call, NULL); /* fuel is the store's: refill per call */
            memset(&err, 0, sizeof err);
            memset(results, 0, sizeof results);
            rc = zwasm_func_call(store, ext.of.func, args, ft.nparams, results, ft.nresults, &err);
            tprintf(&r->t, "  -> ");
            put_err(r, rc, &err);
            if (rc == ZWASM_OK)
                for (uint32_t k = 0; k < ft.nresults; k++) {
                    tprintf(&r->t, " ");
                    put_zval(r, &results[k]);
                }
            uint64_t fuel = 0;
            zwasm_store_get_fuel(store, &fuel);
            tprintf(&r->t, "\n  fuel=%llu host_calls=%llu\n", (unsigned long long)fuel,
                    (unsigned long long)r->host_calls);
            put_state(r);
        }
    }
    goto out;
unsupported:
    tprintf(&r->t, "unsupported imports\n");
out:
    zwasm_store_delete(store);
    if (module) zwasm_module_delete(module);
    zwasm_engine_delete(engine);
    return valid;
}

/* ---- comparing ------------------------------------------------------------------------- */
static const char *line_start(const char *base, const char *p) {
    while (p > base && p[-1] != '\n') p--;
    return p;
}

/* The first difference: the call it happened in, then a few lines from there. */
static void print_from(const char *title, const tbuf *t, size_t at) {
    const char *s = t->p ? t->p : "";
    const char *diff = line_start(s, s + (at <= t->n ? at : t->n));
    const char *call = diff;
    while (call > s && strncmp(call, "call ", 5) != 0 && strncmp(call, "instantiate", 11) != 0)
        call = line_start(s, call - 1);
    fprintf(stderr, "---- %s ----\n", title);
    const char *eol = strchr(call, '\n');
    if (call != diff && eol) {
        fwrite(call, 1, (size_t)(eol + 1 - call), stderr);
        if (eol + 1 != diff) fprintf(stderr, "  ...\n");
    }
    const char *end = diff;
    for (int k = 0; k < 8 && *end; k++) {
        const char *nl = strchr(end, '\n');
        end = nl ? nl + 1 : end + strlen(end);
    }
    fwrite(diff, 1, (size_t)(end - diff), stderr);
    if (*end) fprintf(stderr, "  ...\n");
    fprintf(stderr, "(transcript: %llu bytes, hash %016llx)\n", (unsigned long long)t->total,
            (unsigned long long)t->hash);
}

/* 0: same, 1: differ, -1: invalid module (both agree) */
static int diff_one(const uint8_t *data, size_t size, bool verbose) {
    static run a, b;
    const char *e = getenv("ZWASM_DIFF_FUEL");
    if (e && *e && strtoull(e, NULL, 0) > 0) fuel_per_call = strtoull(e, NULL, 0);
    bool va = run_engine(ZWASM_ENGINE_INTERP, data, size, &a);
    run_engine(ZWASM_ENGINE_JIT, data, size, &b);
    int res = 0;
    if (a.t.total != b.t.total || a.t.hash != b.t.hash || a.t.n != b.t.n ||
        (a.t.n && memcmp(a.t.p, b.t.p, a.t.n) != 0)) {
        size_t at = 0;
        while (at < a.t.n && at < b.t.n && a.t.p[at] == b.t.p[at]) at++;
        fprintf(stderr, "==== fuzz_diff: the engines differ ====\n");
        print_from("interp", &a.t, at);
        print_from("jit", &b.t, at);
        res = 1;
    } else if (!va) {
        res = -1;
    }
    if (verbose && a.t.p) fputs(a.t.p, stdout);
    free(a.t.p);
    free(b.t.p);
    return res;
}

#ifdef ZWASM_DIFF_MAIN
int main(int argc, char **argv) {
    bool verbose = false;
    int ndiff = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            verbose = true;
            continue;
        }
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            return 2;
        }
        uint8_t *buf = NULL;
        size_t len = 0, cap = 0, n;
        do {
            if (len == cap) {
                cap = cap ? cap * 2 : 65536;
                buf = realloc(buf, cap);
                if (!buf) abort();
            }
            n = fread(buf + len, 1, cap - len, f);
            len += n;
        } while (n > 0);
        fclose(f);
        int d = diff_one(buf, len, verbose);
        printf("%s: %s\n", argv[i], d > 0 ? "DIFFERENT" : d < 0 ? "invalid" : "same");
        fflush(stdout);
        ndiff += d > 0;
        nfiles++;
        free(buf);
    }
    printf("%d passed, %d failed\n", nfiles - ndiff, ndiff);
    return ndiff ? 1 : 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (diff_one(data, size, false) > 0) abort();
    return 0;
}
#endif
