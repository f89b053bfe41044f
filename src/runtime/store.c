/*
 * store.c — engine and configuration, the store (owner of every runtime
 * object, all freed by zwasm_store_delete), canonical function type ids,
 * and the small informational API calls (result names, version).
 */
#include "runtime.h"

/* ---- engine ----------------------------------------------------------------- */

#define ZW_MAX_CALL_DEPTH 1000000u
#define ZW_MAX_STACK_BYTES ((uint64_t)64 << 30)

ZWASM_API void zwasm_config_init(zwasm_config_t *cfg) {
    if (!cfg) return;
    memset(cfg, 0, sizeof *cfg);
    cfg->engine = ZWASM_ENGINE_AUTO;
    cfg->max_call_depth = 100000;
    cfg->stack_bytes = (uint64_t)256 << 20; /* reserved lazily by the interpreter */
    cfg->trace = false;
    cfg->limits.memory_bytes = UINT64_MAX;
    cfg->limits.memories = 10000;
    cfg->limits.tables = 10000;
    cfg->limits.instances = 10000;
    cfg->features = ZWASM_FEATURES_DEFAULT;
}

/* A feature set where every feature has the ones it builds on (see
 * zwasm.h) and no bit names an unknown feature. */
static bool features_consistent(uint32_t f) {
    static const struct { uint32_t feature, needs; } builds_on[] = {
        {ZWASM_FEATURE_RELAXED_SIMD, ZWASM_FEATURE_SIMD},
        {ZWASM_FEATURE_FUNCTION_REFERENCES, ZWASM_FEATURE_REFERENCE_TYPES},
        {ZWASM_FEATURE_GC, ZWASM_FEATURE_FUNCTION_REFERENCES},
        {ZWASM_FEATURE_EXCEPTIONS, ZWASM_FEATURE_REFERENCE_TYPES},
        {ZWASM_FEATURE_WIDE_ARITHMETIC, ZWASM_FEATURE_MULTI_VALUE},
    };
    if (f & ~(uint32_t)ZWASM_FEATURES_DEFAULT) return false;
    for (size_t i = 0; i < sizeof builds_on / sizeof builds_on[0]; i++)
        if ((f & builds_on[i].feature) && !(f & builds_on[i].needs)) return false;
    return true;
}

zw_engine *zw_engine_create(const zwasm_config_t *cfg, const zw_backend *backend) {
    zwasm_config_t c;
    if (cfg) c = *cfg;
    else zwasm_config_init(&c);
    /* Zero means "default" for the sizes. */
    zwasm_config_t def;
    zwasm_config_init(&def);
    if (!c.max_call_depth) c.max_call_depth = def.max_call_depth;
    if (!c.stack_bytes) c.stack_bytes = def.stack_bytes;
    if (c.max_call_depth > ZW_MAX_CALL_DEPTH || c.stack_bytes > ZW_MAX_STACK_BYTES) return NULL;
    if (!features_consistent(c.features)) return NULL;
    if (!backend) return NULL;
    if (!c.allocator.fn) c.allocator = (zw_alloc){zw_libc_alloc, NULL};
    zw_engine *e = zw_calloc(&c.allocator, 1, sizeof *e);
    if (!e) return NULL;
    e->cfg = c;
    e->backend = backend;
    if (pthread_mutex_init(&e->lock, NULL) != 0) {
        zw_free(&c.allocator, e);
        return NULL;
    }
    return e;
}

static void store_clear(zw_store *s);

/* Whether wasm of one of the engine's stores is running (a host function
 * of it is deleting the engine). */
static bool engine_busy(const zw_engine *e) {
    for (uint32_t i = 0; i < e->stores.n; i++)
        if (e->stores.v[i]->live && e->stores.v[i]->exec.nest) return true;
    return false;
}

ZWASM_API const zwasm_allocator_t *zwasm_engine_allocator(const zwasm_engine_t *engine) {
    return &engine->cfg.allocator;
}

ZWASM_API void zwasm_engine_delete(zwasm_engine_t *engine) {
    if (!engine) return;
    if (engine_busy(engine)) {
        /* wasm frames still use its stores: refuse them every further call
         * and delete everything when the last outermost call returns */
        engine->dying = true;
        for (uint32_t i = 0; i < engine->stores.n; i++)
            if (engine->stores.v[i]->live) engine->stores.v[i]->dying = true;
        return;
    }
    for (uint32_t i = 0; i < engine->stores.n; i++) {
        zw_store *s = engine->stores.v[i];
        if (s->live) store_clear(s);
        zw_free(&engine->cfg.allocator, s);
    }
    ZW_VEC_FREE(&engine->cfg.allocator, &engine->stores);
    ZW_VEC_FREE(&engine->cfg.allocator, &engine->shared_mems); /* empty: their stores are gone */
    pthread_mutex_destroy(&engine->lock);
    zw_alloc al = engine->cfg.allocator;
    zw_free(&al, engine);
}

