/*
 * test_jit.c — the boundary between wasm and the embedder, every case run
 * on both engines (the interpreter and the JIT) against the same expected
 * outcome (result, trap kind and message):
 *   - loads and stores straddling the end of memory at every width (also
 *     v128 and its lane/splat/extend forms), with the address in a register
 *     or constant; a trapping store writes nothing; memory.grow moves the end
 *     under code already compiled;
 *   - memarg offsets and addresses near 2 and 4 GiB (33-bit effective
 *     addresses, constant-address forms), also on a memory just over 2 GiB
 *     grown from wasm and from a host function;
 *   - recursion on small thread stacks (down to the runtime's margin, where
 *     nothing runs), max_call_depth exact, and work at the deepest level
 *     that fits (a fault, helpers, lazy compilation, a host re-entry);
 *   - host -> wasm -> host -> wasm with traps in the middle (propagated,
 *     swallowed, replaced), the store reused afterwards;
 *   - an embedder's own SIGSEGV handler installed before the JIT's (in a
 *     fresh process) and after it;
 *   - traps in helper-implemented instructions (tables, bulk memory) with
 *     values live in registers, call_indirect (null, out of bounds, type
 *     mismatch; callees of other instances and the host), calls between
 *     instances with memories of their own, fuel and interruption at the
 *     same point, trap reports and backtraces, twenty parameters and
 *     results with exact bits, and one module run by several threads.
 * On a machine the JIT cannot run on, its half of every case is skipped.
 */
#define _GNU_SOURCE
#include <alloca.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jit/jit.h"
#include "test.h"
#include "text/text.h"
#include "zwasm.h"

/* ---- helpers ------------------------------------------------------------------- */

static const zwasm_engine_kind_t kinds[2] = {ZWASM_ENGINE_INTERP, ZWASM_ENGINE_JIT};
#define NKINDS 2
#define FOR_ENGINES(k) for (int k = 0; k < NKINDS; k++) if (engine_available(kinds[k]))

static const char *kname(int k) { return kinds[k] == ZWASM_ENGINE_JIT ? "jit" : "interp"; }

static bool engine_available(zwasm_engine_kind_t k) {
    return k != ZWASM_ENGINE_JIT || zw_jit_supported();
}

static zwasm_engine_t *new_engine(int k, const zwasm_config_t *tmpl) {
    zwasm_config_t c;
    if (tmpl) c = *tmpl;
    else zwasm_config_init(&c);
    c.engine = kinds[k];
    return zwasm_engine_new(&c);
}

/* A growable text buffer for generated WAT. */
typedef struct { char *p; size_t len, cap; } sbuf;
__attribute__((format(printf, 2, 3))) static void sb_printf(sbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + (size_t)n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) abort();
        b->p = p;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* One engine, store, module and instance. */
typedef struct {
    zwasm_engine_t *e;
    zwasm_store_t *s;
    zwasm_module_t *m;
    zwasm_instance_t *i;
} rt;

/* Engine and store only (to make host functions before instantiating). */
static bool rt_begin(rt *r, int k, const zwasm_config_t *tmpl) {
    memset(r, 0, sizeof *r);
    r->e = new_engine(k, tmpl);
    r->s = r->e ? zwasm_store_new(r->e) : NULL;
    return r->s != NULL;
}

static bool rt_inst(rt *r, const char *wat, const zwasm_extern_t *imports, size_t n) {
    zwasm_error_t err;
    r->m = test_wat_module(r->e, wat);
    if (!r->m) return false;
    if (zwasm_instance_new(r->s, r->m, imports, n, &r->i, &err) != ZWASM_OK) {
        fprintf(stderr, "  instance: %s\n", err.message);
        return false;
    }
    return true;
}

static bool rt_open(rt *r, int k, const zwasm_config_t *tmpl, const char *wat) {
    return rt_begin(r, k, tmpl) && rt_inst(r, wat, NULL, 0);
}

static void rt_close(rt *r) {
    if (r->m) zwasm_module_delete(r->m);
    if (r->e) zwasm_engine_delete(r->e);
    memset(r, 0, sizeof *r);
}

static zwasm_func_t *func_of(zwasm_instance_t *inst, const char *name) {
    zwasm_extern_t x;
    if (!inst || !zwasm_instance_export(inst, name, strlen(name), &x) || x.kind != ZWASM_EXTERN_FUNC)
        return NULL;
    return x.of.func;
}

static zwasm_memory_t *mem_of(zwasm_instance_t *inst, const char *name) {
    zwasm_extern_t x;
    if (!inst || !zwasm_instance_export(inst, name, strlen(name), &x) || x.kind != ZWASM_EXTERN_MEMORY)
        return NULL;
    return x.of.memory;
}

static zwasm_val_t I32(int32_t v) { zwasm_val_t x = {.kind = ZWASM_I32}; x.of.i32 = v; return x; }
static zwasm_val_t I64(int64_t v) { zwasm_val_t x = {.kind = ZWASM_I64}; x.of.i64 = v; return x; }

/* The outcome of one call: what both engines must agree on. */
typedef struct {
    zwasm_result_t rc;
    zwasm_trap_kind_t trap;
    char msg[256];
    zwasm_val_t res[4];
    uint32_t nres;
} outcome;

static outcome call(rt *r, const char *name, const zwasm_val_t *args, size_t nargs, uint32_t nres) {
    outcome o;
    memset(&o, 0, sizeof o);
    zwasm_error_t err;
    memset(&err, 0, sizeof err);
    zwasm_func_t *f = func_of(r->i, name);
    if (!f) {
        o.rc = ZWASM_ERR_ARG;
        snprintf(o.msg, sizeof o.msg, "no export %s", name);
        return o;
    }
    o.nres = nres;
    o.rc = zwasm_func_call(r->s, f, args, nargs, o.res, nres, &err);
    if (o.rc != ZWASM_OK) {
        o.trap = err.trap;
        snprintf(o.msg, sizeof o.msg, "%s", err.message);
    }
    return o;
}

static bool is_trap(const outcome *o, zwasm_trap_kind_t kind, const char *msg) {
    return o->rc == ZWASM_ERR_TRAP && o->trap == kind && strcmp(o->msg, msg) == 0;
}

static const char *MSG_OOB = "out of bounds memory access";
static const char *MSG_STACK = "call stack exhausted";

/* Report the details of a failed expectation (one line, with the engine). */
#define EXPECT(cond, k, ...)                                                    \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "  %s:%d: [%s] ", __FILE__, __LINE__, kname(k));    \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n");                                              \
            (*zw_failed_)++;                                                    \
        }                                                                       \
    } while (0)

/* ---- memory accesses: every width ------------------------------------------------ */

/* How an access is written and what it does, for a C model of its result.
 * Loads return an i64: integer loads extended as the instruction says,
 * float loads their bits, v128 loads lane0 + 3 * lane1 (i64x2). Stores
 * take an i64 value v and store bytes of it (v128.store: v then ~v). */
typedef enum { A_LOAD, A_STORE } akind;
typedef enum {
    V_ZX, V_SX,        /* integer load, zero/sign extended from `width` bytes */
    V_BITS,            /* float load: its bits */
    V_V128,            /* v128.load */
    V_EXT,             /* v128.loadNxM_s/u: ext_bytes-byte lanes widened (ext_signed) */
    V_SPLAT, V_ZERO,   /* v128.loadN_splat, v128.loadN_zero */
    V_LANE,            /* v128.loadN_lane into lane `lane` of a zero vector */
    V_SBYTES,          /* store: the low `width` bytes of v (at byte `lane * width % 8` for lane stores) */
    V_SV128,           /* v128.store of (v, ~v) */
} avalue;

typedef struct {
    const char *name;   /* export-safe name */
    const char *instr;  /* the instruction (with a lane index where it takes one) */
    uint32_t width;     /* bytes accessed */
    akind kind;
    avalue val;
    int lane;           /* lane loads/stores */
    int ext_bytes;      /* V_EXT: source lane bytes */
    bool ext_signed;
} maccess;

static const maccess accesses[] = {
    {"i32_load8_u", "i32.load8_u", 1, A_LOAD, V_ZX, 0, 0, false},
    {"i32_load8_s", "i32.load8_s", 1, A_LOAD, V_SX, 0, 0, false},
    {"i32_load16_u", "i32.load16_u", 2, A_LOAD, V_ZX, 0, 0, false},
    {"i32_load16_s", "i32.load16_s", 2, A_LOAD, V_SX, 0, 0, false},
    {"i32_load", "i32.load", 4, A_LOAD, V_ZX, 0, 0, false},
    {"i64_load8_u", "i64.load8_u", 1, A_LOAD, V_ZX, 0, 0, false},
    {"i64_load8_s", "i64.load8_s", 1, A_LOAD, V_SX, 0, 0, false},
    {"i64_load16_u", "i64.load16_u", 2, A_LOAD, V_ZX, 0, 0, false},
    {"i64_load16_s", "i64.load16_s", 2, A_LOAD, V_SX, 0, 0, false},
    {"i64_load32_u", "i64.load32_u", 4, A_LOAD, V_ZX, 0, 0, false},
    {"i64_load32_s", "i64.load32_s", 4, A_LOAD, V_SX, 0, 0, false},
    {"i64_load", "i64.load", 8, A_LOAD, V_ZX, 0, 0, false},
    {"f32_load", "f32.load", 4, A_LOAD, V_BITS, 0, 0, false},
    {"f64_load", "f64.load", 8, A_LOAD, V_BITS, 0, 0, false},
    {"v128_load", "v128.load", 16, A_LOAD, V_V128, 0, 0, false},
    {"v128_load8x8_s", "v128.load8x8_s", 8, A_LOAD, V_EXT, 0, 1, true},
    {"v128_load8x8_u", "v128.load8x8_u", 8, A_LOAD, V_EXT, 0, 1, false},
    {"v128_load16x4_s", "v128.load16x4_s", 8, A_LOAD, V_EXT, 0, 2, true},
    {"v128_load16x4_u", "v128.load16x4_u", 8, A_LOAD, V_EXT, 0, 2, false},
    {"v128_load32x2_s", "v128.load32x2_s", 8, A_LOAD, V_EXT, 0, 4, true},
    {"v128_load32x2_u", "v128.load32x2_u", 8, A_LOAD, V_EXT, 0, 4, false},
    {"v128_load8_splat", "v128.load8_splat", 1, A_LOAD, V_SPLAT, 0, 0, false},
    {"v128_load16_splat", "v128.load16_splat", 2, A_LOAD, V_SPLAT, 0, 0, false},
    {"v128_load32_splat", "v128.load32_splat", 4, A_LOAD, V_SPLAT, 0, 0, false},
    {"v128_load64_splat", "v128.load64_splat", 8, A_LOAD, V_SPLAT, 0, 0, false},
    {"v128_load32_zero", "v128.load32_zero", 4, A_LOAD, V_ZERO, 0, 0, false},
    {"v128_load64_zero", "v128.load64_zero", 8, A_LOAD, V_ZERO, 0, 0, false},
    {"v128_load8_lane", "v128.load8_lane", 1, A_LOAD, V_LANE, 15, 0, false},
    {"v128_load16_lane", "v128.load16_lane", 2, A_LOAD, V_LANE, 7, 0, false},
    {"v128_load32_lane", "v128.load32_lane", 4, A_LOAD, V_LANE, 3, 0, false},
    {"v128_load64_lane", "v128.load64_lane", 8, A_LOAD, V_LANE, 1, 0, false},
    {"i32_store8", "i32.store8", 1, A_STORE, V_SBYTES, 0, 0, false},
    {"i32_store16", "i32.store16", 2, A_STORE, V_SBYTES, 0, 0, false},
    {"i32_store", "i32.store", 4, A_STORE, V_SBYTES, 0, 0, false},
    {"i64_store8", "i64.store8", 1, A_STORE, V_SBYTES, 0, 0, false},
    {"i64_store16", "i64.store16", 2, A_STORE, V_SBYTES, 0, 0, false},
    {"i64_store32", "i64.store32", 4, A_STORE, V_SBYTES, 0, 0, false},
    {"i64_store", "i64.store", 8, A_STORE, V_SBYTES, 0, 0, false},
    {"f32_store", "f32.store", 4, A_STORE, V_SBYTES, 0, 0, false},
    {"f64_store", "f64.store", 8, A_STORE, V_SBYTES, 0, 0, false},
    {"v128_store", "v128.store", 16, A_STORE, V_SV128, 0, 0, false},
    {"v128_store8_lane", "v128.store8_lane", 1, A_STORE, V_SBYTES, 15, 0, false},
    {"v128_store16_lane", "v128.store16_lane", 2, A_STORE, V_SBYTES, 7, 0, false},
    {"v128_store32_lane", "v128.store32_lane", 4, A_STORE, V_SBYTES, 3, 0, false},
    {"v128_store64_lane", "v128.store64_lane", 8, A_STORE, V_SBYTES, 1, 0, false},
};
#define NACCESSES (sizeof accesses / sizeof accesses[0])

/* The value stored (distinct bytes, high bits set in some). */
static const uint64_t STORE_V = 0x8877665544332211ull;

/* Append one function: export `fname`, the access at memarg offset `off`,
 * its address from parameter 0 (const_addr < 0) or the constant const_addr. */
static void gen_access(sbuf *b, const maccess *a, const char *fname, uint64_t off, int64_t const_addr) {
    char addr[48], memarg[64];
    if (const_addr < 0) snprintf(addr, sizeof addr, "(local.get 0)");
    else snprintf(addr, sizeof addr, "(i32.const %lld)", (long long)const_addr);
    snprintf(memarg, sizeof memarg, "offset=%llu", (unsigned long long)off);
    char lane[8] = "";
    if (a->lane || a->val == V_LANE) snprintf(lane, sizeof lane, " %d", a->lane);
    if (a->kind == A_STORE) {
        const char *value;
        if (a->val == V_SV128) value = "(i64x2.replace_lane 1 (i64x2.splat (local.get 1)) (i64.xor (local.get 1) (i64.const -1)))";
        else if (strstr(a->instr, "_lane")) value = "(i64x2.splat (local.get 1))";
        else if (!strncmp(a->instr, "i32.", 4)) value = "(i32.wrap_i64 (local.get 1))";
        else if (!strncmp(a->instr, "f32.", 4)) value = "(f32.reinterpret_i32 (i32.wrap_i64 (local.get 1)))";
        else if (!strncmp(a->instr, "f64.", 4)) value = "(f64.reinterpret_i64 (local.get 1))";
        else value = "(local.get 1)";
        sb_printf(b, "(func (export \"%s\") (param i32 i64) (%s %s%s %s %s))\n", fname, a->instr, memarg,
                  lane, addr, value);
        return;
    }
    if (!strncmp(a->instr, "v128.", 5)) {
        const char *vec = a->val == V_LANE ? " (v128.const i64x2 0 0)" : "";
        sb_printf(b, "(func (export \"%s\") (param i32) (result i64) (local v128)\n"
                     "  (local.set 1 (%s %s%s %s%s))\n"
                     "  (i64.add (i64x2.extract_lane 0 (local.get 1))\n"
                     "           (i64.mul (i64.const 3) (i64x2.extract_lane 1 (local.get 1)))))\n",
                  fname, a->instr, memarg, lane, addr, vec);
        return;
    }
    const char *wrap = "";
    if (!strncmp(a->instr, "i32.", 4)) wrap = a->val == V_SX ? "i64.extend_i32_s" : "i64.extend_i32_u";
    if (!strcmp(a->instr, "f32.load")) wrap = "i64.extend_i32_u (i32.reinterpret_f32";
    if (!strcmp(a->instr, "f64.load")) wrap = "i64.reinterpret_f64";
    if (!*wrap)
        sb_printf(b, "(func (export \"%s\") (param i32) (result i64) (%s %s %s))\n", fname, a->instr, memarg, addr);
    else
        sb_printf(b, "(func (export \"%s\") (param i32) (result i64) (%s (%s %s %s))%s)\n", fname, wrap, a->instr,
                  memarg, addr, !strcmp(a->instr, "f32.load") ? ")" : "");
}

