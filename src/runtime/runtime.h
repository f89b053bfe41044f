/*
 * runtime.h — runtime objects: engine, store, function instances, memories,
 * tables, globals, module instances; instantiation and the calling
 * interface into the interpreter.
 *
 * The public opaque types of zwasm.h are these structs:
 *   zwasm_engine = zw_engine, zwasm_store = zw_store, zwasm_func = zw_funcinst,
 *   zwasm_memory = zw_memory, zwasm_table = zw_tableinst,
 *   zwasm_global = zw_globalinst, zwasm_instance = zw_instance,
 *   zwasm_tag = zw_taginst, zwasm_exn = zw_exn,
 *   zwasm_module = zw_module (module.h).
 *
 * Values at run time live in 8-byte slots (zw_slot); a v128 takes two
 * consecutive slots (low half first).  i32 and f32 occupy the low 32 bits
 * (upper bits unspecified), references are pointers: a funcref is a
 * zw_funcinst*, an externref an opaque host pointer; NULL is ref.null.
 */
#ifndef ZW_RUNTIME_H
#define ZW_RUNTIME_H

#include <pthread.h>

#include "../common.h"
#include "../module.h"

typedef uint64_t zw_slot;

#define zw_engine zwasm_engine
#define zw_store zwasm_store
#define zw_funcinst zwasm_func
#define zw_memory zwasm_memory
#define zw_tableinst zwasm_table
#define zw_globalinst zwasm_global
#define zw_instance zwasm_instance
#define zw_taginst zwasm_tag
#define zw_exn zwasm_exn

typedef struct zw_engine zw_engine;
typedef struct zw_store zw_store;
typedef struct zw_funcinst zw_funcinst;
typedef struct zw_memory zw_memory;
typedef struct zw_tableinst zw_tableinst;
typedef struct zw_globalinst zw_globalinst;
typedef struct zw_instance zw_instance;
typedef struct zw_taginst zw_taginst;
typedef struct zw_exn zw_exn;
typedef struct zw_waiters zw_waiters; /* atomic.c */

/* An engine: the configuration, and the store records it has handed out.
 * A store record (zw_store) is never freed before its engine: a deleted
 * store's record is kept, marked dead, for reuse by a later
 * zwasm_store_new, so that an API call given a deleted store reads valid
 * memory and can refuse it (see zw_store_live). */
struct zw_engine {
    zwasm_config_t cfg;
    bool dying;                 /* deleted by a host function during a call */
    const struct zw_backend *backend; /* the execution engine (zw_backend) */
    pthread_mutex_t lock;       /* guards stores (engines are shared between threads) */
    ZW_VEC(zw_store *) stores;  /* every store record, live or dead */
    /* Every live shared memory made by the engine's stores (under lock):
     * a store of the engine may import one made in another (threads), so
     * a handle from elsewhere is looked up here before it is used. */
    ZW_VEC(zw_memory *) shared_mems;
};

/* A value stored in a global or passed across the runtime boundary. */
typedef union zw_value {
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
    zw_v128 v128;
    void *ref;
    zw_slot slots[2];
} zw_value;

struct zw_funcinst {
    zw_store *store;            /* owner */
    const void *code;           /* the engine's code for it (zw_backend.func_code); NULL for host functions */
    uint32_t type_id;           /* store-canonical type id: equal iff types equal */
    uint32_t type_depth;        /* its supertype display (zw_type.supers): a subtype */
    const uint32_t *type_supers;/* check is one compare, zw_func_has_type */
    const zw_functype *type;    /* points into the module or into host storage */
    zw_instance *inst;          /* owning instance; NULL for host functions */
    uint32_t index;             /* function index in the owning module */
    /* host functions */
    zwasm_host_func_t host;
    void *host_env;
    void (*host_finalizer)(void *);
    zw_functype host_type;      /* owned copy for host functions */
    char *name;                 /* NUL-terminated copy made by zwasm_func_name, or NULL */
};

