/*
 * wasm_c_api.c — the standard WebAssembly C API (include/wasm.h) and its
 * WASI companion (include/wasi.h), written
 * over the native API (include/zwasm.h) and nothing else: every operation
 * has one implementation, the native one; this file converts types,
 * values and ownership.  Owner: API engineer.
 *
 * Handles.  Every object handle (func, global, table, memory, extern,
 * instance, module, trap, foreign, ref) is one record, `struct wasm_ref_t`,
 * which the typed handle structs wrap as their only member, so the
 * as_extern/as_ref views are casts.  A handle names its object (a native
 * pointer), the store it lives in, and carries host info.  Deleting a
 * handle never deletes the object: store objects die with the store.
 *
 * Type objects (valtype, functype, ...) are one record too,
 * `struct wasm_externtype_t`, for the same reason (as_externtype views).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../include/wasi.h"
#include "../../include/wasm.h"
#include "../../include/zwasm.h"

#define NEW(T) ((T *)calloc(1, sizeof(T)))

/* ---- vectors --------------------------------------------------------------------------- */
/* Element deleters and copiers of the vector kinds. */
#define VEC_IMPL(name, elem_t, del, cp)                                                        \
    void wasm_##name##_vec_new_empty(wasm_##name##_vec_t *out) {                              \
        out->size = 0;                                                                        \
        out->data = NULL;                                                                     \
    }                                                                                         \
    void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t *out, size_t size) {         \
        out->data = size ? calloc(size, sizeof(elem_t)) : NULL;                               \
        out->size = out->data ? size : 0;                                                     \
    }                                                                                         \
    void wasm_##name##_vec_new(wasm_##name##_vec_t *out, size_t size, elem_t const data[]) {  \
        wasm_##name##_vec_new_uninitialized(out, size);                                       \
        if (out->size) memcpy(out->data, data, size * sizeof(elem_t));                        \
    }                                                                                         \
    void wasm_##name##_vec_copy(wasm_##name##_vec_t *out, const wasm_##name##_vec_t *src) {   \
        wasm_##name##_vec_new_uninitialized(out, src->size);                                  \
        for (size_t i = 0; i < out->size; i++) cp(&out->data[i], &src->data[i]);              \
    }                                                                                         \
    void wasm_##name##_vec_delete(wasm_##name##_vec_t *v) {                                   \
        if (!v) return;                                                                       \
        for (size_t i = 0; i < v->size; i++) del(&v->data[i]);                                \
        free(v->data);                                                                        \
        v->data = NULL;                                                                       \
        v->size = 0;                                                                          \
    }

static void byte_del(wasm_byte_t *b) { (void)b; }
static void byte_cp(wasm_byte_t *d, const wasm_byte_t *s) { *d = *s; }
VEC_IMPL(byte, wasm_byte_t, byte_del, byte_cp)

static void val_cp(wasm_val_t *d, const wasm_val_t *s) { wasm_val_copy(d, s); }
VEC_IMPL(val, wasm_val_t, wasm_val_delete, val_cp)

#define PTR_VEC_IMPL(name)                                                                     \
    static void name##_pdel(wasm_##name##_t **p) { wasm_##name##_delete(*p); }                \
    static void name##_pcp(wasm_##name##_t **d, wasm_##name##_t *const *s) {                  \
        *d = *s ? wasm_##name##_copy(*s) : NULL;                                              \
    }                                                                                         \
    VEC_IMPL(name, wasm_##name##_t *, name##_pdel, name##_pcp)

/* ---- type objects --------------------------------------------------------------------- */
enum { T_VAL, T_FUNC, T_GLOBAL, T_TABLE, T_MEMORY, T_IMPORT, T_EXPORT };
struct wasm_externtype_t {
    uint8_t tk;                        /* T_* */
    wasm_valkind_t valkind;            /* T_VAL */
    wasm_valtype_vec_t params, results; /* T_FUNC */
    wasm_valtype_t *content;           /* T_GLOBAL, T_TABLE (element) */
    wasm_mutability_t mut;             /* T_GLOBAL */
    wasm_limits_t limits;              /* T_TABLE, T_MEMORY */
    wasm_name_t module, name;          /* T_IMPORT, T_EXPORT (name) */
    wasm_externtype_t *type;           /* T_IMPORT, T_EXPORT */
};
struct wasm_valtype_t { wasm_externtype_t t; };
struct wasm_functype_t { wasm_externtype_t t; };
struct wasm_globaltype_t { wasm_externtype_t t; };
struct wasm_tabletype_t { wasm_externtype_t t; };
struct wasm_memorytype_t { wasm_externtype_t t; };
struct wasm_importtype_t { wasm_externtype_t t; };
struct wasm_exporttype_t { wasm_externtype_t t; };

static wasm_externtype_t *type_new(uint8_t tk) {
    wasm_externtype_t *t = NEW(wasm_externtype_t);
    if (t) t->tk = tk;
    return t;
}
static void type_delete(wasm_externtype_t *t) {
    if (!t) return;
    wasm_valtype_vec_delete(&t->params);
    wasm_valtype_vec_delete(&t->results);
    type_delete((wasm_externtype_t *)t->content);
    wasm_byte_vec_delete(&t->module);
    wasm_byte_vec_delete(&t->name);
    type_delete(t->type);
    free(t);
}
static wasm_externtype_t *type_copy(const wasm_externtype_t *s) {
    if (!s) return NULL;
    wasm_externtype_t *t = type_new(s->tk);
    if (!t) return NULL;
    t->valkind = s->valkind;
    t->mut = s->mut;
    t->limits = s->limits;
    wasm_valtype_vec_copy(&t->params, &s->params);
    wasm_valtype_vec_copy(&t->results, &s->results);
    t->content = s->content ? (wasm_valtype_t *)type_copy(&s->content->t) : NULL;
    wasm_byte_vec_copy(&t->module, &s->module);
    wasm_byte_vec_copy(&t->name, &s->name);
    t->type = type_copy(s->type);
    return t;
}

#define TYPE_IMPL(name)                                                                            \
    void wasm_##name##_delete(wasm_##name##_t *t) { type_delete((wasm_externtype_t *)t); }         \
    wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *t) {                                \
        return (wasm_##name##_t *)type_copy((const wasm_externtype_t *)t);                         \
    }                                                                                              \
    PTR_VEC_IMPL(name)

TYPE_IMPL(valtype)
TYPE_IMPL(functype)
TYPE_IMPL(globaltype)
TYPE_IMPL(tabletype)
TYPE_IMPL(memorytype)
TYPE_IMPL(importtype)
TYPE_IMPL(exporttype)
void wasm_externtype_delete(wasm_externtype_t *t) { type_delete(t); }
wasm_externtype_t *wasm_externtype_copy(const wasm_externtype_t *t) { return type_copy(t); }
PTR_VEC_IMPL(externtype)

wasm_valtype_t *wasm_valtype_new(wasm_valkind_t k) {
    wasm_externtype_t *t = type_new(T_VAL);
    if (t) t->valkind = k;
    return (wasm_valtype_t *)t;
}
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t *t) { return t->t.valkind; }