static uint64_t le_read(const uint8_t *p, int n, bool sx) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
    if (sx && n < 8 && (v >> (8 * n - 1)) & 1) v |= ~(uint64_t)0 << (8 * n);
    return v;
}

/* The result a load returns when the `width` bytes it reads are p. */
static uint64_t load_model(const maccess *a, const uint8_t *p) {
    uint8_t v[16] = {0};
    switch (a->val) {
    case V_ZX: case V_BITS: return le_read(p, (int)a->width, false);
    case V_SX: {
        uint64_t x = le_read(p, (int)a->width, true);
        if (!strncmp(a->instr, "i32.", 4)) x &= 0xFFFFFFFFu, x = (uint64_t)(int64_t)(int32_t)x;
        return x;
    }
    case V_V128: memcpy(v, p, 16); break;
    case V_EXT: {
        int n = a->ext_bytes, lanes = 8 / n;
        for (int i = 0; i < lanes; i++) {
            uint64_t x = le_read(p + i * n, n, a->ext_signed);
            for (int j = 0; j < 2 * n; j++) v[i * 2 * n + j] = (uint8_t)(x >> (8 * j));
        }
        break;
    }
    case V_SPLAT:
        for (uint32_t i = 0; i < 16; i += a->width) memcpy(v + i, p, a->width);
        break;
    case V_ZERO: memcpy(v, p, a->width); break;
    case V_LANE: memcpy(v + a->lane * (int)a->width, p, a->width); break;
    default: return 0;
    }
    return le_read(v, 8, false) + 3 * le_read(v + 8, 8, false);
}

/* The bytes a store writes. */
static void store_model(const maccess *a, uint8_t *out) {
    uint8_t v[16];
    for (int i = 0; i < 8; i++) v[i] = (uint8_t)(STORE_V >> (8 * i)), v[8 + i] = (uint8_t)~v[i];
    if (a->val == V_SV128) memcpy(out, v, 16);
    else memcpy(out, v + (a->lane * a->width) % 8, a->width);
}

/* The pattern around an end of memory: byte i of the memory. */
static uint8_t pat(uint64_t i) { return (uint8_t)(i * 151 + 0x9D); }

/* The pattern of the first two pages, to fill and compare quickly. */
#define PATBUF (2 * 65536u)
static uint8_t patbuf[PATBUF];

/* Fill [lo, hi) of the memory with the pattern. */
static void fill_pat(zwasm_memory_t *m, uint64_t lo, uint64_t hi) {
    uint8_t *d = zwasm_memory_data(m);
    if (!patbuf[0])
        for (uint64_t i = 0; i < PATBUF; i++) patbuf[i] = pat(i);
    if (hi <= PATBUF) {
        memcpy(d + lo, patbuf + lo, hi - lo);
        return;
    }
    for (uint64_t i = lo; i < hi; i++) d[i] = pat(i);
}

/* Check one access at effective address ea (memory of `size` bytes; the
 * pattern is in [win_lo, size)): its outcome and the memory after it.
 * Returns false (and reports) on a mismatch. */
static bool check_access(int *zw_failed_, int k, rt *r, zwasm_memory_t *mem, const maccess *a,
                         const char *fname, uint32_t addr_arg, uint64_t ea, uint64_t win_lo) {
    uint64_t size = zwasm_memory_size(mem);
    bool ok = ea + a->width <= size;
    fill_pat(mem, win_lo, size);
    zwasm_val_t args[2] = {I32((int32_t)addr_arg), I64((int64_t)STORE_V)};
    outcome o = call(r, fname, args, a->kind == A_STORE ? 2 : 1, a->kind == A_STORE ? 0 : 1);
    bool good = true;
    if (ok) {
        EXPECT(o.rc == ZWASM_OK, k, "%s(%#x) ea=%#llx size=%#llx: expected success, got %d %s", fname,
               addr_arg, (unsigned long long)ea, (unsigned long long)size, o.rc, o.msg);
        good = o.rc == ZWASM_OK;
        if (good && a->kind == A_LOAD) {
            uint8_t src[16];
            for (uint32_t i = 0; i < a->width; i++) src[i] = pat(ea + i);
            uint64_t want = load_model(a, src);
            EXPECT((uint64_t)o.res[0].of.i64 == want, k, "%s(%#x) ea=%#llx: got %#llx, expected %#llx", fname,
                   addr_arg, (unsigned long long)ea, (unsigned long long)o.res[0].of.i64,
                   (unsigned long long)want);
            good = (uint64_t)o.res[0].of.i64 == want;
        }
    } else {
        good = is_trap(&o, ZWASM_TRAP_MEMORY_OOB, MSG_OOB);
        EXPECT(good, k, "%s(%#x) ea=%#llx size=%#llx: expected the trap \"%s\", got rc %d trap %d \"%s\"",
               fname, addr_arg, (unsigned long long)ea, (unsigned long long)size, MSG_OOB, o.rc, o.trap, o.msg);
    }
    /* the memory: the stored bytes where a store succeeded, the pattern everywhere else */
    const uint8_t *d = zwasm_memory_data(mem);
    uint8_t sb[16];
    store_model(a, sb);
    uint64_t from = win_lo;
    if (size <= PATBUF) { /* skip what is unchanged (the pattern, quickly) up to the store */
        uint64_t upto = a->kind == A_STORE && ok ? ea : size;
        if (memcmp(d + win_lo, patbuf + win_lo, upto - win_lo) == 0) from = upto;
        if (from == size) return good;
    }
    for (uint64_t i = from; i < size; i++) {
        bool written = a->kind == A_STORE && ok && i >= ea && i < ea + a->width;
        uint8_t want = written ? sb[i - ea] : pat(i);
        if (d[i] != want) {
            EXPECT(false, k, "%s(%#x) ea=%#llx: memory[%#llx] = %#x, expected %#x (%s)", fname, addr_arg,
                   (unsigned long long)ea, (unsigned long long)i, d[i], want,
                   written ? "the store's byte" : "unchanged");
            return false;
        }
    }
    return good;
}

#define PAGE 65536u

/* Accesses straddling the end of memory, at every width, with the address
 * in a register (offset 0 and 7) or constant; then memory.grow moves the
 * end and the same compiled code must follow it. */
TEST(jit_boundary_end_of_memory) {
    for (size_t ai = 0; ai < NACCESSES; ai++) {
        const maccess *a = &accesses[ai];
        sbuf w = {0};
        sb_printf(&w, "(module (memory (export \"mem\") 1 4)\n"
                      "(func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))\n");
        gen_access(&w, a, "d0", 0, -1);
        gen_access(&w, a, "d7", 7, -1);
        /* constant addresses around both ends (1 and 2 pages), split between
         * the constant and the offset in two ways */
        for (uint32_t end = PAGE; end <= 2 * PAGE; end += PAGE)
            for (uint32_t ea = end - a->width - 1; ea <= end; ea++) {
                char n[32];
                snprintf(n, sizeof n, "c%u", ea);
                gen_access(&w, a, n, 0, ea);
                snprintf(n, sizeof n, "o%u", ea);
                gen_access(&w, a, n, 5, ea - 5);
            }
        sb_printf(&w, ")");
        FOR_ENGINES(k) {
            rt r;
            if (!rt_open(&r, k, NULL, w.p)) {
                EXPECT(false, k, "%s: module", a->name);
                rt_close(&r);
                continue;
            }
            zwasm_memory_t *mem = mem_of(r.i, "mem");
            bool good = true;
            for (int phase = 0; phase < 2 && good; phase++) {
                uint32_t size = (phase + 1) * PAGE, win = size - 64;
                /* through a register: every address from size-width-1 to size (and a few past it) */
                for (uint32_t ea = size - a->width - 1; ea <= size + 1 && good; ea++) {
                    good &= check_access(zw_failed_, k, &r, mem, a, "d0", ea, ea, win);
                    good &= check_access(zw_failed_, k, &r, mem, a, "d7", ea - 7, ea, win);
                }
                /* constant addresses around the first end (in bounds after the grow) and the second */
                for (uint32_t end = PAGE; end <= 2 * PAGE && good; end += PAGE)
                    for (uint32_t ea = end - a->width - 1; ea <= end && good; ea++) {
                        char n[32];
                        uint32_t wl = end - 64 < win ? end - 64 : win;
                        if (end > size) wl = win;
                        snprintf(n, sizeof n, "c%u", ea);
                        good &= check_access(zw_failed_, k, &r, mem, a, n, 0, ea, wl);
                        snprintf(n, sizeof n, "o%u", ea);
                        good &= check_access(zw_failed_, k, &r, mem, a, n, 0, ea, wl);
                    }
                if (phase == 0) {
                    zwasm_val_t one = I32(1);
                    outcome o = call(&r, "grow", &one, 1, 1);
                    EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 1, k, "memory.grow: %d %s", o.rc, o.msg);
                    CHECK_EQ_INT(zwasm_memory_size(mem), 2 * PAGE);
                }
            }
            if (!good) fprintf(stderr, "  (%s on %s: stopped at the first mismatch)\n", a->name, kname(k));
            rt_close(&r);
        }
        free(w.p);
    }
}

/* ---- offsets and addresses near 4 GiB ------------------------------------------------ */

static const uint64_t big_offsets[] = {
    0, 7, 0xFFF0, 0x10000, 0x7FFFFFE0, 0x7FFFFFEF, 0x7FFFFFF0, 0x7FFFFFFF,
    0x80000000, 0xFFFFFFF0, 0xFFFFFFFF,
};
static const uint32_t big_addrs[] = {
    0, 1, 15, 0xFFF0, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFF,
};
#define NBIG_OFF (sizeof big_offsets / sizeof big_offsets[0])
#define NBIG_ADDR (sizeof big_addrs / sizeof big_addrs[0])

/* Every access with memarg offsets and addresses (in a register and
 * constant) near 2 and 4 GiB on a one-page memory: the effective address is
 * the 33-bit sum, in bounds only when it ends within the page. */
TEST(jit_boundary_offsets_near_4g) {
    for (size_t ai = 0; ai < NACCESSES; ai++) {
        const maccess *a = &accesses[ai];
        sbuf w = {0};
        sb_printf(&w, "(module (memory (export \"mem\") 1)\n");
        for (size_t oi = 0; oi < NBIG_OFF; oi++) {
            char n[32];
            snprintf(n, sizeof n, "d%zu", oi);
            gen_access(&w, a, n, big_offsets[oi], -1);
            for (size_t ci = 0; ci < NBIG_ADDR; ci++) {
                snprintf(n, sizeof n, "c%zu_%zu", oi, ci);
                gen_access(&w, a, n, big_offsets[oi], big_addrs[ci]);
            }
        }
        sb_printf(&w, ")");
        FOR_ENGINES(k) {
            rt r;
            if (!rt_open(&r, k, NULL, w.p)) {
                EXPECT(false, k, "%s: module", a->name);
                rt_close(&r);
                continue;
            }
            zwasm_memory_t *mem = mem_of(r.i, "mem");
            int bad = 0;
            for (size_t oi = 0; oi < NBIG_OFF && bad < 3; oi++)
                for (size_t ci = 0; ci < NBIG_ADDR && bad < 3; ci++) {
                    char n[32];
                    uint64_t ea = big_addrs[ci] + big_offsets[oi];
                    snprintf(n, sizeof n, "d%zu", oi);
                    bad += !check_access(zw_failed_, k, &r, mem, a, n, big_addrs[ci], ea, 0);
                    snprintf(n, sizeof n, "c%zu_%zu", oi, ci);
                    bad += !check_access(zw_failed_, k, &r, mem, a, n, 0, ea, 0);
                }
            if (bad) fprintf(stderr, "  (%s on %s: stopped after 3 mismatches)\n", a->name, kname(k));
            rt_close(&r);
        }
        free(w.p);
    }
}

/* The same near the end of a memory just over 2 GiB (32769 pages), where
 * offsets of 2 GiB and more reach memory in bounds: the JIT checks those
 * accesses explicitly against the size (the guard region covers only
 * offsets below 2 GiB), and the size grows under compiled code (memory.grow
 * from wasm, zwasm_memory_grow from a host function). */
static zwasm_result_t host_grow(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                                zwasm_error_t *err) {
    (void)env; (void)err;
    zwasm_memory_t *m = zwasm_caller_memory(c, 0);
    r[0] = I32(m ? (int32_t)zwasm_memory_grow(m, (uint64_t)a[0].of.i32) : -2);
    return ZWASM_OK;
}

TEST(jit_boundary_offsets_past_2g) {
    static const uint32_t k_i32[] = {ZWASM_I32};
    const uint64_t pages = 32768;
    for (size_t ai = 0; ai < NACCESSES; ai++) {
        const maccess *a = &accesses[ai];
        if (a->width != 4 && a->width != 16 && a->width != 1) continue; /* a sample of widths */
        sbuf w = {0};
        sb_printf(&w, "(module (import \"env\" \"grow\" (func $hgrow (param i32) (result i32)))\n"
                      "(memory (export \"mem\") %llu)\n"
                      "(func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))\n"
                      "(func (export \"hgrow\") (param i32) (result i32) (call $hgrow (local.get 0)))\n",
                  (unsigned long long)pages);
        static const uint64_t offs[] = {0x7FFFFFEF, 0x7FFFFFF0, 0x7FFFFFFF, 0x80000000, 0x80008000};
        for (size_t oi = 0; oi < 5; oi++) {
            char n[32];
            snprintf(n, sizeof n, "d%zu", oi);
            gen_access(&w, a, n, offs[oi], -1);
        }
        /* constant addresses near the three ends (2 GiB, +1 page, +2 pages) */
        for (uint64_t end = pages * PAGE; end <= (pages + 2) * PAGE; end += PAGE)
            for (uint64_t ea = end - a->width - 1; ea <= end; ea++) {
                char n[32];
                snprintf(n, sizeof n, "c%llu", (unsigned long long)ea);
                gen_access(&w, a, n, ea - 0x7FFFFF00, 0x7FFFFF00);
            }
        sb_printf(&w, ")");
        FOR_ENGINES(k) {
            rt r;
            zwasm_functype_t ft = {1, 1, k_i32, k_i32};
            if (!rt_begin(&r, k, NULL)) {
                EXPECT(false, k, "engine");
                rt_close(&r);
                continue;
            }
            zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r.s, &ft, host_grow, NULL, NULL)};
            zwasm_error_t err;
            r.m = test_wat_module(r.e, w.p);
            zwasm_result_t rc = r.m ? zwasm_instance_new(r.s, r.m, &imp, 1, &r.i, &err) : ZWASM_ERR_INVALID;
            if (rc == ZWASM_ERR_NOMEM) { /* a machine that cannot commit 2 GiB of address space */
                fprintf(stderr, "  (skipped: %s)\n", err.message);
                rt_close(&r);
                free(w.p);
                return;
            }
            if (rc != ZWASM_OK) {
                EXPECT(false, k, "%s: module: %d %s", a->name, rc, r.m ? err.message : "");
                rt_close(&r);
                continue;
            }
            zwasm_memory_t *mem = mem_of(r.i, "mem");
            int bad = 0;
            for (int phase = 0; phase < 3 && !bad; phase++) {
                uint64_t size = zwasm_memory_size(mem), win = size - 64;
                CHECK_EQ_INT(size, (pages + (uint64_t)phase) * PAGE);
                for (size_t oi = 0; oi < 5 && bad < 3; oi++)
                    for (uint64_t ea = size - a->width - 1; ea <= size + 1 && bad < 3; ea++) {
                        char n[32];
                        snprintf(n, sizeof n, "d%zu", oi);
                        if (ea < offs[oi]) continue;
                        bad += !check_access(zw_failed_, k, &r, mem, a, n, (uint32_t)(ea - offs[oi]), ea, win);
                    }
                for (uint64_t end = pages * PAGE; end <= (pages + 2) * PAGE && bad < 3; end += PAGE)
                    for (uint64_t ea = end - a->width - 1; ea <= end && bad < 3; ea++) {
                        char n[32];
                        snprintf(n, sizeof n, "c%llu", (unsigned long long)ea);
                        uint64_t wl = end > size ? win : end - 64;
                        bad += !check_access(zw_failed_, k, &r, mem, a, n, 0, ea, wl);
                    }
                if (phase < 2) { /* one page more: from wasm, then from a host function */
                    zwasm_val_t one = I32(1);
                    outcome o = call(&r, phase == 0 ? "grow" : "hgrow", &one, 1, 1);
                    EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == (int32_t)(pages + (uint64_t)phase), k,
                           "grow: %d %s (%d)", o.rc, o.msg, o.res[0].of.i32);
                }
            }
            if (bad) fprintf(stderr, "  (%s on %s: stopped after a mismatch)\n", a->name, kname(k));
            rt_close(&r);
        }
        free(w.p);
    }
}