struct zw_memory {
    zw_store *store;     /* owner (its limits govern growth) */
    uint8_t *base;       /* start of the reservation; never moves */
    uint64_t size;       /* current size in bytes */
    uint64_t pages;      /* current size in pages */
    uint64_t max_pages;  /* effective maximum (declared max, or the 4 GiB limit);
                          * the declared one is in type.lim */
    uint64_t reserved;   /* bytes of address space reserved at base */
    /* Every address a 32-bit load or store can form (i32 + u32 offset +
     * access size) lies inside the reservation, so an access beyond size
     * faults instead of touching other memory: compiled code may skip the
     * bounds check and turn the fault into a trap.  Otherwise (a smaller
     * fallback reservation, 64-bit memories) every access is checked. */
    bool guarded;
    zw_memtype type;
    /* The wait/notify parking lot of a shared memory, NULL otherwise
     * (atomic.c); it belongs to the memory's backing so that every
     * thread's waiters and notifiers meet. */
    zw_waiters *waiters;
    /* A shared memory (threads) may be in several stores, used by several
     * threads: holders counts the stores that hold it (under the engine's
     * lock; the last one frees it), grow_mu serialises memory.grow, and
     * size and pages change atomically (zw_mem_size) while other threads
     * read them.  The store that made it is charged its maximum at once,
     * since any thread may grow it. */
    uint32_t holders;
    pthread_mutex_t grow_mu;
};

struct zw_tableinst {
    zw_store *store;     /* owner (its limits govern growth) */
    void **elems;        /* size entries; NULL is null */
    uint64_t size;
    uint64_t max;        /* effective max */
    zw_tabletype type;
};

struct zw_globalinst {
    zw_store *store;     /* owner */
    zw_value val;
    zw_globaltype type;
};

/* A tag (exception handling): identity is the object; imports link the
 * exporter's object, whose type id must equal the import's. */
struct zw_taginst {
    zw_store *store;            /* owner */
    uint32_t type_id;           /* store-canonical id of its function type */
    const zw_functype *type;    /* params: the payload (in the module, or host_type) */
    zw_functype host_type;      /* owned copy for tags made by zwasm_tag_new */
};

/* An exception: a tag and its payload (the tag's params, in slots as on
 * the value stack).  An exnref is a pointer to one.  Exceptions are owned
 * by the store (objects of kind ZW_OBJ_EXN) and charged to its memory
 * limit; one that was never exposed (stored as an exnref by catch_ref,
 * catch_all_ref or a legacy handler that rethrows, or handed to the host)
 * is freed as soon as a handler takes its payload; an exposed one is
 * collected (gc.c) once nothing reaches it, unless the host holds it
 * (pinned: it left wasm or the host made it), which keeps it until the
 * store is deleted. */
struct zw_exn {
    zw_store *store;
    zw_taginst *tag;
    uint32_t nslots;
    bool exposed;
    bool pinned;   /* the host holds it (it left wasm, or the host made it): never collected */
    uint8_t mark;  /* the collector's (gc.c) */
    zw_slot payload[];
};

struct zw_instance {
    zw_store *store;
    const zw_module *module;
    zw_funcinst **funcs;       /* module->nfuncs entries (imports resolved) */
    zw_tableinst **tables;
    zw_memory **mems;
    zw_memory *mem0;           /* mems[0], or NULL without memories (for compiled code) */
    zw_globalinst **globals;
    zw_taginst **tags;
    uint32_t *type_ids;        /* module type index -> store type id */
    /* Segment state: a dropped segment has length 0. */
    uint32_t *elem_len;        /* current length of each element segment */
    void ***elem_refs;         /* evaluated references of each element segment */
    uint32_t *data_len;        /* current length of each data segment */
};

/* Execution state of one store: the value stack and the frame stack used by
 * the interpreter, the native stack floor and fuel.  Host -> wasm re-entry
 * pushes above the current top. */
/* A host function running (zw_call_host): its arguments, in the caller's
 * frame, are the collector's roots until it returns. */
typedef struct zw_hostframe {
    struct zw_hostframe *prev;
    const zw_slot *args;
    const zw_functype *type;
} zw_hostframe;