wasm_functype_t *wasm_functype_new(wasm_valtype_vec_t *params, wasm_valtype_vec_t *results) {
    wasm_externtype_t *t = type_new(T_FUNC);
    if (!t) {
        wasm_valtype_vec_delete(params);
        wasm_valtype_vec_delete(results);
        return NULL;
    }
    t->params = *params;
    t->results = *results;
    params->size = results->size = 0;
    params->data = results->data = NULL;
    return (wasm_functype_t *)t;
}
const wasm_valtype_vec_t *wasm_functype_params(const wasm_functype_t *t) { return &t->t.params; }
const wasm_valtype_vec_t *wasm_functype_results(const wasm_functype_t *t) { return &t->t.results; }

wasm_globaltype_t *wasm_globaltype_new(wasm_valtype_t *content, wasm_mutability_t mut) {
    wasm_externtype_t *t = type_new(T_GLOBAL);
    if (!t) {
        wasm_valtype_delete(content);
        return NULL;
    }
    t->content = content;
    t->mut = mut;
    return (wasm_globaltype_t *)t;
}
const wasm_valtype_t *wasm_globaltype_content(const wasm_globaltype_t *t) { return t->t.content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t *t) { return t->t.mut; }

wasm_tabletype_t *wasm_tabletype_new(wasm_valtype_t *elem, const wasm_limits_t *limits) {
    wasm_externtype_t *t = type_new(T_TABLE);
    if (!t) {
        wasm_valtype_delete(elem);
        return NULL;
    }
    t->content = elem;
    t->limits = *limits;
    return (wasm_tabletype_t *)t;
}
const wasm_valtype_t *wasm_tabletype_element(const wasm_tabletype_t *t) { return t->t.content; }
const wasm_limits_t *wasm_tabletype_limits(const wasm_tabletype_t *t) { return &t->t.limits; }

wasm_memorytype_t *wasm_memorytype_new(const wasm_limits_t *limits) {
    wasm_externtype_t *t = type_new(T_MEMORY);
    if (t) t->limits = *limits;
    return (wasm_memorytype_t *)t;
}
const wasm_limits_t *wasm_memorytype_limits(const wasm_memorytype_t *t) { return &t->t.limits; }

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t *t) {
    switch (t->tk) {
    case T_GLOBAL: return WASM_EXTERN_GLOBAL;
    case T_TABLE: return WASM_EXTERN_TABLE;
    case T_MEMORY: return WASM_EXTERN_MEMORY;
    default: return WASM_EXTERN_FUNC;
    }
}

#define TYPE_VIEW(name, TK)                                                                        \
    wasm_externtype_t *wasm_##name##_as_externtype(wasm_##name##_t *t) {                          \
        return (wasm_externtype_t *)t;                                                             \
    }                                                                                              \
    const wasm_externtype_t *wasm_##name##_as_externtype_const(const wasm_##name##_t *t) {        \
        return (const wasm_externtype_t *)t;                                                       \
    }                                                                                              \
    wasm_##name##_t *wasm_externtype_as_##name(wasm_externtype_t *t) {                            \
        return t && t->tk == TK ? (wasm_##name##_t *)t : NULL;                                     \
    }                                                                                              \
    const wasm_##name##_t *wasm_externtype_as_##name##_const(const wasm_externtype_t *t) {        \
        return t && t->tk == TK ? (const wasm_##name##_t *)t : NULL;                               \
    }
TYPE_VIEW(functype, T_FUNC)
TYPE_VIEW(globaltype, T_GLOBAL)
TYPE_VIEW(tabletype, T_TABLE)
TYPE_VIEW(memorytype, T_MEMORY)

wasm_importtype_t *wasm_importtype_new(wasm_name_t *module, wasm_name_t *name, wasm_externtype_t *type) {
    wasm_externtype_t *t = type_new(T_IMPORT);
    if (!t) {
        wasm_name_delete(module);
        wasm_name_delete(name);
        wasm_externtype_delete(type);
        return NULL;
    }
    t->module = *module;
    t->name = *name;
    t->type = type;
    module->size = name->size = 0;
    module->data = name->data = NULL;
    return (wasm_importtype_t *)t;
}
const wasm_name_t *wasm_importtype_module(const wasm_importtype_t *t) { return &t->t.module; }
const wasm_name_t *wasm_importtype_name(const wasm_importtype_t *t) { return &t->t.name; }
const wasm_externtype_t *wasm_importtype_type(const wasm_importtype_t *t) { return t->t.type; }

wasm_exporttype_t *wasm_exporttype_new(wasm_name_t *name, wasm_externtype_t *type) {
    wasm_externtype_t *t = type_new(T_EXPORT);
    if (!t) {
        wasm_name_delete(name);
        wasm_externtype_delete(type);
        return NULL;
    }
    t->name = *name;
    t->type = type;
    name->size = 0;
    name->data = NULL;
    return (wasm_exporttype_t *)t;
}
const wasm_name_t *wasm_exporttype_name(const wasm_exporttype_t *t) { return &t->t.name; }
const wasm_externtype_t *wasm_exporttype_type(const wasm_exporttype_t *t) { return t->t.type; }

/* ---- value kinds ------------------------------------------------------------------------ */
static uint32_t kind_to_native(wasm_valkind_t k) {
    switch (k) {
    case WASM_I32: return ZWASM_I32;
    case WASM_I64: return ZWASM_I64;
    case WASM_F32: return ZWASM_F32;
    case WASM_F64: return ZWASM_F64;
    case WASM_FUNCREF: return ZWASM_FUNCREF;
    case WASM_ANYREF: return ZWASM_EXTERNREF;
    }
    return 0; /* no such kind: the native API refuses it */
}
/* The wasm.h kind of a native one; false for v128, which it cannot express. */
static bool kind_from_native(uint32_t k, wasm_valkind_t *out) {
    switch (k) {
    case ZWASM_I32: *out = WASM_I32; return true;
    case ZWASM_I64: *out = WASM_I64; return true;
    case ZWASM_F32: *out = WASM_F32; return true;
    case ZWASM_F64: *out = WASM_F64; return true;
    case ZWASM_FUNCREF: *out = WASM_FUNCREF; return true;
    case ZWASM_EXTERNREF: *out = WASM_ANYREF; return true;
    }
    *out = WASM_V128; /* in types only */
    return false;
}
static wasm_valtype_t *valtype_from_native(uint32_t k) {
    wasm_valkind_t w;
    kind_from_native(k, &w);
    return wasm_valtype_new(w);
}
static bool valtypes_from_native(wasm_valtype_vec_t *out, const uint32_t *k, uint32_t n) {
    wasm_valtype_vec_new_uninitialized(out, n);
    if (out->size != n) return false;
    for (uint32_t i = 0; i < n; i++)
        if (!(out->data[i] = valtype_from_native(k[i]))) return false;
    return true;
}
/* A native function type of t, in arrays the caller frees. */
static bool functype_to_native(const wasm_functype_t *t, zwasm_functype_t *out, uint32_t **buf) {
    size_t np = t->t.params.size, nr = t->t.results.size;
    *buf = calloc(np + nr + 1, sizeof **buf);
    if (!*buf) return false;
    for (size_t i = 0; i < np; i++) (*buf)[i] = kind_to_native(t->t.params.data[i]->t.valkind);
    for (size_t i = 0; i < nr; i++) (*buf)[np + i] = kind_to_native(t->t.results.data[i]->t.valkind);
    out->nparams = (uint32_t)np;
    out->nresults = (uint32_t)nr;
    out->params = *buf;
    out->results = *buf + np;
    return true;
}
static wasm_limits_t limits_from_native(const zwasm_limits_t *l) {
    wasm_limits_t w = {l->min > UINT32_MAX ? UINT32_MAX : (uint32_t)l->min,
                       !l->has_max || l->max > UINT32_MAX ? wasm_limits_max_default : (uint32_t)l->max};
    return w;
}
static wasm_externtype_t *externtype_from_native(const zwasm_externtype_t *x) {
    wasm_externtype_t *t = NULL;
    switch (x->kind) {
    case ZWASM_EXTERN_FUNC:
        if (!(t = type_new(T_FUNC))) return NULL;
        if (!valtypes_from_native(&t->params, x->of.func.params, x->of.func.nparams) ||
            !valtypes_from_native(&t->results, x->of.func.results, x->of.func.nresults)) {
            type_delete(t);
            return NULL;
        }
        return t;
    case ZWASM_EXTERN_GLOBAL:
        if (!(t = type_new(T_GLOBAL))) return NULL;
        t->content = valtype_from_native(x->of.global.type);
        t->mut = x->of.global.mut ? WASM_VAR : WASM_CONST;
        break;
    case ZWASM_EXTERN_TABLE:
        if (!(t = type_new(T_TABLE))) return NULL;
        t->content = valtype_from_native(x->of.table.elem);
        t->limits = limits_from_native(&x->of.table.limits);
        break;
    case ZWASM_EXTERN_MEMORY:
        if (!(t = type_new(T_MEMORY))) return NULL;
        t->limits = limits_from_native(&x->of.memory.limits);
        return t;
    default:
        return NULL;
    }
    if (!t->content) {
        type_delete(t);
        return NULL;
    }
    return t;
}