/* ---- deep recursion on small thread stacks ----------------------------------------------- */

/* Room the runtime keeps free below every entry into wasm
 * (src/runtime/stack.c, ZW_NATIVE_STACK_MARGIN): a thread whose whole stack
 * is this small cannot enter wasm at all. */
#if defined(__SANITIZE_ADDRESS__)
#define STACK_MARGIN ((size_t)96 << 10)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STACK_MARGIN ((size_t)96 << 10)
#endif
#endif
#ifndef STACK_MARGIN
#define STACK_MARGIN ((size_t)48 << 10)
#endif

typedef struct {
    rt *r;
    const char *fn;
    zwasm_val_t args[2];
    size_t nargs;
    uint32_t nres;
    size_t pad; /* stack the thread uses up before the call (call_on_stack) */
    outcome o;
} thread_call;

static void *thread_main(void *p) {
    thread_call *t = p;
    if (t->pad) { /* the call gets what a thread with a smaller stack would */
        char *used = alloca(t->pad);
        __asm__ volatile("" : : "r"(used) : "memory");
    }
    t->o = call(t->r, t->fn, t->args, t->nargs, t->nres);
    return NULL;
}

/* Call t->fn on a new thread with a stack of `bytes`; false if the thread
 * could not be made.  A size below the thread library's minimum
 * (PTHREAD_STACK_MIN: 16 KiB on x86-64, but 128 KiB with glibc on AArch64,
 * which allows 64 KiB pages) is had by making a thread of the minimum size
 * and using up the difference before the call: the runtime measures the
 * room left below the call, which is then the same. */
static bool call_on_stack(size_t bytes, thread_call *t) {
    pthread_attr_t attr;
    pthread_t th;
    size_t size = bytes < (size_t)PTHREAD_STACK_MIN ? (size_t)PTHREAD_STACK_MIN : bytes;
    t->pad = size - bytes;
    if (pthread_attr_init(&attr) != 0) return false;
    bool ok = pthread_attr_setstacksize(&attr, size) == 0 && pthread_create(&th, &attr, thread_main, t) == 0;
    pthread_attr_destroy(&attr);
    if (ok) pthread_join(th, NULL);
    return ok;
}

static outcome call_i32_on_stack(rt *r, size_t bytes, const char *fn, int32_t arg, bool has_arg) {
    thread_call t = {.r = r, .fn = fn, .nargs = has_arg, .nres = 1};
    t.args[0] = I32(arg);
    if (!call_on_stack(bytes, &t)) {
        t.o.rc = ZWASM_ERR_NOMEM;
        snprintf(t.o.msg, sizeof t.o.msg, "pthread_create with a stack of %zu bytes", bytes);
    }
    return t.o;
}

static zwasm_result_t host_reenter(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                                   zwasm_error_t *err) {
    /* call export env (a name) of the caller's instance with a[0] - 1, plus one */
    zwasm_instance_t **inst = env;
    zwasm_val_t arg = I32(a[0].of.i32 - 1), res;
    zwasm_result_t rc = zwasm_func_call(zwasm_caller_store(c), func_of(*inst, "hrec"), &arg, 1, &res, 1, err);
    if (rc != ZWASM_OK) return rc; /* err holds the inner trap */
    r[0] = I32(res.of.i32 + 1);
    return ZWASM_OK;
}

static const char *recursion_wat =
    "(module (import \"env\" \"h\" (func $h (param i32) (result i32)))\n"
    " (func $rec (export \"rec\") (param i32) (result i32)\n"
    "  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
    "   (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))\n"
    " (func $inf (export \"inf\") (param i32) (result i32)\n"
    "  (call $inf (i32.add (local.get 0) (i32.const 1))))\n"
    " (func (export \"hrec\") (param i32) (result i32)\n"
    "  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) (else (call $h (local.get 0)))))\n"
    " (func (export \"k\") (result i32) (i32.const 42)))";

static bool open_recursion(rt *r, int k, uint32_t max_depth, zwasm_instance_t **self) {
    static const uint32_t k_i32[] = {ZWASM_I32};
    zwasm_config_t c;
    zwasm_config_init(&c);
    c.max_call_depth = max_depth;
    if (!rt_begin(r, k, &c)) return false;
    zwasm_functype_t ft = {1, 1, k_i32, k_i32};
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r->s, &ft, host_reenter, self, NULL)};
    if (!rt_inst(r, recursion_wat, &imp, 1)) return false;
    *self = r->i;
    return true;
}

/* Unbounded recursion (in wasm, and through a host function) on threads
 * with small stacks and max_call_depth at its maximum: "call stack
 * exhausted", never a crash; a depth that fits runs; a stack no bigger
 * than the runtime's margin refuses every call the same way. */
TEST(jit_boundary_small_thread_stacks) {
    const size_t sizes[] = {STACK_MARGIN, STACK_MARGIN + (16 << 10), STACK_MARGIN + (64 << 10),
                            STACK_MARGIN + (256 << 10)};
    FOR_ENGINES(k) {
        rt r;
        zwasm_instance_t *self = NULL;
        if (!open_recursion(&r, k, 1000000, &self)) {
            EXPECT(false, k, "module");
            rt_close(&r);
            continue;
        }
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            size_t S = sizes[si];
            bool room = S > STACK_MARGIN;
            outcome o = call_i32_on_stack(&r, S, "k", 0, false);
            if (room)
                EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 42, k, "stack %zu: k() = %d %s", S, o.rc, o.msg);
            else
                EXPECT(is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK), k, "stack %zu: k(): %d %s", S, o.rc, o.msg);
            o = call_i32_on_stack(&r, S, "inf", 0, true);
            EXPECT(is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK), k, "stack %zu: inf: %d %d %s", S, o.rc,
                   o.trap, o.msg);
            o = call_i32_on_stack(&r, S, "hrec", 1000000, true);
            EXPECT(is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK), k, "stack %zu: hrec: %d %d %s", S, o.rc,
                   o.trap, o.msg);
            if (room) {
                /* 64 bytes a level leaves the JIT (16 or 32 a frame) room to spare */
                int32_t n = (int32_t)((S - STACK_MARGIN - (12 << 10)) / 64);
                o = call_i32_on_stack(&r, S, "rec", n, true);
                EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == n, k, "stack %zu: rec(%d) = %d (%d %s)", S, n,
                       o.res[0].of.i32, o.rc, o.msg);
                /* host re-entries: three fit in 256 KiB above the margin (a level
                 * takes some KiB of C stack, several times more under sanitizers);
                 * with less room, one either fits or is refused cleanly */
                bool roomy = S - STACK_MARGIN >= (256 << 10);
                int32_t levels = roomy ? 3 : 1;
                o = call_i32_on_stack(&r, S, "hrec", levels, true);
                bool ok = o.rc == ZWASM_OK && o.res[0].of.i32 == levels;
                if (!roomy) ok |= is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK);
                EXPECT(ok, k, "stack %zu: hrec(%d) = %d (%d %s)", S, levels, o.res[0].of.i32, o.rc, o.msg);
            }
        }
        /* the store still works on this thread afterwards */
        zwasm_val_t a = I32(5000);
        outcome o = call(&r, "rec", &a, 1, 1);
        EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 5000, k, "rec(5000) after: %d %s", o.rc, o.msg);
        rt_close(&r);
    }
}

/* max_call_depth is exact in both engines: rec(n) takes n + 1 frames. */
TEST(jit_boundary_max_call_depth_exact) {
    const uint32_t depths[] = {1, 2, 3, 100, 4096, 100000};
    for (size_t di = 0; di < sizeof depths / sizeof depths[0]; di++) {
        uint32_t D = depths[di];
        FOR_ENGINES(k) {
            rt r;
            zwasm_instance_t *self = NULL;
            if (!open_recursion(&r, k, D, &self)) {
                EXPECT(false, k, "module");
                rt_close(&r);
                continue;
            }
            for (int round = 0; round < 2; round++) { /* twice: the trap leaves nothing behind */
                zwasm_val_t a = I32((int32_t)D - 1);
                outcome o = call(&r, "rec", &a, 1, 1);
                EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == (int32_t)D - 1, k, "depth %u: rec(%u): %d %s", D,
                       D - 1, o.rc, o.msg);
                a = I32((int32_t)D);
                o = call(&r, "rec", &a, 1, 1);
                EXPECT(is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK), k, "depth %u: rec(%u): %d %s", D, D,
                       o.rc, o.msg);
                a = I32(0);
                o = call(&r, "inf", &a, 1, 1);
                EXPECT(is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK), k, "depth %u: inf: %d %s", D, o.rc,
                       o.msg);
            }
            rt_close(&r);
        }
    }
}

/* ---- host -> wasm -> host -> wasm ------------------------------------------------------------ */

/* The host function h(mode, n) calls the export "inner"(mode, n) of the
 * instance and, when that traps, either propagates the trap, swallows it
 * (returns 1000 + trap kind) or fails with an error of its own. */
enum { H_PROPAGATE, H_SWALLOW, H_OWN_ERROR };
typedef struct {
    zwasm_instance_t *inst;
    int policy;
    int calls, traps;
    zwasm_trap_kind_t first_trap; /* the innermost trap the host saw */
    char first_msg[256];
} reenter_env;

static zwasm_result_t host_h(void *envp, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                             zwasm_error_t *err) {
    reenter_env *env = envp;
    env->calls++;
    zwasm_error_t inner;
    memset(&inner, 0, sizeof inner);
    zwasm_val_t res;
    zwasm_result_t rc = zwasm_func_call(zwasm_caller_store(c), func_of(env->inst, "inner"), a, 2, &res, 1, &inner);
    if (rc == ZWASM_OK) {
        r[0] = I32(res.of.i32);
        return ZWASM_OK;
    }
    if (env->traps++ == 0) {
        env->first_trap = inner.trap;
        snprintf(env->first_msg, sizeof env->first_msg, "%s", inner.message);
    }
    switch (env->policy) {
    case H_PROPAGATE: *err = inner; return rc;
    case H_SWALLOW: r[0] = I32(1000 + (int32_t)inner.trap); return ZWASM_OK;
    default:
        snprintf(err->message, sizeof err->message, "host gives up (trap %d)", (int)inner.trap);
        return ZWASM_ERR_TRAP;
    }
}

/* inner(mode, n): n > 0 goes one level deeper through the host (plus 1);
 * at the bottom mode says what happens: 0 returns 7, 1 unreachable,
 * 2 an out-of-bounds load, 3 division by zero, 4 unbounded recursion,
 * 5 call_indirect of a null entry, 6 grows memory by a page and stores
 * 0x1234 at the old end (returns 7).  outer(mode, n) keeps values of
 * every class live across its call of h and adds them to the result (and,
 * in mode 6, what is stored at the old end). */
static const char *reenter_wat =
    "(module (import \"env\" \"h\" (func $h (param i32 i32) (result i32)))\n"
    " (memory (export \"mem\") 1) (table 2 funcref)\n"
    " (type $v (func))\n"
    " (global $bottom (export \"bottom\") (mut i32) (i32.const 0))\n"
    " (func $inf (param i32) (result i32) (call $inf (i32.add (local.get 0) (i32.const 1))))\n"
    " (func (export \"outer\") (param $mode i32) (param $n i32) (result i32)\n"
    "  (local $a i32) (local $b i64) (local $c f64) (local $v v128) (local $r i32)\n"
    "  (local.set $a (i32.mul (local.get $n) (i32.const 1000003)))\n"
    "  (local.set $b (i64.shl (i64.extend_i32_u (local.get $a)) (i64.const 20)))\n"
    "  (local.set $c (f64.mul (f64.convert_i32_s (local.get $n)) (f64.const 1.5)))\n"
    "  (local.set $v (i32x4.splat (i32.add (local.get $n) (i32.const 11))))\n"
    "  (local.set $r (call $h (local.get $mode) (local.get $n)))\n"
    "  (if (i32.eq (local.get $mode) (i32.const 6))\n"
    "   (then (local.set $r (i32.add (local.get $r) (i32.load (i32.const 65536))))))\n"
    "  (i32.add (local.get $r)\n"
    "   (i32.add (local.get $a)\n"
    "    (i32.add (i32.wrap_i64 (i64.shr_u (local.get $b) (i64.const 20)))\n"
    "     (i32.add (i32.trunc_f64_s (local.get $c)) (i32x4.extract_lane 3 (local.get $v)))))))\n"
    " (func (export \"inner\") (param $mode i32) (param $n i32) (result i32)\n"
    "  (if (i32.gt_s (local.get $n) (i32.const 0))\n"
    "   (then (return (i32.add (i32.const 1)\n"
    "     (call $h (local.get $mode) (i32.sub (local.get $n) (i32.const 1)))))))\n"
    "  (global.set $bottom (i32.add (global.get $bottom) (i32.const 1)))\n"
    "  (if (i32.eq (local.get $mode) (i32.const 1)) (then unreachable))\n"
    "  (if (i32.eq (local.get $mode) (i32.const 2)) (then (drop (i32.load (i32.const 65536)))))\n"
    "  (if (i32.eq (local.get $mode) (i32.const 3))\n"
    "   (then (drop (i32.div_u (local.get $n) (local.get $n)))))\n"
    "  (if (i32.eq (local.get $mode) (i32.const 4)) (then (drop (call $inf (i32.const 0)))))\n"
    "  (if (i32.eq (local.get $mode) (i32.const 5)) (then (call_indirect (type $v) (i32.const 1))))\n"
    "  (if (i32.eq (local.get $mode) (i32.const 6))\n"
    "   (then (drop (memory.grow (i32.const 1))) (i32.store (i32.const 65536) (i32.const 0x1234))))\n"
    "  (i32.const 7))\n"
    " (func $rec (export \"rec\") (param i32) (result i32)\n"
    "  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))\n"
    "   (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))";

