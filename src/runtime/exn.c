/*
 * exn.c — tags and exceptions (exception handling): tag objects, exception
 * objects and their lifetime, the handler search both engines share (over
 * the regions of ir.h), delivering an exception to a handler, exceptions
 * leaving wasm, and the zwasm_tag_* / zwasm_exn_* API.
 */
#include "../ir/ir.h"
#include "runtime.h"

zw_taginst *zw_tag_create(zw_store *s, uint32_t id, const zw_functype *t, bool copy) {
    zw_taginst *g = zw_calloc(s->al, 1, sizeof *g);
    if (!g) return NULL;
    g->store = s;
    g->type_id = id;
    g->type = t;
    if (copy) {
        if (!zw_functype_copy(s->al, &g->host_type, t)) {
            zw_free(s->al, g);
            return NULL;
        }
        g->type = &g->host_type;
    }
    if (!zw_store_adopt(s, ZW_OBJ_TAG, g)) {
        zw_free(s->al, g->host_type.params);
        zw_free(s->al, g);
        return NULL;
    }
    return g;
}

void zw_tag_destroy(zw_taginst *t) {
    zw_free(t->store->al, t->host_type.params);
    zw_free(t->store->al, t);
}

zw_exn *zw_exn_new(zw_store *s, zw_taginst *tag, const zw_slot *payload, bool wasm, zwasm_error_t *err) {
    uint32_t n = zw_types_slots(tag->type->params, tag->type->nparams);
    size_t bytes = sizeof(zw_exn) + (size_t)n * sizeof(zw_slot);
    bool charged = zw_store_charge(s, bytes);
    if (!charged && !s->gc.no_collect) {
        /* the limit: collect (exceptions that became garbage go), with the
         * payload a root meanwhile, and try again */
        zw_hostframe hf = {s->exec.host, payload, tag->type};
        s->exec.host = &hf;
        zw_gc_collect(s, wasm);
        s->exec.host = hf.prev;
        charged = zw_store_charge(s, bytes);
    }
    if (!charged) {
        zw_err_set(err, ZWASM_ERR_LIMIT, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                   "exception objects would exceed the store's memory limit of %llu bytes",
                   (unsigned long long)s->limits.memory_bytes);
        return NULL;
    }
    zw_exn *e = zw_malloc(s->al, bytes);
    if (!e || !zw_store_adopt(s, ZW_OBJ_EXN, e)) {
        zw_free(s->al, e);
        zw_store_release(s, bytes);
        zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        return NULL;
    }
    e->store = s;
    e->tag = tag;
    e->nslots = n;
    e->exposed = e->pinned = false;
    e->mark = 0;
    if (n) memcpy(e->payload, payload, (size_t)n * sizeof(zw_slot));
    zw_gc_exn_poll(s, wasm); /* (e is in flight: a root) */
    return e;
}

void zw_exn_drop(zw_store *s, zw_exn *e) {
    if (e && !e->exposed) zw_store_discard(s, ZW_OBJ_EXN, e);
}

/* Whether the instruction of f containing code position pc is a tail call
 * (one of another instance or of the host runs as a call, but the frame
 * is gone as far as handlers go). */
static bool tail_call_at(const zw_ir_func *f, uint32_t pc) {
    if (!f->ninsn) return false;
    switch (f->code[f->insn[zw_ir_insn_index(f, pc)]]) {
    case ZW_OP_RETURN_CALL: case ZW_OP_RETURN_CALL_INDIRECT: case ZW_OP_RETURN_CALL_REF:
    case ZW_IR_RETURN_CALL_LOCAL:
        return true;
    }
    return false;
}

const zw_ir_catch *zw_exn_handler(const zw_ir_func *f, uint32_t pc, const zw_instance *inst, const zw_exn *e) {
    if (!f->nregions || tail_call_at(f, pc)) return NULL;
    for (uint32_t r = zw_ir_region_at(f, pc); r != ZW_IR_NONE; r = f->regions[r].next) {
        const zw_ir_region *g = &f->regions[r];
        for (uint32_t k = 0; k < g->n; k++) {
            const zw_ir_catch *c = &f->catches[g->first + k];
            if (c->tag == ZW_IR_NONE || inst->tags[c->tag] == e->tag) return c;
        }
    }
    return NULL;
}

void zw_exn_land(zw_store *s, const zw_ir_catch *c, zw_slot *fp, zw_exn *e) {
    if (c->tag != ZW_IR_NONE && e->nslots) memcpy(fp + c->dst, e->payload, (size_t)e->nslots * sizeof(zw_slot));
    if (c->exn != ZW_IR_NONE) {
        fp[c->exn] = (zw_slot)(uintptr_t)e;
        e->exposed = true;
        zw_gc_exn_exposed(s, sizeof *e + (uint64_t)e->nslots * sizeof(zw_slot));
    } else {
        zw_exn_drop(s, e);
    }
}