/* ---- engine and store ------------------------------------------------------------------- */
struct wasm_config_t { zwasm_config_t c; };
struct wasm_engine_t { zwasm_engine_t *e; };
typedef struct fobj { struct fobj *next; } fobj; /* a foreign object (externref) */
struct wasm_store_t {
    zwasm_store_t *s;
    wasm_engine_t *engine;
    fobj *foreign; /* every foreign object made in the store, freed with it */
};

wasm_config_t *wasm_config_new(void) {
    wasm_config_t *c = NEW(wasm_config_t);
    if (c) zwasm_config_init(&c->c);
    return c;
}
void wasm_config_delete(wasm_config_t *c) { free(c); }

ZWASM_API zwasm_config_t *zwasm_config_from_wasm(wasm_config_t *c) { return c ? &c->c : NULL; }
ZWASM_API zwasm_store_t *zwasm_store_from_wasm(wasm_store_t *s) { return s ? s->s : NULL; }

wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *c) {
    wasm_engine_t *e = NEW(wasm_engine_t);
    if (e && !(e->e = zwasm_engine_new(c ? &c->c : NULL))) {
        free(e);
        e = NULL;
    }
    wasm_config_delete(c);
    return e;
}
wasm_engine_t *wasm_engine_new(void) { return wasm_engine_new_with_config(NULL); }
void wasm_engine_delete(wasm_engine_t *e) {
    if (!e) return;
    zwasm_engine_delete(e->e);
    free(e);
}

wasm_store_t *wasm_store_new(wasm_engine_t *e) {
    if (!e) return NULL;
    wasm_store_t *s = NEW(wasm_store_t);
    if (s && !(s->s = zwasm_store_new(e->e))) {
        free(s);
        return NULL;
    }
    if (s) s->engine = e;
    return s;
}
void wasm_store_delete(wasm_store_t *s) {
    if (!s) return;
    zwasm_store_delete(s->s);
    for (fobj *f = s->foreign, *n; f; f = n) {
        n = f->next;
        free(f);
    }
    free(s);
}

/* ---- references (every object handle) ----------------------------------------------------- */
enum { R_FUNC, R_GLOBAL, R_TABLE, R_MEMORY, R_INSTANCE, R_MODULE, R_TRAP, R_FOREIGN };
typedef struct modrec {      /* a module, shared by its handles (copy, share, obtain) */
    zwasm_module_t *m;
    wasm_engine_t *engine;
    wasm_byte_vec_t bytes;   /* what serialize returns */
    int refs;
} modrec;
typedef struct frame_rec {
    uint32_t func;
    size_t module_offset;
} frame_rec;
struct wasm_ref_t {
    uint8_t rk;              /* R_* */
    wasm_store_t *store;
    void *obj;               /* the native object; R_MODULE a modrec, R_FOREIGN an fobj */
    void *host_info;
    void (*finalizer)(void *);
    wasm_message_t msg;      /* R_TRAP, NUL-terminated */
    frame_rec *frames;       /* R_TRAP: innermost first */
    size_t nframes;
};
#define HANDLE(name) struct wasm_##name##_t { wasm_ref_t r; };
HANDLE(func)
HANDLE(global)
HANDLE(table)
HANDLE(memory)
HANDLE(extern)
HANDLE(instance)
HANDLE(module)
HANDLE(trap)
HANDLE(foreign)

static wasm_ref_t *ref_new(uint8_t rk, wasm_store_t *store, void *obj) {
    wasm_ref_t *r = NEW(wasm_ref_t);
    if (!r) return NULL;
    r->rk = rk;
    r->store = store;
    r->obj = obj;
    return r;
}
static void modrec_release(modrec *m) {
    if (!m || __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL)) return;
    zwasm_module_delete(m->m);
    wasm_byte_vec_delete(&m->bytes);
    free(m);
}
static void ref_delete(wasm_ref_t *r) {
    if (!r) return;
    if (r->finalizer) r->finalizer(r->host_info);
    if (r->rk == R_MODULE) modrec_release(r->obj);
    wasm_byte_vec_delete(&r->msg);
    free(r->frames);
    free(r);
}
static wasm_ref_t *ref_copy(const wasm_ref_t *s) {
    if (!s) return NULL;
    wasm_ref_t *r = ref_new(s->rk, s->store, s->obj);
    if (!r) return NULL;
    if (r->rk == R_MODULE) __atomic_add_fetch(&((modrec *)r->obj)->refs, 1, __ATOMIC_RELAXED);
    wasm_byte_vec_copy(&r->msg, &s->msg);
    if (s->nframes && (r->frames = calloc(s->nframes, sizeof *r->frames))) {
        memcpy(r->frames, s->frames, s->nframes * sizeof *r->frames);
        r->nframes = s->nframes;
    }
    return r;
}
static bool ref_same(const wasm_ref_t *a, const wasm_ref_t *b) {
    if (!a || !b) return a == b;
    return a->rk == b->rk && a->obj == b->obj;
}

#define REF_BASE_IMPL(name)                                                                          \
    void wasm_##name##_delete(wasm_##name##_t *x) { ref_delete((wasm_ref_t *)x); }                  \
    wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *x) {                                 \
        return (wasm_##name##_t *)ref_copy((const wasm_ref_t *)x);                                  \
    }                                                                                               \
    bool wasm_##name##_same(const wasm_##name##_t *a, const wasm_##name##_t *b) {                   \
        return ref_same((const wasm_ref_t *)a, (const wasm_ref_t *)b);                              \
    }                                                                                               \
    void *wasm_##name##_get_host_info(const wasm_##name##_t *x) {                                   \
        return x ? ((const wasm_ref_t *)x)->host_info : NULL;                                       \
    }                                                                                               \
    void wasm_##name##_set_host_info(wasm_##name##_t *x, void *info) {                              \
        wasm_##name##_set_host_info_with_finalizer(x, info, NULL);                                  \
    }                                                                                               \
    void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t *x, void *info,                 \
                                                    void (*fin)(void *)) {                          \
        wasm_ref_t *r = (wasm_ref_t *)x;                                                            \
        if (!r) return;                                                                             \
        if (r->finalizer) r->finalizer(r->host_info);                                               \
        r->host_info = info;                                                                        \
        r->finalizer = fin;                                                                         \
    }
