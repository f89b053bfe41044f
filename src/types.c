/*
 * types.c — defined types: iso-recursive equivalence (canonical type
 * tables) and subtyping of heap, value, field and composite types.
 *
 * Used twice with the same code: the validator canonicalises a module's
 * types into a table of its own (so zw_type.canon says which of its types
 * are equal), and a store keeps one table for every module instantiated in
 * it (so a type id, one compare, says whether two modules' types are equal).
 *
 * A recursion group is looked up by its structure: references to types
 * inside the group count by their position in it, references outside by
 * the table id they already have.  Groups are hashed (FNV-1a) into an
 * open-addressing index.
 */
#include "module.h"

/* A heap type of a member of the group [first, first+count): inside the
 * group by position (REL | offset), outside by table id (through ids, or
 * as is when ids is NULL: the group is already in the table). */
#define REL (1ull << 40)

static uint64_t rel_heap(uint32_t ht, uint32_t first, uint32_t count, const uint32_t *ids) {
    if (!zw_heap_is_idx(ht)) return ht;
    uint32_t x = ht - ZW_HT_IDX;
    if (x >= first && x - first < count) return REL | (x - first);
    return ZW_HT_IDX + (uint64_t)(ids ? ids[x] : x);
}

static uint64_t rel_vt(zw_valtype t, uint32_t first, uint32_t count, const uint32_t *ids) {
    if (t < 0x100 || !zw_is_ref(t)) return t;
    return rel_heap(zw_ref_heap(t), first, count, ids) << 8 | (t & 0xFF);
}

static uint64_t rel_super(uint32_t super, uint32_t first, uint32_t count, const uint32_t *ids) {
    return super == ZW_NO_TYPE ? UINT64_MAX : rel_heap(ZW_HT_IDX + super, first, count, ids);
}

/* Every value of a type's structure in order, for hashing and comparing. */
typedef struct walk {
    const zw_type *t;
    uint32_t first, count;
    const uint32_t *ids;
} walk;

static uint32_t walk_len(const zw_type *t) {
    uint32_t body = t->kind == ZW_COMP_FUNC ? t->func.nparams + t->func.nresults : 2 * t->nfields;
    return 5 + body;
}

static uint64_t walk_at(const walk *w, uint32_t i) {
    const zw_type *t = w->t;
    switch (i) {
    case 0: return t->kind;
    case 1: return t->final;
    case 2: return rel_super(t->super, w->first, w->count, w->ids);
    case 3: return t->kind == ZW_COMP_FUNC ? t->func.nparams : t->nfields;
    case 4: return t->kind == ZW_COMP_FUNC ? t->func.nresults : 0;
    }
    i -= 5;
    if (t->kind == ZW_COMP_FUNC) return rel_vt(t->func.params[i], w->first, w->count, w->ids);
    const zw_fieldtype *f = &t->fields[i / 2];
    return i % 2 ? f->mut : rel_vt(f->type, w->first, w->count, w->ids);
}

static uint64_t group_hash(const zw_type *types, uint32_t first, uint32_t count, const uint32_t *ids) {
    uint64_t h = 0xcbf29ce484222325ull ^ count;
    for (uint32_t k = 0; k < count; k++) {
        walk w = {&types[first + k], first, count, ids};
        uint32_t n = walk_len(w.t);
        for (uint32_t i = 0; i < n; i++) h = (h ^ walk_at(&w, i)) * 0x100000001b3ull;
    }
    return h ^ (h >> 29);
}

/* Group a (types/first/ids) equals the table's group starting at id g. */
static bool group_eq(const zw_typetab *tab, uint32_t g, const zw_type *types, uint32_t first,
                     uint32_t count, const uint32_t *ids) {
    if (tab->v.v[g].rec_count != count) return false;
    for (uint32_t k = 0; k < count; k++) {
        walk a = {&types[first + k], first, count, ids};
        walk b = {&tab->v.v[g + k], g, count, NULL};
        uint32_t n = walk_len(a.t);
        if (walk_len(b.t) != n) return false;
        for (uint32_t i = 0; i < n; i++)
            if (walk_at(&a, i) != walk_at(&b, i)) return false;
    }
    return true;
}