typedef struct zw_exec {
    const zw_alloc *al;        /* the engine's allocator (engine_state) */
    zw_slot *stack;            /* value stack base */
    zw_slot *stack_end;
    zw_slot *sp;               /* first free slot for a new outermost call */
    void *engine_state;        /* the engine's own (interp: frame records) */
    uint32_t depth;            /* current wasm call depth */
    uint32_t nest;             /* zw_call activations (host -> wasm re-entries + 1) */
    /* The native (C) stack of the thread running the store: entering wasm
     * with the stack pointer below native_floor traps "call stack
     * exhausted" (runtime/stack.c). */
    uintptr_t native_floor;
    bool fuel_on;              /* the engine burns fuel */
    uint64_t fuel;             /* fuel left (when fuel_on) */
    /* The exception being thrown across a boundary: set with
     * ZWASM_ERR_EXCEPTION by an engine whose call it escaped, and by
     * zw_call_host when a host function threw. */
    zw_exn *exn;
    zw_hostframe *host;        /* host functions running, innermost first */
} zw_exec;

/* Kinds of the objects a store owns (tags in its object set). */
typedef enum zw_objkind {
    ZW_OBJ_FUNC = 1, ZW_OBJ_MEMORY, ZW_OBJ_TABLE, ZW_OBJ_GLOBAL, ZW_OBJ_INSTANCE,
    ZW_OBJ_TAG, ZW_OBJ_EXN,
} zw_objkind;

/* The store's GC heap (gc.c): objects of up to ZW_GC_SMALL bytes live in
 * chunks of one size class each (a free list per class); larger ones are
 * allocated one by one.  Chunks are kept sorted by address, so "is this
 * word an object" is a binary search. */
#define ZW_GC_SMALL 2048u
#define ZW_GC_CLASSES (ZW_GC_SMALL / 16)
struct zw_gcchunk;
typedef struct zw_gcheap {
    ZW_VEC(struct zw_gcchunk *) chunks; /* sorted by address */
    void **big;                         /* large objects: a set (open addressing) */
    uint32_t big_cap, big_n;
    void *free[ZW_GC_CLASSES + 1];      /* per size class (16-byte units) */
    struct zw_gcchunk *fresh[ZW_GC_CLASSES + 1]; /* a chunk being filled per class */
    struct zw_gcchunk *spare[32];       /* empty chunks kept for reuse (in chunks, size 0) */
    uint32_t nspare;
    uintptr_t lo, hi;                   /* bounds of every chunk and large object */
    uint64_t live_bytes, since;         /* bytes that survived the last collection; allocated since */
    uint64_t collections, max_pause_ns, total_pause_ns;
    uint64_t heap_bytes;  /* chunks and large objects */
    uint32_t no_collect; /* > 0: allocations may not collect (constant expressions) */
    uint64_t exn_since;  /* bytes of exceptions that became exnref values since the last collection */
    uint64_t frames_walked; /* wasm frames the collections took roots from */
} zw_gcheap;

struct zw_store {
    zw_engine *engine;
    const zw_alloc *al;        /* the engine's allocator: every allocation of the store */
    bool live;                 /* false once deleted (the record awaits reuse) */
    bool dying;                /* deleted by a host function during a call: the
                                * deletion happens when the outermost call returns */
    uint32_t interrupt;        /* set (atomically) by zwasm_store_interrupt */
    zw_exec exec;
    zwasm_store_limits_t limits;
    uint64_t mem_used;         /* bytes of linear memory + table storage */
    uint32_t nmems, ntables, ninstances;
    /* Canonical types of every module instantiated here and every host
     * function type: a type id indexes types.v (types.c). */
    zw_typetab types;
    zw_gcheap gc; /* GC objects (gc.c) */
    /* Everything the store owns, freed by zwasm_store_delete: a set of
     * tagged pointers (object address | zw_objkind), open addressing,
     * 0 = empty.  It answers "is this a live object of this store" for
     * every handle an embedder passes in. */
    uintptr_t *objs;
    uint32_t objs_n, objs_cap;
    /* The instances among them, in creation order (what the JIT's
     * unwinder and backtraces search for compiled code). */
    ZW_VEC(zw_instance *) insts;
};