#define REF_IMPL(name, RK)                                                                           \
    REF_BASE_IMPL(name)                                                                             \
    wasm_ref_t *wasm_##name##_as_ref(wasm_##name##_t *x) { return (wasm_ref_t *)x; }                \
    const wasm_ref_t *wasm_##name##_as_ref_const(const wasm_##name##_t *x) {                        \
        return (const wasm_ref_t *)x;                                                               \
    }                                                                                               \
    wasm_##name##_t *wasm_ref_as_##name(wasm_ref_t *r) {                                            \
        return r && r->rk == RK ? (wasm_##name##_t *)r : NULL;                                      \
    }                                                                                               \
    const wasm_##name##_t *wasm_ref_as_##name##_const(const wasm_ref_t *r) {                        \
        return r && r->rk == RK ? (const wasm_##name##_t *)r : NULL;                                \
    }

REF_BASE_IMPL(ref)
REF_IMPL(func, R_FUNC)
REF_IMPL(global, R_GLOBAL)
REF_IMPL(table, R_TABLE)
REF_IMPL(memory, R_MEMORY)
REF_IMPL(instance, R_INSTANCE)
REF_IMPL(module, R_MODULE)
REF_IMPL(trap, R_TRAP)
REF_IMPL(foreign, R_FOREIGN)
/* an extern is a func, global, table or memory */
REF_BASE_IMPL(extern)
wasm_ref_t *wasm_extern_as_ref(wasm_extern_t *x) { return (wasm_ref_t *)x; }
const wasm_ref_t *wasm_extern_as_ref_const(const wasm_extern_t *x) { return (const wasm_ref_t *)x; }
wasm_extern_t *wasm_ref_as_extern(wasm_ref_t *r) { return r && r->rk <= R_MEMORY ? (wasm_extern_t *)r : NULL; }
const wasm_extern_t *wasm_ref_as_extern_const(const wasm_ref_t *r) {
    return r && r->rk <= R_MEMORY ? (const wasm_extern_t *)r : NULL;
}
PTR_VEC_IMPL(extern)

/* ---- values ------------------------------------------------------------------------------- */
void wasm_val_delete(wasm_val_t *v) {
    if (v && wasm_valkind_is_ref(v->kind) && v->of.ref) {
        ref_delete(v->of.ref);
        v->of.ref = NULL;
    }
}
void wasm_val_copy(wasm_val_t *out, const wasm_val_t *v) {
    *out = *v;
    if (wasm_valkind_is_ref(v->kind) && v->of.ref) out->of.ref = ref_copy(v->of.ref);
}
/* A native value of kind want (a zwasm.h kind) of v, references borrowed;
 * false when v cannot be one: a number of another kind, or a reference of
 * another kind or to another store's foreign object.  A reference
 * converts by what it holds, whatever its kind says (WASM_REF_VAL makes
 * WASM_ANYREF values): a function is a funcref, a foreign object an
 * externref, null either. */
static bool val_to_native(const wasm_store_t *s, const wasm_val_t *v, uint32_t want, zwasm_val_t *out) {
    memset(out, 0, sizeof *out);
    out->kind = want;
    if (wasm_valkind_is_ref(v->kind)) {
        const wasm_ref_t *r = v->of.ref;
        if (want == ZWASM_FUNCREF && (!r || r->rk == R_FUNC)) {
            out->of.funcref = r ? r->obj : NULL;
            return true;
        }
        if (want == ZWASM_EXTERNREF && (!r || (r->rk == R_FOREIGN && r->store == s))) {
            out->of.externref = r ? r->obj : NULL;
            return true;
        }
        return false;
    }
    if (kind_to_native(v->kind) != want) return false;
    switch (v->kind) {
    case WASM_I32: out->of.i32 = v->of.i32; return true;
    case WASM_I64: out->of.i64 = v->of.i64; return true;
    case WASM_F32: out->of.f32 = v->of.f32; return true;
    case WASM_F64: out->of.f64 = v->of.f64; return true;
    }
    return false;
}
/* v of a native value, references as new handles of store s; false on out
 * of memory or for v128. */
static bool val_from_native(wasm_store_t *s, const zwasm_val_t *n, wasm_val_t *v) {
    memset(v, 0, sizeof *v);
    if (!kind_from_native(n->kind, &v->kind)) return false;
    switch (n->kind) {
    case ZWASM_I32: v->of.i32 = n->of.i32; return true;
    case ZWASM_I64: v->of.i64 = n->of.i64; return true;
    case ZWASM_F32: v->of.f32 = n->of.f32; return true;
    case ZWASM_F64: v->of.f64 = n->of.f64; return true;
    case ZWASM_FUNCREF:
        return !n->of.funcref || (v->of.ref = ref_new(R_FUNC, s, n->of.funcref));
    case ZWASM_EXTERNREF:
        return !n->of.externref || (v->of.ref = ref_new(R_FOREIGN, s, n->of.externref));
    }
    return false;
}

/* ---- traps and frames ---------------------------------------------------------------------- */
struct wasm_frame_t {
    frame_rec f;
    struct wasm_instance_t *inst;
};
void wasm_frame_delete(wasm_frame_t *f) { free(f); }
wasm_frame_t *wasm_frame_copy(const wasm_frame_t *f) {
    wasm_frame_t *c = NEW(wasm_frame_t);
    if (c && f) *c = *f;
    return c;
}
PTR_VEC_IMPL(frame)
wasm_instance_t *wasm_frame_instance(const wasm_frame_t *f) { return f->inst; }
uint32_t wasm_frame_func_index(const wasm_frame_t *f) { return f->f.func; }
/* zwasm reports offsets in the module; 0 stands for "not known". */
size_t wasm_frame_func_offset(const wasm_frame_t *f) { (void)f; return 0; }
size_t wasm_frame_module_offset(const wasm_frame_t *f) { return f->f.module_offset; }

static wasm_trap_t *trap_with(wasm_store_t *s, const char *msg, size_t len) {
    wasm_ref_t *r = ref_new(R_TRAP, s, NULL);
    if (!r) return NULL;
    r->obj = r; /* its identity, which copies keep (wasm_trap_same) */
    wasm_byte_vec_new_uninitialized(&r->msg, len + 1);
    if (r->msg.size && len) memcpy(r->msg.data, msg, len);
    return (wasm_trap_t *)r;
}
wasm_trap_t *wasm_trap_new(wasm_store_t *s, const wasm_message_t *m) {
    size_t len = m && m->size ? m->size : 0;
    if (len && m->data[len - 1] == 0) len--; /* given NUL-terminated (wasm_name_new_from_string_nt) */
    return trap_with(s, m ? m->data : "", len);
}
void wasm_trap_message(const wasm_trap_t *t, wasm_message_t *out) { wasm_byte_vec_copy(out, &t->r.msg); }

/* The frames of a native error's backtrace, one per line
 * ("  #0 name (func 3, offset 0x1a4)" or "  #1 func 4, offset 0x2b"; the
 * last "func " of a line is the index, names come before it). */
