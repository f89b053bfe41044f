/*
 * instance.c — the zwasm_instance_* and zwasm_func_* API: instantiation,
 * export lookup, host functions, calling with argument checking, callers,
 * and function names.
 */
#include <stdio.h>

#include "../runtime/runtime.h"

static zwasm_result_t arg_err(zwasm_error_t *err, const char *msg) {
    return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%s", msg);
}

/* The error for a store argument that is not a live store. */
static zwasm_result_t store_err(zwasm_error_t *err, const char *fn, const zw_store *s) {
    return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%s: %s", fn,
                      s ? "store has been deleted" : "NULL store");
}

/* ---- instances ---------------------------------------------------------------------- */

ZWASM_API zwasm_result_t zwasm_instance_new(zwasm_store_t *store, const zwasm_module_t *module,
                                            const zwasm_extern_t *imports, size_t nimports,
                                            zwasm_instance_t **out, zwasm_error_t *err) {
    if (out) *out = NULL;
    if (!zw_store_live(store)) return store_err(err, "zwasm_instance_new", store);
    if (!module) return arg_err(err, "zwasm_instance_new: NULL module");
    return zw_instantiate(store, (const zw_module *)module, imports, nimports, out, err);
}

static bool extern_of(const zw_instance *inst, const zw_export *ex, zwasm_extern_t *out) {
    memset(out, 0, sizeof *out);
    out->kind = (zwasm_externkind_t)ex->kind;
    const zw_module *m = inst->module;
    switch (ex->kind) {
    case ZW_EXT_FUNC:
        if (ex->index >= m->nfuncs) return false;
        out->of.func = inst->funcs[ex->index];
        return true;
    case ZW_EXT_TABLE:
        if (ex->index >= m->ntables) return false;
        out->of.table = inst->tables[ex->index];
        return true;
    case ZW_EXT_MEM:
        if (ex->index >= m->nmems) return false;
        out->of.memory = inst->mems[ex->index];
        return true;
    case ZW_EXT_GLOBAL:
        if (ex->index >= m->nglobals) return false;
        out->of.global = inst->globals[ex->index];
        return true;
    case ZW_EXT_TAG:
        if (ex->index >= m->ntags) return false;
        out->of.tag = inst->tags[ex->index];
        return true;
    }
    return false;
}

ZWASM_API bool zwasm_instance_export(const zwasm_instance_t *inst, const char *name,
                                     size_t name_len, zwasm_extern_t *out) {
    if (!inst || !out || (!name && name_len)) return false;
    const zw_module *m = inst->module;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const zw_export *ex = &m->exports[i];
        if (ex->name.len == name_len && (name_len == 0 || memcmp(ex->name.str, name, name_len) == 0))
            return extern_of(inst, ex, out);
    }
    return false;
}

ZWASM_API uint32_t zwasm_instance_export_count(const zwasm_instance_t *inst) {
    return inst ? inst->module->nexports : 0;
}

ZWASM_API bool zwasm_instance_export_nth(const zwasm_instance_t *inst, uint32_t i,
                                         const char **name, size_t *name_len, zwasm_extern_t *out) {
    if (!inst || i >= inst->module->nexports) return false;
    const zw_export *ex = &inst->module->exports[i];
    if (name) *name = ex->name.str;
    if (name_len) *name_len = ex->name.len;
    if (out) return extern_of(inst, ex, out);
    return true;
}

/* ---- functions ------------------------------------------------------------------------ */

ZWASM_API zwasm_func_t *zwasm_func_new(zwasm_store_t *store, const zwasm_functype_t *type,
                                       zwasm_host_func_t fn, void *env, void (*finalizer)(void *)) {
    if (!zw_store_live(store) || !type || !fn) return NULL;
    if ((type->nparams && !type->params) || (type->nresults && !type->results)) return NULL;
    for (uint32_t i = 0; i < type->nparams; i++)
        if (!zw_valkind_ok(type->params[i])) return NULL;
    for (uint32_t i = 0; i < type->nresults; i++)
        if (!zw_valkind_ok(type->results[i])) return NULL;
    zw_funcinst *f = zw_calloc(store->al, 1, sizeof *f);
    if (!f) return NULL;
    /* zwasm_functype_t and zw_functype have the same element type (uint32_t). */
    zw_functype src = {.nparams = type->nparams, .nresults = type->nresults,
                       .params = (zw_valtype *)type->params, .results = (zw_valtype *)type->results};
    if (!zw_functype_copy(store->al, &f->host_type, &src)) {
        zw_free(store->al, f);
        return NULL;
    }
    f->type = &f->host_type;
    uint32_t id = zw_store_type_id(store, &f->host_type);
    if (id != UINT32_MAX) zw_func_set_type(f, store, id);
    if (id == UINT32_MAX || !zw_store_adopt(store, ZW_OBJ_FUNC, f)) {
        zw_free(store->al, f->host_type.params);
        zw_free(store->al, f);
        return NULL;
    }
    f->store = store;
    f->index = ZWASM_NO_FUNC;
    f->host = fn;
    f->host_env = env;
    f->host_finalizer = finalizer; /* only once the store owns f */
    return f;
}