/* ---- store ------------------------------------------------------------------ */

ZWASM_API zwasm_store_t *zwasm_store_new(zwasm_engine_t *engine) {
    if (!engine) return NULL;
    zw_store *s = NULL;
    pthread_mutex_lock(&engine->lock);
    for (uint32_t i = 0; i < engine->stores.n && !s; i++)
        if (!engine->stores.v[i]->live) s = engine->stores.v[i];
    if (!s) {
        s = zw_calloc(&engine->cfg.allocator, 1, sizeof *s);
        if (s && !ZW_VEC_PUSH(&engine->cfg.allocator, &engine->stores, s)) {
            zw_free(&engine->cfg.allocator, s);
            s = NULL;
        }
    }
    if (s) {
        memset(s, 0, sizeof *s);
        s->engine = engine;
        s->al = s->exec.al = &engine->cfg.allocator;
        s->limits = engine->cfg.limits;
        s->exec.fuel_on = engine->cfg.fuel != 0;
        s->exec.fuel = engine->cfg.fuel;
        s->live = true;
    }
    pthread_mutex_unlock(&engine->lock);
    return s;
}

ZWASM_API zwasm_engine_t *zwasm_store_engine(const zwasm_store_t *store) {
    return store ? store->engine : NULL;
}

static void free_instance(zw_instance *inst) {
    if (inst->elem_refs) {
        for (uint32_t i = 0; i < inst->module->nelems; i++) zw_free(inst->store->al, inst->elem_refs[i]);
    }
    zw_free(inst->store->al, inst->elem_refs);
    zw_free(inst->store->al, inst->elem_len);
    zw_free(inst->store->al, inst->data_len);
    zw_free(inst->store->al, inst->funcs);
    zw_free(inst->store->al, inst->tables);
    zw_free(inst->store->al, inst->mems);
    zw_free(inst->store->al, inst->globals);
    zw_free(inst->store->al, inst->tags);
    zw_free(inst->store->al, inst->type_ids);
    /* Instances keep their module alive (see zw_module.refs). */
    zw_module_release((zw_module *)inst->module);
    zw_free(inst->store->al, inst);
}

static void free_func(zw_funcinst *f) {
    if (f->host_finalizer) f->host_finalizer(f->host_env);
    zw_free(f->store->al, f->host_type.params);
    zw_free(f->store->al, f->name);
    zw_free(f->store->al, f);
}

static void free_object(const zw_store *s, uintptr_t tagged) {
    void *p = (void *)(tagged & ~(uintptr_t)7);
    switch ((zw_objkind)(tagged & 7)) {
    case ZW_OBJ_FUNC: free_func(p); break;
    case ZW_OBJ_MEMORY: zw_memory_destroy(p); break;
    case ZW_OBJ_TABLE: zw_table_destroy(p); break;
    case ZW_OBJ_GLOBAL: zw_free(s->al, p); break;
    case ZW_OBJ_INSTANCE: free_instance(p); break;
    case ZW_OBJ_TAG: zw_tag_destroy(p); break;
    case ZW_OBJ_EXN: zw_free(s->al, p); break;
    }
}

/* Free everything the store owns; the record itself stays with the
 * engine (zwasm_store_delete resets and releases it under the lock). */
static void store_clear(zw_store *s) {
    zw_exec_free(s);
    for (uint32_t i = 0; i < s->objs_cap; i++)
        if (s->objs[i]) free_object(s, s->objs[i]);
    zw_free(s->al, s->objs);
    zw_gc_free_all(s);
    ZW_VEC_FREE(s->al, &s->insts);
    zw_typetab_free(&s->types, s->al);
}

ZWASM_API void zwasm_store_delete(zwasm_store_t *s) {
    if (!zw_store_live(s)) return;
    if (s->exec.nest) { /* from a host function: wasm frames still use the store */
        s->dying = true;
        return;
    }
    store_clear(s);
    /* The record is reusable once it is cleared.  It is reset and released
     * under the lock: zwasm_store_new on another thread reads `live` under
     * the same lock, and a reset outside it (a memset of the whole record,
     * as it was) showed it a dead record for an instant, so two threads
     * could both take it. */
    zw_engine *engine = s->engine;
    pthread_mutex_lock(&engine->lock);
    memset(s, 0, sizeof *s);
    s->engine = engine;
    pthread_mutex_unlock(&engine->lock);
}