static void trap_frames(wasm_ref_t *r, const zwasm_error_t *err) {
    size_t len = strnlen(err->backtrace, sizeof err->backtrace), n = 0;
    const char *bt = err->backtrace, *stop = bt + len;
    for (const char *p = bt; p < stop; p++) n += *p == '\n';
    r->frames = calloc(n + 1, sizeof *r->frames);
    if (!r->frames) return;
    for (const char *line = bt; line < stop && r->nframes < n;) {
        const char *end = memchr(line, '\n', (size_t)(stop - line)), *f = NULL;
        if (!end) break;
        for (const char *p = line; p + 5 <= end; p++)
            if (!memcmp(p, "func ", 5)) f = p;
        const char *o = NULL;
        for (const char *p = f; p && p + 9 <= end; p++)
            if (!memcmp(p, "offset 0x", 9)) { o = p; break; }
        if (f && o && f[5] >= '0' && f[5] <= '9')
            r->frames[r->nframes++] = (frame_rec){(uint32_t)strtoul(f + 5, NULL, 10), (size_t)strtoull(o + 9, NULL, 16)};
        line = end + 1;
    }
    if (!r->nframes && err->func != ZWASM_NO_FUNC)
        r->frames[r->nframes++] = (frame_rec){err->func, err->offset == ZWASM_NO_OFFSET ? 0 : (size_t)err->offset};
}
static wasm_trap_t *trap_of_error(wasm_store_t *s, const zwasm_error_t *err) {
    wasm_trap_t *t = trap_with(s, err->message, strlen(err->message));
    if (t && err->code == ZWASM_ERR_TRAP && err->trap != ZWASM_TRAP_HOST && err->trap != ZWASM_TRAP_EXIT)
        trap_frames(&t->r, err);
    return t;
}
wasm_frame_t *wasm_trap_origin(const wasm_trap_t *t) {
    if (!t->r.nframes) return NULL;
    wasm_frame_t *f = NEW(wasm_frame_t);
    if (f) f->f = t->r.frames[0];
    return f;
}
void wasm_trap_trace(const wasm_trap_t *t, wasm_frame_vec_t *out) {
    wasm_frame_vec_new_uninitialized(out, t->r.nframes);
    for (size_t i = 0; i < out->size; i++)
        if ((out->data[i] = NEW(wasm_frame_t))) out->data[i]->f = t->r.frames[i];
}

/* ---- foreign objects ----------------------------------------------------------------------- */
wasm_foreign_t *wasm_foreign_new(wasm_store_t *s) {
    if (!s) return NULL;
    fobj *o = NEW(fobj);
    if (!o) return NULL;
    wasm_ref_t *r = ref_new(R_FOREIGN, s, o);
    if (!r) {
        free(o);
        return NULL;
    }
    o->next = s->foreign;
    s->foreign = o;
    return (wasm_foreign_t *)r;
}

/* ---- modules ------------------------------------------------------------------------------- */
struct wasm_shared_module_t { modrec *m; };

wasm_module_t *wasm_module_new(wasm_store_t *s, const wasm_byte_vec_t *binary) {
    if (!s || !binary) return NULL;
    modrec *m = NEW(modrec);
    if (!m) return NULL;
    m->refs = 1;
    m->engine = s->engine;
    wasm_byte_vec_new(&m->bytes, binary->size, binary->data);
    wasm_ref_t *r = NULL;
    if ((m->bytes.size == binary->size) &&
        zwasm_module_new(s->engine->e, (const uint8_t *)binary->data, binary->size, &m->m, NULL) == ZWASM_OK)
        r = ref_new(R_MODULE, s, m);
    if (!r) modrec_release(m);
    return (wasm_module_t *)r;
}
bool wasm_module_validate(wasm_store_t *s, const wasm_byte_vec_t *binary) {
    return s && binary &&
           zwasm_module_validate(s->engine->e, (const uint8_t *)binary->data, binary->size, NULL) == ZWASM_OK;
}
static zwasm_module_t *native_module(const wasm_module_t *m) { return ((modrec *)m->r.obj)->m; }

void wasm_module_imports(const wasm_module_t *m, wasm_importtype_vec_t *out) {
    zwasm_module_t *n = native_module(m);
    uint32_t count = zwasm_module_import_count(n);
    wasm_importtype_vec_new_uninitialized(out, count);
    for (uint32_t i = 0; i < out->size; i++) {
        zwasm_importtype_t it;
        if (!zwasm_module_import(n, i, &it)) continue;
        wasm_name_t mod, name;
        wasm_name_new(&mod, it.module_len, it.module);
        wasm_name_new(&name, it.name_len, it.name);
        out->data[i] = wasm_importtype_new(&mod, &name, externtype_from_native(&it.type));
    }
}
void wasm_module_exports(const wasm_module_t *m, wasm_exporttype_vec_t *out) {
    zwasm_module_t *n = native_module(m);
    uint32_t count = zwasm_module_export_count(n);
    wasm_exporttype_vec_new_uninitialized(out, count);
    for (uint32_t i = 0; i < out->size; i++) {
        zwasm_exporttype_t et;
        if (!zwasm_module_export(n, i, &et)) continue;
        wasm_name_t name;
        wasm_name_new(&name, et.name_len, et.name);
        out->data[i] = wasm_exporttype_new(&name, externtype_from_native(&et.type));
    }
}
void wasm_module_serialize(const wasm_module_t *m, wasm_byte_vec_t *out) {
    wasm_byte_vec_copy(out, &((modrec *)m->r.obj)->bytes);
}
wasm_module_t *wasm_module_deserialize(wasm_store_t *s, const wasm_byte_vec_t *b) { return wasm_module_new(s, b); }

void wasm_shared_module_delete(wasm_shared_module_t *sm) {
    if (!sm) return;
    modrec_release(sm->m);
    free(sm);
}
wasm_shared_module_t *wasm_module_share(const wasm_module_t *m) {
    wasm_shared_module_t *sm = NEW(wasm_shared_module_t);
    if (!sm) return NULL;
    sm->m = m->r.obj;
    __atomic_add_fetch(&sm->m->refs, 1, __ATOMIC_RELAXED);
    return sm;
}
/* NULL when the store belongs to another engine than the module. */
wasm_module_t *wasm_module_obtain(wasm_store_t *s, const wasm_shared_module_t *sm) {
    if (!s || !sm || s->engine != sm->m->engine) return NULL;
    wasm_ref_t *r = ref_new(R_MODULE, s, sm->m);
    if (r) __atomic_add_fetch(&sm->m->refs, 1, __ATOMIC_RELAXED);
    return (wasm_module_t *)r;
}

/* ---- functions ----------------------------------------------------------------------------- */
typedef struct hostfn {
    wasm_func_callback_t cb;
    wasm_func_callback_with_env_t cb_env;
    void *env;
    void (*finalizer)(void *);
    wasm_store_t *store;
    uint32_t np, nr;
    wasm_valkind_t *rkinds; /* the result kinds */
} hostfn;

static void host_finalize(void *p) {
    hostfn *h = p;
    if (h->finalizer) h->finalizer(h->env);
    free(h->rkinds);
    free(h);
}

/* The native host function behind every wasm.h one: arguments become a
 * wasm_val_vec_t (references as handles that live for the call), the
 * callback's results native values, its trap the native error. */
