/*
 * gc.c — the GC proposal's heap: structs, arrays, i31 references and the
 * boxes that carry an extern value into the any hierarchy (and an i31
 * into the extern one); the instructions on them, written once for both
 * engines (the interpreter calls zw_gc_exec, the JIT's helpers too); and
 * the collector.
 *
 * Values: a reference of the any hierarchy is NULL, an i31 ((v << 1) | 1),
 * or a pointer to a zw_gcobj of this store (16-byte aligned).  The
 * collector is a non-moving mark-sweep over size-class chunks and large
 * objects (runtime.h, zw_gcheap): it runs when the bytes allocated since
 * the last one pass the bytes that survived it (at least
 * ZW_GC_MIN_BYTES), or when the store's memory limit refuses an
 * allocation.  Roots: every global and table of the store, every
 * instance's element segments, exceptions in flight or held by the host,
 * the arguments of running host functions, and precise stack roots: the
 * engine walks every frame of running wasm code (zw_backend.frames, all
 * activations) and each frame's reference map (ir/ir_refmap.c) says which
 * of its slots hold live references at the instruction it is in.  A slot
 * the map lists may hold a function or a host value (the IR does not
 * tell reference types apart), so a word is followed only when it is an
 * object of the heap (or an exception of the store).
 */
#include <time.h>

#include "runtime.h"
#include "../ir/ir.h"
#include "../opcodes.h"

#define ZW_GC_MIN_BYTES (8u << 20)
/* -DZW_GC_STRESS=1: collect at every allocation and every exception made
 * (tests: a root the collector misses shows at once). */
#ifndef ZW_GC_STRESS
#define ZW_GC_STRESS 0
#endif

enum { GC_STRUCT = 1, GC_ARRAY, GC_BOX_EXTERN, GC_BOX_ANY };

/* An object: an 8-byte header, then the payload: struct fields at their
 * offsets, an array's length (a u32 in 8 bytes) and elements, or a box's
 * one value.  Objects are 8-byte aligned, at least 16 bytes. */
typedef struct zw_gcobj {
    uint32_t type_id; /* canonical type (structs, arrays) */
    uint8_t kind;     /* GC_*; 0: free */
    uint8_t mark;
    uint16_t pad;
    uint8_t data[];
} zw_gcobj;
_Static_assert(sizeof(zw_gcobj) == 8, "an 8-byte header");
#define ARRAY_HDR 8u
static inline uint32_t alen(const zw_gcobj *o) {
    uint32_t n;
    memcpy(&n, o->data, 4);
    return n;
}
static inline uint8_t *aelems(zw_gcobj *o) { return o->data + ARRAY_HDR; }

static inline bool is_i31(uint64_t v) { return v & 1; }
static inline zw_gcobj *obj_of(uint64_t v) { return (zw_gcobj *)(uintptr_t)v; }

/* ---- the heap ---------------------------------------------------------------------
 * A chunk: a header, then n objects of one size (a multiple of 16).  Free
 * objects have kind 0 and link the class's free list through their data. */
#define CHUNK_BYTES (64u << 10)

typedef struct zw_gcchunk {
    uint32_t size;  /* bytes per object */
    uint32_t n;     /* objects */
    uint32_t used;  /* objects handed out since the chunk was made (bump) */
    uint32_t live;  /* allocated objects (after the last sweep, plus since) */
    uint64_t pad[2];
    uint8_t objs[];
} zw_gcchunk;
_Static_assert(sizeof(zw_gcchunk) % 16 == 0, "objects are 16-byte aligned");

static uint32_t size_class(uint64_t bytes) { return (uint32_t)((bytes + 7) / 8); }

/* The chunk holding address p (binary search), or NULL. */
static zw_gcchunk *chunk_of(const zw_gcheap *h, uintptr_t p) {
    uint32_t lo = 0, hi = h->chunks.n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        uintptr_t c = (uintptr_t)h->chunks.v[mid];
        if (p < c) hi = mid;
        else if (p >= c + CHUNK_BYTES) lo = mid + 1;
        else return h->chunks.v[mid];
    }
    return NULL;
}

/* The large objects: a set on the address (a sorted vector would make
 * many large allocations quadratic). */
