/*
 * jit.c — the JIT as an execution engine (zw_backend): a module's compiled
 * state (zw_jmod), compiling a function when it is first called, the entry
 * from the runtime, host calls from compiled code, traps and backtraces,
 * and executable memory.  The machine code itself comes from the
 * architecture's code generator (x64/).  Design: docs/jit.md.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "jit_int.h"

/* ---- executable memory ------------------------------------------------------------
 * Chunks of at least ZW_JCHUNK bytes, each a memfd mapped twice: code is
 * written through the writable view and run from the executable one, so
 * no page is ever writable and executable, and a chunk can be appended to
 * while other threads run code in it.  Without memfd_create every piece of
 * code gets pages of its own, made executable once written. */
#define ZW_JCHUNK ((size_t)256 << 10)

static zw_jchunk *chunk_new(const zw_alloc *al, size_t need, bool anon) {
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    size_t size = need > ZW_JCHUNK ? (need + pg - 1) / pg * pg : ZW_JCHUNK;
    zw_jchunk *c = zw_calloc(al, 1, sizeof *c);
    if (!c) return NULL;
    int fd = anon ? -1 : memfd_create("zwasm-jit", MFD_CLOEXEC);
    if (fd >= 0) {
        if (ftruncate(fd, (off_t)size) == 0) {
            void *w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            void *x = w == MAP_FAILED ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
            if (x != MAP_FAILED) {
                close(fd);
                c->w = w;
                c->x = x;
                c->size = size;
                return c;
            }
            if (w != MAP_FAILED) munmap(w, size);
        }
        close(fd);
    }
    /* no memfd: private pages, made executable after the one write */
    size = (need + pg - 1) / pg * pg;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        zw_free(al, c);
        return NULL;
    }
    c->w = p;
    c->x = p;
    c->size = size;
    return c;
}

uint8_t *zw_jcode_add(const zw_alloc *al, zw_jcode *jc, const uint8_t *code, size_t n, bool anon) {
    zw_jchunk *c = jc->chunks;
    if (anon || !c || !c->w || c->size - c->used < n) {
        zw_jchunk *full = c;
        c = chunk_new(al, n, anon);
        if (!c) return NULL;
        c->next = jc->chunks;
        __atomic_store_n(&jc->chunks, c, __ATOMIC_RELEASE); /* read by backtraces (find_jfunc) */
        /* the writable view of a chunk nothing more goes into: gone */
        if (full && full->w && full->w != full->x) {
            munmap(full->w, full->size);
            full->w = NULL;
        }
    }
    memcpy(c->w + c->used, code, n);
    uint8_t *x = c->x + c->used;
    c->used = (c->used + n + 15) & ~(size_t)15;
    if (c->w == c->x) { /* the private-pages fallback */
        if (mprotect(c->x, c->size, PROT_READ | PROT_EXEC) != 0) return NULL;
        c->w = NULL;
    }
    /* the instruction cache does not see data writes on every CPU
     * (AArch64): made coherent for the executable view (no-op on x86-64) */
    __builtin___clear_cache((char *)x, (char *)x + n);
    return x;
}

void zw_jcode_free(const zw_alloc *al, zw_jcode *jc) {
    for (zw_jchunk *c = jc->chunks, *next; c; c = next) {
        next = c->next;
        if (c->w && c->w != c->x) munmap(c->w, c->size);
        munmap(c->x, c->size);
        zw_free(al, c);
    }
    jc->chunks = NULL;
}

/* ---- a module's compiled state ----------------------------------------------------- */
static void jit_free_module(zw_module *m) {
    zw_jmod *jm = m->engine_code;
    if (!jm) return;
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
        zw_free(&m->al, jm->f[i].insn_off);
        zw_free(&m->al, jm->f[i].land_off);
    }
    zw_jcode_free(&m->al, &jm->code);
    pthread_mutex_destroy(&jm->lock);
    zw_free(&m->al, jm);
    m->engine_code = NULL;
}