/* ---- execution engines ------------------------------------------------------
 * The interpreter (interp/) and the JIT (jit/) run lowered code behind this
 * interface; the API picks one per engine (cfg.engine) and the runtime runs
 * wasm only through it.  A module is prepared once, for the engine it was
 * created with; its functions' instances get the engine's code pointer. */
struct zw_ir_func;
typedef void (*zw_frame_visit)(void *env, const zw_module *m, const struct zw_ir_func *f, const zw_slot *fp,
                               uint32_t pc);
typedef struct zw_backend {
    const char *name;
    /* The engine's code does not bounds-check 32-bit memories (of pages of
     * 4 KiB or more): their full reservation is required (zw_memory.guarded). */
    bool guarded_memories;
    /* Set up m->engine_code for m's defined functions (the engine builds
     * each one's code when it is first called: zw_ir_get lowers it). */
    zwasm_result_t (*prepare)(zw_module *m, zwasm_error_t *err);
    /* The code pointer of defined function def (a zw_funcinst's .code). */
    const void *(*func_code)(const zw_module *m, uint32_t def);
    /* Run f (not a host function) with its frame at fp on the store's
     * value stack, arguments in place; results come back from slot 0. */
    zwasm_result_t (*call)(zw_store *s, zw_funcinst *f, zw_slot *fp, zwasm_error_t *err);
    /* zwasm_module_code (NULL: no machine code) */
    zwasm_result_t (*code)(zw_module *m, zwasm_code_fn fn, void *env, zwasm_error_t *err);
    void (*free_module)(zw_module *m);         /* m->engine_code */
    void (*free_exec)(zw_exec *e);             /* e->engine_state */
    /* Visit every frame of wasm code the store is running, in every
     * activation (host -> wasm re-entries), innermost first: its module,
     * function, frame and a code position inside the instruction it is in
     * (a call, or the instruction that collects).  wasm: the collection was
     * asked for by the innermost activation's own code (an allocation or
     * a throw), not by a host function it called.  The collector's roots. */
    void (*frames)(zw_store *s, bool wasm, zw_frame_visit visit, void *env);
} zw_backend;

/* What a host function receives as its caller. */
struct zwasm_caller {
    zw_store *store;
    zw_instance *inst; /* the instance whose code made the call, or NULL */
};

/* ---- runtime/store.c ------------------------------------------------------- */
/* An engine running code with backend (zwasm_engine_new picks it); NULL
 * when cfg is out of range or on out of memory. */
zw_engine *zw_engine_create(const zwasm_config_t *cfg, const zw_backend *backend);
/* A store an API call may use: non-NULL and not deleted. */
static inline bool zw_store_live(const zw_store *s) { return s && s->live && !s->dying; }
/* After an outermost call into wasm returned: carry out a zwasm_store_delete
 * that a host function made during it.  True if the store is gone. */
bool zw_store_settle(zw_store *s);
/* Record obj (a fresh object of kind k) as owned by s; false on OOM. */
bool zw_store_adopt(zw_store *s, zw_objkind k, void *obj);
/* Take back and free an object no one can reach yet (an instantiation that
 * failed before touching anything outside it): its bytes and count are
 * returned to s's limits. */
void zw_store_discard(zw_store *s, zw_objkind k, void *obj);
/* Whether obj is a live object of kind k owned by s. */
bool zw_store_owns(const zw_store *s, zw_objkind k, const void *obj);
/* Whether a reference value may enter s: null, an externref, or a
 * funcref that is a live function of s. */
bool zw_store_ref_ok(const zw_store *s, uint32_t kind, const void *ref);
/* Charge `bytes` of memory/table storage to s against its limit (false:
 * over the limit, nothing charged); release gives them back. */
bool zw_store_charge(zw_store *s, uint64_t bytes);
bool zw_store_can_charge(const zw_store *s, uint64_t bytes);
void zw_store_release(zw_store *s, uint64_t bytes);
/* Intern a host function type (abstract value types only) in the store;
 * returns its id (or UINT32_MAX on OOM). */