static bool index_grow(zw_typetab *tab, const zw_alloc *al) {
    uint32_t cap = tab->cap ? tab->cap * 2 : 64;
    uint32_t *idx = zw_calloc(al, cap, sizeof *idx);
    if (!idx) return false;
    for (uint32_t i = 0; i < tab->cap; i++) {
        uint32_t e = tab->index[i];
        if (!e) continue;
        uint32_t g = e - 1;
        uint64_t h = group_hash(tab->v.v, g, tab->v.v[g].rec_count, NULL);
        uint32_t j = (uint32_t)h & (cap - 1);
        while (idx[j]) j = (j + 1) & (cap - 1);
        idx[j] = e;
    }
    zw_free(al, tab->index);
    tab->index = idx;
    tab->cap = cap;
    return true;
}

/* A value type of the group with its type indices turned into table ids
 * (the group's members become g, g+1, ...). */
static zw_valtype tr_vt(zw_valtype t, uint32_t first, uint32_t count, const uint32_t *ids, uint32_t g) {
    if (t < 0x100 || !zw_is_ref(t) || !zw_heap_is_idx(zw_ref_heap(t))) return t;
    uint32_t x = zw_ref_heap(t) - ZW_HT_IDX;
    uint32_t id = x >= first && x - first < count ? g + (x - first) : ids ? ids[x] : x;
    return zw_ref_type(ZW_HT_IDX + id, zw_ref_nullable(t));
}

/* Copy type t of the group into dst, its type indices translated to table
 * ids. */
static bool copy_type(const zw_alloc *al, zw_type *dst, const zw_type *t, uint32_t first, uint32_t count,
                      const uint32_t *ids, uint32_t g) {
    *dst = *t;
    dst->func.params = dst->func.results = NULL;
    dst->fields = NULL;
    dst->supers = NULL;
    dst->field_off = NULL;
    dst->elem_size = 0;
    if (t->kind == ZW_COMP_FUNC) {
        uint32_t n = t->func.nparams + t->func.nresults;
        dst->func.params = zw_calloc(al, n ? n : 1, sizeof(zw_valtype));
        if (!dst->func.params) return false;
        dst->func.results = dst->func.params + t->func.nparams;
        for (uint32_t i = 0; i < n; i++) dst->func.params[i] = tr_vt(t->func.params[i], first, count, ids, g);
    } else {
        dst->fields = zw_calloc(al, t->nfields ? t->nfields : 1, sizeof *dst->fields);
        if (!dst->fields) return false;
        for (uint32_t i = 0; i < t->nfields; i++) {
            dst->fields[i].mut = t->fields[i].mut;
            dst->fields[i].type = tr_vt(t->fields[i].type, first, count, ids, g);
        }
    }
    if (t->super != ZW_NO_TYPE) dst->super = zw_ref_heap(tr_vt(zw_ref_type(ZW_HT_IDX + t->super, false), first, count, ids, g)) - ZW_HT_IDX;
    return true;
}