static zwasm_result_t jit_prepare(zw_module *m, zwasm_error_t *err) {
    uint32_t n = m->nfuncs - m->nfunc_imports;
    zw_jmod *jm = zw_calloc(&m->al, 1, sizeof *jm + ((size_t)n + 1) * sizeof(zw_jfunc));
    if (!jm || pthread_mutex_init(&jm->lock, NULL) != 0) {
        zw_free(&m->al, jm);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    jm->m = m;
    m->engine_code = jm;
    if (!zw_jit_arch_stubs(jm)) {
        jit_free_module(m);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "out of memory (executable memory for the JIT)");
    }
    for (uint32_t i = 0; i < n; i++) {
        jm->f[i].entry = jm->stubs.lazy;
        jm->f[i].jm = jm;
        jm->f[i].def = i;
    }
    return ZWASM_OK;
}

static const void *jit_func_code(const zw_module *m, uint32_t def) {
    return &((const zw_jmod *)m->engine_code)->f[def];
}

/* Announce code to perf (cfg.perf_map): a line "ADDRESS SIZE NAME" appended
 * to /tmp/perf-<pid>.map; the name is "wasm[N]" plus the function's name
 * from the name section, if any, with everything but [A-Za-z0-9_.$] as '_'. */
static void perf_map_add(const zw_module *m, uint32_t fi, const uint8_t *code, size_t len) {
    char path[64], name[96];
    snprintf(path, sizeof path, "/tmp/perf-%ld.map", (long)getpid());
    size_t k = 0;
    if (m->func_names && fi < m->nfuncs && m->func_names[fi].str) {
        const zw_name *nm = &m->func_names[fi];
        name[k++] = ' ';
        for (uint32_t i = 0; i < nm->len && k + 1 < sizeof name; i++) {
            char ch = (char)nm->str[i];
            bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                      ch == '_' || ch == '.' || ch == '$';
            name[k++] = ok ? ch : '_';
        }
    }
    name[k] = 0;
    FILE *f = fopen(path, "a");
    if (!f) return;
    fprintf(f, "%lx %zx wasm[%u]%s\n", (unsigned long)(uintptr_t)code, len, fi, name);
    fclose(f);
}

/* Compile jf under the module's lock (whoever comes first); its entry is
 * published last. */
static zwasm_result_t compile(zw_jfunc *jf, zwasm_error_t *err) {
    zw_jmod *jm = jf->jm;
    zwasm_result_t r = ZWASM_OK;
    pthread_mutex_lock(&jm->lock);
    if (!jf->code) {
        const zw_ir_func *f;
        uint8_t *buf = NULL;
        uint32_t len = 0;
        r = zw_ir_get(jm->m, jf->def, &f, err);
        if (r == ZWASM_OK) {
            /* published for a trap of a call that could not start (zw_jit_trap) */
            __atomic_store_n(&jf->ir, f, __ATOMIC_RELEASE);
            if (!zw_jit_arch_compile(jm, jf, &buf, &len, err)) {
                r = err ? err->code : ZWASM_ERR_NOMEM;
                if (r == ZWASM_OK) r = ZWASM_ERR_NOMEM;
            }
        }
        if (r == ZWASM_OK) {
            uint8_t *x = zw_jcode_add(&jm->m->al, &jm->code, buf, len, jm->m->perf_map);
            if (!x) {
                r = zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, f->func_idx,
                               "out of memory (executable memory for the JIT)");
            } else {
                jf->code_len = len;
                /* published for backtraces on other threads (find_jfunc) */
                __atomic_store_n(&jf->code, x, __ATOMIC_RELEASE);
                if (jm->m->perf_map) perf_map_add(jm->m, f->func_idx, x, len);
                /* compiled code loads it with acquire (x86-64: any load;
                 * AArch64: LDAR), then sees the IR and code published */
                __atomic_store_n(&jf->entry, (void *)x, __ATOMIC_RELEASE);
                ZW_TSAN_RELEASE(jm); /* the same, for TSan: helpers acquire it */
            }
        }
        zw_free(&jm->m->al, buf);
    }
    pthread_mutex_unlock(&jm->lock);
    return r;
}