static int32_t outer_extra(int32_t n) { /* what outer adds from its live values */
    int32_t a = (int32_t)((uint32_t)n * 1000003u);
    return (int32_t)((uint32_t)a + (uint32_t)a + (uint32_t)(int32_t)(n * 1.5) + (uint32_t)(n + 11));
}

TEST(jit_boundary_host_reentry_traps) {
    static const uint32_t k_ii[] = {ZWASM_I32, ZWASM_I32}, k_i32[] = {ZWASM_I32};
    static const struct { zwasm_trap_kind_t kind; const char *msg; } bottoms[] = {
        {ZWASM_TRAP_NONE, ""},
        {ZWASM_TRAP_UNREACHABLE, "unreachable"},
        {ZWASM_TRAP_MEMORY_OOB, "out of bounds memory access"},
        {ZWASM_TRAP_INT_DIV_ZERO, "integer divide by zero"},
        {ZWASM_TRAP_STACK_EXHAUSTED, "call stack exhausted"},
        {ZWASM_TRAP_UNINITIALIZED_ELEMENT, "uninitialized element 1"},
    };
    const uint32_t max_depth = 20000;
    for (int policy = H_PROPAGATE; policy <= H_OWN_ERROR; policy++)
        for (int mode = 0; mode < 6; mode++)
            for (int32_t n = 0; n <= 3; n++) {
                FOR_ENGINES(k) {
                    rt r;
                    reenter_env env = {.policy = policy};
                    zwasm_config_t c;
                    zwasm_config_init(&c);
                    c.max_call_depth = max_depth;
                    zwasm_functype_t ft = {2, 1, k_ii, k_i32};
                    if (!rt_begin(&r, k, &c)) {
                        EXPECT(false, k, "engine");
                        continue;
                    }
                    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC,
                                          .of.func = zwasm_func_new(r.s, &ft, host_h, &env, NULL)};
                    if (!rt_inst(&r, reenter_wat, &imp, 1)) {
                        EXPECT(false, k, "module");
                        rt_close(&r);
                        continue;
                    }
                    env.inst = r.i;
                    zwasm_val_t args[2] = {I32(mode), I32(n)};
                    outcome o = call(&r, "outer", args, 2, 1);
                    zwasm_trap_kind_t bk = bottoms[mode].kind;
                    const char *what = policy == H_PROPAGATE ? "propagate" : policy == H_SWALLOW ? "swallow" : "own error";
                    EXPECT(env.calls == n + 1, k, "%s mode %d n %d: %d host calls", what, mode, n, env.calls);
                    if (bk == ZWASM_TRAP_NONE) {
                        EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 7 + n + outer_extra(n), k,
                               "%s mode %d n %d: %d %s = %d, expected %d", what, mode, n, o.rc, o.msg, o.res[0].of.i32,
                               7 + n + outer_extra(n));
                        EXPECT(env.traps == 0, k, "%s mode %d n %d: the host saw %d traps", what, mode, n, env.traps);
                    } else {
                        /* the innermost host call saw the bottom's trap */
                        EXPECT(env.first_trap == bk && !strcmp(env.first_msg, bottoms[mode].msg), k,
                               "%s mode %d n %d: the host saw trap %d \"%s\"", what, mode, n, env.first_trap,
                               env.first_msg);
                        if (policy == H_PROPAGATE) {
                            EXPECT(is_trap(&o, bk, bottoms[mode].msg), k, "%s mode %d n %d: %d %d %s", what, mode, n,
                                   o.rc, o.trap, o.msg);
                            EXPECT(env.traps == n + 1, k, "%s mode %d n %d: %d traps", what, mode, n, env.traps);
                        } else if (policy == H_SWALLOW) {
                            int32_t want = 1000 + (int32_t)bk + n + outer_extra(n);
                            EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == want, k,
                                   "%s mode %d n %d: %d %s = %d, expected %d", what, mode, n, o.rc, o.msg,
                                   o.res[0].of.i32, want);
                            EXPECT(env.traps == 1, k, "%s mode %d n %d: %d traps", what, mode, n, env.traps);
                        } else {
                            /* the innermost host saw the bottom's trap, each one above a host error */
                            char want[64];
                            snprintf(want, sizeof want, "host gives up (trap %d)",
                                     (int)(n ? ZWASM_TRAP_HOST : bk));
                            EXPECT(o.rc == ZWASM_ERR_TRAP && o.trap == ZWASM_TRAP_HOST, k,
                                   "%s mode %d n %d: %d %d %s", what, mode, n, o.rc, o.trap, o.msg);
                            EXPECT(!strcmp(o.msg, want), k,
                                   "%s mode %d n %d: message %s, expected %s", what, mode, n, o.msg, want);
                        }
                    }
                    /* the store goes on: a bottom reached once, then a clean call, the exact depth */
                    zwasm_extern_t g;
                    zwasm_val_t gv = {0};
                    if (zwasm_instance_export(r.i, "bottom", 6, &g)) zwasm_global_get(g.of.global, &gv);
                    EXPECT(gv.of.i32 == 1, k, "mode %d n %d: the bottom ran %d times", mode, n, gv.of.i32);
                    env.policy = H_PROPAGATE;
                    args[0] = I32(0);
                    args[1] = I32(2);
                    o = call(&r, "outer", args, 2, 1);
                    EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 9 + outer_extra(2), k,
                           "after mode %d n %d: outer(0, 2) = %d (%d %s)", mode, n, o.res[0].of.i32, o.rc, o.msg);
                    zwasm_val_t d = I32((int32_t)max_depth - 1);
                    o = call(&r, "rec", &d, 1, 1);
                    EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == (int32_t)max_depth - 1, k,
                           "after mode %d n %d: rec(max_call_depth - 1): %d %s", mode, n, o.rc, o.msg);
                    d = I32((int32_t)max_depth);
                    o = call(&r, "rec", &d, 1, 1);
                    EXPECT(is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK), k,
                           "after mode %d n %d: rec(max_call_depth): %d %s", mode, n, o.rc, o.msg);
                    rt_close(&r);
                }
            }
}

/* A host function grows the memory through a nested call (mode 6) and the
 * outer wasm frame sees the new page. */
TEST(jit_boundary_host_reentry_grow) {
    static const uint32_t k_ii[] = {ZWASM_I32, ZWASM_I32}, k_i32[] = {ZWASM_I32};
    FOR_ENGINES(k) {
        rt r;
        reenter_env env = {.policy = H_PROPAGATE};
        zwasm_functype_t ft = {2, 1, k_ii, k_i32};
        if (!rt_begin(&r, k, NULL)) continue;
        zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r.s, &ft, host_h, &env, NULL)};
        if (!rt_inst(&r, reenter_wat, &imp, 1)) {
            EXPECT(false, k, "module");
            rt_close(&r);
            continue;
        }
        env.inst = r.i;
        zwasm_val_t args[2] = {I32(6), I32(2)};
        outcome o = call(&r, "outer", args, 2, 1);
        EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 9 + 0x1234 + outer_extra(2), k, "outer(6, 2) = %d (%d %s)",
               o.res[0].of.i32, o.rc, o.msg);
        CHECK_EQ_INT(zwasm_memory_size(mem_of(r.i, "mem")), 2 * PAGE);
        rt_close(&r);
    }
}

/* ---- the embedder's own SIGSEGV handler ---------------------------------------------------- */

/* The test's handler: recovers (siglongjmp) from a fault it caused on
 * purpose (seg_armed); during wasm code that must not reach it
 * (seg_forbidden) it records the call and recovers too; otherwise it chains
 * to the handler it replaced, as an embedder that knows about the JIT must. */
static sigjmp_buf seg_jmp;
static volatile sig_atomic_t seg_armed, seg_forbidden, seg_caught, seg_chained, seg_unexpected;
static void *volatile seg_addr;
static struct sigaction seg_prev;

static void my_segv(int sig, siginfo_t *si, void *uc) {
    if (seg_armed || seg_forbidden) {
        if (seg_armed) seg_caught++;
        else seg_unexpected++;
        seg_armed = seg_forbidden = 0;
        seg_addr = si->si_addr;
        siglongjmp(seg_jmp, 1);
    }
    seg_chained++;
    if (seg_prev.sa_flags & SA_SIGINFO) {
        seg_prev.sa_sigaction(sig, si, uc);
    } else if (seg_prev.sa_handler != SIG_DFL && seg_prev.sa_handler != SIG_IGN) {
        seg_prev.sa_handler(sig);
    } else {
        signal(sig, SIG_DFL); /* returning re-executes the access, which now kills */
    }
}

static bool install_my_segv(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = my_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    return sigaction(SIGSEGV, &sa, &seg_prev) == 0;
}

static bool handler_is_mine(void) {
    struct sigaction cur;
    return sigaction(SIGSEGV, NULL, &cur) == 0 && (cur.sa_flags & SA_SIGINFO) && cur.sa_sigaction == my_segv;
}

/* Read *p with the handler armed: true if the handler caught the fault. */
static __attribute__((noinline)) bool fault_caught(const volatile uint8_t *p) {
    seg_addr = NULL;
    seg_armed = 1;
    if (sigsetjmp(seg_jmp, 1) == 0) {
        (void)*p;
        seg_armed = 0;
        return false;
    }
    return true;
}

/* A PROT_NONE page of the test's own. */
static uint8_t *none_page(void) {
    void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* A host function that faults in C: at a page of its own (mode 0), or
 * inside the guard region of the calling instance's memory (mode 1), which
 * the JIT must not mistake for a wasm access.  Returns 1 if the test's
 * handler caught it. */
static zwasm_result_t host_fault(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                                 zwasm_error_t *err) {
    (void)err;
    const volatile uint8_t *p = env;
    if (a[0].of.i32 == 1) {
        zwasm_memory_t *m = zwasm_caller_memory(c, 0);
        p = zwasm_memory_data(m) + zwasm_memory_size(m) + 4096;
    }
    bool caught = fault_caught(p);
    r[0] = I32(caught && seg_addr == (void *)p);
    return ZWASM_OK;
}

static const char *segv_wat =
    "(module (import \"env\" \"fault\" (func $fault (param i32) (result i32)))\n"
    " (memory 1)\n"
    " (func (export \"ok\") (param i32) (result i32) (i32.load (local.get 0)))\n"
    " (func (export \"oob\") (param i32) (result i32) (i32.load offset=65536 (local.get 0)))\n"
    " (func (export \"oob_store\") (param i32) (v128.store offset=65530 (local.get 0) (v128.const i64x2 1 2)))\n"
    " (func (export \"fault\") (param i32) (result i32)\n"
    "  (local i64) (local.set 1 (i64.const 77))\n"
    "  (i32.add (call $fault (local.get 0)) (i32.wrap_i64 (local.get 1)))))";

/* Run the wasm side of the signal tests on one engine: normal accesses,
 * out-of-bounds accesses (traps the JIT handles itself), and host
 * functions faulting in C (which reach the test's handler).  `forbid`:
 * the handler must not run during the wasm traps (it was installed first;
 * the JIT's handler, installed later, takes wasm faults). */
static void segv_run_wasm(int *zw_failed_, int k, uint8_t *page, bool forbid) {
    static const uint32_t k_i32[] = {ZWASM_I32};
    rt r;
    if (!rt_begin(&r, k, NULL)) {
        EXPECT(false, k, "engine");
        return;
    }
    zwasm_functype_t ft = {1, 1, k_i32, k_i32};
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r.s, &ft, host_fault, page, NULL)};
    if (!rt_inst(&r, segv_wat, &imp, 1)) {
        EXPECT(false, k, "module");
        rt_close(&r);
        return;
    }
    for (int round = 0; round < 3; round++) {
        zwasm_val_t a = I32(round);
        outcome o;
        seg_unexpected = 0;
        if (forbid) seg_forbidden = 1;
        if (sigsetjmp(seg_jmp, 1) == 0) {
            o = call(&r, "ok", &a, 1, 1);
            EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 0, k, "ok: %d %s", o.rc, o.msg);
            o = call(&r, "oob", &a, 1, 1);
            EXPECT(is_trap(&o, ZWASM_TRAP_MEMORY_OOB, MSG_OOB), k, "oob: %d %s", o.rc, o.msg);
            o = call(&r, "oob_store", &a, 1, 0);
            EXPECT(is_trap(&o, ZWASM_TRAP_MEMORY_OOB, MSG_OOB), k, "oob_store: %d %s", o.rc, o.msg);
        }
        seg_forbidden = 0;
        EXPECT(seg_unexpected == 0, k, "round %d: the embedder's handler ran for a wasm trap", round);
        /* host functions faulting in C reach the embedder's handler */
        for (int mode = 0; mode < 2; mode++) {
            int before = seg_caught;
            a = I32(mode);
            o = call(&r, "fault", &a, 1, 1);
            EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 78, k, "round %d: host fault mode %d: %d %s = %d", round,
                   mode, o.rc, o.msg, o.res[0].of.i32);
            EXPECT(seg_caught == before + 1, k, "round %d: host fault mode %d: caught %d", round, mode,
                   seg_caught - before);
        }
    }
    rt_close(&r);
}

/* The embedder's handler installed BEFORE any JIT code ran in the process
 * (a fresh process: the JIT installs its handler once per process, on the
 * first entry into compiled code): the JIT's handler goes on top, takes
 * the faults of wasm accesses itself and passes every other fault on. */
#define SEGV_CHILD_ENV "ZWASM_TEST_JIT_SEGV_CHILD"
#define SEGV_CHILD_TEST "jit_boundary_segv_handler_installed_first"
static void segv_first_body(int *zw_failed_);
TEST(jit_boundary_segv_handler_installed_first) {
    if (!getenv(SEGV_CHILD_ENV)) {
        /* run this test alone in a new process: a fork of this one while no
         * SIGSEGV handler is installed in it yet (the JIT's is never
         * removed once installed, so none has been: the first test of the
         * process, as when each test runs alone), else a fresh exec of this
         * program (which qemu-user cannot do without binfmt_misc) */
        struct sigaction cur;
        bool pristine = sigaction(SIGSEGV, NULL, &cur) == 0 && !(cur.sa_flags & SA_SIGINFO) &&
                        cur.sa_handler == SIG_DFL;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) dup2(fd, 1);
            if (pristine) {
                int failed = 0;
                segv_first_body(&failed);
                fflush(NULL);
                _exit(failed ? 1 : 0);
            }
            setenv(SEGV_CHILD_ENV, "1", 1);
            execl("/proc/self/exe", "unit_tests", SEGV_CHILD_TEST, (char *)NULL);
            _exit(127);
        }
        int status = 0;
        CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            fprintf(stderr, "  the child process: %s %d\n", WIFEXITED(status) ? "exit status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        return;
    }
    segv_first_body(zw_failed_);
}

