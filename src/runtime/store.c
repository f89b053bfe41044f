/*
 * store.c — engine and configuration, the store (owner of every runtime
 * object, all freed by zwasm_store_delete), canonical function type ids,
 * and the small informational API calls (result names, version).
 */
#include "runtime.h"

/* ---- engine ----------------------------------------------------------------- */

ZWASM_API void zwasm_config_init(zwasm_config_t *cfg) {
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->engine = ZWASM_ENGINE_INTERP;
    cfg->max_call_depth = 100000;
    cfg->stack_bytes = (uint64_t)256 << 20; /* reserved lazily by the interpreter */
    cfg->trace = false;
}

ZWASM_API zwasm_engine_t *zwasm_engine_new(const zwasm_config_t *cfg) {
    zw_engine *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    if (cfg) e->cfg = *cfg;
    else zwasm_config_init(&e->cfg);
    /* Zero means "default" for the sizes. */
    zwasm_config_t def;
    zwasm_config_init(&def);
    if (!e->cfg.max_call_depth) e->cfg.max_call_depth = def.max_call_depth;
    if (!e->cfg.stack_bytes) e->cfg.stack_bytes = def.stack_bytes;
    return e;
}

ZWASM_API void zwasm_engine_delete(zwasm_engine_t *engine) { free(engine); }

/* ---- store ------------------------------------------------------------------ */

ZWASM_API zwasm_store_t *zwasm_store_new(zwasm_engine_t *engine) {
    if (!engine) return NULL;
    zw_store *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->engine = engine;
    return s;
}

static void free_instance(zw_instance *inst) {
    if (inst->elem_refs) {
        for (uint32_t i = 0; i < inst->module->nelems; i++) free(inst->elem_refs[i]);
    }
    free(inst->elem_refs);
    free(inst->elem_len);
    free(inst->data_len);
    free(inst->funcs);
    free(inst->tables);
    free(inst->mems);
    free(inst->globals);
    free(inst->type_ids);
    /* Instances keep their module alive (see zw_module.refs). */
    zw_module *m = (zw_module *)inst->module;
    if (m->refs && --m->refs == 0) zw_module_free(m);
    free(inst);
}


ZWASM_API void zwasm_store_delete(zwasm_store_t *s) {
    if (!s) return;
    zw_exec_free(&s->exec);
    for (uint32_t i = 0; i < s->instances.n; i++) free_instance(s->instances.v[i]);
    ZW_VEC_FREE(&s->instances);
    for (uint32_t i = 0; i < s->funcs.n; i++) {
        zw_funcinst *f = s->funcs.v[i];
        if (f->host_finalizer) f->host_finalizer(f->host_env);
        free(f->host_type.params);
        free(f->name);
        free(f);
    }
    ZW_VEC_FREE(&s->funcs);
    for (uint32_t i = 0; i < s->mems.n; i++) zw_memory_destroy(s->mems.v[i]);
    ZW_VEC_FREE(&s->mems);
    for (uint32_t i = 0; i < s->tables.n; i++) zw_table_destroy(s->tables.v[i]);
    ZW_VEC_FREE(&s->tables);
    for (uint32_t i = 0; i < s->globals.n; i++) free(s->globals.v[i]);
    ZW_VEC_FREE(&s->globals);
    for (uint32_t i = 0; i < s->types.n; i++) {
        free(s->types.v[i]->params);
        free(s->types.v[i]);
    }
    ZW_VEC_FREE(&s->types);
    free(s->type_index);
    free(s);
}

/* ---- canonical function types ------------------------------------------------- */

bool zw_functype_eq(const zw_functype *a, const zw_functype *b) {
    if (a == b) return true;
    if (!a || !b) return false;
    if (a->nparams != b->nparams || a->nresults != b->nresults) return false;
    for (uint32_t i = 0; i < a->nparams; i++)
        if (a->params[i] != b->params[i]) return false;
    for (uint32_t i = 0; i < a->nresults; i++)
        if (a->results[i] != b->results[i]) return false;
    return true;
}

/* Deep copy of a function type: params and results in one allocation. */
bool zw_functype_copy(zw_functype *dst, const zw_functype *src) {
    size_t n = (size_t)src->nparams + src->nresults;
    zw_valtype *v = zw_calloc(n, sizeof *v);
    if (!v) return false;
    for (uint32_t i = 0; i < src->nparams; i++) v[i] = src->params[i];
    for (uint32_t i = 0; i < src->nresults; i++) v[src->nparams + i] = src->results[i];
    dst->nparams = src->nparams;
    dst->nresults = src->nresults;
    dst->params = v;
    dst->results = v + src->nparams;
    return true;
}

static uint32_t functype_hash(const zw_functype *t) {
    uint32_t h = 2166136261u;
    h = (h ^ t->nparams) * 16777619u;
    h = (h ^ t->nresults) * 16777619u;
    for (uint32_t i = 0; i < t->nparams + t->nresults; i++) h = (h ^ t->params[i]) * 16777619u;
    return h;
}

/* Rebuild the index with room for at least twice the current types. */
static bool type_index_grow(zw_store *s) {
    uint32_t cap = s->type_index_cap ? s->type_index_cap * 2 : 64;
    if (cap < s->type_index_cap) return false;
    uint32_t *idx = zw_calloc(cap, sizeof *idx);
    if (!idx) return false;
    for (uint32_t id = 0; id < s->types.n; id++) {
        uint32_t h = functype_hash(s->types.v[id]) & (cap - 1);
        while (idx[h]) h = (h + 1) & (cap - 1);
        idx[h] = id + 1;
    }
    free(s->type_index);
    s->type_index = idx;
    s->type_index_cap = cap;
    return true;
}

uint32_t zw_store_type_id(zw_store *s, const zw_functype *t) {
    if ((uint64_t)(s->types.n + 1) * 2 > s->type_index_cap && !type_index_grow(s)) return UINT32_MAX;
    uint32_t mask = s->type_index_cap - 1;
    uint32_t h = functype_hash(t) & mask;
    for (; s->type_index[h]; h = (h + 1) & mask)
        if (zw_functype_eq(s->types.v[s->type_index[h] - 1], t)) return s->type_index[h] - 1;
    if (s->types.n >= UINT32_MAX / 4) return UINT32_MAX;
    zw_functype *c = malloc(sizeof *c);
    if (!c) return UINT32_MAX;
    if (!zw_functype_copy(c, t)) {
        free(c);
        return UINT32_MAX;
    }
    if (!ZW_VEC_PUSH(&s->types, c)) {
        free(c->params);
        free(c);
        return UINT32_MAX;
    }
    s->type_index[h] = s->types.n; /* id + 1 */
    return s->types.n - 1;
}

/* ---- misc --------------------------------------------------------------------- */

ZWASM_API const char *zwasm_result_name(zwasm_result_t r) {
    switch (r) {
    case ZWASM_OK: return "ok";
    case ZWASM_ERR_MALFORMED: return "malformed";
    case ZWASM_ERR_INVALID: return "invalid";
    case ZWASM_ERR_LINK: return "link error";
    case ZWASM_ERR_TRAP: return "trap";
    case ZWASM_ERR_NOMEM: return "out of memory";
    case ZWASM_ERR_ARG: return "bad argument";
    case ZWASM_ERR_IO: return "i/o error";
    case ZWASM_ERR_UNSUPPORTED: return "unsupported";
    }
    return "unknown result";
}

ZWASM_API const char *zwasm_version(void) { return "0.1.0"; }