void *zw_jit_compile_lazy(zw_jctx *ctx, zw_jfunc *jf) {
    zwasm_result_t r = compile(jf, ctx->err);
    if (r != ZWASM_OK) {
        ctx->rc = r;
        return NULL;
    }
    return jf->entry;
}

zwasm_result_t zw_jit_compile_module(zw_module *m, zwasm_error_t *err) {
    zw_jmod *jm = m->engine_code;
    for (uint32_t d = 0; d < m->nfuncs - m->nfunc_imports; d++) {
        zwasm_result_t r = compile(&jm->f[d], err);
        if (r != ZWASM_OK) return r;
    }
    return ZWASM_OK;
}

/* zwasm_module_code: compile everything, then hand out the code per IR instruction */
static zwasm_result_t jit_code(zw_module *m, zwasm_code_fn fn, void *env, zwasm_error_t *err) {
    zw_jmod *jm = m->engine_code;
    uint32_t n = m->nfuncs - m->nfunc_imports;
    zwasm_result_t r = zw_jit_compile_module(m, err);
    if (r != ZWASM_OK) return r;
    for (uint32_t d = 0; d < n; d++) {
        zw_jfunc *jf = &jm->f[d];
        const zw_ir_func *f = jf->ir;
        uint32_t idx = m->nfunc_imports + d;
        fn(env, idx, NULL, jf->code, jf->insn_off[0], (uintptr_t)jf->code);
        for (uint32_t i = 0; i < f->ninsn; i++) {
            char *text = NULL;
            size_t tlen = 0;
            FILE *o = open_memstream(&text, &tlen);
            if (!o) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, idx, "out of memory");
            zw_ir_print_insn(o, f, f->insn[i], NULL);
            fclose(o);
            if (tlen && text[tlen - 1] == '\n') text[tlen - 1] = 0;
            uint32_t a = jf->insn_off[i], e = i + 1 < f->ninsn ? jf->insn_off[i + 1] : jf->insn_off[f->ninsn];
            fn(env, idx, text ? text : "", jf->code + a, e - a, (uintptr_t)jf->code + a);
            zw_free(NULL, text);
        }
        uint32_t tail = jf->insn_off[f->ninsn];
        fn(env, idx, NULL, jf->code + tail, jf->code_len - tail, (uintptr_t)jf->code + tail);
    }
    return ZWASM_OK;
}

/* ---- calls ------------------------------------------------------------------------ */
static void jit_free_exec(zw_exec *e) {
    zw_free(e->al, e->engine_state);
    e->engine_state = NULL;
}

uint32_t zw_jit_call_host(zw_jctx *ctx, zw_funcinst *f, zw_slot *fp, zw_instance *caller) {
    zw_store *s = ctx->store;
    zw_exec *ex = &s->exec;
    const zw_functype *t = f->type;
    uint32_t np = zw_types_slots(t->params, t->nparams), nr = zw_types_slots(t->results, t->nresults);
    zw_slot *saved = ex->sp;
    /* a re-entry from the host function goes above the arguments/results */
    ex->sp = fp + (np > nr ? np : nr);
    if (ex->fuel_on) ex->fuel = ctx->fuel;
    /* the calling frame, where the collector's walk of this activation starts */
    zw_jhostcall hc = {ctx->hostcalls, ctx->host_ret, ctx->host_bp, fp};
    ctx->hostcalls = &hc;
    zwasm_result_t rc = zw_call_host(s, f, caller, fp, ctx->err);
    ctx->hostcalls = hc.prev;
    if (ex->fuel_on) ctx->fuel = ex->fuel;
    ex->sp = saved;
    if (rc != ZWASM_OK) {
        ctx->rc = rc;
        return 1;
    }
    return 0;
}