static void segv_first_body(int *zw_failed_) {
    uint8_t *page = none_page();
    CHECK(page != NULL);
    CHECK(install_my_segv());
    CHECK(fault_caught(page) && seg_addr == page); /* before any engine exists */
    FOR_ENGINES(k) {
        segv_run_wasm(zw_failed_, k, page, true);
        /* a fault in C after running wasm */
        int before = seg_caught;
        CHECK(fault_caught(page) && seg_addr == page);
        CHECK_EQ_INT(seg_caught, before + 1);
        if (kinds[k] == ZWASM_ENGINE_JIT) CHECK(!handler_is_mine()); /* the JIT's is on top now */
    }
    CHECK_EQ_INT(seg_chained, 0);
    /* Nothing to restore: the JIT's handler is installed and chains to ours
     * for the rest of this (short-lived) process. */
    munmap(page, 4096);
}

/* The embedder's handler installed AFTER the JIT's (chaining to it): wasm
 * traps still work through the chain, the embedder's own faults are its
 * own, and the JIT's handler alone is back after restoring it. */
TEST(jit_boundary_segv_handler_installed_after) {
    uint8_t *page = none_page();
    CHECK(page != NULL);
    /* make sure the JIT's handler is in place: run a trap in compiled code */
    if (engine_available(ZWASM_ENGINE_JIT)) {
        rt r;
        if (rt_open(&r, 1, NULL, "(module (memory 1) (func (export \"f\") (result i32) (i32.load (i32.const 65536))))")) {
            outcome o = call(&r, "f", NULL, 0, 1);
            CHECK(is_trap(&o, ZWASM_TRAP_MEMORY_OOB, MSG_OOB));
        }
        rt_close(&r);
    }
    CHECK(install_my_segv());
    seg_chained = 0;
    FOR_ENGINES(k) {
        int before = seg_chained;
        segv_run_wasm(zw_failed_, k, page, false);
        /* the JIT's traps came through the test's handler (chained); the interpreter raises none */
        if (kinds[k] == ZWASM_ENGINE_JIT) CHECK(seg_chained - before >= 6);
        else CHECK_EQ_INT(seg_chained - before, 0);
        before = seg_caught;
        CHECK(fault_caught(page) && seg_addr == page);
        CHECK_EQ_INT(seg_caught, before + 1);
    }
    /* restore the JIT's handler; wasm traps keep working without ours */
    CHECK(handler_is_mine());
    CHECK(sigaction(SIGSEGV, &seg_prev, NULL) == 0);
    CHECK(!handler_is_mine());
    int chained = seg_chained;
    FOR_ENGINES(k) {
        rt r;
        if (rt_open(&r, k, NULL, "(module (memory 1) (func (export \"f\") (result i32) (i32.load (i32.const 65536))))")) {
            outcome o = call(&r, "f", NULL, 0, 1);
            EXPECT(is_trap(&o, ZWASM_TRAP_MEMORY_OOB, MSG_OOB), k, "after restoring: %d %s", o.rc, o.msg);
        }
        rt_close(&r);
    }
    CHECK_EQ_INT(seg_chained, chained);
    munmap(page, 4096);
}

/* ---- scripts: the same calls on both engines ------------------------------------------------ */

/* One call: i32 arguments, at most one i32 result, the expected trap (its
 * message when msg is set) or result. */
typedef struct {
    const char *fn;
    int nargs;
    int64_t a[3];
    int nres;
    zwasm_trap_kind_t trap;
    int64_t want;
    const char *msg;
} step;

static const char *trap_msg(zwasm_trap_kind_t k) {
    switch (k) {
    case ZWASM_TRAP_UNREACHABLE: return "unreachable";
    case ZWASM_TRAP_MEMORY_OOB: return "out of bounds memory access";
    case ZWASM_TRAP_TABLE_OOB: return "out of bounds table access";
    case ZWASM_TRAP_INT_DIV_ZERO: return "integer divide by zero";
    case ZWASM_TRAP_INT_OVERFLOW: return "integer overflow";
    case ZWASM_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case ZWASM_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case ZWASM_TRAP_INDIRECT_CALL_TYPE: return "indirect call type mismatch";
    case ZWASM_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case ZWASM_TRAP_NULL_REFERENCE: return "null reference";
    case ZWASM_TRAP_INTERRUPTED: return "interrupted";
    case ZWASM_TRAP_OUT_OF_FUEL: return "out of fuel";
    default: return "?";
    }
}

/* Run the steps in order on one store; false after a mismatch. */
static bool run_steps(int *zw_failed_, int k, rt *r, const step *steps, size_t n) {
    bool good = true;
    for (size_t i = 0; i < n; i++) {
        const step *s = &steps[i];
        zwasm_val_t args[3];
        for (int j = 0; j < s->nargs; j++) args[j] = I32((int32_t)s->a[j]);
        outcome o = call(r, s->fn, args, (size_t)s->nargs, (uint32_t)s->nres);
        char shown[96];
        snprintf(shown, sizeof shown, "step %zu: %s(%lld, %lld, %lld)", i, s->fn, (long long)s->a[0],
                 (long long)s->a[1], (long long)s->a[2]);
        if (s->trap) {
            const char *msg = s->msg ? s->msg : trap_msg(s->trap);
            bool ok = is_trap(&o, s->trap, msg);
            EXPECT(ok, k, "%s: expected the trap \"%s\", got rc %d trap %d \"%s\"", shown, msg, o.rc, o.trap, o.msg);
            good &= ok;
        } else {
            bool ok = o.rc == ZWASM_OK && (!s->nres || o.res[0].of.i32 == (int32_t)s->want);
            EXPECT(ok, k, "%s: expected %lld, got rc %d \"%s\" result %d", shown, (long long)s->want, o.rc, o.msg,
                   o.res[0].of.i32);
            good &= ok;
        }
    }
    return good;
}

/* ---- tables and bulk instructions (helpers in the JIT) ----------------------------------------- */

static const char *bulk_wat =
    "(module\n"
    " (table $t (export \"t\") 4 10 funcref)\n"
    " (memory (export \"mem\") 1)\n"
    " (data $d \"abcdefgh\")\n"
    " (elem $el func $f0 $f1)\n"
    " (type $r (func (result i32)))\n"
    " (func $f0 (result i32) (i32.const 100)) (func $f1 (result i32) (i32.const 101))\n"
    /* values of every class live across the helper that traps */
    " (func (export \"tget\") (param $i i32) (param $x i32) (result i32)\n"
    "  (local $a i32) (local $b i64) (local $v v128) (local $c f64)\n"
    "  (local.set $a (i32.mul (local.get $x) (i32.const 3)))\n"
    "  (local.set $b (i64.extend_i32_s (local.get $x)))\n"
    "  (local.set $v (i32x4.splat (local.get $x)))\n"
    "  (local.set $c (f64.convert_i32_s (local.get $x)))\n"
    "  (drop (table.get $t (local.get $i)))\n"
    "  (i32.add (local.get $a) (i32.add (i32.wrap_i64 (local.get $b))\n"
    "   (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32.trunc_f64_s (local.get $c))))))\n"
    " (func (export \"tset\") (param $i i32) (table.set $t (local.get $i) (ref.func $f0)))\n"
    " (func (export \"tcall\") (param $i i32) (result i32) (call_indirect $t (type $r) (local.get $i)))\n"
    " (func (export \"tsize\") (result i32) (table.size $t))\n"
    " (func (export \"tgrow\") (param $n i32) (result i32) (table.grow $t (ref.null func) (local.get $n)))\n"
    " (func (export \"tfill\") (param $i i32) (param $n i32) (table.fill $t (local.get $i) (ref.func $f1) (local.get $n)))\n"
    " (func (export \"tcopy\") (param $d i32) (param $s i32) (param $n i32)\n"
    "  (table.copy $t $t (local.get $d) (local.get $s) (local.get $n)))\n"
    " (func (export \"tinit\") (param $d i32) (param $s i32) (param $n i32)\n"
    "  (table.init $t $el (local.get $d) (local.get $s) (local.get $n)))\n"
    /* (the drops return a value: a function without any value trips UBSan in
     * the JIT's register allocator, qsort of no ranges from a NULL array) */
    " (func (export \"edrop\") (result i32) (elem.drop $el) (i32.const 0))\n"
    " (func (export \"mfill\") (param $d i32) (param $v i32) (param $n i32)\n"
    "  (memory.fill (local.get $d) (local.get $v) (local.get $n)))\n"
    " (func (export \"mcopy\") (param $d i32) (param $s i32) (param $n i32)\n"
    "  (memory.copy (local.get $d) (local.get $s) (local.get $n)))\n"
    " (func (export \"minit\") (param $d i32) (param $s i32) (param $n i32)\n"
    "  (memory.init $d (local.get $d) (local.get $s) (local.get $n)))\n"
    " (func (export \"ddrop\") (result i32) (data.drop $d) (i32.const 0))\n"
    " (func (export \"load8\") (param $a i32) (result i32) (i32.load8_u (local.get $a)))\n"
    " (func (export \"grow\") (param $n i32) (result i32) (memory.grow (local.get $n))))";

#define T_OOB ZWASM_TRAP_TABLE_OOB
#define M_OOB ZWASM_TRAP_MEMORY_OOB
static const step bulk_steps[] = {
    {"tget", 2, {0, 5}, 1, 0, 30, NULL},
    {"tget", 2, {3, 7}, 1, 0, 42, NULL},
    {"tget", 2, {4, 7}, 1, T_OOB, 0, NULL},
    {"tget", 2, {0x7FFFFFFF, 7}, 1, T_OOB, 0, NULL},
    {"tget", 2, {-1, 7}, 1, T_OOB, 0, NULL},
    {"tget", 2, {1, -9}, 1, 0, -54, NULL},       /* the same store after the traps */
    {"tset", 1, {3}, 0, 0, 0, NULL},
    {"tcall", 1, {3}, 1, 0, 100, NULL},
    {"tset", 1, {4}, 0, T_OOB, 0, NULL},
    {"tset", 1, {-1}, 0, T_OOB, 0, NULL},
    /* table.fill / copy / init: bounds checked before anything is written */
    {"tfill", 2, {2, 3}, 0, T_OOB, 0, NULL},
    {"tcall", 1, {2}, 1, ZWASM_TRAP_UNINITIALIZED_ELEMENT, 0, "uninitialized element 2"},
    {"tfill", 2, {4, 0}, 0, 0, 0, NULL},          /* at the end, nothing: no trap */
    {"tfill", 2, {5, 0}, 0, T_OOB, 0, NULL},      /* past the end, nothing: a trap */
    {"tfill", 2, {1, 2}, 0, 0, 0, NULL},
    {"tcall", 1, {2}, 1, 0, 101, NULL},
    {"tcopy", 3, {0, 2, 3}, 0, T_OOB, 0, NULL},
    {"tcopy", 3, {2, 0, 3}, 0, T_OOB, 0, NULL},
    {"tcopy", 3, {4, 0, 0}, 0, 0, 0, NULL},
    {"tcopy", 3, {0, 5, 0}, 0, T_OOB, 0, NULL},
    {"tcopy", 3, {0, 2, 2}, 0, 0, 0, NULL},
    {"tcall", 1, {1}, 1, 0, 100, NULL},
    {"tinit", 3, {3, 0, 2}, 0, T_OOB, 0, NULL},
    {"tinit", 3, {0, 1, 2}, 0, T_OOB, 0, NULL},
    {"tinit", 3, {0, 2, 0}, 0, 0, 0, NULL},
    {"tinit", 3, {0, 3, 0}, 0, T_OOB, 0, NULL},
    {"tinit", 3, {2, 0, 2}, 0, 0, 0, NULL},
    {"tcall", 1, {2}, 1, 0, 100, NULL},
    {"tcall", 1, {3}, 1, 0, 101, NULL},
    {"edrop", 0, {0}, 1, 0, 0, NULL},
    {"tinit", 3, {0, 0, 0}, 0, 0, 0, NULL},
    {"tinit", 3, {0, 0, 1}, 0, T_OOB, 0, NULL},
    /* table.grow to the maximum and beyond */
    {"tsize", 0, {0}, 1, 0, 4, NULL},
    {"tgrow", 1, {7}, 1, 0, -1, NULL},
    {"tgrow", 1, {-1}, 1, 0, -1, NULL},
    {"tgrow", 1, {6}, 1, 0, 4, NULL},
    {"tget", 2, {9, 1}, 1, 0, 6, NULL},
    {"tget", 2, {10, 1}, 1, T_OOB, 0, NULL},
    {"tcall", 1, {9}, 1, ZWASM_TRAP_UNINITIALIZED_ELEMENT, 0, "uninitialized element 9"},
    {"tcall", 1, {10}, 1, ZWASM_TRAP_UNDEFINED_ELEMENT, 0, NULL},
    /* memory.fill / copy / init at the end of memory */
    {"mfill", 3, {65530, 0x41, 7}, 0, M_OOB, 0, NULL},
    {"load8", 1, {65530}, 1, 0, 0, NULL},
    {"mfill", 3, {65536, 0x41, 0}, 0, 0, 0, NULL},
    {"mfill", 3, {65537, 0x41, 0}, 0, M_OOB, 0, NULL},
    {"mfill", 3, {65530, 0x41, 6}, 0, 0, 0, NULL},
    {"load8", 1, {65535}, 1, 0, 0x41, NULL},
    {"mfill", 3, {1, 0x42, -1}, 0, M_OOB, 0, NULL},
    {"load8", 1, {1}, 1, 0, 0, NULL},
    {"mcopy", 3, {0, 65530, 7}, 0, M_OOB, 0, NULL},
    {"mcopy", 3, {65530, 0, 7}, 0, M_OOB, 0, NULL},
    {"load8", 1, {65530}, 1, 0, 0x41, NULL},
    {"mcopy", 3, {65536, 0, 0}, 0, 0, 0, NULL},
    {"mcopy", 3, {0, 65537, 0}, 0, M_OOB, 0, NULL},
    {"mcopy", 3, {0, 65530, 6}, 0, 0, 0, NULL},
    {"load8", 1, {5}, 1, 0, 0x41, NULL},
    {"minit", 3, {65530, 0, 7}, 0, M_OOB, 0, NULL},
    {"minit", 3, {65530, 1, 8}, 0, M_OOB, 0, NULL},
    {"minit", 3, {65536, 8, 0}, 0, 0, 0, NULL},
    {"minit", 3, {0, 9, 0}, 0, M_OOB, 0, NULL},
    {"minit", 3, {65528, 0, 8}, 0, 0, 0, NULL},
    {"load8", 1, {65535}, 1, 0, 'h', NULL},
    {"ddrop", 0, {0}, 1, 0, 0, NULL},
    {"minit", 3, {0, 0, 0}, 0, 0, 0, NULL},
    {"minit", 3, {0, 0, 1}, 0, M_OOB, 0, NULL},
    /* after memory.grow the bulk instructions see the new end */
    {"grow", 1, {1}, 1, 0, 1, NULL},
    {"mfill", 3, {65530, 0x43, 65542}, 0, 0, 0, NULL},
    {"mfill", 3, {131000, 0x43, 537}, 0, M_OOB, 0, NULL},
    {"load8", 1, {131071}, 1, 0, 0x43, NULL},
    {"load8", 1, {131072}, 1, M_OOB, 0, NULL},
};

/* Tables and bulk memory (helper calls in the JIT) trapping with values live
 * in registers, bounds checked before any write, the store reused. */