static zwasm_result_t host_call(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                                zwasm_val_t *results, zwasm_error_t *err) {
    (void)caller;
    hostfn *h = env;
    wasm_val_vec_t a, r;
    wasm_val_vec_new_uninitialized(&a, h->np);
    wasm_val_vec_new_uninitialized(&r, h->nr);
    zwasm_result_t rc = ZWASM_OK;
    if (a.size != h->np || r.size != h->nr) goto nomem;
    for (uint32_t i = 0; i < h->np; i++)
        if (!val_from_native(h->store, &args[i], &a.data[i])) goto nomem;
    for (uint32_t i = 0; i < h->nr; i++) r.data[i].kind = h->rkinds[i];
    wasm_trap_t *t = h->cb ? h->cb(&a, &r) : h->cb_env(h->env, &a, &r);
    if (t) {
        size_t len = t->r.msg.size && !t->r.msg.data[t->r.msg.size - 1] ? t->r.msg.size - 1 : t->r.msg.size;
        if (len >= sizeof err->message) len = sizeof err->message - 1;
        memcpy(err->message, t->r.msg.data, len);
        err->message[len] = 0;
        wasm_trap_delete(t);
        rc = ZWASM_ERR_TRAP;
        goto out;
    }
    for (uint32_t i = 0; i < h->nr; i++)
        if (!val_to_native(h->store, &r.data[i], kind_to_native(h->rkinds[i]), &results[i])) {
            snprintf(err->message, sizeof err->message, "host function result %u: not a value of the result's type", i + 1);
            rc = ZWASM_ERR_TRAP;
            goto out;
        }
    goto out;
nomem:
    snprintf(err->message, sizeof err->message, "out of memory");
    rc = ZWASM_ERR_NOMEM;
out:
    wasm_val_vec_delete(&a);
    wasm_val_vec_delete(&r);
    return rc;
}

static wasm_func_t *func_new(wasm_store_t *s, const wasm_functype_t *type, wasm_func_callback_t cb,
                             wasm_func_callback_with_env_t cb_env, void *env, void (*fin)(void *)) {
    if (!s || !type || (!cb && !cb_env)) return NULL;
    hostfn *h = NEW(hostfn);
    zwasm_functype_t ft;
    uint32_t *buf = NULL;
    if (!h || !functype_to_native(type, &ft, &buf)) goto fail;
    h->cb = cb;
    h->cb_env = cb_env;
    h->env = env;
    h->store = s;
    h->np = ft.nparams;
    h->nr = ft.nresults;
    if (!(h->rkinds = calloc(ft.nresults + 1, sizeof *h->rkinds))) goto fail;
    for (uint32_t i = 0; i < ft.nresults; i++) h->rkinds[i] = type->t.results.data[i]->t.valkind;
    zwasm_func_t *f = zwasm_func_new(s->s, &ft, host_call, h, host_finalize);
    free(buf);
    buf = NULL;
    if (!f) goto fail;
    h->finalizer = fin; /* from now on the store runs it */
    wasm_ref_t *r = ref_new(R_FUNC, s, f);
    return (wasm_func_t *)r; /* NULL on out of memory: f stays in the store */
fail:
    free(buf);
    if (h) free(h->rkinds);
    free(h);
    return NULL;
}
wasm_func_t *wasm_func_new(wasm_store_t *s, const wasm_functype_t *type, wasm_func_callback_t cb) {
    return func_new(s, type, cb, NULL, NULL, NULL);
}
wasm_func_t *wasm_func_new_with_env(wasm_store_t *s, const wasm_functype_t *type,
                                    wasm_func_callback_with_env_t cb, void *env, void (*fin)(void *)) {
    return func_new(s, type, NULL, cb, env, fin);
}
wasm_functype_t *wasm_func_type(const wasm_func_t *f) {
    zwasm_externtype_t x = {.kind = ZWASM_EXTERN_FUNC};
    zwasm_func_type(f->r.obj, &x.of.func);
    return (wasm_functype_t *)externtype_from_native(&x);
}
size_t wasm_func_param_arity(const wasm_func_t *f) {
    zwasm_functype_t t;
    zwasm_func_type(f->r.obj, &t);
    return t.nparams;
}
size_t wasm_func_result_arity(const wasm_func_t *f) {
    zwasm_functype_t t;
    zwasm_func_type(f->r.obj, &t);
    return t.nresults;
}

wasm_trap_t *wasm_func_call(const wasm_func_t *f, const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    wasm_store_t *s = f->r.store;
    zwasm_functype_t t;
    zwasm_func_type(f->r.obj, &t);
    size_t na = args ? args->size : 0, nr = results ? results->size : 0;
    if (na != t.nparams || nr < t.nresults) {
        const char *m = "wasm_func_call: wrong number of arguments or results";
        return trap_with(s, m, strlen(m));
    }
    zwasm_val_t abuf[8], rbuf[8];
    zwasm_val_t *a = na <= 8 ? abuf : calloc(na, sizeof *a), *r = t.nresults <= 8 ? rbuf : calloc(t.nresults, sizeof *r);
    wasm_trap_t *trap = NULL;
    zwasm_error_t err;
    memset(&err, 0, sizeof err);
    if (!a || !r) {
        trap = trap_with(s, "out of memory", 13);
        goto out;
    }
    for (size_t i = 0; i < na; i++)
        if (!val_to_native(s, &args->data[i], t.params[i], &a[i])) {
            char m[96];
            snprintf(m, sizeof m, "wasm_func_call: argument %zu: not a value of the parameter's type", i + 1);
            trap = trap_with(s, m, strlen(m));
            goto out;
        }
    if (zwasm_func_call(s->s, f->r.obj, a, na, r, t.nresults, &err) != ZWASM_OK) {
        trap = trap_of_error(s, &err);
        goto out;
    }
    for (uint32_t i = 0; i < t.nresults; i++)
        if (!val_from_native(s, &r[i], &results->data[i])) {
            for (uint32_t k = 0; k < i; k++) wasm_val_delete(&results->data[k]);
            const char *m = r[i].kind == ZWASM_V128 ? "wasm_func_call: a v128 result, which wasm.h cannot express"
                                                    : "out of memory";
            trap = trap_with(s, m, strlen(m));
            goto out;
        }
out:
    if (a != abuf) free(a);
    if (r != rbuf) free(r);
    return trap;
}

/* ---- globals ------------------------------------------------------------------------------- */
wasm_global_t *wasm_global_new(wasm_store_t *s, const wasm_globaltype_t *type, const wasm_val_t *v) {
    zwasm_val_t n;
    uint32_t want = type ? kind_to_native(type->t.content->t.valkind) : 0;
    if (!s || !type || !v || !val_to_native(s, v, want, &n)) return NULL;
    zwasm_global_t *g = zwasm_global_new(s->s, want, type->t.mut == WASM_VAR, n);
    return g ? (wasm_global_t *)ref_new(R_GLOBAL, s, g) : NULL;
}
wasm_globaltype_t *wasm_global_type(const wasm_global_t *g) {
    zwasm_externtype_t x;
    zwasm_global_type(g->r.obj, &x);
    return (wasm_globaltype_t *)externtype_from_native(&x);
}
void wasm_global_get(const wasm_global_t *g, wasm_val_t *out) {
    zwasm_val_t n;
    zwasm_global_get(g->r.obj, &n);
    val_from_native(g->r.store, &n, out);
}
void wasm_global_set(wasm_global_t *g, const wasm_val_t *v) {
    zwasm_externtype_t x;
    zwasm_val_t n;
    zwasm_global_type(g->r.obj, &x);
    if (val_to_native(g->r.store, v, x.of.global.type, &n)) zwasm_global_set(g->r.obj, n);
}