uint32_t zw_store_type_id(zw_store *s, const zw_functype *t);
/* The store ids of all of m's types, into ids[m->ntypes].  False on OOM. */
bool zw_store_module_types(zw_store *s, const zw_module *m, uint32_t *ids);
/* Type id a is b or a subtype of it. */
static inline bool zw_store_type_sub(const zw_store *s, uint32_t a, uint32_t b) {
    return a == b || zw_heap_sub(s->types.v.v, ZW_HT_IDX + a, ZW_HT_IDX + b);
}
/* f's type is type id `want` (at depth `depth`) or a subtype of it. */
static inline bool zw_func_has_type(const zw_funcinst *f, uint32_t want, uint32_t depth) {
    return f->type_id == want || (f->type_depth > depth && f->type_supers[depth] == want);
}
/* Set f's type id and its display. */
static inline void zw_func_set_type(zw_funcinst *f, const zw_store *s, uint32_t id) {
    f->type_id = id;
    f->type_depth = s->types.v.v[id].depth;
    f->type_supers = s->types.v.v[id].supers;
}
/* A value type of a module with its type indices turned into store ids
 * (ids: the instance's type_ids). */
static inline zw_valtype zw_vt_canon(const uint32_t *ids, zw_valtype t) {
    if (t < 0x100 || !zw_is_ref(t) || !zw_heap_is_idx(zw_ref_heap(t))) return t;
    return zw_ref_type(ZW_HT_IDX + ids[zw_ref_heap(t) - ZW_HT_IDX], zw_ref_nullable(t));
}

/* Deep copy of a function type (params and results in one allocation,
 * freed with free(dst->params)).  False on OOM. */
bool zw_functype_copy(const zw_alloc *al, zw_functype *dst, const zw_functype *src);

/* ---- runtime/gc.c ------------------------------------------------------------- */
/* Run GC instruction op (the IR layout of ZW_IR_SPECIAL) on frame fp; 0 or
 * a trap kind.  fuel: the fuel left (NULL or UINT64_MAX: none burnt). */
uint32_t zw_gc_exec(zw_instance *inst, uint32_t op, zw_slot *fp, const uint32_t *ip, uint64_t *fuel);
/* Constant expressions: struct.new(_default), array.new(_default,_fixed) of
 * module type x with n elements from args; any/extern conversions of v.
 * 0 on out of memory (collection is off while they run). */
uint64_t zw_gc_const_new(zw_instance *inst, uint32_t op, uint32_t x, uint32_t n, const zw_value *args);
uint64_t zw_gc_const_convert(zw_instance *inst, uint32_t op, uint64_t v);
bool zw_gc_is_object(const zw_store *s, const void *p);
uint64_t zw_gc_object_size(const zw_store *s, const void *obj);
/* ZW_HT_I31 / STRUCT / ARRAY / EXTERN (a boxed host value) / ANY, or 0
 * for null, of an any-hierarchy value. */
uint32_t zw_gc_ref_kind(uint64_t v);
/* Whether non-null v (a value of ht's hierarchy) has heap type ht (store ids). */
bool zw_gc_ref_in(const zw_store *s, uint64_t v, uint32_t ht);
/* Collect now.  wasm: asked for by the running wasm code itself (its
 * engine recorded where it is: zw_backend.frames), else by the host. */
void zw_gc_collect(zw_store *s, bool wasm);
/* An exception of `bytes` became an exnref value: counted, so that the
 * next exception made (zw_gc_exn_poll) collects when many did. */
void zw_gc_exn_exposed(zw_store *s, uint64_t bytes);
/* Before making an exception: collect if many became values since the
 * last collection (wasm as for zw_gc_collect). */
void zw_gc_exn_poll(zw_store *s, bool wasm);
void zw_gc_free_all(zw_store *s);

/* ---- runtime/memory.c, table.c ----------------------------------------------- */
/* Unmap / free one object (used by zwasm_store_delete only; a shared
 * memory goes when the last store that holds it lets go). */