static zwasm_result_t jit_call(zw_store *s, zw_funcinst *f, zw_slot *fp, zwasm_error_t *err) {
    zw_exec *ex = &s->exec;
    if (!ex->engine_state) ex->engine_state = zw_calloc(s->al, 1, sizeof(zw_jctx));
    zw_jctx *ctx = ex->engine_state;
    if (!ctx) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    if (!zw_jit_signal_ready())
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "cannot set up the JIT's signal handling");
    zw_jfunc *jf = (zw_jfunc *)f->code;
    zwasm_error_t local;
    /* an entry from a host function nests: the outer one's state comes back after */
    void *saved_sp = ctx->entry_sp;
    uintptr_t saved_floor = ctx->native_floor;
    zwasm_error_t *saved_err = ctx->err;
    zw_instance *saved_inst = ctx->inst;
    /* The call depth is bounded through the native stack: the entry stub
     * of the outermost entry puts the floor max_call_depth frames below
     * itself (unless the thread's own limit is higher); a nested entry
     * keeps the outer floor, so frames of host functions count too. */
    uint64_t depth = s->engine->cfg.max_call_depth ? s->engine->cfg.max_call_depth : 10000;
    uintptr_t saved_host_sp = ctx->host_sp;
    bool nested = ex->nest > 1;
    ctx->depth_span = nested ? UINT64_MAX : depth * ZW_JIT_FRAME_BYTES; /* max: no floor */
    ctx->hard_floor = ex->native_floor;
    ctx->native_floor = nested && saved_floor > ex->native_floor ? saved_floor : ex->native_floor;
    if (!nested) ctx->host_sp = 0;
    ctx->stack_end = ex->stack_end;
    ctx->fuel = ex->fuel_on ? ex->fuel : UINT64_MAX;
    ctx->interrupt = &s->interrupt;
    ctx->store = s;
    ctx->inst = f->inst;
    ctx->err = err ? err : &local;
    ctx->rc = ZWASM_OK;
    ctx->trap_callee = NULL;
    ctx->trap_jf = NULL;
    ctx->trap_stub = jf->jm->stubs.trap;
    typedef int (*enter_fn)(zw_jctx *, zw_slot *, zw_instance *, zw_jfunc *);
    zw_jctx *outer = zw_jit_signal_enter(ctx);
    ctx->native = 0;
    int trapped = ((enter_fn)jf->jm->stubs.enter)(ctx, fp, f->inst, jf);
    ctx->native = 1;
    zw_jit_signal_leave(outer);
    zwasm_result_t r = trapped ? ctx->rc : ZWASM_OK;
    if (ex->fuel_on) ex->fuel = ctx->fuel;
    ctx->entry_sp = saved_sp;
    ctx->native_floor = saved_floor;
    ctx->host_sp = saved_host_sp;
    ctx->err = saved_err;
    ctx->inst = saved_inst;
    return r;
}

/* ---- traps and backtraces ----------------------------------------------------------- */
/* The IR position of a return address inside jf's code: the instruction
 * whose code contains the call before it. */
static uint32_t pc_of(const zw_jfunc *jf, uintptr_t ret) {
    if (!jf->code || ret <= (uintptr_t)jf->code || ret > (uintptr_t)jf->code + jf->code_len) return 0;
    uint32_t off = (uint32_t)(ret - 1 - (uintptr_t)jf->code), lo = 0, hi = jf->ir->ninsn;
    while (hi - lo > 1) { /* the last instruction starting at or before off */
        uint32_t mid = (lo + hi) / 2;
        if (jf->insn_off[mid] <= off) lo = mid;
        else hi = mid;
    }
    return jf->ir->insn[lo];
}

/* The JIT-compiled modules of the store's instances, one by one (a module
 * instantiated twice comes twice): start with *i = 0; NULL at the end. */