ZWASM_API void zwasm_func_type(const zwasm_func_t *f, zwasm_functype_t *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!f || !f->type) return;
    out->nparams = f->type->nparams;
    out->nresults = f->type->nresults;
    out->params = f->type->params;
    out->results = f->type->results;
}

ZWASM_API zwasm_result_t zwasm_func_call(zwasm_store_t *store, zwasm_func_t *f,
                                         const zwasm_val_t *args, size_t nargs,
                                         zwasm_val_t *results, size_t nresults, zwasm_error_t *err) {
    if (!zw_store_live(store)) return store_err(err, "zwasm_func_call", store);
    if (!f) return arg_err(err, "zwasm_func_call: NULL function");
    /* checked before f is read: a handle of a deleted store must not be */
    if (!zw_store_owns(store, ZW_OBJ_FUNC, f))
        return arg_err(err, "zwasm_func_call: the function belongs to another store or was deleted");
    const zw_functype *t = f->type;
    if (nargs != t->nparams)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, f->index,
                          "expected %u argument%s, got %zu", t->nparams,
                          t->nparams == 1 ? "" : "s", nargs);
    if (nargs && !args) return arg_err(err, "zwasm_func_call: NULL args");
    for (uint32_t i = 0; i < t->nparams; i++) {
        zw_valtype pt = f->inst ? zw_vt_canon(f->inst->type_ids, t->params[i]) : t->params[i];
        if (args[i].kind != zw_val_kind(store->types.v.v, pt)) {
            char tb[ZW_VALTYPE_BUF];
            return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, f->index,
                              "argument %u: expected %s, got %s", i + 1, zw_valtype_str(t->params[i], tb),
                              zw_valkind_name(args[i].kind));
        }
        if (!zw_val_fits(store, pt, &args[i]))
            return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, f->index,
                              "argument %u: %s", i + 1,
                              args[i].of.externref ? "a function of another type, of another store or deleted"
                                                   : "null where the type is not nullable");
    }
    if (nresults < t->nresults)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, f->index,
                          "expected room for %u result%s, got %zu", t->nresults,
                          t->nresults == 1 ? "" : "s", nresults);
    if (t->nresults && !results) return arg_err(err, "zwasm_func_call: NULL results");

    uint32_t nin = zw_types_slots(t->params, t->nparams);
    uint32_t nout = zw_types_slots(t->results, t->nresults);
    zw_slot small_in[16], small_out[16];
    zw_slot *in = nin <= 16 ? small_in : zw_calloc(store->al, nin, sizeof(zw_slot));
    zw_slot *outs = nout <= 16 ? small_out : zw_calloc(store->al, nout, sizeof(zw_slot));
    zwasm_result_t r;
    if (!in || !outs) {
        r = zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        goto done;
    }
    memset(outs, 0, (nout ? nout : 1) * sizeof(zw_slot));
    for (uint32_t i = 0, k = 0; i < t->nparams; k += zw_slots(t->params[i]), i++)
        zw_val_to_slots(&args[i], in + k);
    r = zw_call(store, f, in, outs, err);
    if (r == ZWASM_OK)
        for (uint32_t i = 0, k = 0; i < t->nresults; k += zw_slots(t->results[i]), i++)
            zw_slots_to_val(f->inst ? f->inst->module->types : NULL, t->results[i], outs + k, &results[i]);
done:
    /* freed before settling: a host function may have deleted the store
     * (or the engine), which settling then frees */
    if (in != small_in) zw_free(store->al, in);
    if (outs != small_out) zw_free(store->al, outs);
    if (in && outs) zw_store_settle(store);
    return r;
}

ZWASM_API zwasm_memory_t *zwasm_caller_memory(zwasm_caller_t *caller, uint32_t index) {
    if (!caller || !caller->inst || index >= caller->inst->module->nmems) return NULL;
    return caller->inst->mems[index];
}

ZWASM_API zwasm_store_t *zwasm_caller_store(zwasm_caller_t *caller) {
    return caller ? caller->store : NULL;
}

static char *dup_name(const zw_alloc *al, const char *s, size_t n) {
    char *c = zw_malloc(al, n + 1);
    if (!c) return NULL;
    memcpy(c, s, n);
    c[n] = 0;
    return c;
}

/* The name section's name, else the first export name of f in its instance.
 * The NUL-terminated copy is cached in f and freed with the store. */
ZWASM_API const char *zwasm_func_name(const zwasm_func_t *cf) {
    if (!cf || !cf->inst) return NULL;
    zw_funcinst *f = (zw_funcinst *)cf; /* the cache is not part of f's observable state */
    if (f->name) return f->name;
    const zw_module *m = f->inst->module;
    if (m->func_names && f->index < m->nfuncs && m->func_names[f->index].str)
        return f->name = dup_name(f->store->al, m->func_names[f->index].str, m->func_names[f->index].len);
    for (uint32_t i = 0; i < m->nexports; i++) {
        const zw_export *ex = &m->exports[i];
        if (ex->kind == ZW_EXT_FUNC && ex->index < m->nfuncs && f->inst->funcs[ex->index] == f)
            return f->name = dup_name(f->store->al, ex->name.str, ex->name.len);
    }
    return NULL;
}