void zw_memory_destroy(zw_memory *m);
/* Let s hold m, a shared memory made by another store of s's engine (an
 * import: threads); false when m is no such memory (deleted, of another
 * engine, unshared: then nothing of m is read) or out of memory. */
bool zw_memory_share(zw_store *s, zw_memory *m);
void zw_table_destroy(zw_tableinst *t);
/* Create a memory / table owned by s, within s's limits (ZWASM_ERR_LIMIT
 * names the limit; ZWASM_ERR_NOMEM when the host has no memory). */
zwasm_result_t zw_memory_create(zw_store *s, const zw_memtype *t, zw_memory **out,
                                zwasm_error_t *err);
zwasm_result_t zw_table_create(zw_store *s, const zw_tabletype *t, void *init,
                               zw_tableinst **out, zwasm_error_t *err);
/* Grow by delta pages / elements within the owner's limits; returns the old
 * size or -1 (the spec's failure result: nothing changed). */
int64_t zw_memory_grow(zw_memory *m, uint64_t delta);
int64_t zw_table_grow(zw_tableinst *t, uint64_t delta, void *init);
/* Whether t's maximum and the engine's cap on table size allow delta more
 * elements (the store's memory limit is zw_store_can_charge's). */
bool zw_table_can_grow(const zw_tableinst *t, uint64_t delta);

/* ---- operands of memory and table instructions (memory64, table64) ---- */
/* An address, index or size operand as memory/table reads it: the slot's
 * low 32 bits for a 32-bit one, all 64 for a 64-bit one. */
static inline uint64_t zw_mem_addr(const zw_memory *mm, zw_slot v) { return mm->type.is64 ? v : (uint32_t)v; }
/* A memory's size in bytes / pages: another thread may grow a shared one
 * (its pages are accessible before the new size is published). */
static inline uint64_t zw_mem_size(const zw_memory *mm) { return __atomic_load_n(&mm->size, __ATOMIC_ACQUIRE); }
static inline uint64_t zw_mem_pages(const zw_memory *mm) { return __atomic_load_n(&mm->pages, __ATOMIC_ACQUIRE); }
static inline uint64_t zw_table_index(const zw_tableinst *t, zw_slot v) { return t->type.is64 ? v : (uint32_t)v; }
/* memory.copy's / table.copy's count, 64-bit only when both sides are
 * (zw_copy_count_type). */
static inline uint64_t zw_copy_count(bool dst64, bool src64, zw_slot v) {
    return dst64 && src64 ? v : (uint32_t)v;
}
/* A result of memory.size/grow or table.size/grow (-1: grow failed). */
static inline zw_slot zw_mem_result(const zw_memory *mm, int64_t r) {
    return mm->type.is64 ? (uint64_t)r : (uint32_t)r;
}
static inline zw_slot zw_table_result(const zw_tableinst *t, int64_t r) {
    return t->type.is64 ? (uint64_t)r : (uint32_t)r;
}
/* Whether [at, at + n) lies in [0, size), without overflow. */
static inline bool zw_in_range(uint64_t at, uint64_t n, uint64_t size) { return n <= size && at <= size - n; }
/* The effective address of an access of n bytes at addr + offset in mm;
 * false when it is out of bounds (the sum may overflow with 64-bit addresses). */
static inline bool zw_mem_ea(const zw_memory *mm, zw_slot addr, uint64_t offset, uint64_t n, uint64_t *ea) {
    uint64_t a = zw_mem_addr(mm, addr);
    *ea = a + offset;
    return *ea >= a && zw_in_range(*ea, n, zw_mem_size(mm));
}

/* bulk.c: memory.fill/copy/init and table.fill/copy/init for every engine
 * (0 or a trap kind; fuel: what is left, burnt per 64 bytes / 8 elements). */
uint32_t zw_memory_fill(zw_memory *mm, uint64_t d, uint8_t val, uint64_t n, uint64_t *fuel);
uint32_t zw_memory_copy(zw_memory *md, zw_memory *ms, uint64_t d, uint64_t s, uint64_t n, uint64_t *fuel);
uint32_t zw_memory_init(zw_instance *inst, uint32_t seg, zw_memory *mm, uint64_t d, uint64_t s,
                        uint64_t n, uint64_t *fuel);