static const zw_jmod *next_jmod(const zw_store *s, uint32_t *i) {
    while (*i < s->insts.n) {
        const zw_module *m = s->insts.v[(*i)++]->module;
        if (m->engine_code && m->backend == (const void *)&zw_jit_backend) return m->engine_code;
    }
    return NULL;
}

/* Whether addr lies in jm's executable code. */
static bool jmod_holds(const zw_jmod *jm, uintptr_t addr) {
    for (const zw_jchunk *c = __atomic_load_n(&jm->code.chunks, __ATOMIC_ACQUIRE); c; c = c->next)
        if (addr >= (uintptr_t)c->x && addr < (uintptr_t)c->x + c->size) return true;
    return false;
}

/* Whether addr is the return address of a call_any into another instance. */
static bool cross_ret(const zw_jctx *ctx, uintptr_t addr);
bool zw_jit_cross_ret(const zw_jctx *ctx, uintptr_t addr) { return cross_ret(ctx, addr); }

static bool cross_ret(const zw_jctx *ctx, uintptr_t addr) {
    const zw_jmod *jm;
    for (uint32_t i = 0; (jm = next_jmod(ctx->store, &i));)
        if ((uintptr_t)jm->stubs.call_any_ret == addr) return true;
    return false;
}

bool zw_jit_code_contains(const zw_jctx *ctx, uintptr_t addr) {
    const zw_jmod *jm;
    for (uint32_t i = 0; (jm = next_jmod(ctx->store, &i));)
        if (jmod_holds(jm, addr)) return true;
    return false;
}

/* The compiled function whose code holds addr, among the modules of the
 * store's instances; NULL if none (the entry stub, C code). */
static const zw_jfunc *find_jfunc(const zw_jctx *ctx, uintptr_t addr) {
    const zw_jmod *jm;
    for (uint32_t i = 0; (jm = next_jmod(ctx->store, &i));) {
        if (!jmod_holds(jm, addr)) continue;
        /* another thread may be compiling functions of this module: code is
         * published last (compile) */
        const zw_module *m = jm->m;
        for (uint32_t d = 0; d < m->nfuncs - m->nfunc_imports; d++) {
            const zw_jfunc *jf = &jm->f[d];
            const uint8_t *code = __atomic_load_n(&jf->code, __ATOMIC_ACQUIRE);
            if (code && addr >= (uintptr_t)code && addr < (uintptr_t)code + jf->code_len) return jf;
        }
    }
    return NULL;
}

/* The compiled function whose code holds return address ret, or NULL (the
 * entry stub, C code).  hint: the function found for the frame before,
 * tried first (in a recursion the caller is the same function). */
static const zw_jfunc *jfunc_at(const zw_jctx *ctx, uintptr_t ret, const zw_jfunc *hint) {
    if (hint && ret > (uintptr_t)hint->code && ret <= (uintptr_t)hint->code + hint->code_len) return hint;
    return find_jfunc(ctx, ret - 1);
}

/* From a compiled frame (frame pointer *fpn) to its caller: the return
 * address into the caller (beyond call_any's frame for a call into another
 * instance, which also holds the caller's instance: to *inst when asked)
 * and the caller's frame pointer. */
static void step_out(const zw_jctx *ctx, uintptr_t *ret, uintptr_t *fpn, zw_instance **inst) {
    uintptr_t f = *fpn;
    *ret = *(const uintptr_t *)(f + 8);
    if (cross_ret(ctx, *ret)) {
        if (inst) *inst = *(zw_instance *const *)(f + 16);
        *ret = *(const uintptr_t *)(f + ZW_JIT_CROSS_RET);
    }
    *fpn = *(const uintptr_t *)f;
}

/* Unwind to the handler of the exception in store->exec.exn, from the
 * frame where it was raised: at trap_pc of trap_jf (a throw), or else at
 * the call that trap_ret returns to (a host function threw), whose callee
 * frame is trap_rbx.  Each frame's value-stack frame is its callee's less
 * the call's base; its native frame pointer is the chain's.  A handler
 * in a frame continues with that frame's rsp less the inlined bodies open
 * at its target (ZW_JIT_FRAME_BYTES each). */