bool zw_typetab_add_group(zw_typetab *tab, const zw_alloc *al, const zw_type *types, uint32_t first,
                          uint32_t count, uint32_t *ids) {
    uint64_t h = group_hash(types, first, count, ids);
    if (tab->cap) {
        for (uint32_t j = (uint32_t)h & (tab->cap - 1); tab->index[j]; j = (j + 1) & (tab->cap - 1)) {
            uint32_t g = tab->index[j] - 1;
            if (group_eq(tab, g, types, first, count, ids)) {
                for (uint32_t k = 0; k < count; k++) ids[first + k] = g + k;
                return true;
            }
        }
    }
    uint32_t g = tab->v.n;
    if ((uint64_t)g + count >= ZW_HT_MAX_IDX) return false; /* ids must fit in a zw_valtype */
    if ((tab->v.n + 1) * 2 > tab->cap && !index_grow(tab, al)) return false;
    for (uint32_t k = 0; k < count; k++) {
        zw_type t;
        if (!copy_type(al, &t, &types[first + k], first, count, ids, g)) return false;
        t.rec_first = g;
        t.rec_count = count;
        t.canon = g + k;
        /* the layout of its objects: struct fields at their natural
         * alignment, in order; an array's element size */
        if (t.kind == ZW_COMP_STRUCT) {
            t.field_off = zw_calloc(al, t.nfields + 1, sizeof *t.field_off);
            for (uint32_t i = 0; t.field_off && i <= t.nfields; i++) t.field_off[i] = zw_struct_field_offset(&t, i);
        } else if (t.kind == ZW_COMP_ARRAY) {
            t.elem_size = zw_storage_size(t.fields[0].type);
        }
        /* a supertype comes earlier (the validator checked): already here */
        t.depth = t.super == ZW_NO_TYPE ? 0 : tab->v.v[t.super].depth + 1;
        t.supers = zw_calloc(al, t.depth + 1, sizeof *t.supers);
        if (t.supers) {
            if (t.depth) memcpy(t.supers, tab->v.v[t.super].supers, t.depth * sizeof *t.supers);
            t.supers[t.depth] = g + k;
        }
        if (!t.supers || (t.kind == ZW_COMP_STRUCT && !t.field_off) || !ZW_VEC_PUSH(al, &tab->v, t)) {
            zw_free(al, t.func.params);
            zw_free(al, t.fields);
            zw_free(al, t.supers);
            zw_free(al, t.field_off);
            /* members already pushed stay unreachable from the index: drop them */
            while (tab->v.n > g) {
                tab->v.n--;
                zw_free(al, tab->v.v[tab->v.n].func.params);
                zw_free(al, tab->v.v[tab->v.n].fields);
                zw_free(al, tab->v.v[tab->v.n].supers);
                zw_free(al, tab->v.v[tab->v.n].field_off);
            }
            return false;
        }
    }
    uint32_t j = (uint32_t)h & (tab->cap - 1);
    while (tab->index[j]) j = (j + 1) & (tab->cap - 1);
    tab->index[j] = g + 1;
    for (uint32_t k = 0; k < count; k++) ids[first + k] = g + k;
    return true;
}

void zw_typetab_free(zw_typetab *tab, const zw_alloc *al) {
    for (uint32_t i = 0; i < tab->v.n; i++) {
        zw_free(al, tab->v.v[i].func.params);
        zw_free(al, tab->v.v[i].fields);
        zw_free(al, tab->v.v[i].supers);
        zw_free(al, tab->v.v[i].field_off);
    }
    ZW_VEC_FREE(al, &tab->v);
    zw_free(al, tab->index);
    memset(tab, 0, sizeof *tab);
}

uint32_t zw_struct_field_offset(const zw_type *t, uint32_t f) {
    uint32_t off = 0;
    for (uint32_t i = 0; i < t->nfields; i++) {
        uint32_t sz = zw_storage_size(t->fields[i].type);
        off = (off + sz - 1) / sz * sz;
        if (i == f) return off;
        off += sz;
    }
    return off;
}

/* ---- subtyping ------------------------------------------------------------------ */

uint32_t zw_heap_top(const zw_type *types, uint32_t ht) {
    if (zw_heap_is_idx(ht)) return types[ht - ZW_HT_IDX].kind == ZW_COMP_FUNC ? ZW_HT_FUNC : ZW_HT_ANY;
    switch (ht) {
    case ZW_HT_FUNC: case ZW_HT_NOFUNC: return ZW_HT_FUNC;
    case ZW_HT_EXTERN: case ZW_HT_NOEXTERN: return ZW_HT_EXTERN;
    case ZW_HT_EXN: case ZW_HT_NOEXN: return ZW_HT_EXN;
    case ZW_HT_BOT: return ZW_HT_BOT;
    }
    return ZW_HT_ANY;
}