bool zw_store_settle(zw_store *s) {
    if (!s->dying || s->exec.nest) return false;
    zw_engine *e = s->engine;
    if (e->dying) { /* the whole engine goes once none of its stores runs */
        if (engine_busy(e)) return true;
        e->dying = false;
        zwasm_engine_delete(e);
        return true;
    }
    s->dying = false;
    zwasm_store_delete(s);
    return true;
}

/* ---- owned objects ------------------------------------------------------------- */

static bool zw_store_adopt_(zw_store *s, zw_objkind k, void *obj);

static uint32_t obj_hash(uintptr_t key) {
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    return (uint32_t)(h >> 32);
}

static void obj_insert(uintptr_t *set, uint32_t cap, uintptr_t key) {
    uint32_t mask = cap - 1, h = obj_hash(key) & mask;
    while (set[h]) h = (h + 1) & mask;
    set[h] = key;
}

bool zw_store_adopt(zw_store *s, zw_objkind k, void *obj) {
    if ((uintptr_t)obj & 7) return false; /* malloc'ed objects are 8-aligned */
    if (k == ZW_OBJ_INSTANCE && !ZW_VEC_PUSH(s->al, &s->insts, (zw_instance *)obj)) return false;
    if (!zw_store_adopt_(s, k, obj)) {
        if (k == ZW_OBJ_INSTANCE) s->insts.n--;
        return false;
    }
    return true;
}

static bool zw_store_adopt_(zw_store *s, zw_objkind k, void *obj) {
    if ((uint64_t)(s->objs_n + 1) * 2 > s->objs_cap) {
        uint32_t cap = s->objs_cap ? s->objs_cap * 2 : 64;
        if (cap <= s->objs_cap) return false;
        uintptr_t *set = zw_calloc(s->al, cap, sizeof *set);
        if (!set) return false;
        for (uint32_t i = 0; i < s->objs_cap; i++)
            if (s->objs[i]) obj_insert(set, cap, s->objs[i]);
        zw_free(s->al, s->objs);
        s->objs = set;
        s->objs_cap = cap;
    }
    obj_insert(s->objs, s->objs_cap, (uintptr_t)obj | (uintptr_t)k);
    s->objs_n++;
    return true;
}

/* Remove key from the set (backward-shift deletion keeps every other key
 * reachable from its home bucket); false if absent. */
static bool obj_remove(zw_store *s, uintptr_t key) {
    if (!s->objs_cap) return false;
    uint32_t mask = s->objs_cap - 1, h = obj_hash(key) & mask;
    while (s->objs[h] != key) {
        if (!s->objs[h]) return false;
        h = (h + 1) & mask;
    }
    for (uint32_t j = (h + 1) & mask; s->objs[j]; j = (j + 1) & mask) {
        uint32_t home = obj_hash(s->objs[j]) & mask;
        /* move j back into the hole at h unless its home lies in (h, j] */
        bool stays = h <= j ? (home > h && home <= j) : (home > h || home <= j);
        if (!stays) {
            s->objs[h] = s->objs[j];
            h = j;
        }
    }
    s->objs[h] = 0;
    s->objs_n--;
    return true;
}

void zw_store_discard(zw_store *s, zw_objkind k, void *obj) {
    if (!obj || !obj_remove(s, (uintptr_t)obj | (uintptr_t)k)) return;
    switch (k) {
    case ZW_OBJ_MEMORY:
        zw_store_release(s, ((zw_memory *)obj)->size);
        s->nmems--;
        break;
    case ZW_OBJ_TABLE:
        zw_store_release(s, ((zw_tableinst *)obj)->size * sizeof(void *));
        s->ntables--;
        break;
    case ZW_OBJ_INSTANCE:
        s->ninstances--;
        for (uint32_t i = s->insts.n; i-- > 0;)
            if (s->insts.v[i] == obj) {
                memmove(s->insts.v + i, s->insts.v + i + 1, (s->insts.n - i - 1) * sizeof *s->insts.v);
                s->insts.n--;
                break;
            }
        break;
    case ZW_OBJ_EXN: zw_store_release(s, sizeof(zw_exn) + ((zw_exn *)obj)->nslots * sizeof(zw_slot)); break;
    default: break;
    }
    free_object(s, (uintptr_t)obj | (uintptr_t)k);
}

bool zw_store_owns(const zw_store *s, zw_objkind k, const void *obj) {
    if (!zw_store_live(s) || !obj || !s->objs_cap) return false;
    uintptr_t key = (uintptr_t)obj | (uintptr_t)k;
    uint32_t mask = s->objs_cap - 1;
    for (uint32_t h = obj_hash(key) & mask; s->objs[h]; h = (h + 1) & mask)
        if (s->objs[h] == key) return true;
    return false;
}