TEST(jit_boundary_helpers_tables_bulk) {
    uint8_t *snap[NKINDS] = {0};
    FOR_ENGINES(k) {
        rt r;
        if (!rt_open(&r, k, NULL, bulk_wat)) {
            EXPECT(false, k, "module");
            rt_close(&r);
            continue;
        }
        run_steps(zw_failed_, k, &r, bulk_steps, sizeof bulk_steps / sizeof bulk_steps[0]);
        zwasm_memory_t *m = mem_of(r.i, "mem");
        CHECK_EQ_INT(zwasm_memory_size(m), 2 * PAGE);
        snap[k] = malloc(2 * PAGE);
        if (snap[k]) memcpy(snap[k], zwasm_memory_data(m), 2 * PAGE);
        rt_close(&r);
    }
    if (snap[0] && snap[1]) CHECK(memcmp(snap[0], snap[1], 2 * PAGE) == 0); /* the same memory in the end */
    free(snap[0]);
    free(snap[1]);
}

/* ---- call_indirect ------------------------------------------------------------------------- */

static zwasm_result_t host_inc(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                               zwasm_error_t *err) {
    (void)env; (void)c; (void)err;
    r[0] = I32(a[0].of.i32 + 2000);
    return ZWASM_OK;
}

/* call_indirect to a function of the instance, of another instance, a
 * host function; a null entry, an index out of bounds (also with the sign
 * bit set), a signature mismatch (of each kind of callee); values live
 * across the call in registers. */
TEST(jit_boundary_call_indirect) {
    static const uint32_t k_i32[] = {ZWASM_I32};
    static const char *b_wat =
        "(module (func (export \"inc\") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1000)))\n"
        " (func (export \"i64\") (param i64) (result i64) (local.get 0)))";
    static const char *a_wat =
        "(module (type $ii (func (param i32) (result i32))) (type $ll (func (param i64) (result i64)))\n"
        " (import \"b\" \"inc\" (func $binc (type $ii))) (import \"b\" \"i64\" (func $bi64 (type $ll)))\n"
        " (import \"h\" \"inc\" (func $hinc (type $ii)))\n"
        " (table $t 8 funcref) (memory 1)\n"
        " (elem (i32.const 0) $inc $binc $hinc $bi64 $void)\n"
        " (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))\n"
        " (func $void)\n"
        " (func (export \"ci\") (param $i i32) (param $x i32) (result i32)\n"
        "  (local $a i32) (local $b i64) (local $c f64) (local $v v128)\n"
        "  (local.set $a (i32.mul (local.get $x) (i32.const 7)))\n"
        "  (local.set $b (i64.mul (i64.extend_i32_s (local.get $x)) (i64.const 3)))\n"
        "  (local.set $c (f64.convert_i32_s (local.get $x)))\n"
        "  (local.set $v (i32x4.splat (i32.const 5)))\n"
        "  (i32.add (call_indirect $t (type $ii) (local.get $x) (local.get $i))\n"
        "   (i32.add (local.get $a) (i32.add (i32.wrap_i64 (local.get $b))\n"
        "    (i32.add (i32.trunc_f64_s (local.get $c)) (i32x4.extract_lane 1 (local.get $v))))))))";
    const int32_t x = 5, live = 7 * x + 3 * x + x + 5;
    const step steps[] = {
        {"ci", 2, {0, x}, 1, 0, x + 1 + live, NULL},
        {"ci", 2, {1, x}, 1, 0, x + 1000 + live, NULL},
        {"ci", 2, {2, x}, 1, 0, x + 2000 + live, NULL},
        {"ci", 2, {3, x}, 1, ZWASM_TRAP_INDIRECT_CALL_TYPE, 0, NULL},
        {"ci", 2, {4, x}, 1, ZWASM_TRAP_INDIRECT_CALL_TYPE, 0, NULL},
        {"ci", 2, {5, x}, 1, ZWASM_TRAP_UNINITIALIZED_ELEMENT, 0, "uninitialized element 5"},
        {"ci", 2, {7, x}, 1, ZWASM_TRAP_UNINITIALIZED_ELEMENT, 0, "uninitialized element 7"},
        {"ci", 2, {8, x}, 1, ZWASM_TRAP_UNDEFINED_ELEMENT, 0, NULL},
        {"ci", 2, {-1, x}, 1, ZWASM_TRAP_UNDEFINED_ELEMENT, 0, NULL},
        {"ci", 2, {INT32_MIN, x}, 1, ZWASM_TRAP_UNDEFINED_ELEMENT, 0, NULL},
        {"ci", 2, {2, -x}, 1, 0, -x + 2000 - 11 * x + 5, NULL},
    };
    FOR_ENGINES(k) {
        rt r, rb;
        zwasm_functype_t ft = {1, 1, k_i32, k_i32};
        if (!rt_begin(&r, k, NULL)) continue;
        /* instance b in the same store */
        rb = r;
        if (!rt_inst(&rb, b_wat, NULL, 0)) {
            EXPECT(false, k, "module b");
            rt_close(&r);
            continue;
        }
        zwasm_extern_t imps[3] = {
            {.kind = ZWASM_EXTERN_FUNC, .of.func = func_of(rb.i, "inc")},
            {.kind = ZWASM_EXTERN_FUNC, .of.func = func_of(rb.i, "i64")},
            {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r.s, &ft, host_inc, NULL, NULL)},
        };
        if (rt_inst(&r, a_wat, imps, 3)) run_steps(zw_failed_, k, &r, steps, sizeof steps / sizeof steps[0]);
        else EXPECT(false, k, "module a");
        zwasm_module_delete(rb.m);
        rt_close(&r);
    }
}

/* ---- calls between instances: each has its own memory ----------------------------------------- */

TEST(jit_boundary_cross_instance_memory) {
    static const char *b_wat =
        "(module (memory 2)\n"
        " (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))\n"
        " (func (export \"store\") (param i32 i32) (i32.store (local.get 0) (local.get 1))))";
    static const char *a_wat =
        "(module (import \"b\" \"load\" (func $bload (param i32) (result i32)))\n"
        " (import \"b\" \"store\" (func $bstore (param i32 i32)))\n"
        " (memory 1)\n"
        /* b's memory is bigger: after the call, a's own accesses use a's */
        " (func (export \"both\") (param i32) (result i32)\n"
        "  (call $bstore (local.get 0) (i32.const 0x5151))\n"
        "  (i32.add (call $bload (local.get 0)) (i32.load (local.get 0))))\n"
        " (func (export \"bonly\") (param i32) (result i32) (call $bload (local.get 0)))\n"
        " (func (export \"aload\") (param i32) (result i32) (i32.load (local.get 0))))";
    static const char *c_wat = /* no memory at all */
        "(module (import \"a\" \"both\" (func $both (param i32) (result i32)))\n"
        " (func (export \"viaA\") (param i32) (result i32) (call $both (local.get 0))))";
    const step steps[] = {
        {"both", 1, {65532}, 1, 0, 0x5151, NULL},
        {"both", 1, {65533}, 1, M_OOB, 0, NULL}, /* a's load traps after b's calls */
        {"bonly", 1, {65533}, 1, 0, 0x5151, NULL}, /* b's store happened */
        {"both", 1, {131068}, 1, M_OOB, 0, NULL},
        {"bonly", 1, {131069}, 1, M_OOB, 0, NULL},
        {"aload", 1, {65532}, 1, 0, 0, NULL}, /* a's memory was not written */
        {"aload", 1, {65533}, 1, M_OOB, 0, NULL},
    };
    const step csteps[] = {
        {"viaA", 1, {65532}, 1, 0, 0x5151, NULL},
        {"viaA", 1, {65536}, 1, M_OOB, 0, NULL},
        {"viaA", 1, {131072}, 1, M_OOB, 0, NULL},
    };
    FOR_ENGINES(k) {
        rt r, rb, rc;
        if (!rt_begin(&r, k, NULL)) continue;
        rb = r;
        rc = r;
        bool ok = rt_inst(&rb, b_wat, NULL, 0);
        zwasm_extern_t imps[2] = {
            {.kind = ZWASM_EXTERN_FUNC, .of.func = func_of(rb.i, "load")},
            {.kind = ZWASM_EXTERN_FUNC, .of.func = func_of(rb.i, "store")},
        };
        ok = ok && rt_inst(&r, a_wat, imps, 2);
        zwasm_extern_t cimp = {.kind = ZWASM_EXTERN_FUNC, .of.func = func_of(r.i, "both")};
        ok = ok && rt_inst(&rc, c_wat, &cimp, 1);
        EXPECT(ok, k, "modules");
        if (ok) {
            run_steps(zw_failed_, k, &r, steps, sizeof steps / sizeof steps[0]);
            run_steps(zw_failed_, k, &rc, csteps, sizeof csteps / sizeof csteps[0]);
        }
        if (rb.m) zwasm_module_delete(rb.m);
        if (rc.m) zwasm_module_delete(rc.m);
        rt_close(&r);
    }
}

/* ---- fuel and interruption ------------------------------------------------------------------- */

static const char *fuel_wat =
    "(module (import \"env\" \"stop\" (func $stop))\n"
    " (memory 1)\n"
    " (global $n (export \"n\") (mut i32) (i32.const 0))\n"
    " (func $leaf (param i32) (result i32)\n"
    "  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (i32.const 2))))\n"
    " (func (export \"spin\") (param $k i32)\n"
    "  (loop $l (global.set $n (i32.add (global.get $n) (i32.const 1)))\n"
    "   (br_if $l (i32.lt_u (global.get $n) (local.get $k)))))\n"
    " (func (export \"calls\") (param $k i32) (result i32) (local $s i32)\n"
    "  (loop $l (local.set $s (i32.add (local.get $s) (call $leaf (global.get $n))))\n"
    "   (global.set $n (i32.add (global.get $n) (i32.const 1)))\n"
    "   (br_if $l (i32.lt_u (global.get $n) (local.get $k))))\n"
    "  (local.get $s))\n"
    " (func (export \"fill\") (param $n i32) (memory.fill (i32.const 0) (i32.const 1) (local.get $n)))\n"
    /* stop at iteration k (the host function asks for an interrupt) */
    " (func (export \"stop_at\") (param $k i32)\n"
    "  (loop $l (global.set $n (i32.add (global.get $n) (i32.const 1)))\n"
    "   (if (i32.eq (global.get $n) (local.get $k)) (then (call $stop)))\n"
    "   (br $l))))";

static zwasm_result_t host_stop(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                                zwasm_error_t *err) {
    (void)env; (void)a; (void)r; (void)err;
    zwasm_store_interrupt(zwasm_caller_store(c));
    return ZWASM_OK;
}

static int32_t global_n(rt *r) {
    zwasm_extern_t g;
    zwasm_val_t v = {0};
    if (zwasm_instance_export(r->i, "n", 1, &g)) zwasm_global_get(g.of.global, &v);
    return v.of.i32;
}

static bool open_fuel(rt *r, int k, const zwasm_config_t *c) {
    zwasm_functype_t ft = {0, 0, NULL, NULL};
    if (!rt_begin(r, k, c)) return false;
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r->s, &ft, host_stop, NULL, NULL)};
    return rt_inst(r, fuel_wat, &imp, 1);
}

/* Fuel runs out at the same point in both engines, with the same fuel left
 * over after calls that finish. */
TEST(jit_boundary_fuel_same_point) {
    /* per engine: fuel left / global n after each step */
    int64_t seen[NKINDS][16];
    int nseen[NKINDS] = {0};
    FOR_ENGINES(k) {
        rt r;
        zwasm_config_t c;
        zwasm_config_init(&c);
        c.fuel = 1000;
        if (!open_fuel(&r, k, &c)) {
            EXPECT(false, k, "module");
            rt_close(&r);
            continue;
        }
        uint64_t fuel = 0;
        int64_t *s = seen[k];
        int n = 0;
        zwasm_error_t err;
        zwasm_val_t a = I32(100);
        outcome o = call(&r, "spin", &a, 1, 0); /* 1 (the call) + 100 iterations */
        EXPECT(o.rc == ZWASM_OK, k, "spin(100): %s", o.msg);
        CHECK(zwasm_store_get_fuel(r.s, &fuel));
        s[n++] = (int64_t)fuel;
        a = I32(1000000);
        o = call(&r, "spin", &a, 1, 0);
        EXPECT(is_trap(&o, ZWASM_TRAP_OUT_OF_FUEL, "out of fuel"), k, "spin: %d %s", o.rc, o.msg);
        CHECK(zwasm_store_get_fuel(r.s, &fuel));
        CHECK_EQ_INT(fuel, 0);
        s[n++] = global_n(&r);
        /* calls burn fuel at the callee's entry */
        CHECK_EQ_INT(zwasm_store_set_fuel(r.s, 500, &err), ZWASM_OK);
        a = I32(global_n(&r) + 100);
        o = call(&r, "calls", &a, 1, 1);
        s[n++] = o.rc == ZWASM_OK ? (int64_t)o.res[0].of.i32 : -(int64_t)o.trap;
        CHECK(zwasm_store_get_fuel(r.s, &fuel));
        s[n++] = (int64_t)fuel;
        a = I32(global_n(&r) + 100000);
        o = call(&r, "calls", &a, 1, 1);
        EXPECT(is_trap(&o, ZWASM_TRAP_OUT_OF_FUEL, "out of fuel"), k, "calls: %d %s", o.rc, o.msg);
        s[n++] = global_n(&r);
        /* bulk: one unit per 64 bytes */
        CHECK_EQ_INT(zwasm_store_set_fuel(r.s, 100, &err), ZWASM_OK);
        a = I32(64 * 50);
        o = call(&r, "fill", &a, 1, 0);
        EXPECT(o.rc == ZWASM_OK, k, "fill: %s", o.msg);
        CHECK(zwasm_store_get_fuel(r.s, &fuel));
        s[n++] = (int64_t)fuel;
        a = I32(64 * 200);
        o = call(&r, "fill", &a, 1, 0);
        EXPECT(is_trap(&o, ZWASM_TRAP_OUT_OF_FUEL, "out of fuel"), k, "fill: %d %s", o.rc, o.msg);
        CHECK(zwasm_store_get_fuel(r.s, &fuel));
        CHECK_EQ_INT(fuel, 0);
        /* with fuel again the store goes on */
        CHECK_EQ_INT(zwasm_store_set_fuel(r.s, 1000, &err), ZWASM_OK);
        a = I32(global_n(&r) + 10);
        o = call(&r, "spin", &a, 1, 0);
        EXPECT(o.rc == ZWASM_OK, k, "spin after: %s", o.msg);
        CHECK(zwasm_store_get_fuel(r.s, &fuel));
        s[n++] = (int64_t)fuel;
        nseen[k] = n;
        rt_close(&r);
    }
    /* the interpreter's numbers, which the documentation explains: one unit
     * per call and per loop iteration, one per 64 bytes filled */
    if (nseen[0]) {
        CHECK_EQ_INT(seen[0][0], 1000 - 1 - 100);
        CHECK_EQ_INT(seen[0][5], 100 - 1 - 50);
    }
    if (nseen[0] && nseen[1]) {
        CHECK_EQ_INT(nseen[0], nseen[1]);
        for (int i = 0; i < nseen[0] && i < nseen[1]; i++)
            if (seen[0][i] != seen[1][i])
                fprintf(stderr, "  value %d: interp %lld, jit %lld\n", i, (long long)seen[0][i], (long long)seen[1][i]);
        CHECK(memcmp(seen[0], seen[1], sizeof seen[0][0] * (size_t)nseen[0]) == 0);
    }
}

typedef struct {
    zwasm_store_t *s;
    int delay_ms;
} interrupter;