/* ---- tables -------------------------------------------------------------------------------- */
static bool ref_to_native(const wasm_store_t *s, uint32_t want, const wasm_ref_t *r, zwasm_val_t *out) {
    wasm_val_t v = {.kind = WASM_ANYREF, .of = {.ref = (wasm_ref_t *)r}};
    return val_to_native(s, &v, want, out);
}
static uint32_t table_kind(const wasm_table_t *t) {
    zwasm_externtype_t x;
    zwasm_table_type(t->r.obj, &x);
    return x.of.table.elem;
}
wasm_table_t *wasm_table_new(wasm_store_t *s, const wasm_tabletype_t *type, wasm_ref_t *init) {
    zwasm_val_t n;
    if (!s || !type || !ref_to_native(s, kind_to_native(type->t.content->t.valkind), init, &n)) return NULL;
    const wasm_limits_t *l = &type->t.limits;
    zwasm_table_t *t = zwasm_table_new(s->s, kind_to_native(type->t.content->t.valkind), l->min, l->max,
                                       l->max != wasm_limits_max_default, n);
    return t ? (wasm_table_t *)ref_new(R_TABLE, s, t) : NULL;
}
wasm_tabletype_t *wasm_table_type(const wasm_table_t *t) {
    zwasm_externtype_t x;
    zwasm_table_type(t->r.obj, &x);
    return (wasm_tabletype_t *)externtype_from_native(&x);
}
wasm_ref_t *wasm_table_get(const wasm_table_t *t, wasm_table_size_t i) {
    zwasm_val_t n;
    wasm_val_t v;
    if (!zwasm_table_get(t->r.obj, i, &n) || !val_from_native(t->r.store, &n, &v)) return NULL;
    return v.of.ref;
}
bool wasm_table_set(wasm_table_t *t, wasm_table_size_t i, wasm_ref_t *r) {
    zwasm_val_t n;
    return ref_to_native(t->r.store, table_kind(t), r, &n) && zwasm_table_set(t->r.obj, i, n);
}
wasm_table_size_t wasm_table_size(const wasm_table_t *t) {
    uint64_t n = zwasm_table_size(t->r.obj);
    return n > UINT32_MAX ? UINT32_MAX : (wasm_table_size_t)n;
}
bool wasm_table_grow(wasm_table_t *t, wasm_table_size_t delta, wasm_ref_t *init) {
    zwasm_val_t n;
    return ref_to_native(t->r.store, table_kind(t), init, &n) && zwasm_table_grow(t->r.obj, delta, n) >= 0;
}

/* ---- memories ------------------------------------------------------------------------------ */
wasm_memory_t *wasm_memory_new(wasm_store_t *s, const wasm_memorytype_t *type) {
    if (!s || !type) return NULL;
    const wasm_limits_t *l = &type->t.limits;
    zwasm_memory_t *m = zwasm_memory_new(s->s, l->min, l->max, l->max != wasm_limits_max_default);
    return m ? (wasm_memory_t *)ref_new(R_MEMORY, s, m) : NULL;
}
wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *m) {
    zwasm_externtype_t x;
    zwasm_memory_type(m->r.obj, &x);
    return (wasm_memorytype_t *)externtype_from_native(&x);
}
byte_t *wasm_memory_data(wasm_memory_t *m) { return (byte_t *)zwasm_memory_data(m->r.obj); }
size_t wasm_memory_data_size(const wasm_memory_t *m) { return (size_t)zwasm_memory_size(m->r.obj); }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *m) {
    uint64_t p = zwasm_memory_pages(m->r.obj);
    return p > UINT32_MAX ? UINT32_MAX : (wasm_memory_pages_t)p;
}
bool wasm_memory_grow(wasm_memory_t *m, wasm_memory_pages_t delta) { return zwasm_memory_grow(m->r.obj, delta) >= 0; }

/* ---- externals ----------------------------------------------------------------------------- */
wasm_externkind_t wasm_extern_kind(const wasm_extern_t *e) {
    switch (e->r.rk) {
    case R_GLOBAL: return WASM_EXTERN_GLOBAL;
    case R_TABLE: return WASM_EXTERN_TABLE;
    case R_MEMORY: return WASM_EXTERN_MEMORY;
    default: return WASM_EXTERN_FUNC;
    }
}
wasm_externtype_t *wasm_extern_type(const wasm_extern_t *e) {
    switch (e->r.rk) {
    case R_GLOBAL: return (wasm_externtype_t *)wasm_global_type((const wasm_global_t *)e);
    case R_TABLE: return (wasm_externtype_t *)wasm_table_type((const wasm_table_t *)e);
    case R_MEMORY: return (wasm_externtype_t *)wasm_memory_type((const wasm_memory_t *)e);
    default: return (wasm_externtype_t *)wasm_func_type((const wasm_func_t *)e);
    }
}
#define EXTERN_VIEW(name, RK)                                                                       \
    wasm_extern_t *wasm_##name##_as_extern(wasm_##name##_t *x) { return (wasm_extern_t *)x; }       \
    const wasm_extern_t *wasm_##name##_as_extern_const(const wasm_##name##_t *x) {                 \
        return (const wasm_extern_t *)x;                                                            \
    }                                                                                               \
    wasm_##name##_t *wasm_extern_as_##name(wasm_extern_t *e) {                                     \
        return e && e->r.rk == RK ? (wasm_##name##_t *)e : NULL;                                    \
    }                                                                                               \
    const wasm_##name##_t *wasm_extern_as_##name##_const(const wasm_extern_t *e) {                 \
        return e && e->r.rk == RK ? (const wasm_##name##_t *)e : NULL;                              \
    }
EXTERN_VIEW(func, R_FUNC)
EXTERN_VIEW(global, R_GLOBAL)
EXTERN_VIEW(table, R_TABLE)
EXTERN_VIEW(memory, R_MEMORY)

/* ---- instances ----------------------------------------------------------------------------- */
/* The native extern behind handle r (a func, global, table or memory; any
 * other handle becomes a func the native checks refuse). */
static zwasm_extern_t extern_to_native(const wasm_ref_t *r) {
    zwasm_extern_t x = {.kind = ZWASM_EXTERN_FUNC, .of.func = r->obj};
    if (r->rk == R_GLOBAL) x = (zwasm_extern_t){.kind = ZWASM_EXTERN_GLOBAL, .of.global = r->obj};
    else if (r->rk == R_TABLE) x = (zwasm_extern_t){.kind = ZWASM_EXTERN_TABLE, .of.table = r->obj};
    else if (r->rk == R_MEMORY) x = (zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = r->obj};
    return x;
}
/* A new handle, in store s, to the native extern x; NULL on out of memory. */
static wasm_extern_t *extern_from_native(wasm_store_t *s, const zwasm_extern_t *x) {
    switch (x->kind) {
    case ZWASM_EXTERN_GLOBAL: return (wasm_extern_t *)ref_new(R_GLOBAL, s, x->of.global);
    case ZWASM_EXTERN_TABLE: return (wasm_extern_t *)ref_new(R_TABLE, s, x->of.table);
    case ZWASM_EXTERN_MEMORY: return (wasm_extern_t *)ref_new(R_MEMORY, s, x->of.memory);
    case ZWASM_EXTERN_TAG: return NULL; /* wasm.h has no tags: the entry stays NULL */
    default: return (wasm_extern_t *)ref_new(R_FUNC, s, x->of.func);
    }
}