static int unwind(zw_jctx *ctx) {
    zw_store *s = ctx->store;
    zw_exn *e = s->exec.exn;
    const zw_jfunc *jf = ctx->trap_jf;
    ctx->trap_jf = NULL;
    s->exec.exn = NULL;
    uintptr_t fpn = ctx->trap_fp, ret = ctx->trap_ret;
    zw_slot *bx = (zw_slot *)ctx->trap_rbx;
    zw_instance *inst = ctx->inst;
    bool exact = jf && ctx->trap_pc != UINT32_MAX;
    for (;;) {
        uint32_t pc;
        if (exact) {
            pc = ctx->trap_pc;
            exact = false;
        } else {
            jf = jfunc_at(ctx, ret, jf);
            if (!jf || !jf->ir) break; /* the entry stub: the exception leaves */
            pc = pc_of(jf, ret);
            uint32_t base = zw_ir_call_base(jf->ir, pc);
            if (base == UINT32_MAX) break; /* (not a call: cannot be) */
            bx -= base;
        }
        const zw_ir_catch *c = zw_exn_handler(jf->ir, pc, inst, e);
        if (c) {
            ctx->inst = inst;
            zw_exn_land(s, c, bx, e);
            ctx->land_addr = (uintptr_t)jf->code + jf->land_off[c - jf->ir->catches];
            ctx->land_bp = fpn;
            ctx->land_sp = fpn - (uintptr_t)ZW_JIT_FRAME_BYTES * c->inl;
            ctx->land_bx = (uintptr_t)bx;
            return 1;
        }
        if (!fpn) break;
        step_out(ctx, &ret, &fpn, &inst);
    }
    ctx->rc = zw_exn_escape(s, e, ctx->err);
    return 0;
}

/* The collector's roots in one activation: its compiled frames from the
 * one whose code holds return address ret (frame pointer fpn, value-stack
 * frame bx; callee: bx is the frame of the call it is in, not its own) up
 * the frame-pointer chain to the entry stub, stepping as unwind does. */
static void walk_frames(const zw_jctx *ctx, uintptr_t ret, uintptr_t fpn, zw_slot *bx, bool callee,
                        zw_frame_visit visit, void *env) {
    const zw_jfunc *jf = NULL;
    for (;;) {
        jf = jfunc_at(ctx, ret, jf);
        if (!jf || !jf->ir) return; /* the entry stub */
        uint32_t pc = pc_of(jf, ret);
        if (callee) {
            uint32_t base = zw_ir_call_base(jf->ir, pc);
            if (base == UINT32_MAX) return; /* (not a call: cannot be) */
            bx -= base;
        }
        callee = true;
        visit(env, jf->jm->m, jf->ir, bx, pc);
        if (!fpn) return;
        step_out(ctx, &ret, &fpn, NULL);
    }
}

/* zw_backend.frames: the innermost activation from the helper call that
 * collects (wasm), then every activation from the host call it made. */
static void jit_frames(zw_store *s, bool wasm, zw_frame_visit visit, void *env) {
    const zw_jctx *ctx = s->exec.engine_state;
    if (!ctx) return;
    if (wasm && ctx->exit_ret)
        walk_frames(ctx, ctx->exit_ret, ctx->exit_bp, (zw_slot *)ctx->exit_bx, false, visit,
                    env);
    for (const zw_jhostcall *hc = ctx->hostcalls; hc; hc = hc->prev)
        walk_frames(ctx, hc->ret, hc->bp, hc->bx, true, visit, env);
}