zwasm_result_t zw_exn_escape(zw_store *s, zw_exn *e, zwasm_error_t *err) {
    e->exposed = true;
    e->pinned = true;
    s->exec.exn = e;
    zw_err_set(err, ZWASM_ERR_EXCEPTION, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "uncaught exception");
    if (err) err->exception = e;
    return ZWASM_ERR_EXCEPTION;
}

/* ---- the API ------------------------------------------------------------------------- */
ZWASM_API zwasm_tag_t *zwasm_tag_new(zwasm_store_t *store, const zwasm_functype_t *type) {
    if (!zw_store_live(store) || !type || type->nresults || (type->nparams && !type->params)) return NULL;
    zw_functype ft = {type->nparams, 0, NULL, NULL};
    zw_valtype buf[16];
    zw_valtype *p = type->nparams <= 16 ? buf : zw_calloc(store->al, type->nparams, sizeof *p);
    if (!p) return NULL;
    bool ok = true;
    for (uint32_t i = 0; i < type->nparams; i++) {
        p[i] = type->params[i];
        /* abstract value types only: a defined type index means nothing here */
        if (!zw_valkind_ok(p[i]) && p[i] != ZWASM_ANYREF && p[i] != ZWASM_EXNREF) ok = false;
    }
    ft.params = ft.results = p;
    ft.results = p + type->nparams;
    zw_taginst *t = NULL;
    if (ok) {
        uint32_t id = zw_store_type_id(store, &ft);
        if (id != UINT32_MAX) t = zw_tag_create(store, id, &ft, true);
    }
    if (p != buf) zw_free(store->al, p);
    return t;
}

ZWASM_API void zwasm_tag_type(const zwasm_tag_t *tag, zwasm_functype_t *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!tag) return;
    out->nparams = tag->type->nparams;
    out->params = tag->type->params;
    out->results = tag->type->results;
}

ZWASM_API zwasm_result_t zwasm_exn_new(zwasm_store_t *store, zwasm_tag_t *tag, const zwasm_val_t *args,
                                       size_t nargs, zwasm_exn_t **out, zwasm_error_t *err) {
    if (out) *out = NULL;
    if (!zw_store_live(store))
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "zwasm_exn_new: %s",
                          store ? "store has been deleted" : "NULL store");
    if (!out || !zw_store_owns(store, ZW_OBJ_TAG, tag))
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "zwasm_exn_new: the tag is not a live tag of the store");
    const zw_functype *t = tag->type;
    if (nargs != t->nparams || (nargs && !args))
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "zwasm_exn_new: the tag takes %u values, %zu given", t->nparams, nargs);
    uint32_t n = zw_types_slots(t->params, t->nparams);
    zw_slot buf[32];
    zw_slot *slots = n <= 32 ? buf : zw_calloc(store->al, n, sizeof *slots);
    if (!slots) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    zwasm_result_t r = ZWASM_OK;
    for (uint32_t i = 0, k = 0; i < t->nparams; k += zw_slots(t->params[i]), i++) {
        if (!zw_val_fits(store, t->params[i], &args[i])) {
            r = zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                           "zwasm_exn_new: value %u does not fit the tag's type", i + 1);
            break;
        }
        zw_val_to_slots(&args[i], slots + k);
    }
    if (r == ZWASM_OK) {
        zw_exn *e = zw_exn_new(store, tag, slots, false, err);
        if (!e) r = err ? err->code : ZWASM_ERR_NOMEM;
        else {
            e->exposed = e->pinned = true; /* the host holds it */
            *out = e;
        }
    }
    if (slots != buf) zw_free(store->al, slots);
    return r;
}

ZWASM_API zwasm_tag_t *zwasm_exn_tag(const zwasm_store_t *store, const zwasm_exn_t *exn) {
    return zw_store_owns(store, ZW_OBJ_EXN, exn) ? exn->tag : NULL;
}

ZWASM_API size_t zwasm_exn_payload(const zwasm_store_t *store, const zwasm_exn_t *exn, zwasm_val_t *out,
                                   size_t n) {
    if (!zw_store_owns(store, ZW_OBJ_EXN, exn)) return 0;
    const zw_functype *t = exn->tag->type;
    for (uint32_t i = 0, k = 0; i < t->nparams && i < n && out; k += zw_slots(t->params[i]), i++)
        zw_slots_to_val(NULL, t->params[i], exn->payload + k, &out[i]); /* (types as host calls see them) */
    return t->nparams;
}

ZWASM_API zwasm_result_t zwasm_caller_throw(zwasm_caller_t *caller, zwasm_tag_t *tag, const zwasm_val_t *args,
                                            size_t nargs, zwasm_error_t *err) {
    if (!caller)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "zwasm_caller_throw: NULL caller");
    zwasm_exn_t *e;
    zwasm_result_t r = zwasm_exn_new(caller->store, tag, args, nargs, &e, err);
    if (r != ZWASM_OK) return r;
    zw_err_set(err, ZWASM_ERR_EXCEPTION, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "exception thrown by a host function");
    if (err) err->exception = e;
    return ZWASM_ERR_EXCEPTION;
}