static void *interrupt_later(void *p) {
    interrupter *it = p;
    usleep((useconds_t)it->delay_ms * 1000);
    zwasm_store_interrupt(it->s);
    return NULL;
}

/* Interruption: requested before a call, from a host function inside a
 * loop (the trap comes at the same iteration in both engines), and from
 * another thread during an endless loop. */
TEST(jit_boundary_interrupt) {
    int32_t stopped[NKINDS] = {0};
    FOR_ENGINES(k) {
        rt r;
        zwasm_config_t c;
        zwasm_config_init(&c);
        c.interruptible = true;
        if (!open_fuel(&r, k, &c)) {
            EXPECT(false, k, "module");
            rt_close(&r);
            continue;
        }
        zwasm_val_t a = I32(10);
        zwasm_store_interrupt(r.s);
        outcome o = call(&r, "spin", &a, 1, 0);
        EXPECT(is_trap(&o, ZWASM_TRAP_INTERRUPTED, "interrupted"), k, "before: %d %s", o.rc, o.msg);
        o = call(&r, "spin", &a, 1, 0); /* the request was consumed */
        EXPECT(o.rc == ZWASM_OK && global_n(&r) == 10, k, "after: %d %s n=%d", o.rc, o.msg, global_n(&r));
        a = I32(25);
        o = call(&r, "stop_at", &a, 1, 0);
        EXPECT(is_trap(&o, ZWASM_TRAP_INTERRUPTED, "interrupted"), k, "stop_at: %d %s", o.rc, o.msg);
        stopped[k] = global_n(&r);
        EXPECT(stopped[k] == 25, k, "stopped at %d", stopped[k]); /* the next check is the loop's */
        /* another thread */
        interrupter it = {r.s, 20};
        pthread_t th;
        CHECK(pthread_create(&th, NULL, interrupt_later, &it) == 0);
        a = I32(-1);
        o = call(&r, "stop_at", &a, 1, 0);
        pthread_join(th, NULL);
        EXPECT(is_trap(&o, ZWASM_TRAP_INTERRUPTED, "interrupted"), k, "thread: %d %s", o.rc, o.msg);
        a = I32(global_n(&r) + 3);
        o = call(&r, "spin", &a, 1, 0);
        EXPECT(o.rc == ZWASM_OK, k, "after the thread: %d %s", o.rc, o.msg);
        rt_close(&r);
    }
}

/* ---- trap reports: the same error in both engines ---------------------------------------------- */

static zwasm_result_t host_call_inner(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                                      zwasm_error_t *err) {
    zwasm_instance_t **inst = env;
    zwasm_val_t res;
    zwasm_result_t rc = zwasm_func_call(zwasm_caller_store(c), func_of(*inst, "deep"), a, 1, &res, 1, err);
    r[0] = res;
    return rc;
}

/* Every kind of trap, raised inside inlined callees, helpers, through the
 * guard region and through explicit checks, under a host re-entry, and in
 * a start function: code, trap kind, message, function, offset and
 * backtrace are the same in both engines. */
TEST(jit_boundary_trap_reports_match) {
    static const uint32_t k_i32[] = {ZWASM_I32};
    static const char *wat =
        "(module (import \"env\" \"h\" (func $h (param i32) (result i32)))\n"
        " (memory 1) (table $t 2 funcref) (type $ii (func (param i32) (result i32)))\n"
        " (elem (i32.const 0) $ld)\n"
        " (func $ld (param i32) (result i32) (i32.load (local.get 0)))\n"
        " (func $st (param i32) (v128.store offset=16 (local.get 0) (v128.const i64x2 -1 -1)))\n"
        " (func $mid (param i32) (result i32) (i32.add (i32.const 1) (call $ld (local.get 0))))\n"
        " (func $deep (export \"deep\") (param $m i32) (result i32)\n"
        "  (local $x i64)\n"
        "  (local.set $x (i64.extend_i32_s (local.get $m)))\n"
        "  (block $b9 (block $b8 (block $b7 (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0\n"
        "   (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8 $b9 (local.get $m)))\n"
        "   (return (call $mid (i32.const 65533))))\n"                              /* 0: OOB in an inlined callee */
        "   (call $st (i32.const 65521)) (return (i32.const 0)))\n"                  /* 1: v128 store OOB */
        "   (return (i32.load offset=0x80000000 (local.get $m))))\n"                /* 2: explicit check */
        "   (return (i32.wrap_i64 (i64.div_s (i64.const 0x8000000000000000) (i64.sub (local.get $x) (i64.const 4))))))\n" /* 3: overflow */
        "   (return (i32.trunc_f32_s (f32.const 2147483648))))\n"                    /* 4 */
        "   (return (i32.trunc_f64_u (f64.const nan))))\n"                         /* 5 */
        "   (return (call_indirect $t (type $ii) (i32.const 0) (local.get $m))))\n" /* 6: undefined element */
        "   (drop (table.get $t (local.get $m))) (return (i32.const 0)))\n"        /* 7: table OOB (helper) */
        "   (memory.fill (i32.const 65000) (i32.const 0) (i32.mul (local.get $m) (i32.const 1000))) (return (i32.const 0)))\n" /* 8: helper */
        "  unreachable)\n"                                                          /* 9 */
        " (func (export \"run\") (param $m i32) (result i32)\n"
        "  (i32.add (i32.const 1) (call $deep (local.get $m))))\n"
        " (func (export \"via_host\") (param $m i32) (result i32)\n"
        "  (i32.add (i32.const 1) (call $h (local.get $m)))))";
    static const char *start_wat =
        "(module (memory 1) (func $s (drop (i32.load (i32.const 70000)))) (start $s))";
    zwasm_error_t ref[2][11];
    bool have[NKINDS] = {false, false};
    zwasm_error_t start_err[NKINDS];
    FOR_ENGINES(k) {
        rt r;
        zwasm_instance_t *self = NULL;
        zwasm_functype_t ft = {1, 1, k_i32, k_i32};
        if (!rt_begin(&r, k, NULL)) continue;
        zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r.s, &ft, host_call_inner, &self, NULL)};
        if (!rt_inst(&r, wat, &imp, 1)) {
            EXPECT(false, k, "module");
            rt_close(&r);
            continue;
        }
        self = r.i;
        have[k] = true;
        for (int m = 0; m <= 10; m++) {
            zwasm_error_t *err = &ref[k][m];
            memset(err, 0, sizeof *err);
            zwasm_val_t a = I32(m == 10 ? 0 : m), res;
            zwasm_result_t rc = zwasm_func_call(r.s, func_of(r.i, m == 10 ? "via_host" : "run"), &a, 1, &res, 1, err);
            EXPECT(rc == ZWASM_ERR_TRAP && err->backtrace[0], k, "case %d: rc %d \"%s\"", m, rc, err->message);
        }
        /* a trap in a start function */
        zwasm_module_t *sm = test_wat_module(r.e, start_wat);
        zwasm_instance_t *si = NULL;
        memset(&start_err[k], 0, sizeof start_err[k]);
        EXPECT(sm && zwasm_instance_new(r.s, sm, NULL, 0, &si, &start_err[k]) == ZWASM_ERR_TRAP, k, "start: %s",
               start_err[k].message);
        EXPECT(start_err[k].trap == ZWASM_TRAP_MEMORY_OOB, k, "start: trap %d", start_err[k].trap);
        if (sm) zwasm_module_delete(sm);
        rt_close(&r);
    }
    static const zwasm_trap_kind_t kinds_want[11] = {
        ZWASM_TRAP_MEMORY_OOB, ZWASM_TRAP_MEMORY_OOB, ZWASM_TRAP_MEMORY_OOB, ZWASM_TRAP_INT_OVERFLOW,
        ZWASM_TRAP_INT_OVERFLOW, ZWASM_TRAP_INVALID_CONVERSION, ZWASM_TRAP_UNDEFINED_ELEMENT,
        ZWASM_TRAP_TABLE_OOB, ZWASM_TRAP_MEMORY_OOB, ZWASM_TRAP_UNREACHABLE, ZWASM_TRAP_MEMORY_OOB,
    };
    FOR_ENGINES(k) {
        if (!have[k]) continue;
        for (int m = 0; m <= 10; m++) {
            EXPECT(ref[k][m].trap == kinds_want[m], k, "case %d: trap %d \"%s\", expected %d", m, ref[k][m].trap,
                   ref[k][m].message, kinds_want[m]);
            EXPECT(!strcmp(ref[k][m].message, trap_msg(kinds_want[m])), k, "case %d: message \"%s\"", m,
                   ref[k][m].message);
        }
    }
    if (have[0] && have[1]) {
        for (int m = 0; m <= 11; m++) {
            const zwasm_error_t *a = m == 11 ? &start_err[0] : &ref[0][m], *b = m == 11 ? &start_err[1] : &ref[1][m];
            bool same = a->code == b->code && a->trap == b->trap && a->func == b->func && a->offset == b->offset &&
                        !strcmp(a->message, b->message) && !strcmp(a->backtrace, b->backtrace);
            if (!same)
                fprintf(stderr, "  case %d: interp: code %d trap %d func %u offset %#llx \"%s\"\n%s"
                                "  jit:    code %d trap %d func %u offset %#llx \"%s\"\n%s",
                        m, a->code, a->trap, a->func, (unsigned long long)a->offset, a->message, a->backtrace,
                        b->code, b->trap, b->func, (unsigned long long)b->offset, b->message, b->backtrace);
            CHECK(same);
        }
    }
}

/* A body with control flow inlined into its caller (lower.c) still shows
 * as a frame: a trap in a function it calls has the same backtrace in
 * both engines, naming it inlined, and a depth limit that leaves no room
 * for it traps at the call, as without inlining. */
TEST(jit_boundary_inlined_body_frames) {
    static const char *wat =
        "(module (memory 1)\n"
        " (func $t (param i32) (result i32) (if (result i32) (local.get 0) (then (i32.load (local.get 0))) (else (i32.const 0))))\n"
        " (func $cf (param i32) (result i32)\n"
        "  (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 7)) (else (i32.add (i32.const 1) (call $t (local.get 0))))))\n"
        " (func (export \"run\") (param i32) (result i32) (call $cf (local.get 0))))";
    zwasm_error_t e[NKINDS];
    bool have[NKINDS] = {false, false};
    FOR_ENGINES(k) {
        for (uint32_t depth = 1; depth <= 3; depth++) {
            zwasm_config_t c;
            zwasm_config_init(&c);
            c.max_call_depth = depth;
            rt r;
            if (!rt_begin(&r, k, &c) || !rt_inst(&r, wat, NULL, 0)) {
                EXPECT(false, k, "module");
                rt_close(&r);
                continue;
            }
            zwasm_error_t err;
            memset(&err, 0, sizeof err);
            zwasm_val_t a = I32(0), res;
            /* run -> cf (inlined) -> 7: depth 2 */
            zwasm_result_t rc = zwasm_func_call(r.s, func_of(r.i, "run"), &a, 1, &res, 1, &err);
            if (depth < 2) EXPECT(rc == ZWASM_ERR_TRAP && err.trap == ZWASM_TRAP_STACK_EXHAUSTED, k, "depth %u: %d %s", depth, rc, err.message);
            else EXPECT(rc == ZWASM_OK && res.of.i32 == 7, k, "depth %u: %d %s", depth, rc, err.message);
            /* run -> cf (inlined) -> t: depth 3, t traps */
            memset(&err, 0, sizeof err);
            a = I32(70000);
            rc = zwasm_func_call(r.s, func_of(r.i, "run"), &a, 1, &res, 1, &err);
            zwasm_trap_kind_t want = depth < 3 ? ZWASM_TRAP_STACK_EXHAUSTED : ZWASM_TRAP_MEMORY_OOB;
            EXPECT(rc == ZWASM_ERR_TRAP && err.trap == want, k, "depth %u: %d %s", depth, rc, err.message);
            if (depth == 3) {
                EXPECT(strstr(err.backtrace, "func 1") && strstr(err.backtrace, "inlined") &&
                       strstr(err.backtrace, "func 2") && err.func == 0, k, "backtrace:\n%s", err.backtrace);
                e[k] = err;
                have[k] = true;
            }
            rt_close(&r);
        }
    }
    if (have[0] && have[1]) {
        CHECK(!strcmp(e[0].backtrace, e[1].backtrace));
        CHECK_EQ_INT(e[0].offset, e[1].offset);
    }
}

/* ---- many parameters and results, exact bits ------------------------------------------------- */

#define NMANY 20 /* four groups of i32 i64 f32 f64 v128 */
static const uint32_t many_types[NMANY] = {
    ZWASM_I32, ZWASM_I64, ZWASM_F32, ZWASM_F64, ZWASM_V128, ZWASM_I32, ZWASM_I64, ZWASM_F32, ZWASM_F64, ZWASM_V128,
    ZWASM_I32, ZWASM_I64, ZWASM_F32, ZWASM_F64, ZWASM_V128, ZWASM_I32, ZWASM_I64, ZWASM_F32, ZWASM_F64, ZWASM_V128,
};

/* Value i: distinct bits, signalling NaNs with payloads for the floats. */
static zwasm_val_t many_val(int i) {
    zwasm_val_t v;
    memset(&v, 0, sizeof v);
    v.kind = many_types[i];
    switch (v.kind) {
    case ZWASM_I32: v.of.i32 = (int32_t)(0x80000001u + (uint32_t)i); break;
    case ZWASM_I64: v.of.i64 = (int64_t)(0x8000000000000001ull + (uint64_t)i * 0x100000001ull); break;
    case ZWASM_F32: v.of.i32 = (int32_t)(0x7FA00001u + (uint32_t)i) | (i & 2 ? INT32_MIN : 0); break;
    case ZWASM_F64: v.of.i64 = (int64_t)(0x7FF4000000000001ull + (uint64_t)i); break;
    default:
        for (int j = 0; j < 16; j++) v.of.v128[j] = (uint8_t)(i * 16 + j * 7 + 1);
    }
    return v;
}

static bool same_val(const zwasm_val_t *a, const zwasm_val_t *b) {
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case ZWASM_I32: case ZWASM_F32: return a->of.i32 == b->of.i32;
    case ZWASM_I64: case ZWASM_F64: return a->of.i64 == b->of.i64;
    default: return memcmp(a->of.v128, b->of.v128, 16) == 0;
    }
}

/* The host function: its results are its parameters rotated by 5 (same
 * types); it checks that it got exactly many_val. */
static zwasm_result_t host_many(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r,
                                zwasm_error_t *err) {
    (void)c;
    int *bad = env;
    for (int i = 0; i < NMANY; i++) {
        zwasm_val_t want = many_val(i);
        if (!same_val(&a[i], &want)) (*bad)++;
        r[i] = a[(i + 5) % NMANY];
    }
    (void)err;
    return ZWASM_OK;
}

/* Twenty parameters and results of every type (more than the registers of
 * any calling convention) between C and wasm and between wasm and a host
 * function, with bit patterns that must come through untouched
 * (signalling NaNs included). */