int zw_jit_trap(zw_jctx *ctx) {
    zwasm_error_t *err = ctx->err;
    if (ctx->trap_kind == ZW_JIT_TRAP_EXN ||
        (ctx->trap_kind == ZW_JIT_TRAP_ERR && ctx->rc == ZWASM_ERR_EXCEPTION && ctx->store->exec.exn))
        return unwind(ctx);
    const zw_jfunc *first = ctx->trap_jf;
    ctx->trap_jf = NULL;
    if (ctx->trap_kind == ZW_JIT_TRAP_ERR) return 0; /* ctx->rc and err are set */
    zwasm_trap_kind_t kind = (zwasm_trap_kind_t)ctx->trap_kind;
    ctx->rc = ZWASM_ERR_TRAP;
    if (kind == ZWASM_TRAP_UNINITIALIZED_ELEMENT)
        zw_trap_set(err, kind, "%s %u", zw_trap_message(kind), ctx->trap_elem);
    else
        zw_trap_set(err, kind, NULL);
    /* Walk the frames: frame 0 is the trapping function (known to the trap
     * site, else found from the return address into it), rbp its frame;
     * each frame holds the caller's frame pointer and the return address
     * into the caller.  The walk ends at code that is not compiled wasm
     * (the entry stub). */
    uintptr_t fpn = ctx->trap_fp, ret = ctx->trap_ret;
    size_t len = 0;
    err->backtrace[0] = 0;
    const zw_jfunc *jf = NULL;
    for (uint32_t k = 0, line = 0;; k++) {
        jf = k == 0 && first ? first : jfunc_at(ctx, ret, jf);
        if (jf) ZW_TSAN_ACQUIRE(jf->jm); /* running code: its publication was acquired */
        uint32_t pc;
        if (k == 0 && !jf && ctx->trap_callee && __atomic_load_n(&ctx->trap_callee->ir, __ATOMIC_ACQUIRE)) {
            /* the first call from the entry could not start: the callee, at its start */
            jf = ctx->trap_callee;
            pc = 0;
            fpn = 0;
        } else if (!jf || !jf->ir) {
            break;
        } else {
            pc = k == 0 && ctx->trap_pc != UINT32_MAX ? ctx->trap_pc : pc_of(jf, ret);
        }
        zw_ir_loc loc = zw_ir_locate(jf->ir, pc);
        const zw_module *m = jf->jm->m;
        if (k == 0) {
            err->func = loc.inlined_func != ZWASM_NO_FUNC ? loc.inlined_func : jf->ir->func_idx;
            err->offset = loc.offset;
        }
        if (line >= 12) { /* count this frame and its callers up to the entry stub's */
            uint32_t more = 1;
            for (const zw_jfunc *h = jf; fpn;) {
                step_out(ctx, &ret, &fpn, NULL);
                if (!(h = jfunc_at(ctx, ret, h)) || !h->ir) break;
                more++;
            }
            snprintf(err->backtrace + len, sizeof err->backtrace - len, "  ... %u more frames\n", more);
            break;
        }
        if (loc.inlined_func != ZWASM_NO_FUNC) {
            if (!zw_backtrace_line(err, &len, line++, m, loc.inlined_func, loc.offset, true)) break;
            loc.offset = loc.call_offset;
        }
        if (!zw_backtrace_line(err, &len, line++, m, jf->ir->func_idx, loc.offset, false)) break;
        /* the caller: the return address above this frame's saved frame
         * pointer (for a call into another instance, further up) */
        if (!fpn) break;
        step_out(ctx, &ret, &fpn, NULL);
    }
    return 0;
}

void zw_jit_trace(const zw_ir_func *f, uint32_t pc, const zw_slot *fp) {
    fprintf(stderr, "[f%u] ", f->func_idx);
    zw_ir_print_insn(stderr, f, pc, fp);
}

/* ---- the engine ------------------------------------------------------------------- */
bool zw_jit_supported(void) { return zw_jit_arch_supported(); }

const zw_backend zw_jit_backend = {
    .name = "jit",
    .guarded_memories = true,
    .prepare = jit_prepare,
    .func_code = jit_func_code,
    .call = jit_call,
    .code = jit_code,
    .free_module = jit_free_module,
    .free_exec = jit_free_exec,
    .frames = jit_frames,
};