uint32_t zw_table_fill(zw_tableinst *tab, uint64_t i, void *val, uint64_t n, uint64_t *fuel);
/* table.grow by n with fuel: *result the old size or -1; a grow that cannot
 * succeed burns nothing. */
uint32_t zw_table_grow_fuel(zw_tableinst *tab, uint64_t n, void *init, uint64_t *fuel, int64_t *result);
uint32_t zw_table_copy(zw_tableinst *td, zw_tableinst *ts, uint64_t d, uint64_t s, uint64_t n,
                       uint64_t *fuel);
uint32_t zw_table_init(zw_instance *inst, uint32_t seg, zw_tableinst *tab, uint64_t d, uint64_t s,
                       uint64_t n, uint64_t *fuel);

/* atomic.c: memory.atomic.wait32/wait64 and notify for every engine (docs/threads.md
 * section 10).  A shared memory's waiter table (zw_memory.waiters) is a parking
 * lot keyed by host address: zw_waiters_new (NULL when out of memory) and
 * zw_waiters_free (NULL is fine) go with the memory.  The caller has checked
 * ea's alignment and bounds.
 * zw_atomic_wait: the n (4 or 8) bytes at ea against the low n bytes of
 * expected; *res 0 (woken by notify), 1 (not equal) or 2 (timed out);
 * timeout_ns < 0 waits for ever.  Returns 0, or the trap kind: an unshared
 * memory, or *interrupt (may be NULL) set while blocked.
 * zw_atomic_notify: wakes up to count waiters on ea, oldest first, and
 * returns how many (0 on an unshared memory).
 * zw_atomic_waiting: how many waiters are parked on ea now (tests use it to
 * know a thread has blocked before they notify it). */
zw_waiters *zw_waiters_new(const zw_alloc *al);
void zw_waiters_free(const zw_alloc *al, zw_waiters *w);
uint32_t zw_atomic_wait(zw_memory *mm, uint64_t ea, unsigned n, uint64_t expected, int64_t timeout_ns,
                        const uint32_t *interrupt, uint32_t *res);
uint32_t zw_atomic_notify(zw_memory *mm, uint64_t ea, uint32_t count);
uint32_t zw_atomic_waiting(zw_memory *mm, uint64_t ea);

/* ---- runtime/stack.c ------------------------------------------------------------ */
/* Whether wasm may be entered on the calling thread: its native stack has
 * more than a safety margin left above the thread's stack limit.  Computes
 * ex->native_floor when the thread changed. */
bool zw_native_stack_ok(zw_exec *ex);

/* ---- runtime/instance.c ---------------------------------------------------------- */
/* Instantiate (s and m non-NULL): resolve imports (checked against import types, ZWASM_ERR_LINK
 * "incompatible import type" / "unknown import"), create tables, memories,
 * globals, evaluate element and data segments, initialise active segments
 * (a trap is ZWASM_ERR_TRAP), run the start function. */
zwasm_result_t zw_instantiate(zw_store *s, const zw_module *m, const zwasm_extern_t *imports,
                              size_t nimports, zw_instance **out, zwasm_error_t *err);
/* Evaluate a validated constant expression in the context of an instance
 * (globals and functions known so far).  out receives the value. */
zwasm_result_t zw_eval_const(zw_instance *inst, const zw_expr *e, zw_value *out,
                             zwasm_error_t *err);

/* ---- runtime/call.c ---------------------------------------------------------------- */
/* Call f with arguments in slots (laid out per f's params, v128 = 2 slots);
 * results are written to `results` (per f's results): the one entry into
 * wasm (stacks checked, then the engine, or the host function).  Traps
 * return ZWASM_ERR_TRAP with err filled. */
zwasm_result_t zw_call(zw_store *s, zw_funcinst *f, const zw_slot *args, zw_slot *results,
                       zwasm_error_t *err);
/* Call host function f for an engine: arguments in slots `io`, results
 * written back there (checked against f's type).  caller_inst: the calling
 * instance (NULL from the API). */