TEST(jit_boundary_many_params_results) {
    sbuf w = {0};
    static const char *tn[] = {"i32", "i64", "f32", "f64", "v128"};
    char types[256] = "";
    for (int i = 0; i < NMANY; i++) {
        strcat(types, tn[i % 5]);
        strcat(types, " ");
    }
    sb_printf(&w, "(module (import \"env\" \"many\" (func $many (param %s) (result %s)))\n", types, types);
    /* rot: rotate in wasm; via_host: through the host function; both: twice */
    sb_printf(&w, "(func $rot (export \"rot\") (param %s) (result %s)", types, types);
    for (int i = 0; i < NMANY; i++) sb_printf(&w, " (local.get %d)", (i + 5) % NMANY);
    sb_printf(&w, ")\n(func (export \"via_host\") (param %s) (result %s)", types, types);
    for (int i = 0; i < NMANY; i++) sb_printf(&w, " (local.get %d)", i);
    sb_printf(&w, " (call $many))\n(func (export \"both\") (param %s) (result %s)", types, types);
    for (int i = 0; i < NMANY; i++) sb_printf(&w, " (local.get %d)", i);
    sb_printf(&w, " (call $many)");
    /* rot of the host's results, then back through the host */
    sb_printf(&w, " (call $rot) (call $rot) (call $rot))");
    sb_printf(&w, ")");
    FOR_ENGINES(k) {
        rt r;
        int bad = 0;
        zwasm_functype_t ft = {NMANY, NMANY, many_types, many_types};
        if (!rt_begin(&r, k, NULL)) continue;
        zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r.s, &ft, host_many, &bad, NULL)};
        if (!rt_inst(&r, w.p, &imp, 1)) {
            EXPECT(false, k, "module");
            rt_close(&r);
            continue;
        }
        zwasm_val_t args[NMANY], res[NMANY];
        for (int i = 0; i < NMANY; i++) args[i] = many_val(i);
        static const struct { const char *fn; int rot; } cases[] = {{"rot", 5}, {"via_host", 5}, {"both", 20}};
        for (int c = 0; c < 3; c++) {
            zwasm_error_t err;
            memset(res, 0, sizeof res);
            zwasm_result_t rc = zwasm_func_call(r.s, func_of(r.i, cases[c].fn), args, NMANY, res, NMANY, &err);
            EXPECT(rc == ZWASM_OK, k, "%s: %s", cases[c].fn, err.message);
            for (int i = 0; i < NMANY && rc == ZWASM_OK; i++) {
                zwasm_val_t want = many_val((i + cases[c].rot) % NMANY);
                EXPECT(same_val(&res[i], &want), k, "%s: result %d (kind %#x) differs: %#llx, expected %#llx",
                       cases[c].fn, i, res[i].kind, (unsigned long long)res[i].of.i64, (unsigned long long)want.of.i64);
            }
        }
        EXPECT(bad == 0, k, "the host function got %d wrong parameters", bad);
        rt_close(&r);
    }
    free(w.p);
}

/* ---- threads: one module, a store per thread ----------------------------------------------------- */

#define NTHREADS 6
typedef struct {
    zwasm_engine_t *e;
    zwasm_store_t *s;
    zwasm_module_t *m;
    int id;
    int bad;
    char why[400];
} mt_job;

static void *mt_main(void *p) {
    mt_job *j = p;
    zwasm_store_t *s = j->s;
    zwasm_instance_t *inst = NULL;
    zwasm_error_t err;
    if (!s || zwasm_instance_new(s, j->m, NULL, 0, &inst, &err) != ZWASM_OK) {
        j->bad++;
        snprintf(j->why, sizeof j->why, "instance");
        return NULL;
    }
    rt r = {j->e, s, NULL, inst};
    for (int round = 0; round < 200; round++) {
        /* every thread calls the functions in its own order: first calls compile, concurrently */
        int f = (round + j->id * 3) % 8;
        char name[16];
        snprintf(name, sizeof name, "f%d", f);
        zwasm_val_t a = I32(round);
        outcome o = call(&r, name, &a, 1, 1);
        int32_t want = round * (f + 1) + f;
        if (o.rc != ZWASM_OK || o.res[0].of.i32 != want) {
            j->bad++;
            snprintf(j->why, sizeof j->why, "%s(%d) = %d (%d %s), expected %d", name, round, o.res[0].of.i32, o.rc,
                     o.msg, want);
        }
        /* and a trap through the guard region, on every thread */
        a = I32(65536 - (round % 4));
        o = call(&r, "oob", &a, 1, 1);
        if (!is_trap(&o, ZWASM_TRAP_MEMORY_OOB, MSG_OOB)) {
            j->bad++;
            snprintf(j->why, sizeof j->why, "oob: %d %s", o.rc, o.msg);
        }
    }
    return NULL;
}

/* One module run by several threads at once, each with its own store:
 * functions compiled on first call by whichever thread comes first, and
 * out-of-bounds faults on every thread at once.  (The stores are made and
 * deleted on this thread: zwasm_store_new and zwasm_store_delete racing on
 * one engine from several threads is a separate matter.) */
TEST(jit_boundary_threads) {
    sbuf w = {0};
    sb_printf(&w, "(module (memory 1)\n"
                  " (func (export \"oob\") (param i32) (result i32) (i32.load (local.get 0)))\n");
    for (int f = 0; f < 8; f++)
        sb_printf(&w, " (func (export \"f%d\") (param i32) (result i32)\n"
                      "  (i32.add (i32.mul (local.get 0) (i32.const %d)) (i32.const %d)))\n", f, f + 1, f);
    sb_printf(&w, ")");
    FOR_ENGINES(k) {
        zwasm_engine_t *e = new_engine(k, NULL);
        zwasm_module_t *m = e ? test_wat_module(e, w.p) : NULL;
        EXPECT(m != NULL, k, "module");
        mt_job jobs[NTHREADS];
        pthread_t th[NTHREADS];
        bool started[NTHREADS] = {false};
        for (int i = 0; i < NTHREADS && m; i++) {
            jobs[i] = (mt_job){.e = e, .s = zwasm_store_new(e), .m = m, .id = i};
            started[i] = jobs[i].s && pthread_create(&th[i], NULL, mt_main, &jobs[i]) == 0;
            CHECK(started[i]);
        }
        for (int i = 0; i < NTHREADS && m; i++) {
            if (!started[i]) continue;
            pthread_join(th[i], NULL);
            EXPECT(jobs[i].bad == 0, k, "thread %d: %d failures, the last: %s", i, jobs[i].bad, jobs[i].why);
        }
        for (int i = 0; i < NTHREADS && m; i++)
            if (jobs[i].s) zwasm_store_delete(jobs[i].s);
        if (m) zwasm_module_delete(m);
        if (e) zwasm_engine_delete(e);
    }
    free(w.p);
}

/* ---- work at the bottom of the native stack ----------------------------------------------------- */

static zwasm_result_t host_k(void *env, zwasm_caller_t *c, const zwasm_val_t *a, zwasm_val_t *r, zwasm_error_t *err) {
    zwasm_instance_t **inst = env;
    zwasm_val_t res;
    zwasm_result_t rc = zwasm_func_call(zwasm_caller_store(c), func_of(*inst, "k"), NULL, 0, &res, 1, err);
    r[0] = I32(res.of.i32 + a[0].of.i32);
    return rc;
}

/* down(n, mode) recurses n levels (adding 1 each) and at the bottom:
 * 0 returns 0, 1 loads out of bounds (a fault), 2 table.get out of bounds
 * (a helper), 3 memory.grow 0 (a helper), 4 calls a function not compiled
 * yet, 5 calls a host function that calls back into wasm, 6 divides by
 * zero. */
static const char *floor_wat =
    "(module (import \"env\" \"h\" (func $h (param i32) (result i32)))\n"
    " (memory 1) (table 1 funcref)\n"
    " (func $fresh (param i32) (result i32)\n"
    "  (if (i32.gt_u (local.get 0) (i32.const 1000)) (then (return (call $fresh (i32.const 0)))))\n"
    "  (i32.mul (local.get 0) (i32.const 3)))\n"
    " (func (export \"k\") (result i32) (i32.const 42))\n"
    " (func $down (export \"down\") (param $n i32) (param $mode i32) (result i32)\n"
    "  (if (i32.eqz (local.get $n)) (then\n"
    "   (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0\n"
    "    (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 (local.get $mode)))\n"
    "    (return (i32.const 0)))\n"
    "    (return (i32.load (i32.const 65536))))\n"
    "    (drop (table.get (i32.const 5))) (return (i32.const 0)))\n"
    "    (return (memory.grow (i32.const 0))))\n"
    "    (return (call $fresh (i32.const 7))))\n"
    "    (return (call $h (i32.const 7))))\n"
    "   (return (i32.div_u (local.get $mode) (local.get $n)))))\n"
    "  (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1)) (local.get $mode))))\n"
    ")";

static bool open_floor(rt *r, int k, zwasm_instance_t **self) {
    static const uint32_t k_i32[] = {ZWASM_I32};
    zwasm_config_t c;
    zwasm_config_init(&c);
    c.max_call_depth = 1000000;
    if (!rt_begin(r, k, &c)) return false;
    zwasm_functype_t ft = {1, 1, k_i32, k_i32};
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC, .of.func = zwasm_func_new(r->s, &ft, host_k, self, NULL)};
    if (!rt_inst(r, floor_wat, &imp, 1)) return false;
    *self = r->i;
    return true;
}

static outcome down_on_stack(rt *r, size_t S, int32_t n, int32_t mode) {
    thread_call t = {.r = r, .fn = "down", .nargs = 2, .nres = 1};
    t.args[0] = I32(n);
    t.args[1] = I32(mode);
    if (!call_on_stack(S, &t)) t.o.rc = ZWASM_ERR_NOMEM;
    return t.o;
}

/* The JIT's recursion is bounded by the native stack of a small thread;
 * at the deepest level that fits, a fault, helpers, lazy compilation, a
 * host re-entry and a division trap all end cleanly, and (except the host
 * re-entry, which the native stack refuses there) exactly as in the
 * interpreter, which does not use the native stack for wasm calls. */
TEST(jit_boundary_work_at_the_stack_floor) {
    const size_t S = STACK_MARGIN + (64 << 10);
    int32_t nmax = -1;
    if (engine_available(ZWASM_ENGINE_JIT)) {
        rt r;
        zwasm_instance_t *self = NULL;
        if (!open_floor(&r, 1, &self)) {
            CHECK(false);
            rt_close(&r);
            return;
        }
        int32_t lo = 0, hi = 1 << 20; /* down(lo) fits, down(hi) does not */
        outcome o = down_on_stack(&r, S, lo, 0);
        CHECK(o.rc == ZWASM_OK);
        o = down_on_stack(&r, S, hi, 0);
        CHECK(is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK));
        while (hi - lo > 1) {
            int32_t mid = lo + (hi - lo) / 2;
            o = down_on_stack(&r, S, mid, 0);
            if (o.rc == ZWASM_OK) {
                CHECK_EQ_INT(o.res[0].of.i32, mid);
                lo = mid;
            } else {
                CHECK(is_trap(&o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK));
                hi = mid;
            }
        }
        nmax = lo;
        /* a frame takes 16 bytes or more: 64 KiB hold at most 4096, minus what the entry took */
        CHECK(nmax > 200 && nmax < 4096);
        rt_close(&r);
    } else {
        nmax = 1500;
    }
    for (int mode = 1; mode <= 6; mode++) {
        outcome got[NKINDS];
        int32_t n = mode == 4 ? nmax - 1 : nmax; /* $fresh needs a frame */
        FOR_ENGINES(k) {
            rt r;
            zwasm_instance_t *self = NULL;
            if (!open_floor(&r, k, &self)) { /* a new module: $fresh is compiled at the bottom */
                EXPECT(false, k, "module");
                rt_close(&r);
                continue;
            }
            got[k] = down_on_stack(&r, S, n, mode);
            outcome *o = &got[k];
            switch (mode) {
            case 1: EXPECT(is_trap(o, ZWASM_TRAP_MEMORY_OOB, MSG_OOB), k, "mode 1: %d %s", o->rc, o->msg); break;
            case 2:
                EXPECT(is_trap(o, ZWASM_TRAP_TABLE_OOB, "out of bounds table access"), k, "mode 2: %d %s", o->rc,
                       o->msg);
                break;
            case 3: EXPECT(o->rc == ZWASM_OK && o->res[0].of.i32 == n + 1, k, "mode 3: %d %s", o->rc, o->msg); break;
            case 4: EXPECT(o->rc == ZWASM_OK && o->res[0].of.i32 == n + 21, k, "mode 4: %d %s", o->rc, o->msg); break;
            case 5:
                if (kinds[k] == ZWASM_ENGINE_JIT)
                    EXPECT(is_trap(o, ZWASM_TRAP_STACK_EXHAUSTED, MSG_STACK) ||
                               (o->rc == ZWASM_OK && o->res[0].of.i32 == n + 49), k, "mode 5: %d %s", o->rc, o->msg);
                else
                    EXPECT(o->rc == ZWASM_OK && o->res[0].of.i32 == n + 49, k, "mode 5: %d %s", o->rc, o->msg);
                break;
            case 6:
                EXPECT(is_trap(o, ZWASM_TRAP_INT_DIV_ZERO, "integer divide by zero"), k, "mode 6: %d %s", o->rc,
                       o->msg);
                break;
            }
            /* the store goes on, on this thread too */
            zwasm_val_t a[2] = {I32(100), I32(0)};
            outcome after = call(&r, "down", a, 2, 1);
            EXPECT(after.rc == ZWASM_OK && after.res[0].of.i32 == 100, k, "mode %d: after: %d %s", mode, after.rc,
                   after.msg);
            rt_close(&r);
        }
    }
}

/* ---- functions too long for short branches ------------------------------------- */

/* A function of more than 1 MiB of code: its conditional branches (forward
 * over the body, backward around it, and to a trap stub after it) are
 * beyond AArch64's +-1 MiB, so that code generator compiles it again with
 * long branches (arm64/emit.c, "far"); x86-64's rel32 reaches anyway. */
TEST(jit_far_branches) {
    enum { N = 40000 };
    sbuf w = {0};
    sb_printf(&w, "(module (global $g (mut i32) (i32.const 0))\n"
                  " (func (export \"f\") (param $skip i32) (param $d i32) (param $n i32) (result i32)\n"
                  "  (drop (i32.div_u (i32.const 1) (local.get $d)))\n"
                  "  (block $b (br_if $b (local.get $skip)) (loop $l\n");
    for (int i = 0; i < N; i++) sb_printf(&w, "   (global.set $g (i32.add (global.get $g) (i32.const 1)))\n");
    sb_printf(&w, "   (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n))))\n"
                  "  (global.get $g)))\n");
    FOR_ENGINES(k) {
        rt r;
        if (!rt_open(&r, k, NULL, w.p)) {
            EXPECT(false, k, "module");
            rt_close(&r);
            continue;
        }
        outcome o = call(&r, "f", (zwasm_val_t[]){I32(1), I32(1), I32(1)}, 3, 1);
        EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 0, k, "skip: rc %d %s", o.rc, o.msg);
        o = call(&r, "f", (zwasm_val_t[]){I32(0), I32(1), I32(2)}, 3, 1);
        EXPECT(o.rc == ZWASM_OK && o.res[0].of.i32 == 2 * N, k, "run: rc %d %s %d", o.rc, o.msg, o.res[0].of.i32);
        o = call(&r, "f", (zwasm_val_t[]){I32(0), I32(0), I32(1)}, 3, 1);
        EXPECT(is_trap(&o, ZWASM_TRAP_INT_DIV_ZERO, "integer divide by zero"), k, "trap: rc %d %s", o.rc, o.msg);
        rt_close(&r);
    }
    free(w.p);
}