static uint32_t big_slot(uintptr_t p, uint32_t cap) {
    uint64_t x = (uint64_t)p >> 3;
    return (uint32_t)((x * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static bool big_has(const zw_gcheap *h, uintptr_t p) {
    if (!h->big_cap) return false;
    for (uint32_t i = big_slot(p, h->big_cap); h->big[i]; i = (i + 1) & (h->big_cap - 1))
        if ((uintptr_t)h->big[i] == p) return true;
    return false;
}

static void big_put(void **set, uint32_t cap, void *p) {
    uint32_t i = big_slot((uintptr_t)p, cap);
    while (set[i]) i = (i + 1) & (cap - 1);
    set[i] = p;
}

/* Room for one more large object (the set at most half full). */
static bool big_reserve(zw_store *s) {
    zw_gcheap *h = &s->gc;
    if ((uint64_t)(h->big_n + 1) * 2 <= h->big_cap) return true;
    uint32_t cap = h->big_cap ? h->big_cap * 2 : 64;
    void **set = zw_calloc(s->al, cap, sizeof *set);
    if (!set) return false;
    for (uint32_t i = 0; i < h->big_cap; i++)
        if (h->big[i]) big_put(set, cap, h->big[i]);
    zw_free(s->al, h->big);
    h->big = set;
    h->big_cap = cap;
    return true;
}

static bool is_object(const zw_gcheap *h, const void *ptr) {
    uintptr_t p = (uintptr_t)ptr;
    if (!p || (p & 7) || p < h->lo || p >= h->hi) return false;
    zw_gcchunk *c = chunk_of(h, p);
    if (!c) return big_has(h, p);
    if (!c->size) return false; /* a spare chunk */
    uintptr_t base = (uintptr_t)c->objs;
    if (p < base || (p - base) % c->size || (p - base) / c->size >= c->used) return false;
    return ((const zw_gcobj *)ptr)->kind != 0;
}

bool zw_gc_is_object(const zw_store *s, const void *p) { return is_object(&s->gc, p); }

/* Add chunk c to the heap's chunks, kept sorted by address. */
static bool chunk_insert(zw_store *s, zw_gcchunk *c) {
    zw_gcheap *h = &s->gc;
    if (!ZW_VEC_PUSH(s->al, &h->chunks, c)) return false;
    uint32_t i = h->chunks.n - 1;
    for (; i > 0 && (uintptr_t)h->chunks.v[i - 1] > (uintptr_t)c; i--) h->chunks.v[i] = h->chunks.v[i - 1];
    h->chunks.v[i] = c;
    return true;
}

static void bounds_add(zw_gcheap *h, uintptr_t a, uintptr_t end) {
    if (!h->lo || a < h->lo) h->lo = a;
    if (end > h->hi) h->hi = end;
}

/* ---- marking ---------------------------------------------------------------------- */
typedef struct marker {
    zw_store *s;
    ZW_VEC(zw_gcobj *) stack;
    ZW_VEC(zw_exn *) exns; /* exceptions reached, their payloads still to trace */
    bool oom;
    uint64_t frames;       /* wasm frames whose roots were marked */
} marker;

static void mark_exn(marker *mk, zw_exn *e) {
    if (e->mark) return;
    e->mark = 1;
    if (!ZW_VEC_PUSH(mk->s->al, &mk->exns, e)) mk->oom = true;
}

/* A reference held by an object: null, an i31 or an object. */
static void mark_ref(marker *mk, uint64_t v) {
    if (!v || is_i31(v)) return;
    zw_gcobj *o = obj_of(v);
    if (o->mark) return;
    o->mark = 1;
    if (!ZW_VEC_PUSH(mk->s->al, &mk->stack, o)) mk->oom = true;
}

/* A word that may be a reference (a root): checked against the heap.
 * References to functions and host values held by globals and tables
 * are words of the same kind. */
static void mark_value(marker *mk, uint64_t v) {
    if (!v || is_i31(v)) return;
    if (is_object(&mk->s->gc, obj_of(v))) mark_ref(mk, v);
    else if (!(v & 7) && zw_store_owns(mk->s, ZW_OBJ_EXN, (const void *)(uintptr_t)v))
        mark_exn(mk, (zw_exn *)(uintptr_t)v);
}

/* What values of storage type t are, for tracing: not references into
 * the heap (numbers, functions), references of the any hierarchy (null,
 * an i31 or an object), exceptions, or extern values (a host word, a box,
 * or an object that extern.convert_any let out: checked like a root). */
enum { HOLDS_NONE, HOLDS_ANY, HOLDS_EXN, HOLDS_EXTERN };
static int holds(const zw_type *types, zw_valtype t) {
    if (!zw_is_ref(t)) return HOLDS_NONE;
    switch (zw_heap_top(types, zw_ref_heap(t))) {
    case ZW_HT_ANY: return HOLDS_ANY;
    case ZW_HT_EXN: return HOLDS_EXN;
    case ZW_HT_EXTERN: return HOLDS_EXTERN;
    }
    return HOLDS_NONE;
}

static void mark_held(marker *mk, int kind, const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    if (kind == HOLDS_ANY) mark_ref(mk, v);
    else if (kind == HOLDS_EXTERN) mark_value(mk, v);
    else if (v) mark_exn(mk, (zw_exn *)(uintptr_t)v);
}

/* The references inside o. */
static void mark_children(marker *mk, zw_gcobj *o) {
    const zw_type *types = mk->s->types.v.v;
    switch (o->kind) {
    case GC_STRUCT: {
        const zw_type *t = &types[o->type_id];
        for (uint32_t i = 0; i < t->nfields; i++) {
            int k = holds(types, t->fields[i].type);
            if (k != HOLDS_NONE) mark_held(mk, k, o->data + t->field_off[i]);
        }
        break;
    }
    case GC_ARRAY: {
        int k = holds(types, types[o->type_id].fields[0].type);
        if (k == HOLDS_NONE) break;
        for (uint32_t i = 0, n = alen(o); i < n; i++) mark_held(mk, k, aelems(o) + (size_t)i * 8);
        break;
    }
    case GC_BOX_ANY: /* an i31 */
        break;
    }
}

static void mark_store_roots(marker *mk) {
    zw_store *s = mk->s;
    const zw_type *types = s->types.v.v;
    for (uint32_t i = 0; i < s->objs_cap; i++) {
        uintptr_t o = s->objs[i];
        if (!o) continue;
        void *p = (void *)(o & ~(uintptr_t)7);
        switch ((zw_objkind)(o & 7)) {
        case ZW_OBJ_GLOBAL: {
            zw_globalinst *g = p;
            if (holds(types, g->type.type) != HOLDS_NONE) mark_value(mk, g->val.slots[0]);
            break;
        }
        case ZW_OBJ_TABLE: { /* (not the function tables) */
            zw_tableinst *t = p;
            if (holds(types, t->type.elem) == HOLDS_NONE) break;
            for (uint64_t k = 0; k < t->size; k++) mark_value(mk, (uint64_t)(uintptr_t)t->elems[k]);
            break;
        }
        case ZW_OBJ_EXN: { /* in flight, or held by the host: a root */
            zw_exn *e = p;
            if (!e->exposed || e->pinned) mark_exn(mk, e);
            break;
        }
        case ZW_OBJ_INSTANCE: {
            zw_instance *inst = p;
            if (!inst->elem_refs) break;
            for (uint32_t e = 0; e < inst->module->nelems; e++)
                if (inst->elem_refs[e])
                    for (uint32_t k = 0; k < inst->module->elems[e].count; k++)
                        mark_value(mk, (uint64_t)(uintptr_t)inst->elem_refs[e][k]);
            break;
        }
        default:
            break;
        }
    }
}

/* Free every unmarked object, unmark the rest, rebuild the free lists;
 * chunks left empty go back to the allocator. */
static void sweep(zw_store *s) {
    zw_gcheap *h = &s->gc;
    uint64_t live = 0;
    memset(h->free, 0, sizeof h->free);
    memset(h->fresh, 0, sizeof h->fresh);
    uint32_t keep = 0;
    h->nspare = 0;
    for (uint32_t i = 0; i < h->chunks.n; i++) {
        zw_gcchunk *c = h->chunks.v[i];
        if (!c->size) goto empty; /* spare already */
        uint32_t cls = c->size / 8, nlive = 0;
        void *list = h->free[cls];
        for (uint32_t k = 0; k < c->used; k++) {
            zw_gcobj *o = (zw_gcobj *)(c->objs + (size_t)k * c->size);
            if (o->kind && o->mark) {
                o->mark = 0;
                nlive++;
                continue;
            }
            o->kind = 0;
            memcpy(o->data, &list, sizeof list);
            list = o;
        }
        if (!nlive) {
        empty: /* keep a few empty chunks for reuse (no allocation, no page
                * faults); give the others back */
            if (h->nspare < ZW_ARRAY_LEN(h->spare)) {
                c->size = c->n = c->used = c->live = 0;
                h->spare[h->nspare++] = c;
                h->chunks.v[keep++] = c;
                continue;
            }
            zw_store_release(s, CHUNK_BYTES);
            h->heap_bytes -= CHUNK_BYTES;
            zw_free(s->al, c);
            continue;
        }
        h->free[cls] = list;
        c->live = nlive;
        live += (uint64_t)nlive * c->size;
        h->chunks.v[keep++] = c;
    }
    h->chunks.n = keep;
    /* large objects: free the unmarked, then rehash the rest (removals
     * broke probe chains) */
    uint32_t bn = 0;
    for (uint32_t i = 0; i < h->big_cap; i++) {
        zw_gcobj *o = h->big[i];
        if (!o) continue;
        if (o->mark) {
            o->mark = 0;
            live += zw_gc_object_size(s, o);
            bn++;
            continue;
        }
        uint64_t sz = zw_gc_object_size(s, o);
        zw_store_release(s, sz);
        h->heap_bytes -= sz;
        zw_free(s->al, o);
        h->big[i] = NULL;
    }
    for (uint32_t i = 0; i < h->big_cap; i++) {
        void *o = h->big[i];
        if (!o) continue;
        h->big[i] = NULL;
        big_put(h->big, h->big_cap, o);
    }
    h->big_n = bn;
    /* the free lists were rebuilt from scratch: objects freed earlier but
     * not reused are in them again (the walk saw them as kind 0) */
    h->live_bytes = live;
}

static void collect(zw_store *s, bool wasm);

/* Bytes of new allocation (or of exceptions that became values) after
 * which to collect: what survived the last collection, 8 MiB at least. */
static uint64_t collect_after(const zw_gcheap *h) {
    return h->live_bytes > ZW_GC_MIN_BYTES ? h->live_bytes : ZW_GC_MIN_BYTES;
}

/* Exceptions that became exnref values and that nothing reaches any more
 * go (not when tracing ran out of memory: then only the marks are reset). */
static void sweep_exns(zw_store *s, bool keep_all) {
    ZW_VEC(zw_exn *) dead = {0};
    for (uint32_t i = 0; i < s->objs_cap; i++) {
        uintptr_t o = s->objs[i];
        if (!o || (zw_objkind)(o & 7) != ZW_OBJ_EXN) continue;
        zw_exn *e = (zw_exn *)(o & ~(uintptr_t)7);
        if (!e->mark && e->exposed && !e->pinned && !keep_all && !ZW_VEC_PUSH(s->al, &dead, e)) keep_all = true;
        e->mark = 0;
    }
    if (!keep_all) /* (the object set changes: discard after the walk) */
        for (uint32_t i = 0; i < dead.n; i++) zw_store_discard(s, ZW_OBJ_EXN, dead.v[i]);
    ZW_VEC_FREE(s->al, &dead);
    s->gc.exn_since = 0;
}

void zw_gc_exn_exposed(zw_store *s, uint64_t bytes) { s->gc.exn_since += bytes; }

void zw_gc_exn_poll(zw_store *s, bool wasm) {
    zw_gcheap *h = &s->gc;
    if (!h->no_collect && (h->exn_since > collect_after(h) || ZW_GC_STRESS)) collect(s, wasm);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The reference values among values of types t->params in slots (a host
 * function's arguments, an exception's payload): checked like roots. */
static void mark_params(marker *mk, const zw_functype *t, const zw_slot *slots) {
    for (uint32_t i = 0, k = 0; i < t->nparams; k += zw_slots(t->params[i]), i++)
        if (zw_is_ref(t->params[i])) mark_value(mk, slots[k]);
}

/* A frame of running wasm code: the slots its reference map lists live
 * at the instruction it is in (ir/ir_refmap.c). */
static void mark_frame(void *env, const zw_module *m, const zw_ir_func *f, const zw_slot *fp, uint32_t pc) {
    marker *mk = env;
    const zw_ir_refmap *rm = zw_ir_refmap_of(m, f);
    if (!rm) {
        mk->oom = true;
        return;
    }
    uint32_t n;
    const uint32_t *slots = zw_ir_refs_at(rm, f, pc, &n);
    for (uint32_t k = 0; k < n; k++) mark_value(mk, fp[slots[k]]);
    mk->frames++;
}

/* Collect: roots, then everything they reach; unmarked objects are freed.
 * The roots: the store's globals, tables, element segments and exceptions
 * in flight or held by the host; the arguments of host functions running;
 * and the live references of every frame of wasm code running, which its
 * engine walks (wasm: see zw_gc_collect). */
static void collect(zw_store *s, bool wasm) {
    zw_gcheap *h = &s->gc;
    uint64_t t0 = now_ns();
    marker mk = {s, {0}, {0}, false, 0};
    mark_store_roots(&mk);
    for (const zw_hostframe *hf = s->exec.host; hf; hf = hf->prev) mark_params(&mk, hf->type, hf->args);
    if (s->exec.nest && s->engine->backend->frames) s->engine->backend->frames(s, wasm, mark_frame, &mk);
    h->frames_walked += mk.frames;
    while (mk.stack.n || mk.exns.n) {
        if (mk.stack.n) {
            mark_children(&mk, mk.stack.v[--mk.stack.n]);
        } else { /* an exception's payload (nslots: its tag's params) */
            zw_exn *e = mk.exns.v[--mk.exns.n];
            mark_params(&mk, e->tag->type, e->payload);
        }
    }
    ZW_VEC_FREE(s->al, &mk.stack);
    ZW_VEC_FREE(s->al, &mk.exns);
    sweep_exns(s, mk.oom);
    if (mk.oom) { /* could not trace everything: free nothing this time */
        for (uint32_t i = 0; i < h->chunks.n; i++) {
            zw_gcchunk *c = h->chunks.v[i];
            for (uint32_t k = 0; k < c->used; k++) ((zw_gcobj *)(c->objs + (size_t)k * c->size))->mark = 0;
        }
        for (uint32_t i = 0; i < h->big_cap; i++)
            if (h->big[i]) ((zw_gcobj *)h->big[i])->mark = 0;
        return;
    }
    sweep(s);
    h->since = 0;
    h->collections++;
    uint64_t dt = now_ns() - t0;
    h->total_pause_ns += dt;
    if (dt > h->max_pause_ns) h->max_pause_ns = dt;
}

ZWASM_API void zwasm_store_gc_stats(const zwasm_store_t *s, zwasm_gc_stats_t *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!zw_store_live(s)) return;
    out->collections = s->gc.collections;
    out->max_pause_ns = s->gc.max_pause_ns;
    out->total_pause_ns = s->gc.total_pause_ns;
    out->live_bytes = s->gc.live_bytes;
    out->heap_bytes = s->gc.heap_bytes;
    out->frames = s->gc.frames_walked;
}

ZWASM_API bool zwasm_store_gc(zwasm_store_t *s) {
    if (!zw_store_live(s)) return false;
    collect(s, false);
    return true;
}

/* Bytes an object takes (as gc_alloc rounds them). */
static uint64_t rounded(uint64_t payload) {
    uint64_t sz = (sizeof(zw_gcobj) + payload + 7) & ~(uint64_t)7;
    return sz < 16 ? 16 : sz;
}

uint64_t zw_gc_object_size(const zw_store *s, const void *p) {
    const zw_gcobj *o = p;
    switch (o->kind) {
    case GC_STRUCT: {
        const zw_type *t = &s->types.v.v[o->type_id];
        return rounded(t->field_off[t->nfields]);
    }
    case GC_ARRAY: return rounded(ARRAY_HDR + (uint64_t)alen(o) * s->types.v.v[o->type_id].elem_size);
    default: return rounded(8);
    }
}

void zw_gc_collect(zw_store *s, bool wasm) { collect(s, wasm); }

/* A zeroed block of `sz` bytes (a multiple of 16) from the size classes;
 * NULL when the store's limit or the allocator refuse. */
static zw_gcobj *small_alloc(zw_store *s, uint64_t sz) {
    zw_gcheap *h = &s->gc;
    uint32_t cls = size_class(sz);
    zw_gcobj *o = h->free[cls];
    if (o) {
        memcpy(&h->free[cls], o->data, sizeof(void *));
        return o;
    }
    zw_gcchunk *c = h->fresh[cls];
    if ((!c || c->used == c->n) && h->nspare) { /* a spare chunk: charged and listed already */
        c = h->spare[--h->nspare];
        c->size = cls * 8;
        c->n = (uint32_t)((CHUNK_BYTES - sizeof *c) / c->size);
        c->used = c->live = 0;
        h->fresh[cls] = c;
    }
    if (!c || c->used == c->n) {
        if (!zw_store_charge(s, CHUNK_BYTES)) return NULL;
        c = zw_malloc(s->al, CHUNK_BYTES);
        bool ok = c != NULL;
        if (ok) ok = chunk_insert(s, c);
        if (!ok) {
            zw_free(s->al, c);
            zw_store_release(s, CHUNK_BYTES);
            return NULL;
        }
        h->heap_bytes += CHUNK_BYTES;
        c->size = cls * 8;
        c->n = (uint32_t)((CHUNK_BYTES - sizeof *c) / c->size);
        c->used = c->live = 0;
        bounds_add(h, (uintptr_t)c, (uintptr_t)c + CHUNK_BYTES);
        h->fresh[cls] = c;
    }
    return (zw_gcobj *)(c->objs + (size_t)c->used++ * c->size);
}

/* An object of `payload` bytes, zeroed when `zero` (else the caller
 * writes all of it); NULL when the store's limit or the allocator refuse
 * (after collecting). */
static zw_gcobj *gc_alloc_z(zw_store *s, bool wasm, uint8_t kind, uint32_t type_id, uint64_t payload,
                            bool zero) {
    zw_gcheap *h = &s->gc;
    if (payload > ((uint64_t)1 << 40)) return NULL;
    uint64_t sz = rounded(payload); /* 16 at least: room for the free list's link */
    uint64_t trigger = collect_after(h);
    if (!h->no_collect && (h->since + sz > trigger || ZW_GC_STRESS)) collect(s, wasm);
    zw_gcobj *o = NULL;
    for (int attempt = 0; attempt < 2 && !o; attempt++) {
        if (attempt && (h->no_collect || (collect(s, wasm), false))) break;
        if (sz <= ZW_GC_SMALL) {
            o = small_alloc(s, sz);
        } else if (zw_store_charge(s, sz)) {
            o = zw_calloc(s->al, 1, (size_t)sz);
            bool ok = o != NULL;
            if (ok) ok = big_reserve(s);
            if (ok) {
                big_put(h->big, h->big_cap, o);
                h->big_n++;
            }
            if (!ok) {
                zw_free(s->al, o);
                o = NULL;
                zw_store_release(s, sz);
            } else {
                bounds_add(h, (uintptr_t)o, (uintptr_t)o + (uintptr_t)sz);
                h->heap_bytes += sz;
            }
        }
    }
    if (!o) return NULL;
    if (zero) memset(o, 0, (size_t)sz);
    o->kind = kind;
    o->mark = 0;
    o->pad = 0;
    o->type_id = type_id;
    h->since += sz;
    return o;
}

static zw_gcobj *gc_alloc(zw_store *s, bool wasm, uint8_t kind, uint32_t type_id, uint64_t payload) {
    return gc_alloc_z(s, wasm, kind, type_id, payload, true);
}

void zw_gc_free_all(zw_store *s) {
    zw_gcheap *h = &s->gc;
    for (uint32_t i = 0; i < h->chunks.n; i++) zw_free(s->al, h->chunks.v[i]);
    for (uint32_t i = 0; i < h->big_cap; i++) zw_free(s->al, h->big[i]);
    ZW_VEC_FREE(s->al, &h->chunks);
    zw_free(s->al, h->big);
    memset(h, 0, sizeof *h);
}

/* ---- values ------------------------------------------------------------------------ */
/* Load / store a field or element of storage type t at p, as a slot. */
static uint64_t load_st(zw_valtype t, const uint8_t *p, int sign) {
    switch (t) {
    case ZW_I8: return sign ? (uint32_t)(int32_t)(int8_t)p[0] : p[0];
    case ZW_I16: {
        uint16_t v;
        memcpy(&v, p, 2);
        return sign ? (uint32_t)(int32_t)(int16_t)v : v;
    }
    case ZW_I32: case ZW_F32: {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    default: {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    }
}

static void store_st(zw_valtype t, uint8_t *p, const zw_slot *v) {
    switch (t) {
    case ZW_I8: p[0] = (uint8_t)v[0]; break;
    case ZW_I16: { uint16_t x = (uint16_t)v[0]; memcpy(p, &x, 2); break; }
    case ZW_I32: case ZW_F32: { uint32_t x = (uint32_t)v[0]; memcpy(p, &x, 4); break; }
    case ZW_V128: memcpy(p, v, 16); break;
    default: memcpy(p, v, 8); break;
    }
}

static void get_st(zw_valtype t, const uint8_t *p, int sign, zw_slot *out) {
    if (t == ZW_V128) memcpy(out, p, 16);
    else out[0] = load_st(t, p, sign);
}

uint32_t zw_gc_ref_kind(uint64_t v) {
    if (!v) return 0;
    if (is_i31(v)) return ZW_HT_I31;
    switch (obj_of(v)->kind) {
    case GC_STRUCT: return ZW_HT_STRUCT;
    case GC_ARRAY: return ZW_HT_ARRAY;
    case GC_BOX_EXTERN: return ZW_HT_EXTERN;
    }
    return ZW_HT_ANY;
}

/* Whether reference v (of the hierarchy of ht) is in heap type ht
 * (canonical ids); null is not (callers decide about nullability). */
bool zw_gc_ref_in(const zw_store *s, uint64_t v, uint32_t ht) {
    if (!v) return false;
    const zw_type *types = s->types.v.v;
    uint32_t top = zw_heap_top(types, ht);
    if (top == ZW_HT_FUNC) {
        if (ht == ZW_HT_FUNC) return true;
        if (!zw_heap_is_idx(ht)) return false; /* nofunc */
        const zw_funcinst *f = (const zw_funcinst *)(uintptr_t)v;
        uint32_t want = ht - ZW_HT_IDX;
        return zw_func_has_type(f, want, types[want].depth);
    }
    if (top != ZW_HT_ANY) return ht == top; /* extern, exn: any non-null value; their bottoms: none */
    uint32_t k = zw_gc_ref_kind(v);
    switch (ht) {
    case ZW_HT_ANY: return true;
    case ZW_HT_EQ: return k == ZW_HT_I31 || k == ZW_HT_STRUCT || k == ZW_HT_ARRAY;
    case ZW_HT_I31: case ZW_HT_STRUCT: case ZW_HT_ARRAY: return k == ht;
    case ZW_HT_NONE: return false;
    }
    if (k != ZW_HT_STRUCT && k != ZW_HT_ARRAY) return false;
    const zw_gcobj *o = obj_of(v);
    uint32_t want = ht - ZW_HT_IDX;
    const zw_type *t = &types[o->type_id];
    return o->type_id == want || (t->depth > types[want].depth && t->supers[types[want].depth] == want);
}

/* ---- the instructions ------------------------------------------------------------------ */
#define TRAP(k) return (k)

/* The canonical id and type of the module type index x of inst. */
static const zw_type *ctype(const zw_instance *inst, uint32_t x, uint32_t *id) {
    *id = inst->type_ids[x];
    return &inst->store->types.v.v[*id];
}


/* An array of type id with n elements, each from `init` (NULL: zero). */
static zw_gcobj *new_array(zw_store *s, bool wasm, uint32_t id, uint32_t n, const zw_slot *init) {
    const zw_type *t = &s->types.v.v[id];
    zw_gcobj *o = gc_alloc_z(s, wasm, GC_ARRAY, id, ARRAY_HDR + (uint64_t)n * t->elem_size, !init);
    if (!o) return NULL;
    t = &s->types.v.v[id];
    memcpy(o->data, &n, 4);
    if (init)
        for (uint32_t i = 0; i < n; i++) store_st(t->fields[0].type, aelems(o) + (size_t)i * t->elem_size, init);
    return o;
}

/* Fuel for n elements of bulk work (as bulk.c charges). */
static bool burn(uint64_t *fuel, uint64_t n) {
    if (!fuel || *fuel == UINT64_MAX) return true;
    uint64_t cost = n / 64;
    if (cost > *fuel) return false;
    *fuel -= cost;
    return true;
}

/* Element i of array reference r: its address and storage type, or the
 * trap (null, out of bounds). */
static uint32_t array_elem(const zw_store *s, uint64_t r, uint32_t i, uint8_t **p, zw_valtype *st) {
    if (!r) return ZWASM_TRAP_NULL_ARRAY_REFERENCE;
    zw_gcobj *a = obj_of(r);
    if (i >= alen(a)) return ZWASM_TRAP_ARRAY_OOB;
    const zw_type *t = &s->types.v.v[a->type_id];
    *p = aelems(a) + (size_t)i * t->elem_size;
    *st = t->fields[0].type;
    return 0;
}

/* Elements [off, off+n) of a, checked. */
static bool in_bounds(const zw_gcobj *a, uint64_t off, uint64_t n) { return off <= alen(a) && n <= alen(a) - off; }

/* zw_gc_exec; wasm: run by wasm code (not for a constant expression or
 * the API), whose engine recorded where it is for the collector. */
static uint32_t gc_exec(zw_instance *inst, uint32_t op, zw_slot *fp, const uint32_t *ip, uint64_t *fuel, bool wasm) {
    zw_store *s = inst->store;
    const zw_module *m = inst->module;
    uint32_t id;
    const zw_type *t;
    switch (op) {
    case ZW_OP_STRUCT_NEW: case ZW_OP_STRUCT_NEW_DEFAULT: { /* d type [n src...] */
        t = ctype(inst, ip[2], &id);
        /* struct.new writes every field; the padding between stays unread */
        zw_gcobj *o = gc_alloc_z(s, wasm, GC_STRUCT, id, t->field_off[t->nfields], op == ZW_OP_STRUCT_NEW_DEFAULT);
        if (!o) TRAP(ZWASM_TRAP_OUT_OF_MEMORY);
        t = &s->types.v.v[id];
        if (op == ZW_OP_STRUCT_NEW)
            for (uint32_t i = 0; i < t->nfields; i++) store_st(t->fields[i].type, o->data + t->field_off[i], fp + ip[4 + i]);
        fp[ip[1]] = (uint64_t)(uintptr_t)o;
        return 0;
    }
    case ZW_OP_STRUCT_GET: case ZW_OP_STRUCT_GET_S: case ZW_OP_STRUCT_GET_U: { /* d ref type field */
        uint64_t r = fp[ip[2]];
        if (!r) TRAP(ZWASM_TRAP_NULL_STRUCT_REFERENCE);
        t = ctype(inst, ip[3], &id);
        get_st(t->fields[ip[4]].type, obj_of(r)->data + t->field_off[ip[4]], op == ZW_OP_STRUCT_GET_S, fp + ip[1]);
        return 0;
    }
    case ZW_OP_STRUCT_SET: { /* ref value type field */
        uint64_t r = fp[ip[1]];
        if (!r) TRAP(ZWASM_TRAP_NULL_STRUCT_REFERENCE);
        t = ctype(inst, ip[3], &id);
        store_st(t->fields[ip[4]].type, obj_of(r)->data + t->field_off[ip[4]], fp + ip[2]);
        return 0;
    }
    case ZW_OP_ARRAY_NEW: case ZW_OP_ARRAY_NEW_DEFAULT: { /* d init len type (default: d len type) */
        bool def = op == ZW_OP_ARRAY_NEW_DEFAULT;
        uint32_t n = (uint32_t)fp[ip[def ? 2 : 3]];
        ctype(inst, ip[def ? 3 : 4], &id);
        if (!burn(fuel, n)) TRAP(ZWASM_TRAP_OUT_OF_FUEL);
        zw_gcobj *o = new_array(s, wasm, id, n, def ? NULL : fp + ip[2]);
        if (!o) TRAP(ZWASM_TRAP_OUT_OF_MEMORY);
        fp[ip[1]] = (uint64_t)(uintptr_t)o;
        return 0;
    }
    case ZW_OP_ARRAY_NEW_FIXED: { /* d type [n src...] */
        uint32_t n = ip[3];
        t = ctype(inst, ip[2], &id);
        zw_gcobj *o = new_array(s, wasm, id, n, NULL);
        if (!o) TRAP(ZWASM_TRAP_OUT_OF_MEMORY);
        t = &s->types.v.v[id];
        for (uint32_t i = 0; i < n; i++) store_st(t->fields[0].type, aelems(o) + (size_t)i * t->elem_size, fp + ip[4 + i]);
        fp[ip[1]] = (uint64_t)(uintptr_t)o;
        return 0;
    }
    case ZW_OP_ARRAY_NEW_DATA: case ZW_OP_ARRAY_NEW_ELEM: { /* d off len type seg */
        uint32_t off = (uint32_t)fp[ip[2]], n = (uint32_t)fp[ip[3]], seg = ip[5];
        t = ctype(inst, ip[4], &id);
        uint64_t es = t->elem_size;
        if (op == ZW_OP_ARRAY_NEW_DATA) {
            uint64_t bytes = (uint64_t)n * es;
            if ((uint64_t)off + bytes > inst->data_len[seg]) TRAP(ZWASM_TRAP_MEMORY_OOB);
        } else if ((uint64_t)off + n > inst->elem_len[seg]) {
            TRAP(ZWASM_TRAP_TABLE_OOB);
        }
        if (!burn(fuel, n)) TRAP(ZWASM_TRAP_OUT_OF_FUEL);
        zw_gcobj *o = new_array(s, wasm, id, n, NULL);
        if (!o) TRAP(ZWASM_TRAP_OUT_OF_MEMORY);
        if (op == ZW_OP_ARRAY_NEW_DATA) {
            if (n) memcpy(aelems(o), m->datas[seg].bytes + off, (size_t)n * es);
        } else {
            for (uint32_t i = 0; i < n; i++) {
                uint64_t v = (uint64_t)(uintptr_t)inst->elem_refs[seg][off + i];
                memcpy(aelems(o) + (size_t)i * 8, &v, 8);
            }
        }
        fp[ip[1]] = (uint64_t)(uintptr_t)o;
        return 0;
    }
    case ZW_OP_ARRAY_GET: case ZW_OP_ARRAY_GET_S: case ZW_OP_ARRAY_GET_U: { /* d ref idx type */
        uint8_t *p;
        zw_valtype st;
        uint32_t k = array_elem(s, fp[ip[2]], (uint32_t)fp[ip[3]], &p, &st);
        if (k) TRAP(k);
        get_st(st, p, op == ZW_OP_ARRAY_GET_S, fp + ip[1]);
        return 0;
    }
    case ZW_OP_ARRAY_SET: { /* ref idx value type */
        uint8_t *p;
        zw_valtype st;
        uint32_t k = array_elem(s, fp[ip[1]], (uint32_t)fp[ip[2]], &p, &st);
        if (k) TRAP(k);
        store_st(st, p, fp + ip[3]);
        return 0;
    }
    case ZW_OP_ARRAY_LEN: { /* d ref */
        uint64_t r = fp[ip[2]];
        if (!r) TRAP(ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        fp[ip[1]] = alen(obj_of(r));
        return 0;
    }
    case ZW_OP_ARRAY_FILL: { /* ref off value n type */
        uint64_t r = fp[ip[1]];
        if (!r) TRAP(ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        zw_gcobj *a = obj_of(r);
        uint32_t off = (uint32_t)fp[ip[2]], n = (uint32_t)fp[ip[4]];
        if (!in_bounds(a, off, n)) TRAP(ZWASM_TRAP_ARRAY_OOB);
        if (!burn(fuel, n)) TRAP(ZWASM_TRAP_OUT_OF_FUEL);
        t = &s->types.v.v[a->type_id];
        for (uint32_t i = 0; i < n; i++) store_st(t->fields[0].type, aelems(a) + (size_t)(off + i) * t->elem_size, fp + ip[3]);
        return 0;
    }
    case ZW_OP_ARRAY_COPY: { /* dst doff src soff n dtype stype */
        uint64_t rd = fp[ip[1]], rs = fp[ip[3]];
        if (!rd || !rs) TRAP(ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        zw_gcobj *d = obj_of(rd), *sa = obj_of(rs);
        uint32_t doff = (uint32_t)fp[ip[2]], soff = (uint32_t)fp[ip[4]], n = (uint32_t)fp[ip[5]];
        if (!in_bounds(d, doff, n) || !in_bounds(sa, soff, n)) TRAP(ZWASM_TRAP_ARRAY_OOB);
        if (!burn(fuel, n)) TRAP(ZWASM_TRAP_OUT_OF_FUEL);
        uint32_t es = s->types.v.v[d->type_id].elem_size;
        if (n) memmove(aelems(d) + (size_t)doff * es, aelems(sa) + (size_t)soff * es, (size_t)n * es);
        return 0;
    }
    case ZW_OP_ARRAY_INIT_DATA: case ZW_OP_ARRAY_INIT_ELEM: { /* ref doff soff n type seg */
        uint64_t r = fp[ip[1]];
        if (!r) TRAP(ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        zw_gcobj *a = obj_of(r);
        uint32_t doff = (uint32_t)fp[ip[2]], soff = (uint32_t)fp[ip[3]], n = (uint32_t)fp[ip[4]], seg = ip[6];
        if (!in_bounds(a, doff, n)) TRAP(ZWASM_TRAP_ARRAY_OOB);
        t = &s->types.v.v[a->type_id];
        uint64_t es = t->elem_size;
        if (op == ZW_OP_ARRAY_INIT_DATA) {
            if ((uint64_t)soff + (uint64_t)n * es > inst->data_len[seg]) TRAP(ZWASM_TRAP_MEMORY_OOB);
        } else if ((uint64_t)soff + n > inst->elem_len[seg]) {
            TRAP(ZWASM_TRAP_TABLE_OOB);
        }
        if (!burn(fuel, n)) TRAP(ZWASM_TRAP_OUT_OF_FUEL);
        if (op == ZW_OP_ARRAY_INIT_DATA) {
            if (n) memcpy(aelems(a) + doff * es, m->datas[seg].bytes + soff, (size_t)(n * es));
        } else {
            for (uint32_t i = 0; i < n; i++) {
                uint64_t v = (uint64_t)(uintptr_t)inst->elem_refs[seg][soff + i];
                memcpy(aelems(a) + (size_t)(doff + i) * 8, &v, 8);
            }
        }
        return 0;
    }
    case ZW_OP_REF_TEST: case ZW_OP_REF_TEST_NULL: case ZW_OP_REF_CAST: case ZW_OP_REF_CAST_NULL: { /* d ref ht */
        uint64_t v = fp[ip[2]];
        uint32_t ht = ip[3];
        if (zw_heap_is_idx(ht)) ht = ZW_HT_IDX + inst->type_ids[ht - ZW_HT_IDX];
        bool ok = v ? zw_gc_ref_in(s, v, ht) : op == ZW_OP_REF_TEST_NULL || op == ZW_OP_REF_CAST_NULL;
        if (op == ZW_OP_REF_TEST || op == ZW_OP_REF_TEST_NULL) {
            fp[ip[1]] = ok;
            return 0;
        }
        if (!ok) TRAP(ZWASM_TRAP_CAST_FAILURE);
        fp[ip[1]] = v;
        return 0;
    }
    case ZW_OP_ANY_CONVERT_EXTERN: { /* d ref */
        uint64_t v = fp[ip[2]];
        if (v && !is_object(&s->gc, obj_of(v))) { /* a host value: boxed */
            zw_gcobj *o = gc_alloc(s, wasm, GC_BOX_EXTERN, 0, 8);
            if (!o) TRAP(ZWASM_TRAP_OUT_OF_MEMORY);
            memcpy(o->data, &v, 8);
            v = (uint64_t)(uintptr_t)o;
        } else if (v && obj_of(v)->kind == GC_BOX_ANY) { /* an i31 that went out as an extern */
            memcpy(&v, obj_of(v)->data, 8);
        }
        fp[ip[1]] = v;
        return 0;
    }
    case ZW_OP_EXTERN_CONVERT_ANY: { /* d ref */
        uint64_t v = fp[ip[2]];
        if (v && is_i31(v)) { /* boxed: extern values may be any host word */
            zw_gcobj *o = gc_alloc(s, wasm, GC_BOX_ANY, 0, 8);
            if (!o) TRAP(ZWASM_TRAP_OUT_OF_MEMORY);
            memcpy(o->data, &v, 8);
            v = (uint64_t)(uintptr_t)o;
        } else if (v && obj_of(v)->kind == GC_BOX_EXTERN) {
            memcpy(&v, obj_of(v)->data, 8);
        }
        fp[ip[1]] = v;
        return 0;
    }
    case ZW_OP_REF_I31: /* d value */
        fp[ip[1]] = ((uint64_t)((uint32_t)fp[ip[2]] & 0x7FFFFFFFu) << 1) | 1;
        return 0;
    case ZW_OP_I31_GET_S: case ZW_OP_I31_GET_U: { /* d ref */
        uint64_t v = fp[ip[2]];
        if (!v) TRAP(ZWASM_TRAP_NULL_I31_REFERENCE);
        uint32_t x = (uint32_t)(v >> 1) & 0x7FFFFFFFu;
        if (op == ZW_OP_I31_GET_S && (x & 0x40000000u)) x |= 0x80000000u;
        fp[ip[1]] = x;
        return 0;
    }
    case ZW_OP_REF_EQ: /* d a b */
        fp[ip[1]] = fp[ip[2]] == fp[ip[3]];
        return 0;
    }
    return ZWASM_TRAP_UNREACHABLE;
}

uint32_t zw_gc_exec(zw_instance *inst, uint32_t op, zw_slot *fp, const uint32_t *ip, uint64_t *fuel) {
    return gc_exec(inst, op, fp, ip, fuel, true);
}

/* ---- constant expressions ------------------------------------------------------------- */
uint64_t zw_gc_const_new(zw_instance *inst, uint32_t op, uint32_t x, uint32_t n, const zw_value *args) {
    zw_store *s = inst->store;
    uint32_t id;
    const zw_type *t = ctype(inst, x, &id);
    zw_gcobj *o;
    switch (op) {
    case ZW_OP_STRUCT_NEW: case ZW_OP_STRUCT_NEW_DEFAULT:
        o = gc_alloc(s, false, GC_STRUCT, id, t->field_off[t->nfields]);
        if (!o) return 0;
        t = &s->types.v.v[id];
        if (op == ZW_OP_STRUCT_NEW)
            for (uint32_t i = 0; i < t->nfields; i++) store_st(t->fields[i].type, o->data + t->field_off[i], args[i].slots);
        return (uint64_t)(uintptr_t)o;
    case ZW_OP_ARRAY_NEW: case ZW_OP_ARRAY_NEW_DEFAULT:
        o = new_array(s, false, id, n, op == ZW_OP_ARRAY_NEW ? args[0].slots : NULL);
        return (uint64_t)(uintptr_t)o;
    case ZW_OP_ARRAY_NEW_FIXED:
        o = new_array(s, false, id, n, NULL);
        if (!o) return 0;
        t = &s->types.v.v[id];
        for (uint32_t i = 0; i < n; i++) store_st(t->fields[0].type, aelems(o) + (size_t)i * t->elem_size, args[i].slots);
        return (uint64_t)(uintptr_t)o;
    }
    return 0;
}

uint64_t zw_gc_const_convert(zw_instance *inst, uint32_t op, uint64_t v) {
    zw_slot fp[2] = {0, v};
    uint32_t ip[3] = {op, 0, 1};
    return gc_exec(inst, op, fp, ip, NULL, false) ? 0 : fp[0];
}

/* ---- the API's view ------------------------------------------------------------------- */
ZWASM_API zwasm_anyref_kind_t zwasm_anyref_kind(const void *ref) {
    switch (zw_gc_ref_kind((uint64_t)(uintptr_t)ref)) {
    case ZW_HT_I31: return ZWASM_ANYREF_I31;
    case ZW_HT_STRUCT: return ZWASM_ANYREF_STRUCT;
    case ZW_HT_ARRAY: return ZWASM_ANYREF_ARRAY;
    case ZW_HT_EXTERN: return ZWASM_ANYREF_HOST;
    case 0: return ZWASM_ANYREF_NULL;
    }
    return ZWASM_ANYREF_NULL;
}

ZWASM_API int32_t zwasm_anyref_i31(const void *ref, bool sign) {
    uint32_t x = (uint32_t)((uintptr_t)ref >> 1) & 0x7FFFFFFFu;
    if (sign && (x & 0x40000000u)) x |= 0x80000000u;
    return (int32_t)x;
}

ZWASM_API void *zwasm_anyref_from_host(zwasm_store_t *s, void *host) {
    if (!zw_store_live(s) || !host) return NULL;
    zw_slot fp[2] = {0, (uint64_t)(uintptr_t)host};
    uint32_t ip[3] = {ZW_OP_ANY_CONVERT_EXTERN, 0, 1};
    zw_instance none = {.store = s};
    return gc_exec(&none, ZW_OP_ANY_CONVERT_EXTERN, fp, ip, NULL, false) ? NULL : (void *)(uintptr_t)fp[0];
}

ZWASM_API void *zwasm_anyref_host(const void *ref) {
    if (zwasm_anyref_kind(ref) != ZWASM_ANYREF_HOST) return NULL;
    void *v;
    memcpy(&v, ((const zw_gcobj *)ref)->data, sizeof v);
    return v;
}
