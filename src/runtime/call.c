/*
 * call.c — calling functions: the one entry into wasm from the runtime and
 * the API (zw_call: stacks checked, arguments in place, then the engine),
 * and calls of host functions from any engine (zw_call_host: slots to
 * zwasm_val_t and back, results checked against the declared types).
 */
#include <stdio.h>
#include <sys/mman.h>

#include "runtime.h"

/* ---- the value stack ------------------------------------------------------------ */
/* Reserve the store's value stack on first use (cfg.stack_bytes, mapped
 * lazily); false on out of memory. */
static bool stack_init(zw_store *s) {
    zw_exec *e = &s->exec;
    if (e->stack) return true;
    uint64_t bytes = s->engine->cfg.stack_bytes;
    if (!bytes) bytes = 16u << 20;
    bytes &= ~(uint64_t)4095;
    if (bytes < 4096) bytes = 4096;
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) return false;
    e->stack = p;
    e->stack_end = (zw_slot *)((uint8_t *)p + bytes);
    e->sp = e->stack;
    e->depth = 0;
    return true;
}

void zw_exec_free(zw_store *s) {
    zw_exec *e = &s->exec;
    if (e->engine_state) s->engine->backend->free_exec(e);
    if (e->stack) munmap(e->stack, (size_t)((uint8_t *)e->stack_end - (uint8_t *)e->stack));
    memset(e, 0, sizeof *e);
}

/* ---- host calls ---------------------------------------------------------------- */
/* How messages name host function f called by caller_inst: its import
 * module and name when the caller imported it, else "host function". */
static void host_name(char *buf, size_t cap, const zw_funcinst *f, const zw_instance *caller_inst) {
    snprintf(buf, cap, "host function");
    if (!caller_inst) return;
    const zw_module *m = caller_inst->module;
    for (uint32_t i = 0, fi = 0; i < m->nimports; i++) {
        const zw_import *im = &m->imports[i];
        if (im->kind != ZW_EXT_FUNC) continue;
        if (caller_inst->funcs[fi++] == f) {
            char mod[64], nm[64];
            zw_escape(mod, sizeof mod, im->module.str, im->module.len);
            zw_escape(nm, sizeof nm, im->name.str, im->name.len);
            snprintf(buf, cap, "host function \"%s\" \"%s\"", mod, nm);
            return;
        }
    }
}

/* Check what host function f returned: each result of its declared type,
 * references of this store.  ZWASM_ERR_TRAP (kind HOST) naming f and the
 * result otherwise. */
static zwasm_result_t check_results(zw_store *s, const zw_funcinst *f, const zw_instance *caller_inst,
                                    const zwasm_val_t *r, zwasm_error_t *err) {
    const zw_functype *t = f->type;
    for (uint32_t i = 0; i < t->nresults; i++) {
        const char *why = NULL;
        if (r[i].kind != t->results[i]) why = "a value of another type";
        else if (!zw_store_ref_ok(s, r[i].kind, r[i].of.funcref))
            why = "a function of another store or a deleted one";
        if (!why) continue;
        char name[160];
        host_name(name, sizeof name, f, caller_inst);
        zw_trap_set(err, ZWASM_TRAP_HOST, "%s: result %u: expected %s, got %s%s%s", name, i + 1,
                    zw_valkind_name(t->results[i]), why, r[i].kind != t->results[i] ? " " : "",
                    r[i].kind != t->results[i] ? zw_valkind_name(r[i].kind) : "");
        return ZWASM_ERR_TRAP;
    }
    return ZWASM_OK;
}

