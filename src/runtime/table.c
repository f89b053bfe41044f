/*
 * table.c — table instances (arrays of references, grown with realloc) and
 * the zwasm_table_* API.
 */
#include "runtime.h"

#define ZW_TABLE_MAX_32 ((uint64_t)UINT32_MAX)
/* Implementation limit on the number of elements of any table (as in V8):
 * creating a larger table fails (out of memory) and table.grow beyond it
 * returns -1, instead of trying to allocate up to 32 GiB of pointers. */
#define ZW_TABLE_MAX_ELEMS ((uint64_t)10000000)

zwasm_result_t zw_table_create(zw_store *s, const zw_tabletype *t, void *init,
                               zw_tableinst **out, zwasm_error_t *err) {
    *out = NULL;
    uint64_t limit = ZW_TABLE_MAX_32;
    if (t->is64) limit = UINT64_MAX;
    uint64_t max = t->lim.has_max && t->lim.max < limit ? t->lim.max : limit;
    if (t->lim.min > max || t->lim.min > ZW_TABLE_MAX_ELEMS)
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "out of memory: a table of %llu elements (the implementation limit "
                          "is %llu)",
                          (unsigned long long)t->lim.min, (unsigned long long)ZW_TABLE_MAX_ELEMS);
    if (s->ntables >= s->limits.tables)
        return zw_err_set(err, ZWASM_ERR_LIMIT, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "table limit: the store may create %u tables", s->limits.tables);
    uint64_t bytes = t->lim.min * sizeof(void *);
    if (!zw_store_charge(s, bytes))
        return zw_err_set(err, ZWASM_ERR_LIMIT, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "memory limit: a table of %llu elements (%llu bytes) exceeds the "
                          "store's limit of %llu bytes (%llu in use)",
                          (unsigned long long)t->lim.min, (unsigned long long)bytes,
                          (unsigned long long)s->limits.memory_bytes,
                          (unsigned long long)s->mem_used);
    zw_tableinst *tab = zw_calloc(s->al, 1, sizeof *tab);
    if (tab) tab->elems = zw_calloc(s->al, (size_t)t->lim.min, sizeof(void *));
    if (!tab || !tab->elems || !zw_store_adopt(s, ZW_OBJ_TABLE, tab)) {
        if (tab) zw_free(s->al, tab->elems);
        zw_free(s->al, tab);
        zw_store_release(s, bytes);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    s->ntables++;
    if (init)
        for (uint64_t i = 0; i < t->lim.min; i++) tab->elems[i] = init;
    tab->store = s;
    tab->size = t->lim.min;
    tab->max = max;
    tab->type = *t;
    *out = tab;
    return ZWASM_OK;
}

void zw_table_destroy(zw_tableinst *t) {
    if (!t) return;
    zw_free(t->store->al, t->elems);
    zw_free(t->store->al, t);
}

bool zw_table_can_grow(const zw_tableinst *t, uint64_t delta) {
    return delta <= t->max - t->size && t->size + delta <= ZW_TABLE_MAX_ELEMS;
}

int64_t zw_table_grow(zw_tableinst *t, uint64_t delta, void *init) {
    uint64_t old = t->size;
    if (delta == 0) return (int64_t)old;
    if (!zw_table_can_grow(t, delta)) return -1;
    uint64_t n = old + delta;
    if (!zw_store_charge(t->store, delta * sizeof(void *))) return -1;
    void **e = zw_realloc_array(t->store->al, t->elems, (size_t)n, sizeof(void *));
    if (!e) {
        zw_store_release(t->store, delta * sizeof(void *));
        return -1;
    }
    for (uint64_t i = old; i < n; i++) e[i] = init;
    t->elems = e;
    t->size = n;
    return (int64_t)old;
}

/* ---- API -------------------------------------------------------------------- */

/* A reference value of the table's element type that may enter store s. */
static bool ref_of(const zw_store *s, zw_valtype elem, const zwasm_val_t *v, void **out) {
    if (!zw_val_fits(s, elem, v)) return false;
    *out = v->kind == ZWASM_FUNCREF ? (void *)v->of.funcref : v->of.externref;
    return true;
}

ZWASM_API zwasm_table_t *zwasm_table_new(zwasm_store_t *store, uint32_t elem_kind, uint64_t min,
                                         uint64_t max, bool has_max, zwasm_val_t init) {
    zwasm_externtype_t t = {.kind = ZWASM_EXTERN_TABLE};
    t.of.table.elem = elem_kind;
    t.of.table.limits = (zwasm_limits_t){min, max, has_max};
    return zwasm_table_new_typed(store, &t, init);
}

ZWASM_API zwasm_table_t *zwasm_table_new_typed(zwasm_store_t *store, const zwasm_externtype_t *type,
                                               zwasm_val_t init) {
    if (!zw_store_live(store) || !type || type->kind != ZWASM_EXTERN_TABLE) return NULL;
    uint32_t elem_kind = type->of.table.elem;
    uint64_t min = type->of.table.limits.min, max = type->of.table.limits.max;
    bool has_max = type->of.table.limits.has_max, is64 = type->of.table.is64;
    if (elem_kind != ZWASM_FUNCREF && elem_kind != ZWASM_EXTERNREF) return NULL;
    uint64_t bound = is64 ? UINT64_MAX : ZW_TABLE_MAX_32;
    if (min > bound || (has_max && (max > bound || max < min))) return NULL;
    void *ref;
    if (!ref_of(store, elem_kind, &init, &ref)) return NULL;
    zw_tabletype t = {.elem = elem_kind, .is64 = is64,
                      .lim = {.min = min, .max = has_max ? max : 0, .has_max = has_max}};
    zw_tableinst *tab;
    zw_table_create(store, &t, ref, &tab, NULL);
    return tab;
}

ZWASM_API uint64_t zwasm_table_size(const zwasm_table_t *t) { return t ? t->size : 0; }

ZWASM_API bool zwasm_table_get(const zwasm_table_t *t, uint64_t i, zwasm_val_t *out) {
    if (!t || !out || i >= t->size) return false;
    memset(out, 0, sizeof *out);
    out->kind = zw_val_kind(t->store->types.v.v, t->type.elem);
    if (out->kind == ZWASM_FUNCREF) out->of.funcref = t->elems[i];
    else out->of.externref = t->elems[i];
    return true;
}

ZWASM_API bool zwasm_table_set(zwasm_table_t *t, uint64_t i, zwasm_val_t v) {
    void *ref;
    if (!t || i >= t->size || !ref_of(t->store, t->type.elem, &v, &ref)) return false;
    t->elems[i] = ref;
    return true;
}

ZWASM_API int64_t zwasm_table_grow(zwasm_table_t *t, uint64_t delta, zwasm_val_t init) {
    void *ref;
    if (!t || !ref_of(t->store, t->type.elem, &init, &ref)) return -1;
    return zw_table_grow(t, delta, ref);
}

ZWASM_API void zwasm_table_type(const zwasm_table_t *t, zwasm_externtype_t *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    out->kind = ZWASM_EXTERN_TABLE;
    if (!t) return;
    out->of.table.elem = t->type.elem;
    out->of.table.limits.min = t->size;
    out->of.table.limits.max = t->type.lim.has_max ? t->type.lim.max : 0;
    out->of.table.limits.has_max = t->type.lim.has_max;
    out->of.table.is64 = t->type.is64;
}