bool zw_store_ref_ok(const zw_store *s, uint32_t kind, const void *ref) {
    if (kind == ZWASM_EXNREF) return !ref || zw_store_owns(s, ZW_OBJ_EXN, ref);
    return kind != ZWASM_FUNCREF || !ref || zw_store_owns(s, ZW_OBJ_FUNC, ref);
}

/* ---- limits, fuel, interruption ---------------------------------------------------- */

bool zw_store_can_charge(const zw_store *s, uint64_t bytes) {
    return bytes <= s->limits.memory_bytes && s->mem_used <= s->limits.memory_bytes - bytes;
}

bool zw_store_charge(zw_store *s, uint64_t bytes) {
    if (!zw_store_can_charge(s, bytes)) return false;
    s->mem_used += bytes;
    return true;
}

void zw_store_release(zw_store *s, uint64_t bytes) {
    s->mem_used = bytes > s->mem_used ? 0 : s->mem_used - bytes;
}

ZWASM_API zwasm_result_t zwasm_store_set_limits(zwasm_store_t *s, const zwasm_store_limits_t *limits,
                                                zwasm_error_t *err) {
    if (!zw_store_live(s))
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "zwasm_store_set_limits: %s", s ? "store has been deleted" : "NULL store");
    if (!limits)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "zwasm_store_set_limits: NULL limits");
    s->limits = *limits;
    return ZWASM_OK;
}

ZWASM_API void zwasm_store_get_limits(const zwasm_store_t *s, zwasm_store_limits_t *out) {
    if (!out) return;
    if (zw_store_live(s)) *out = s->limits;
    else memset(out, 0, sizeof *out);
}

ZWASM_API uint64_t zwasm_store_memory_used(const zwasm_store_t *s) {
    return zw_store_live(s) ? s->mem_used : 0;
}

ZWASM_API bool zwasm_store_get_fuel(const zwasm_store_t *s, uint64_t *fuel) {
    bool on = zw_store_live(s) && s->exec.fuel_on;
    if (fuel) *fuel = on ? s->exec.fuel : 0;
    return on;
}

ZWASM_API zwasm_result_t zwasm_store_set_fuel(zwasm_store_t *s, uint64_t fuel, zwasm_error_t *err) {
    if (!zw_store_live(s))
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "zwasm_store_set_fuel: %s", s ? "store has been deleted" : "NULL store");
    if (!s->exec.fuel_on)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "zwasm_store_set_fuel: the engine was created without fuel");
    s->exec.fuel = fuel;
    return ZWASM_OK;
}

ZWASM_API void zwasm_store_interrupt(zwasm_store_t *s) {
    if (s) ZW_ATOMIC_STORE(&s->interrupt, 1u);
}

/* ---- canonical types ------------------------------------------------------------ */

bool zw_store_module_types(zw_store *s, const zw_module *m, uint32_t *ids) {
    for (uint32_t first = 0; first < m->ntypes; first += m->types[first].rec_count)
        if (!zw_typetab_add_group(&s->types, s->al, m->types, first, m->types[first].rec_count, ids))
            return false;
    return true;
}

/* Deep copy of a function type: params and results in one allocation. */
bool zw_functype_copy(const zw_alloc *al, zw_functype *dst, const zw_functype *src) {
    size_t n = (size_t)src->nparams + src->nresults;
    zw_valtype *v = zw_calloc(al, n, sizeof *v);
    if (!v) return false;
    for (uint32_t i = 0; i < src->nparams; i++) v[i] = src->params[i];
    for (uint32_t i = 0; i < src->nresults; i++) v[src->nparams + i] = src->results[i];
    dst->nparams = src->nparams;
    dst->nresults = src->nresults;
    dst->params = v;
    dst->results = v + src->nparams;
    return true;
}

uint32_t zw_store_type_id(zw_store *s, const zw_functype *t) {
    /* a final function type alone in its group, like (type (func ...)) */
    zw_type ty = {.kind = ZW_COMP_FUNC, .func = *t, .super = ZW_NO_TYPE, .final = true, .rec_count = 1};
    uint32_t id;
    return zw_typetab_add_group(&s->types, s->al, &ty, 0, 1, &id) ? id : UINT32_MAX;
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
    case ZWASM_ERR_LIMIT: return "resource limit";
    case ZWASM_ERR_EXCEPTION: return "uncaught exception";
    }
    return "unknown result";
}

ZWASM_API const char *zwasm_version(void) { return ZWASM_VERSION; }