wasm_instance_t *wasm_instance_new(wasm_store_t *s, const wasm_module_t *m, const wasm_extern_vec_t *imports,
                                   wasm_trap_t **trap) {
    if (trap) *trap = NULL;
    if (!s || !m) return NULL;
    size_t n = imports ? imports->size : 0;
    zwasm_extern_t *x = calloc(n + 1, sizeof *x);
    zwasm_error_t err;
    memset(&err, 0, sizeof err);
    zwasm_instance_t *inst = NULL;
    zwasm_result_t rc;
    if (!x) {
        rc = ZWASM_ERR_NOMEM;
        snprintf(err.message, sizeof err.message, "out of memory");
        err.code = rc;
    } else {
        for (size_t i = 0; i < n; i++) /* a NULL import stays a NULL func: refused natively */
            if (imports->data[i]) x[i] = extern_to_native(&imports->data[i]->r);
        rc = zwasm_instance_new(s->s, native_module(m), x, n, &inst, &err);
    }
    free(x);
    if (rc != ZWASM_OK) {
        if (trap) *trap = trap_of_error(s, &err);
        return NULL;
    }
    return (wasm_instance_t *)ref_new(R_INSTANCE, s, inst);
}
void wasm_instance_exports(const wasm_instance_t *i, wasm_extern_vec_t *out) {
    uint32_t n = zwasm_instance_export_count(i->r.obj);
    wasm_extern_vec_new_uninitialized(out, n);
    for (uint32_t k = 0; k < out->size; k++) {
        zwasm_extern_t x;
        const char *name;
        size_t len;
        if (zwasm_instance_export_nth(i->r.obj, k, &name, &len, &x))
            out->data[k] = extern_from_native(i->r.store, &x);
    }
}

/* ---- WASI (include/wasi.h) ------------------------------------------------------------------- */
struct wasi_config_t {
    zwasm_wasi_config_t *c;
    char **argv;
    size_t argc;
    int fd[3]; /* files opened for stdio (-1: inherit) */
    bool failed; /* an allocation failed: wasi_env_new refuses the config */
};
struct wasi_env_t { zwasm_wasi_t *w; };

wasi_config_t *wasi_config_new(const char *program) {
    wasi_config_t *c = NEW(wasi_config_t);
    if (!c) return NULL;
    c->fd[0] = c->fd[1] = c->fd[2] = -1;
    if (!(c->c = zwasm_wasi_config_new())) {
        free(c);
        return NULL;
    }
    wasi_config_arg(c, program ? program : "");
    return c;
}
void wasi_config_delete(wasi_config_t *c) {
    if (!c) return;
    zwasm_wasi_config_delete(c->c);
    for (size_t i = 0; i < c->argc; i++) free(c->argv[i]);
    free(c->argv);
    for (int i = 0; i < 3; i++)
        if (c->fd[i] >= 0) close(c->fd[i]);
    free(c);
}
void wasi_config_arg(wasi_config_t *c, const char *arg) {
    char **v = realloc(c->argv, (c->argc + 1) * sizeof *v);
    char *a = v ? strdup(arg) : NULL;
    if (v) c->argv = v;
    if (!a) {
        c->failed = true;
        return;
    }
    c->argv[c->argc++] = a;
    if (!zwasm_wasi_config_set_args(c->c, c->argc, (const char *const *)c->argv)) c->failed = true;
}
void wasi_config_env(wasi_config_t *c, const char *key, const char *value) {
    if (!zwasm_wasi_config_add_env(c->c, key, value)) c->failed = true;
}
void wasi_config_inherit_env(wasi_config_t *c) {
    if (!zwasm_wasi_config_inherit_env(c->c)) c->failed = true;
}
bool wasi_config_preopen_dir(wasi_config_t *c, const char *host_dir, const char *guest_dir) {
    return zwasm_wasi_config_preopen_dir(c->c, host_dir, guest_dir, NULL) == ZWASM_OK;
}
static void set_stdio(wasi_config_t *c, int which, int fd) {
    if (c->fd[which] >= 0) close(c->fd[which]);
    c->fd[which] = fd;
    zwasm_wasi_config_set_stdio(c->c, c->fd[0] >= 0 ? c->fd[0] : 0, c->fd[1] >= 0 ? c->fd[1] : 1,
                                c->fd[2] >= 0 ? c->fd[2] : 2);
}
void wasi_config_inherit_stdin(wasi_config_t *c) { set_stdio(c, 0, -1); }
void wasi_config_inherit_stdout(wasi_config_t *c) { set_stdio(c, 1, -1); }
void wasi_config_inherit_stderr(wasi_config_t *c) { set_stdio(c, 2, -1); }
static bool stdio_file(wasi_config_t *c, int which, const char *path) {
    int fd = open(path, which == 0 ? O_RDONLY | O_CLOEXEC : O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    set_stdio(c, which, fd);
    return true;
}
bool wasi_config_set_stdin_file(wasi_config_t *c, const char *path) { return stdio_file(c, 0, path); }
bool wasi_config_set_stdout_file(wasi_config_t *c, const char *path) { return stdio_file(c, 1, path); }
bool wasi_config_set_stderr_file(wasi_config_t *c, const char *path) { return stdio_file(c, 2, path); }

wasi_env_t *wasi_env_new(wasm_store_t *s, wasi_config_t *c) {
    wasi_env_t *e = NULL;
    if (s && c && !c->failed && (e = NEW(wasi_env_t)) && zwasm_wasi_new(s->s, c->c, &e->w, NULL) != ZWASM_OK) {
        free(e);
        e = NULL;
    }
    wasi_config_delete(c); /* the context has its own copies (fds duplicated) */
    return e;
}
void wasi_env_delete(wasi_env_t *e) {
    if (!e) return;
    zwasm_wasi_delete(e->w);
    free(e);
}
bool wasi_get_imports(const wasm_store_t *s, wasi_env_t *e, const wasm_module_t *m, wasm_extern_vec_t *out) {
    zwasm_module_t *n = native_module(m);
    uint32_t count = zwasm_module_import_count(n);
    wasm_extern_vec_new_uninitialized(out, count);
    zwasm_extern_t *x = calloc(count + 1, sizeof *x);
    bool *resolved = calloc(count + 1, sizeof *resolved);
    bool ok = s && e && x && resolved && out->size == count &&
              zwasm_wasi_define_imports(e->w, n, x, resolved, NULL) == ZWASM_OK;
    for (uint32_t i = 0; ok && i < count; i++)
        if (resolved[i] && !(out->data[i] = extern_from_native((wasm_store_t *)s, &x[i])))
            ok = false;
    if (!ok)
        for (uint32_t i = 0; i < out->size; i++) {
            wasm_extern_delete(out->data[i]);
            out->data[i] = NULL;
        }
    free(x);
    free(resolved);
    return ok;
}
wasm_func_t *wasi_get_start_function(wasm_instance_t *i) {
    zwasm_extern_t x;
    if (!i || !zwasm_instance_export(i->r.obj, "_start", 6, &x) || x.kind != ZWASM_EXTERN_FUNC) return NULL;
    return (wasm_func_t *)ref_new(R_FUNC, i->r.store, x.of.func);
}
bool wasi_env_exited(const wasi_env_t *e, int32_t *code) { return e && zwasm_wasi_exited(e->w, code); }
