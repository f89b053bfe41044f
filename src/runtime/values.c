/*
 * values.c — conversions between API values (zwasm_val_t), runtime values
 * (zw_value) and interpreter slots (zw_slot), and the zwasm_global_* API.
 *
 * Slot layout (runtime.h): 8-byte slots; i32/f32 in the low 32 bits (we
 * write the upper bits as zero), v128 in two slots low half first,
 * references as pointers.
 */
#include "runtime.h"

bool zw_valkind_ok(uint32_t k) {
    switch (k) {
    case ZW_I32: case ZW_I64: case ZW_F32: case ZW_F64: case ZW_V128:
    case ZWASM_FUNCREF: case ZWASM_EXTERNREF: case ZWASM_ANYREF: case ZWASM_EXNREF:
        return true;
    }
    return false;
}

const char *zw_valkind_name(uint32_t k) {
    return zw_valkind_ok(k) ? zw_valtype_name(k) : "unknown type";
}

uint32_t zw_types_slots(const zw_valtype *t, uint32_t n) {
    uint32_t s = 0;
    for (uint32_t i = 0; i < n; i++) s += zw_slots(t[i]);
    return s;
}

void zw_val_to_slots(const zwasm_val_t *v, zw_slot *out) {
    switch (v->kind) {
    case ZW_I32: out[0] = (uint32_t)v->of.i32; break;
    case ZW_I64: out[0] = (uint64_t)v->of.i64; break;
    case ZW_F32: out[0] = zw_f32_bits(v->of.f32); break;
    case ZW_F64: out[0] = zw_f64_bits(v->of.f64); break;
    case ZW_V128: memcpy(out, v->of.v128, 16); break;
    case ZWASM_FUNCREF: out[0] = (uint64_t)(uintptr_t)v->of.funcref; break;
    case ZWASM_EXTERNREF: case ZWASM_ANYREF: case ZWASM_EXNREF:
        out[0] = (uint64_t)(uintptr_t)v->of.externref;
        break;
    default: out[0] = 0; break;
    }
}

uint32_t zw_val_kind(const zw_type *types, zw_valtype t) {
    if (!zw_is_ref(t)) return t;
    uint32_t ht = zw_ref_heap(t);
    if (zw_heap_is_idx(ht) && !types) return ZWASM_FUNCREF;
    return zw_heap_top(types, ht);
}

bool zw_val_fits(const zw_store *s, zw_valtype t, const zwasm_val_t *v) {
    if (!zw_is_ref(t)) return v->kind == t;
    if (v->kind != zw_val_kind(s->types.v.v, t)) return false;
    uint32_t ht = zw_ref_heap(t);
    if (v->kind == ZWASM_FUNCREF) {
        const zw_funcinst *f = v->of.funcref;
        if (!f) return zw_ref_nullable(t);
        if (!zw_store_owns(s, ZW_OBJ_FUNC, f)) return false;
        return ht == ZW_HT_FUNC || (zw_heap_is_idx(ht) && zw_store_type_sub(s, f->type_id, ht - ZW_HT_IDX));
    }
    if (!v->of.externref) return zw_ref_nullable(t);
    if (v->kind == ZWASM_ANYREF) { /* an i31, or an object of this store */
        uint64_t x = (uint64_t)(uintptr_t)v->of.anyref;
        if (!(x & 1) && !zw_gc_is_object(s, v->of.anyref)) return false;
        return zw_gc_ref_in(s, x, ht);
    }
    if (v->kind == ZWASM_EXNREF) /* an exception of this store */
        return zw_store_owns(s, ZW_OBJ_EXN, v->of.exnref) && (ht == ZW_HT_EXN || ht == ZW_HT_BOT);
    /* a host value: an externref */
    return v->kind == ZWASM_EXTERNREF && ht == ZW_HT_EXTERN;
}

void zw_slots_to_val(const zw_type *types, zw_valtype t, const zw_slot *in, zwasm_val_t *out) {
    memset(out, 0, sizeof *out);
    out->kind = zw_val_kind(types, t);
    switch (out->kind) {
    case ZW_I32: out->of.i32 = (int32_t)(uint32_t)in[0]; break;
    case ZW_I64: out->of.i64 = (int64_t)in[0]; break;
    case ZW_F32: out->of.f32 = zw_bits_f32((uint32_t)in[0]); break;
    case ZW_F64: out->of.f64 = zw_bits_f64(in[0]); break;
    case ZW_V128: memcpy(out->of.v128, in, 16); break;
    case ZWASM_FUNCREF: out->of.funcref = (zwasm_func_t *)(uintptr_t)in[0]; break;
    case ZWASM_EXTERNREF: case ZWASM_ANYREF: case ZWASM_EXNREF:
        out->of.externref = (void *)(uintptr_t)in[0];
        break;
    default: break;
    }
}

void zw_value_from_val(const zwasm_val_t *v, zw_value *out) {
    memset(out, 0, sizeof *out);
    zw_val_to_slots(v, out->slots);
}

void zw_value_to_val(const zw_type *types, zw_valtype t, const zw_value *in, zwasm_val_t *out) {
    zw_slots_to_val(types, t, in->slots, out);
}

/* ---- globals ------------------------------------------------------------------ */

zw_globalinst *zw_global_create(zw_store *s, const zw_globaltype *t, const zw_value *init) {
    zw_globalinst *g = zw_calloc(s->al, 1, sizeof *g);
    if (!g) return NULL;
    if (!zw_store_adopt(s, ZW_OBJ_GLOBAL, g)) {
        zw_free(s->al, g);
        return NULL;
    }
    g->store = s;
    g->type = *t;
    if (init) g->val = *init;
    return g;
}

ZWASM_API zwasm_global_t *zwasm_global_new(zwasm_store_t *store, uint32_t kind, bool mut,
                                           zwasm_val_t init) {
    if (!zw_store_live(store) || !zw_valkind_ok(kind) || init.kind != kind) return NULL;
    if (!zw_store_ref_ok(store, kind, init.of.funcref)) return NULL;
    zw_globaltype t = {.type = kind, .mut = mut};
    zw_value v;
    zw_value_from_val(&init, &v);
    return zw_global_create(store, &t, &v);
}

ZWASM_API void zwasm_global_get(const zwasm_global_t *g, zwasm_val_t *out) {
    if (!out) return;
    if (!g) {
        memset(out, 0, sizeof *out);
        return;
    }
    zw_value_to_val(g->store->types.v.v, g->type.type, &g->val, out);
}

ZWASM_API bool zwasm_global_set(zwasm_global_t *g, zwasm_val_t v) {
    if (!g || !g->type.mut || !zw_val_fits(g->store, g->type.type, &v)) return false;
    zw_value_from_val(&v, &g->val);
    return true;
}

ZWASM_API void zwasm_global_type(const zwasm_global_t *g, zwasm_externtype_t *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    out->kind = ZWASM_EXTERN_GLOBAL;
    if (!g) return;
    out->of.global.type = g->type.type;
    out->of.global.mut = g->type.mut;
}