zwasm_result_t zw_call_host(zw_store *s, zw_funcinst *f, zw_instance *caller_inst, zw_slot *io,
                            zwasm_error_t *err);
/* Free a store's value stack and engine state (zwasm_store_delete). */
void zw_exec_free(zw_store *s);
/* Append line k of a trap's backtrace to err->backtrace at *len: function
 * fi of module m (its escaped name when the name section has one) at byte
 * offset off.  Both engines format with it, so their backtraces are the
 * same text.  False when the buffer is full. */
bool zw_backtrace_line(zwasm_error_t *err, size_t *len, uint32_t k, const zw_module *m, uint32_t fi,
                       uint32_t off, bool inlined);

/* ---- runtime/exn.c: tags and exceptions ------------------------------------------------ */
struct zw_ir_func;
struct zw_ir_catch;
/* A tag of type t (type id `id`) owned by s; copy: keep an own copy of t
 * (a host tag), else t must outlive the store (a module's).  NULL on OOM. */
zw_taginst *zw_tag_create(zw_store *s, uint32_t id, const zw_functype *t, bool copy);
void zw_tag_destroy(zw_taginst *t);
/* A new exception of tag with its payload copied from slots; NULL with
 * err filled (out of memory, or over the store's memory limit).  It may
 * collect (wasm: thrown by the running wasm code, as for zw_gc_collect). */
zw_exn *zw_exn_new(zw_store *s, zw_taginst *tag, const zw_slot *payload, bool wasm, zwasm_error_t *err);
/* Free an exception nothing refers to (not exposed). */
void zw_exn_drop(zw_store *s, zw_exn *e);
/* The handler of function f (running in inst) for exception e thrown at
 * code position pc (a throw, or inside a call), or NULL: none in f. */
const struct zw_ir_catch *zw_exn_handler(const struct zw_ir_func *f, uint32_t pc, const zw_instance *inst,
                                         const zw_exn *e);
/* Deliver e to handler c of the frame at fp: its payload and exnref to
 * their slots (e is freed when the handler does not keep it). */
void zw_exn_land(zw_store *s, const struct zw_ir_catch *c, zw_slot *fp, zw_exn *e);
/* e leaves the outermost engine call: ZWASM_ERR_EXCEPTION, err filled
 * (err->exception = e, which is exposed from now on). */
zwasm_result_t zw_exn_escape(zw_store *s, zw_exn *e, zwasm_error_t *err);
/* throw_ref of null: "null exception reference". */
#define ZW_NULL_EXN_MSG "null exception reference"

/* ---- runtime/values.c: globals and value helpers ----------------------------------- */
zw_globalinst *zw_global_create(zw_store *s, const zw_globaltype *t, const zw_value *init);
bool zw_valkind_ok(uint32_t kind);          /* one of the seven Wasm 2.0 value types */
const char *zw_valkind_name(uint32_t kind); /* "i32", ..., "unknown type" */
void zw_value_from_val(const zwasm_val_t *v, zw_value *out);
void zw_value_to_val(const zw_type *types, zw_valtype t, const zw_value *in, zwasm_val_t *out);

/* ---- conversions used by api/ and interp/ ----------------------------------------- */
/* Number of slots of a list of value types. */
uint32_t zw_types_slots(const zw_valtype *t, uint32_t n);
void zw_val_to_slots(const zwasm_val_t *v, zw_slot *out);       /* writes 1 or 2 slots */
/* types: where t's type indices point (a module's or a store table's
 * types), for the kind of a typed reference; NULL: a function type. */
void zw_slots_to_val(const zw_type *types, zw_valtype t, const zw_slot *in, zwasm_val_t *out);
/* The API kind of values of type t: numbers as they are, references by
 * the top of their hierarchy (types as for zw_slots_to_val). */
uint32_t zw_val_kind(const zw_type *types, zw_valtype t);
/* v may be stored where type t is expected (t in s's canonical ids): its
 * kind, nullability, and a function's type; references of this store. */
bool zw_val_fits(const zw_store *s, zw_valtype t, const zwasm_val_t *v);

#endif