bool zw_heap_sub(const zw_type *types, uint32_t a, uint32_t b) {
    if (a == b || a == ZW_HT_BOT) return true;
    bool ai = zw_heap_is_idx(a), bi = zw_heap_is_idx(b);
    if (ai && bi) {
        uint32_t want = types[b - ZW_HT_IDX].canon;
        for (uint32_t x = a - ZW_HT_IDX; x != ZW_NO_TYPE; x = types[x].super)
            if (types[x].canon == want) return true;
        return false;
    }
    if (ai) { /* a defined type below an abstract one */
        zw_comp_kind k = types[a - ZW_HT_IDX].kind;
        switch (b) {
        case ZW_HT_FUNC: return k == ZW_COMP_FUNC;
        case ZW_HT_STRUCT: return k == ZW_COMP_STRUCT;
        case ZW_HT_ARRAY: return k == ZW_COMP_ARRAY;
        case ZW_HT_EQ: case ZW_HT_ANY: return k != ZW_COMP_FUNC;
        }
        return false;
    }
    if (bi) { /* only a bottom type is below a defined one */
        zw_comp_kind k = types[b - ZW_HT_IDX].kind;
        return a == ZW_HT_NOFUNC ? k == ZW_COMP_FUNC : a == ZW_HT_NONE && k != ZW_COMP_FUNC;
    }
    switch (b) {
    case ZW_HT_ANY: return a == ZW_HT_EQ || a == ZW_HT_I31 || a == ZW_HT_STRUCT || a == ZW_HT_ARRAY || a == ZW_HT_NONE;
    case ZW_HT_EQ: return a == ZW_HT_I31 || a == ZW_HT_STRUCT || a == ZW_HT_ARRAY || a == ZW_HT_NONE;
    case ZW_HT_I31: case ZW_HT_STRUCT: case ZW_HT_ARRAY: return a == ZW_HT_NONE;
    case ZW_HT_FUNC: return a == ZW_HT_NOFUNC;
    case ZW_HT_EXTERN: return a == ZW_HT_NOEXTERN;
    case ZW_HT_EXN: return a == ZW_HT_NOEXN;
    }
    return false;
}

bool zw_valtype_sub(const zw_type *types, zw_valtype a, zw_valtype b) {
    if (a == b) return true;
    if (!zw_is_ref(a) || !zw_is_ref(b)) return false;
    if (zw_ref_nullable(a) && !zw_ref_nullable(b)) return false;
    return zw_heap_sub(types, zw_ref_heap(a), zw_ref_heap(b));
}

bool zw_valtype_eq(const zw_type *types, zw_valtype a, zw_valtype b) {
    return zw_valtype_sub(types, a, b) && zw_valtype_sub(types, b, a);
}

static bool field_sub(const zw_type *types, const zw_fieldtype *a, const zw_fieldtype *b) {
    if (a->mut != b->mut) return false;
    if (a->mut) return zw_valtype_eq(types, a->type, b->type);
    return zw_valtype_sub(types, a->type, b->type);
}

bool zw_comp_sub(const zw_type *types, const zw_type *a, const zw_type *b) {
    if (a->kind != b->kind) return false;
    switch (a->kind) {
    case ZW_COMP_FUNC:
        if (a->func.nparams != b->func.nparams || a->func.nresults != b->func.nresults) return false;
        for (uint32_t i = 0; i < a->func.nparams; i++)
            if (!zw_valtype_sub(types, b->func.params[i], a->func.params[i])) return false;
        for (uint32_t i = 0; i < a->func.nresults; i++)
            if (!zw_valtype_sub(types, a->func.results[i], b->func.results[i])) return false;
        return true;
    case ZW_COMP_STRUCT:
    case ZW_COMP_ARRAY:
        if (a->nfields < b->nfields) return false;
        for (uint32_t i = 0; i < b->nfields; i++)
            if (!field_sub(types, &a->fields[i], &b->fields[i])) return false;
        return true;
    }
    return false;
}