ZW_NOINLINE zwasm_result_t zw_call_host(zw_store *s, zw_funcinst *f, zw_instance *caller_inst,
                                        zw_slot *io, zwasm_error_t *err) {
    const zw_functype *t = f->type;
    zwasm_val_t abuf[16], rbuf[16];
    zwasm_val_t *a = t->nparams <= 16 ? abuf : zw_calloc(s->al, t->nparams, sizeof *a);
    zwasm_val_t *r = t->nresults <= 16 ? rbuf : zw_calloc(s->al, t->nresults, sizeof *r);
    zwasm_error_t local;
    zwasm_result_t rc;
    if (!err) err = &local;
    if (!a || !r) {
        rc = zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        goto out;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < t->nparams; i++) {
        zw_slots_to_val(NULL, t->params[i], io + k, &a[i]);
        k += zw_slots(t->params[i]);
    }
    for (uint32_t i = 0; i < t->nresults; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].kind = t->results[i];
    }
    zwasm_caller_t caller = {s, caller_inst};
    zw_hostframe hf = {s->exec.host, io, t}; /* its arguments stay roots while it runs */
    s->exec.host = &hf;
    err->code = ZWASM_OK;
    err->trap = ZWASM_TRAP_NONE;
    err->message[0] = 0;
    err->backtrace[0] = 0;
    err->exception = NULL;
    rc = f->host(f->host_env, &caller, a, r, err);
    s->exec.host = hf.prev;
    if (rc == ZWASM_ERR_EXCEPTION) {
        /* the host throws: an exception of this store, into the caller */
        zw_exn *e = err->exception;
        if (zw_store_owns(s, ZW_OBJ_EXN, e)) {
            e->exposed = e->pinned = true;
            s->exec.exn = e;
            goto out;
        }
        char name[160];
        host_name(name, sizeof name, f, caller_inst);
        rc = zw_trap_set(err, ZWASM_TRAP_HOST, "%s: threw no exception of this store", name);
        goto out;
    }
    if (rc != ZWASM_OK) {
        if (err->trap == ZWASM_TRAP_NONE) err->trap = ZWASM_TRAP_HOST;
        if (!err->message[0]) snprintf(err->message, sizeof err->message, "%s", zw_trap_message(err->trap));
        zw_err_sanitize(err);
        if (rc == ZWASM_ERR_NOMEM) err->code = rc;
        else err->code = rc = ZWASM_ERR_TRAP;
        goto out;
    }
    if ((rc = check_results(s, f, caller_inst, r, err)) != ZWASM_OK) goto out;
    k = 0;
    for (uint32_t i = 0; i < t->nresults; i++) {
        zw_val_to_slots(&r[i], io + k);
        k += zw_slots(t->results[i]);
    }
out:
    if (a != abuf) zw_free(s->al, a);
    if (r != rbuf) zw_free(s->al, r);
    return rc;
}

/* ---- the entry into wasm ------------------------------------------------------------ */
zwasm_result_t zw_call(zw_store *s, zw_funcinst *f, const zw_slot *args, zw_slot *results,
                       zwasm_error_t *err) {
    const zw_functype *t = f->type;
    uint32_t np = zw_types_slots(t->params, t->nparams), nr = zw_types_slots(t->results, t->nresults);
    if (!stack_init(s)) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    zw_exec *ex = &s->exec;
    zw_slot *fp = ex->sp;
    uint32_t need = np > nr ? np : nr;
    /* Both stacks: the value stack, and the native one, which every
     * host -> wasm re-entry deepens (wasm -> wasm calls do not). */
    if (fp + need > ex->stack_end || !zw_native_stack_ok(ex)) {
        zw_trap_set(err, ZWASM_TRAP_STACK_EXHAUSTED, NULL);
        return ZWASM_ERR_TRAP;
    }
    if (np) memcpy(fp, args, np * sizeof(zw_slot));
    zw_slot *saved_sp = ex->sp;
    uint32_t saved_depth = ex->depth;
    zwasm_result_t r;
    ex->nest++;
    if (f->host) r = zw_call_host(s, f, NULL, fp, err);
    else r = s->engine->backend->call(s, f, fp, err);
    /* an interrupt request is consumed when the outermost call returns */
    if (--ex->nest == 0) ZW_ATOMIC_STORE(&s->interrupt, 0u);
    ex->sp = saved_sp;
    ex->depth = saved_depth;
    if (r == ZWASM_OK && nr) memcpy(results, fp, nr * sizeof(zw_slot));
    return r;
}

bool zw_backtrace_line(zwasm_error_t *err, size_t *len, uint32_t k, const zw_module *m, uint32_t fi,
                       uint32_t off, bool inlined) {
    size_t cap = sizeof err->backtrace;
    const zw_name *nm = m && m->func_names && fi < m->nfuncs && m->func_names[fi].str
                            ? &m->func_names[fi] : NULL;
    char name[96]; /* the name section is the guest's: escaped, at most ~80 bytes */
    if (nm) zw_escape(name, sizeof name, nm->str, nm->len > 80 ? 80 : nm->len);
    int w = snprintf(err->backtrace + *len, cap - *len, "  #%u %s%sfunc %u, offset 0x%x%s%s\n", k,
                     nm ? name : "", nm ? " (" : "", fi, off, inlined ? ", inlined" : "", nm ? ")" : "");
    if (w < 0 || (size_t)w >= cap - *len) return false;
    *len += (size_t)w;
    return true;
}
