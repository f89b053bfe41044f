/*
 * zwasm.h — the public C API of libzwasm.
 *
 * Objects: an engine (configuration, shared by stores), a store (owns every
 * runtime object: instances, functions, memories, tables, globals; freeing
 * the store frees them all), a module (decoded + validated + lowered code,
 * independent of any store, may be instantiated many times), an instance.
 *
 * Every fallible call returns a zwasm_result_t and, when given a non-NULL
 * zwasm_error_t*, fills it with the code, a trap kind, the byte offset and
 * function index where relevant, and a one-line message.  Messages never
 * contain control characters: names and text that come from a module or a
 * host function are escaped (\xHH, \u{HHHH}).
 *
 * Which handle dies with which object:
 *   engine    zwasm_engine_delete (delete it last).
 *   store     zwasm_store_delete; the handle itself stays safe to pass to
 *             calls that take a store until the engine is deleted (they
 *             refuse a deleted store), unless zwasm_store_new reuses it.
 *   instance, func, memory, table, global
 *             die with the store that made them.  Calls that take a store
 *             (zwasm_instance_new's imports, zwasm_func_call, reference
 *             values given to tables, globals and calls) check that the
 *             object is a live object of that store and refuse it
 *             otherwise (ZWASM_ERR_ARG); calls that take only the object
 *             (zwasm_memory_data, zwasm_table_get, zwasm_global_get,
 *             zwasm_instance_export, zwasm_func_type, ...) cannot check:
 *             using them after the store is deleted is undefined.
 *   module    zwasm_module_delete; instances keep what they need of it.
 *             A module may only be instantiated in stores of its engine.
 *   caller    valid only during the host function call it was given to.
 *   WASI      zwasm_wasi_delete; its functions that still exist in a store
 *             then trap "the WASI context has been deleted".
 *
 * Threads: an engine and modules may be shared between threads; a store,
 * and everything in it, must be used by one thread at a time (except
 * zwasm_store_interrupt, which any thread may call).  The one exception is
 * a shared memory (threads proposal): it may be imported into instances of
 * any store of the engine that made it, each store on its own thread, and
 * wasm on every thread then accesses it at once (atomics, wait/notify,
 * memory.grow); zwasm_memory_data/size/pages/grow may be called from any
 * of those threads.  It lives until the last store holding it (the one
 * that made it, or one that imported it) is deleted, and the store that
 * made it is charged its maximum size at once.  Nothing else crosses
 * stores: functions, tables, globals, tags and unshared memories of
 * another store are refused at instantiation.
 */
#ifndef ZWASM_H
#define ZWASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define ZWASM_API __attribute__((visibility("default")))
#else
#define ZWASM_API
#endif

/* ---- results and errors ------------------------------------------------ */
typedef enum zwasm_result {
    ZWASM_OK = 0,
    ZWASM_ERR_MALFORMED,   /* the binary or text does not parse */
    ZWASM_ERR_INVALID,     /* the module fails validation */
    ZWASM_ERR_LINK,        /* an import is missing or has the wrong type */
    ZWASM_ERR_TRAP,        /* execution trapped; see zwasm_error_t.trap */
    ZWASM_ERR_NOMEM,       /* out of memory */
    ZWASM_ERR_ARG,         /* bad argument from the embedder/user */
    ZWASM_ERR_IO,          /* file could not be read */
    ZWASM_ERR_UNSUPPORTED, /* a feature zwasm does not implement yet */
    ZWASM_ERR_LIMIT,       /* a resource limit of the store would be exceeded */
    ZWASM_ERR_EXCEPTION,   /* a wasm exception was thrown and not caught: see
                              zwasm_error_t.exception (exception handling) */
} zwasm_result_t;

typedef enum zwasm_trap_kind {
    ZWASM_TRAP_NONE = 0,
    ZWASM_TRAP_UNREACHABLE,
    ZWASM_TRAP_MEMORY_OOB,
    ZWASM_TRAP_TABLE_OOB,
    ZWASM_TRAP_INT_DIV_ZERO,
    ZWASM_TRAP_INT_OVERFLOW,
    ZWASM_TRAP_INVALID_CONVERSION,
    ZWASM_TRAP_UNDEFINED_ELEMENT,
    ZWASM_TRAP_UNINITIALIZED_ELEMENT,
    ZWASM_TRAP_INDIRECT_CALL_TYPE,
    ZWASM_TRAP_STACK_EXHAUSTED,
    ZWASM_TRAP_NULL_REFERENCE,
    ZWASM_TRAP_HOST,   /* a host function reported an error */
    ZWASM_TRAP_EXIT,   /* a host function asked to exit (WASI proc_exit); see exit_code */
    ZWASM_TRAP_INTERRUPTED, /* zwasm_store_interrupt */
    ZWASM_TRAP_OUT_OF_FUEL, /* the store's fuel ran out */
    ZWASM_TRAP_NULL_FUNC_REFERENCE,   /* call_ref / return_call_ref of null */
    ZWASM_TRAP_NULL_STRUCT_REFERENCE, /* struct.get / struct.set of null (GC) */
    ZWASM_TRAP_NULL_ARRAY_REFERENCE,  /* an array instruction on null (GC) */
    ZWASM_TRAP_NULL_I31_REFERENCE,    /* i31.get of null (GC) */
    ZWASM_TRAP_CAST_FAILURE,          /* ref.cast (GC) */
    ZWASM_TRAP_ARRAY_OOB,             /* an array index out of bounds (GC) */
    ZWASM_TRAP_OUT_OF_MEMORY,         /* a GC allocation the store's memory limit refuses */
    ZWASM_TRAP_UNALIGNED_ATOMIC,      /* an atomic access whose address is not a multiple of its size (threads) */
    ZWASM_TRAP_EXPECTED_SHARED_MEMORY, /* memory.atomic.wait32/64 on a memory that is not shared (threads) */
} zwasm_trap_kind_t;

#define ZWASM_NO_OFFSET ((uint64_t)-1)
#define ZWASM_NO_FUNC ((uint32_t)-1)

typedef struct zwasm_exn zwasm_exn_t;

typedef struct zwasm_error {
    zwasm_result_t code;
    zwasm_trap_kind_t trap; /* when code == ZWASM_ERR_TRAP */
    uint64_t offset;        /* byte offset in the module (of the error, or of the
                               trapping instruction), or ZWASM_NO_OFFSET */
    uint32_t func;          /* function index, or ZWASM_NO_FUNC */
    int32_t exit_code;      /* when trap == ZWASM_TRAP_EXIT */
    char message[256];
    /* On a trap in wasm code: the wasm call stack, innermost frame first,
     * one line per frame ("  #0 name (func 3, offset 0x1a4)": the trapping
     * instruction, then each call), names from the name section; code the
     * engine inlined still shows as its own frame (", inlined").  Empty
     * otherwise.  Truncated after a dozen frames. */
    char backtrace[768];
    /* When code == ZWASM_ERR_EXCEPTION: the exception that escaped (its tag
     * and payload: zwasm_exn_tag, zwasm_exn_payload); it lives as long as
     * the store.  A host function returning ZWASM_ERR_EXCEPTION throws the
     * exception it leaves here into the calling wasm (zwasm_caller_throw
     * makes one; a caught one may be returned as it is). */
    zwasm_exn_t *exception;
} zwasm_error_t;

/* ---- types ---------------------------------------------------------------- */
/* Value types use their binary encodings. */
typedef enum zwasm_valkind {
    ZWASM_I32 = 0x7F,
    ZWASM_I64 = 0x7E,
    ZWASM_F32 = 0x7D,
    ZWASM_F64 = 0x7C,
    ZWASM_V128 = 0x7B,
    ZWASM_FUNCREF = 0x70,
    ZWASM_EXTERNREF = 0x6F,
    ZWASM_ANYREF = 0x6E,   /* GC objects and i31 (anyref hierarchy) */
    ZWASM_EXNREF = 0x69,   /* caught exceptions: .of.exnref is a zwasm_exn_t * */
} zwasm_valkind_t;
/* A reference value's kind is the top of its type's hierarchy: a value of
 * type (ref $f) for a function type $f, or of nullfuncref, is a FUNCREF;
 * (ref null $s) for a struct type, eqref, i31ref or nullref an ANYREF.
 * Function signatures (zwasm_functype_t) list such types in their binary
 * form: 0x63 (ref null ht) or 0x64 (ref ht) with the heap type in bits
 * 8..31 (an abstract heap type's code, or 0x100 + a type index of the
 * module the function belongs to); a nullable reference to an abstract
 * heap type is its one-byte code (0x70 funcref ...). */

typedef enum zwasm_externkind {
    ZWASM_EXTERN_FUNC = 0,
    ZWASM_EXTERN_TABLE = 1,
    ZWASM_EXTERN_MEMORY = 2,
    ZWASM_EXTERN_GLOBAL = 3,
    ZWASM_EXTERN_TAG = 4,
} zwasm_externkind_t;

typedef struct zwasm_functype {
    uint32_t nparams, nresults;
    const uint32_t *params;  /* zwasm_valkind_t values */
    const uint32_t *results;
} zwasm_functype_t;

typedef struct zwasm_limits {
    uint64_t min, max;
    bool has_max;
} zwasm_limits_t;

typedef struct zwasm_externtype {
    zwasm_externkind_t kind;
    union {
        zwasm_functype_t func;
        struct { uint32_t elem; zwasm_limits_t limits; bool is64; } table; /* is64: table64 */
        /* is64: memory64; page_log2: log2 of the page size, 16 (64 KiB) or 0
         * (custom-page-sizes); limits count pages */
        struct { zwasm_limits_t limits; bool is64, shared; uint8_t page_log2; } memory;
        struct { uint32_t type; bool mut; } global;
        /* ZWASM_EXTERN_TAG: the tag's type is of.func (no results) */
    } of;
} zwasm_externtype_t;

typedef struct zwasm_importtype {
    const char *module; size_t module_len;
    const char *name; size_t name_len;
    zwasm_externtype_t type;
} zwasm_importtype_t;

typedef struct zwasm_exporttype {
    const char *name; size_t name_len;
    zwasm_externtype_t type;
} zwasm_exporttype_t;

/* ---- objects ---------------------------------------------------------------- */
typedef struct zwasm_engine zwasm_engine_t;
typedef struct zwasm_store zwasm_store_t;
typedef struct zwasm_module zwasm_module_t;
typedef struct zwasm_instance zwasm_instance_t;
typedef struct zwasm_func zwasm_func_t;
typedef struct zwasm_memory zwasm_memory_t;
typedef struct zwasm_table zwasm_table_t;
typedef struct zwasm_global zwasm_global_t;
typedef struct zwasm_caller zwasm_caller_t;
typedef struct zwasm_tag zwasm_tag_t;

typedef struct zwasm_val {
    uint32_t kind; /* zwasm_valkind_t */
    union {
        int32_t i32;
        int64_t i64;
        float f32;   /* read .i32 for the exact bits */
        double f64;  /* read .i64 for the exact bits */
        uint8_t v128[16];
        zwasm_func_t *funcref;  /* NULL is ref.null func */
        void *externref;        /* NULL is ref.null extern */
        void *anyref;           /* NULL is ref.null any (opaque) */
        void *exnref;           /* NULL is ref.null exn (opaque) */
    } of;
} zwasm_val_t;

typedef struct zwasm_extern {
    zwasm_externkind_t kind;
    union {
        zwasm_func_t *func;
        zwasm_table_t *table;
        zwasm_memory_t *memory;
        zwasm_global_t *global;
        zwasm_tag_t *tag;
    } of;
} zwasm_extern_t;

/* ---- references of the any hierarchy (GC) ---------------------------------------
 * An ANYREF value (zwasm_val_t.of.anyref) is opaque: an i31, a struct, an
 * array, or a host value that any.convert_extern brought in.  It stays
 * valid while wasm code of its store can reach it (a global, a table, a
 * live frame); a host must not keep one across calls into the store. */
typedef enum zwasm_anyref_kind {
    ZWASM_ANYREF_NULL = 0,
    ZWASM_ANYREF_I31,
    ZWASM_ANYREF_STRUCT,
    ZWASM_ANYREF_ARRAY,
    ZWASM_ANYREF_HOST,   /* an externref converted with any.convert_extern */
} zwasm_anyref_kind_t;
ZWASM_API zwasm_anyref_kind_t zwasm_anyref_kind(const void *anyref);
/* The value of an i31 reference, sign- or zero-extended from 31 bits. */
ZWASM_API int32_t zwasm_anyref_i31(const void *anyref, bool sign);
/* The host value inside a ZWASM_ANYREF_HOST reference (NULL otherwise). */
ZWASM_API void *zwasm_anyref_host(const void *anyref);
/* A host value as an anyref of store (what any.convert_extern makes of an
 * externref): a new object, valid until the store next collects, so pass
 * it to wasm in the call that follows.  NULL for NULL or out of memory. */
ZWASM_API void *zwasm_anyref_from_host(zwasm_store_t *store, void *host);

/* ---- engine and store --------------------------------------------------------- */
/* The execution engine.  INTERP: the interpreter, everywhere.  JIT: compile
 * each function to machine code (x86-64 with SSE4.1 and POPCNT) before it
 * first runs; zwasm_engine_new fails where the machine cannot run it, and a
 * function the JIT cannot compile is an error, never interpreted.  AUTO
 * (zwasm_config_init's default): the JIT where the machine supports it,
 * else the interpreter. */
typedef enum zwasm_engine_kind {
    ZWASM_ENGINE_INTERP = 0,
    ZWASM_ENGINE_JIT = 1,
    ZWASM_ENGINE_AUTO = 2,
} zwasm_engine_kind_t;

/* Resource limits of one store.  memory_bytes bounds the sum of the current
 * sizes of every linear memory (bytes) and every table (8 bytes per
 * element) the store owns; the counts bound how many memories, tables and
 * instances it may ever create.  Creating an object or instantiating
 * beyond a limit fails with ZWASM_ERR_LIMIT; memory.grow and table.grow
 * beyond it return -1 (as the spec allows), and so do zwasm_memory_grow and
 * zwasm_table_grow. */
typedef struct zwasm_store_limits {
    uint64_t memory_bytes; /* default: UINT64_MAX (no limit) */
    uint32_t memories;     /* default: 10000 */
    uint32_t tables;       /* default: 10000 */
    uint32_t instances;    /* default: 10000 */
} zwasm_store_limits_t;

/* Fuel.  With cfg.fuel != 0 every store starts with that much fuel, and
 * running wasm burns it: one unit at the entry of every function call that
 * is not inlined and at every loop iteration (each time control reaches a
 * `loop`), so the work between two units is bounded by the size of the
 * function; memory.fill, memory.copy and memory.init burn one more unit per
 * 64 bytes they touch, and table.fill, table.copy, table.init and table.grow
 * one more per 8 elements.  A call that needs more than is left traps
 * ZWASM_TRAP_OUT_OF_FUEL ("out of fuel") and leaves 0.  Fuel left over is
 * kept for the store's next call (zwasm_store_get_fuel/set_fuel).
 *
 * Interruption.  With cfg.interruptible, zwasm_store_interrupt (callable
 * from any thread, or a signal handler) makes the wasm code running in the
 * store trap ZWASM_TRAP_INTERRUPTED ("interrupted") at its next check (the
 * same places fuel is burnt); if none runs, the next call does.  The request
 * is consumed when the outermost call returns.  Neither costs anything when
 * off: the checks are compiled into the code only when enabled. */
/* Allocator.  Every allocation of an engine, of its modules and of its
 * stores (instances, functions, tables, globals, WASI contexts, compiled
 * code's bookkeeping) goes through fn, as Lua's lua_newstate takes one:
 *   fn(user, NULL, size)  allocate size bytes (size > 0);
 *   fn(user, ptr, size)   resize ptr to size bytes (size > 0), keeping its
 *                         contents up to the smaller size; on failure
 *                         return NULL and leave ptr as it was;
 *   fn(user, ptr, 0)      free ptr (never NULL); the result is ignored.
 * Memory must be aligned as malloc's.  Failing (NULL) is always allowed:
 * the call that needed it fails with ZWASM_ERR_NOMEM, or a trap when wasm
 * was running, and nothing leaks.  fn is called from the thread that uses
 * the object being allocated: with stores on several threads it must be
 * thread-safe.  Not through fn: linear memories, value stacks and JIT
 * machine code are mapped with mmap (they need guard pages or execute
 * rights; the store's limits and the engine's configuration bound them),
 * and objects made without an engine (zwasm_wasi_config_t, zwasm_wat2wasm's
 * bytes, the wasm.h type objects) use the C library.  The C library may
 * also allocate on its own behalf inside calls zwasm makes: qsort of large
 * arrays (validating a module with over 128 exports, allocating registers
 * for a large function), fdopendir (WASI fd_readdir), thread attributes
 * (a thread's first call), and the files of perf_map and --dump-jit. */
typedef struct zwasm_allocator {
    void *(*fn)(void *user, void *ptr, size_t size); /* NULL: the C library's */
    void *user;
} zwasm_allocator_t;

/* WebAssembly features (bits of zwasm_config_t.features): the proposals
 * standardised in WebAssembly 2.0 and the ones beyond it.  0 is exactly
 * WebAssembly 1.0, ZWASM_FEATURES_2_0 exactly 2.0; zwasm_config_init turns
 * on every feature zwasm implements (ZWASM_FEATURES_DEFAULT).  A module
 * using a feature that is off fails to load as the standard without it says
 * it must (malformed or invalid).  Some features build on others (relaxed
 * SIMD on SIMD, typed function references on reference types, GC on typed
 * function references, exceptions on reference types, wide arithmetic on
 * multi-value): zwasm_engine_new refuses a set that has one without the
 * other. */
#define ZWASM_FEATURE_MULTI_MEMORY   (1u << 0) /* several memories; memory indices */
#define ZWASM_FEATURE_EXTENDED_CONST (1u << 1) /* i32/i64 add, sub, mul and global.get of
                                                  any earlier immutable global in
                                                  constant expressions */
#define ZWASM_FEATURE_TAIL_CALL      (1u << 2) /* return_call, return_call_indirect */
#define ZWASM_FEATURE_RELAXED_SIMD   (1u << 3) /* relaxed SIMD: one deterministic choice
                                                  per instruction, as docs/ir.md says */
#define ZWASM_FEATURE_MEMORY64       (1u << 4) /* 64-bit memories and tables (memory64,
                                                  table64): i64 addresses and indices */
#define ZWASM_FEATURE_CUSTOM_PAGE_SIZES (1u << 5) /* memories of 1-byte pages (a proposal
                                                     beyond 3.0) */
#define ZWASM_FEATURE_WIDE_ARITHMETIC (1u << 6) /* i64.add128, sub128, mul_wide_s/u (a
                                                   proposal beyond 3.0) */
#define ZWASM_FEATURE_FUNCTION_REFERENCES (1u << 7) /* typed function references:
                                                       (ref $t), call_ref, br_on_null ... */
#define ZWASM_FEATURE_GC             (1u << 8) /* structs, arrays, i31, casts, rec groups */
#define ZWASM_FEATURE_EXCEPTIONS     (1u << 9) /* tags, throw, try_table, exnref (and the
                                                  legacy try/catch/delegate/rethrow) */
#define ZWASM_FEATURE_THREADS        (1u << 10) /* threads: shared memories, the atomic
                                                  * instructions (prefix 0xFE), wait/notify and
                                                  * atomic.fence (a proposal beyond 3.0) */
/* The proposals WebAssembly 2.0 added to 1.0. */
#define ZWASM_FEATURE_SIGN_EXTENSION (1u << 11) /* i32.extend8_s ... i64.extend32_s */
#define ZWASM_FEATURE_SATURATING_FLOAT_TO_INT (1u << 12) /* i32.trunc_sat_f32_s ... */
#define ZWASM_FEATURE_MULTI_VALUE    (1u << 13) /* several results; block types by index,
                                                   with parameters */
#define ZWASM_FEATURE_REFERENCE_TYPES (1u << 14) /* funcref/externref values, several
                                                    tables, table.get/set/size/grow/fill,
                                                    ref.null/is_null/func, typed select,
                                                    declarative and expression segments */
#define ZWASM_FEATURE_BULK_MEMORY    (1u << 15) /* memory.copy/fill/init, data.drop,
                                                   table.init/copy, elem.drop, passive
                                                   segments, the data count section */
#define ZWASM_FEATURE_SIMD           (1u << 16) /* v128 and the 0xFD instructions */
#define ZWASM_FEATURES_2_0                                                                     \
    (ZWASM_FEATURE_SIGN_EXTENSION | ZWASM_FEATURE_SATURATING_FLOAT_TO_INT |                     \
     ZWASM_FEATURE_MULTI_VALUE | ZWASM_FEATURE_REFERENCE_TYPES | ZWASM_FEATURE_BULK_MEMORY |     \
     ZWASM_FEATURE_SIMD)
#define ZWASM_FEATURES_DEFAULT                                                   \
    (ZWASM_FEATURES_2_0 |                                                                   \
     ZWASM_FEATURE_MULTI_MEMORY | ZWASM_FEATURE_EXTENDED_CONST | ZWASM_FEATURE_TAIL_CALL |   \
     ZWASM_FEATURE_RELAXED_SIMD | ZWASM_FEATURE_MEMORY64 | ZWASM_FEATURE_CUSTOM_PAGE_SIZES | \
     ZWASM_FEATURE_WIDE_ARITHMETIC | ZWASM_FEATURE_FUNCTION_REFERENCES | ZWASM_FEATURE_GC |      \
     ZWASM_FEATURE_EXCEPTIONS | ZWASM_FEATURE_THREADS)

typedef struct zwasm_config {
    zwasm_engine_kind_t engine;
    uint32_t max_call_depth;  /* wasm frames before "call stack exhausted"
                                 (default 100000, at most 1000000) */
    uint64_t stack_bytes;     /* value stack size per store, reserved lazily
                                 (default 256 MiB, at most 64 GiB) */
    bool trace;               /* print every executed IR instruction to stderr */
    uint64_t fuel;            /* 0: no fuel; else the fuel each store starts with */
    bool interruptible;       /* compile interruption checks (zwasm_store_interrupt) */
    bool perf_map;            /* JIT: append each compiled function (address, size, name)
                                 to /tmp/perf-<pid>.map, for perf */
    zwasm_store_limits_t limits; /* the limits each store starts with */
    zwasm_allocator_t allocator; /* default: the C library's (fn NULL) */
    uint32_t features;        /* ZWASM_FEATURE_* (default ZWASM_FEATURES_DEFAULT) */
} zwasm_config_t;

/* Fill cfg with the defaults (engine AUTO, the limits below, no fuel). */
ZWASM_API void zwasm_config_init(zwasm_config_t *cfg);
/* NULL when cfg is out of range (see the fields) or on out of memory. */
ZWASM_API zwasm_engine_t *zwasm_engine_new(const zwasm_config_t *cfg /* NULL: defaults */);
/* Deletes the engine and every store it still has (delete the engine last:
 * after its stores, modules and WASI contexts). */
ZWASM_API void zwasm_engine_delete(zwasm_engine_t *engine);
/* The allocator the engine uses (cfg.allocator, or the C library's: fn is
 * never NULL); layers built over this API (WASI, wasm.h) allocate with it. */
ZWASM_API const zwasm_allocator_t *zwasm_engine_allocator(const zwasm_engine_t *engine);
/* A store of engine: where instances and their objects live; NULL on out of memory. */
ZWASM_API zwasm_store_t *zwasm_store_new(zwasm_engine_t *engine);
/* The engine store was made by. */
ZWASM_API zwasm_engine_t *zwasm_store_engine(const zwasm_store_t *store);
/* Deletes the store and everything it owns: its instances, functions,
 * memories, tables and globals (and their host finalizers run).  A deleted
 * store handle stays safe to pass to the calls that take a store until its
 * engine is deleted: they fail with ZWASM_ERR_ARG "store has been deleted"
 * (or do nothing), unless a later zwasm_store_new reused the handle. */
ZWASM_API void zwasm_store_delete(zwasm_store_t *store);
/* The store's limits (see zwasm_store_limits_t); may be lowered below what
 * is in use (further growth then fails). */
ZWASM_API zwasm_result_t zwasm_store_set_limits(zwasm_store_t *store,
                                                const zwasm_store_limits_t *limits,
                                                zwasm_error_t *err);
/* The store's current limits. */
ZWASM_API void zwasm_store_get_limits(const zwasm_store_t *store, zwasm_store_limits_t *out);
/* Bytes of linear memory and table storage the store holds now. */
ZWASM_API uint64_t zwasm_store_memory_used(const zwasm_store_t *store);

/* The GC heap of a store (structs and arrays): collections so far, their
 * longest and total pause, what survived the last one, what the heap holds
 * now (its chunks and large objects, charged to memory_bytes), and how
 * many frames of running wasm code the collections took roots from. */
typedef struct zwasm_gc_stats {
    uint64_t collections;
    uint64_t max_pause_ns, total_pause_ns;
    uint64_t live_bytes, heap_bytes;
    uint64_t frames;
} zwasm_gc_stats_t;
ZWASM_API void zwasm_store_gc_stats(const zwasm_store_t *store, zwasm_gc_stats_t *out);
/* Collect now: between calls, or from a host function that wasm code of
 * the store called (the wasm frames below it keep what they reference,
 * and so do the host function's arguments).  False: not a live store. */
ZWASM_API bool zwasm_store_gc(zwasm_store_t *store);
/* Fuel left; false (and *fuel = 0) when the engine does not burn fuel. */
ZWASM_API bool zwasm_store_get_fuel(const zwasm_store_t *store, uint64_t *fuel);
/* Set the fuel left; ZWASM_ERR_ARG when the engine does not burn fuel. */
ZWASM_API zwasm_result_t zwasm_store_set_fuel(zwasm_store_t *store, uint64_t fuel,
                                              zwasm_error_t *err);
/* Ask the wasm code running in store to stop (see "Interruption" above).
 * Safe from any thread and from signal handlers, also on a deleted store. */
ZWASM_API void zwasm_store_interrupt(zwasm_store_t *store);

/* ---- modules ------------------------------------------------------------------ */
/* Decode, validate and lower a binary module.  The bytes are copied.
 * Memory used is proportional to the module's size; a function whose
 * register code would exceed 16 words per byte of its body (only hostile
 * shapes do) is refused with ZWASM_ERR_UNSUPPORTED. */
ZWASM_API zwasm_result_t zwasm_module_new(zwasm_engine_t *engine, const uint8_t *bytes, size_t len,
                                          zwasm_module_t **out, zwasm_error_t *err);
/* Decode and validate only. */
ZWASM_API zwasm_result_t zwasm_module_validate(zwasm_engine_t *engine, const uint8_t *bytes,
                                               size_t len, zwasm_error_t *err);
/* Delete a module (instances made from it keep what they need). */
ZWASM_API void zwasm_module_delete(zwasm_module_t *module);
/* How many imports the module has. */
ZWASM_API uint32_t zwasm_module_import_count(const zwasm_module_t *module);
/* Import i: module and field names (not NUL-terminated) and type; false if i is out of range. */
ZWASM_API bool zwasm_module_import(const zwasm_module_t *module, uint32_t i, zwasm_importtype_t *out);
/* How many exports the module has. */
ZWASM_API uint32_t zwasm_module_export_count(const zwasm_module_t *module);
/* Export i: its name (not NUL-terminated) and type; false if i is out of range. */
ZWASM_API bool zwasm_module_export(const zwasm_module_t *module, uint32_t i, zwasm_exporttype_t *out);
/* How many custom sections the module has. */
ZWASM_API uint32_t zwasm_module_custom_count(const zwasm_module_t *module);
/* Custom section i: its name and contents (valid while the module lives). */
ZWASM_API bool zwasm_module_custom(const zwasm_module_t *module, uint32_t i, const char **name,
                                   size_t *name_len, const uint8_t **data, size_t *data_len);
/* The module's defined types (the type section, recursion groups
 * flattened): how many, and type i in the text format's words, e.g.
 * "(rec 0 2) (sub final (struct (field (mut i32)) (field (ref null 0))))"
 * (the group's first type and size when the group has more than one);
 * NUL-terminated in buf (truncated to len), returns false if out of range. */
ZWASM_API uint32_t zwasm_module_type_count(const zwasm_module_t *module);
ZWASM_API bool zwasm_module_type_text(const zwasm_module_t *module, uint32_t i, char *buf, size_t len);
/* The module's whole index space of a kind (imports first, then
 * definitions): its size, and the type of entry i. */
ZWASM_API uint32_t zwasm_module_extern_count(const zwasm_module_t *module, zwasm_externkind_t kind);
/* The type of entry i of the index space of kind (false if out of range). */
ZWASM_API bool zwasm_module_extern_type(const zwasm_module_t *module, zwasm_externkind_t kind,
                                        uint32_t i, zwasm_externtype_t *out);
/* Print the register IR of every defined function to f (a FILE*). */
ZWASM_API void zwasm_module_dump_ir(const zwasm_module_t *module, void *file);
/* The machine code of a module of a JIT engine (zwasm run --dump-jit):
 * compiles every defined function and calls fn for each piece of its code,
 * in order: ir_text is the IR instruction the bytes were compiled from (one
 * line of --dump-ir, without the newline), NULL for the function's
 * prologue and for its out-of-line code at the end (trap paths, jump
 * tables); address is where the bytes run.  ZWASM_ERR_UNSUPPORTED for an
 * engine without machine code. */
typedef void (*zwasm_code_fn)(void *env, uint32_t func_index, const char *ir_text,
                              const uint8_t *code, size_t len, uint64_t address);
ZWASM_API zwasm_result_t zwasm_module_code(const zwasm_module_t *module, zwasm_code_fn fn, void *env,
                                           zwasm_error_t *err);

/* ---- instances ------------------------------------------------------------------ */
/* imports[i] satisfies the module's i-th import (zwasm_module_import order);
 * every import must be a live object of store.  Runs active segments and
 * the start function; a trap there returns ZWASM_ERR_TRAP (effects already
 * made on imported objects remain, and so do the instance's own objects,
 * which they may refer to).  A failure before that (a link error, a limit,
 * out of memory) leaves nothing in the store. */
ZWASM_API zwasm_result_t zwasm_instance_new(zwasm_store_t *store, const zwasm_module_t *module,
                                            const zwasm_extern_t *imports, size_t nimports,
                                            zwasm_instance_t **out, zwasm_error_t *err);
/* The export called name (name_len bytes) of inst in *out; false if there is none. */
ZWASM_API bool zwasm_instance_export(const zwasm_instance_t *inst, const char *name, size_t name_len,
                                     zwasm_extern_t *out);
/* How many exports inst has. */
ZWASM_API uint32_t zwasm_instance_export_count(const zwasm_instance_t *inst);
/* Export i of inst: its name and the object; false if i is out of range. */
ZWASM_API bool zwasm_instance_export_nth(const zwasm_instance_t *inst, uint32_t i, const char **name,
                                         size_t *name_len, zwasm_extern_t *out);

/* ---- functions -------------------------------------------------------------------- */
typedef zwasm_result_t (*zwasm_host_func_t)(void *env, zwasm_caller_t *caller,
                                            const zwasm_val_t *args, zwasm_val_t *results,
                                            zwasm_error_t *err);
/* A host function of type (copied) in store: fn(env, ...) runs on each call, finalizer(env) when the store is deleted. */
ZWASM_API zwasm_func_t *zwasm_func_new(zwasm_store_t *store, const zwasm_functype_t *type,
                                       zwasm_host_func_t fn, void *env, void (*finalizer)(void *));
/* f's type (its arrays valid while f lives). */
ZWASM_API void zwasm_func_type(const zwasm_func_t *f, zwasm_functype_t *out);
/* Call f.  Arguments are checked against f's type (count and kinds). */
ZWASM_API zwasm_result_t zwasm_func_call(zwasm_store_t *store, zwasm_func_t *f,
                                         const zwasm_val_t *args, size_t nargs,
                                         zwasm_val_t *results, size_t nresults, zwasm_error_t *err);
/* Inside a host function: the calling instance's memory (NULL if none). */
ZWASM_API zwasm_memory_t *zwasm_caller_memory(zwasm_caller_t *caller, uint32_t index);
/* Inside a host function: the store of the call. */
ZWASM_API zwasm_store_t *zwasm_caller_store(zwasm_caller_t *caller);
/* A name for f from the module's name section, or NULL. */
ZWASM_API const char *zwasm_func_name(const zwasm_func_t *f);

/* ---- memories ------------------------------------------------------------------------ */
ZWASM_API zwasm_memory_t *zwasm_memory_new(zwasm_store_t *store, uint64_t min_pages,
                                           uint64_t max_pages, bool has_max);
/* A memory of type (kind ZWASM_EXTERN_MEMORY: limits, is64, page_log2 16 or
 * 0, shared: then with a maximum); NULL when the type is out of range, or
 * on out of memory or a limit.  A shared memory may cross stores and
 * threads (see "Threads" at the top). */
ZWASM_API zwasm_memory_t *zwasm_memory_new_typed(zwasm_store_t *store, const zwasm_externtype_t *type);
/* The memory's bytes (a memory never moves: valid while it lives; another
 * thread may write a shared one meanwhile). */
ZWASM_API uint8_t *zwasm_memory_data(zwasm_memory_t *m);
ZWASM_API uint64_t zwasm_memory_size(const zwasm_memory_t *m); /* bytes */
ZWASM_API uint64_t zwasm_memory_pages(const zwasm_memory_t *m);
/* Returns the old size in pages, or -1 when it cannot grow. */
ZWASM_API int64_t zwasm_memory_grow(zwasm_memory_t *m, uint64_t delta_pages);
/* The memory's type (limits.min is its current size in pages). */
ZWASM_API void zwasm_memory_type(const zwasm_memory_t *m, zwasm_externtype_t *out);

/* ---- tables --------------------------------------------------------------------------- */
ZWASM_API zwasm_table_t *zwasm_table_new(zwasm_store_t *store, uint32_t elem_kind, uint64_t min,
                                         uint64_t max, bool has_max, zwasm_val_t init);
/* A table of type (kind ZWASM_EXTERN_TABLE: elem, limits, is64), every
 * element init; NULL when the type is out of range, or on out of memory. */
ZWASM_API zwasm_table_t *zwasm_table_new_typed(zwasm_store_t *store, const zwasm_externtype_t *type,
                                               zwasm_val_t init);
/* The number of elements. */
ZWASM_API uint64_t zwasm_table_size(const zwasm_table_t *t);
/* Element i in *out; false if i is out of range. */
ZWASM_API bool zwasm_table_get(const zwasm_table_t *t, uint64_t i, zwasm_val_t *out);
/* Set element i (v of the element type, a live object of the store); false otherwise. */
ZWASM_API bool zwasm_table_set(zwasm_table_t *t, uint64_t i, zwasm_val_t v);
/* Add delta elements set to init; the old size, or -1 when it cannot grow. */
ZWASM_API int64_t zwasm_table_grow(zwasm_table_t *t, uint64_t delta, zwasm_val_t init);
/* The table's type (limits.min is its current size). */
ZWASM_API void zwasm_table_type(const zwasm_table_t *t, zwasm_externtype_t *out);

/* ---- globals ---------------------------------------------------------------------------- */
ZWASM_API zwasm_global_t *zwasm_global_new(zwasm_store_t *store, uint32_t kind, bool mut,
                                           zwasm_val_t init);
/* The global's value. */
ZWASM_API void zwasm_global_get(const zwasm_global_t *g, zwasm_val_t *out);
ZWASM_API bool zwasm_global_set(zwasm_global_t *g, zwasm_val_t v); /* false if immutable or wrong kind */
ZWASM_API void zwasm_global_type(const zwasm_global_t *g, zwasm_externtype_t *out);

/* ---- tags and exceptions (exception handling) ---------------------------------------------- */
/* A tag of the given type (params: the payload; no results) in store, or
 * NULL (a result type, a type of another kind, out of memory). */
ZWASM_API zwasm_tag_t *zwasm_tag_new(zwasm_store_t *store, const zwasm_functype_t *type);
/* The tag's type (its arrays valid while the tag lives). */
ZWASM_API void zwasm_tag_type(const zwasm_tag_t *tag, zwasm_functype_t *out);
/* A new exception of tag with payload args (checked against the tag's
 * params, references of this store), for a host function to throw or to
 * pass as an exnref value. */
ZWASM_API zwasm_result_t zwasm_exn_new(zwasm_store_t *store, zwasm_tag_t *tag, const zwasm_val_t *args,
                                       size_t nargs, zwasm_exn_t **out, zwasm_error_t *err);
/* The tag of exception exn of store (NULL if exn is not a live exception of store). */
ZWASM_API zwasm_tag_t *zwasm_exn_tag(const zwasm_store_t *store, const zwasm_exn_t *exn);
/* The payload of exn: up to n values into out; returns how many the
 * payload has (0 if exn is not a live exception of store). */
ZWASM_API size_t zwasm_exn_payload(const zwasm_store_t *store, const zwasm_exn_t *exn, zwasm_val_t *out,
                                   size_t n);
/* Inside a host function: throw an exception of tag with payload args into
 * the calling wasm code.  Returns ZWASM_ERR_EXCEPTION with err filled (the
 * host function returns that), or another error when the arguments are
 * wrong (which traps). */
ZWASM_API zwasm_result_t zwasm_caller_throw(zwasm_caller_t *caller, zwasm_tag_t *tag, const zwasm_val_t *args,
                                            size_t nargs, zwasm_error_t *err);

/* ---- WASI preview 1 (wasi_snapshot_preview1) ------------------------------------------------ */
/* A configuration (arguments, environment, preopened directories, stdio)
 * is turned into a WASI context bound to a store.  The context provides the
 * host functions of wasi_snapshot_preview1; their state lives in it (no
 * global state).  Every guest path resolves inside a preopened directory:
 * absolute paths, `..` above a preopen and symlinks leaving it are refused.
 * Delete the context after the store whose functions use it. */
typedef struct zwasm_wasi_config zwasm_wasi_config_t;
typedef struct zwasm_wasi zwasm_wasi_t;

/* An empty WASI configuration (no arguments, no environment, stdio 0/1/2, no preopens). */
ZWASM_API zwasm_wasi_config_t *zwasm_wasi_config_new(void);
/* Delete a configuration (contexts made from it keep their own copies). */
ZWASM_API void zwasm_wasi_config_delete(zwasm_wasi_config_t *cfg);
/* The guest's argv (argv[0] is the program name it sees).  Strings are copied. */
ZWASM_API bool zwasm_wasi_config_set_args(zwasm_wasi_config_t *cfg, size_t argc,
                                          const char *const *argv);
/* Add KEY=VALUE to the guest environment (false on out of memory). */
ZWASM_API bool zwasm_wasi_config_add_env(zwasm_wasi_config_t *cfg, const char *key,
                                         const char *value);
/* Add the whole host environment. */
ZWASM_API bool zwasm_wasi_config_inherit_env(zwasm_wasi_config_t *cfg);
/* Open host directory host_path now and give it to the guest as guest_path
 * (e.g. "." or "/"); ZWASM_ERR_IO with a message when it cannot be opened. */
ZWASM_API zwasm_result_t zwasm_wasi_config_preopen_dir(zwasm_wasi_config_t *cfg,
                                                       const char *host_path,
                                                       const char *guest_path,
                                                       zwasm_error_t *err);
/* Host fds behind guest fds 0, 1, 2 (default 0, 1, 2; -1 leaves the guest fd
 * closed).  They are duplicated when the context is created. */
ZWASM_API void zwasm_wasi_config_set_stdio(zwasm_wasi_config_t *cfg, int in_fd, int out_fd,
                                           int err_fd);
/* Give the guest a host socket (listening or connected) for sock_*; it gets
 * the next guest fd after the preopens.  The fd is duplicated at context creation. */
ZWASM_API zwasm_result_t zwasm_wasi_config_add_socket(zwasm_wasi_config_t *cfg, int host_fd,
                                                      zwasm_error_t *err);

/* A WASI context for store from cfg (copied; stdio fds duplicated). */
ZWASM_API zwasm_result_t zwasm_wasi_new(zwasm_store_t *store, const zwasm_wasi_config_t *cfg,
                                        zwasm_wasi_t **out, zwasm_error_t *err);
/* Delete the context (after the store whose functions use it). */
ZWASM_API void zwasm_wasi_delete(zwasm_wasi_t *wasi);
/* The host function wasi_snapshot_preview1.NAME (created in the context's
 * store on first use); false if there is no such function. */
ZWASM_API bool zwasm_wasi_lookup(zwasm_wasi_t *wasi, const char *name, size_t name_len,
                                 zwasm_extern_t *out);
/* Fill imports[i] for every wasi_snapshot_preview1 import of module
 * (imports has zwasm_module_import_count entries) and set resolved[i]
 * (may be NULL) for those.  Other imports are left alone.  ZWASM_ERR_LINK
 * names the first WASI import that does not exist or has the wrong type. */
ZWASM_API zwasm_result_t zwasm_wasi_define_imports(zwasm_wasi_t *wasi, const zwasm_module_t *module,
                                                   zwasm_extern_t *imports, bool *resolved,
                                                   zwasm_error_t *err);
/* The same context for another store of the engine (wasi-threads: each
 * thread runs an instance in a store of its own): the handle's functions
 * are made in store, and every handle uses the one set of arguments,
 * environment, fds and exit status, one WASI call at a time (a sleep in
 * poll_oneoff lets the others go on; a blocking read does not).  Delete the
 * handle after its store; the state lives until its last handle goes. */
ZWASM_API zwasm_result_t zwasm_wasi_share(zwasm_wasi_t *wasi, zwasm_store_t *store,
                                          zwasm_wasi_t **out, zwasm_error_t *err);
/* True once the guest called proc_exit; *code (may be NULL) gets its status. */
ZWASM_API bool zwasm_wasi_exited(const zwasm_wasi_t *wasi, int32_t *code);

/* ---- text ---------------------------------------------------------------------------------- */
/* The binary of a module in the text format (a .wat file: one (module ...)
 * or its fields).  *bytes is freed with zwasm_bytes_delete.  Errors are
 * ZWASM_ERR_MALFORMED with "line:col: message". */
ZWASM_API zwasm_result_t zwasm_wat2wasm(const char *text, size_t len, uint8_t **bytes, size_t *bytes_len,
                                        zwasm_error_t *err);
/* Free bytes returned by zwasm_wat2wasm. */
ZWASM_API void zwasm_bytes_delete(uint8_t *bytes);

/* ---- the standard C API's objects (wasm.h) ------------------------------------------------ */
/* What a wasm.h program needs from this header: the native configuration
 * behind a wasm_config_t (engine choice, limits, fuel, interruption; set it
 * before wasm_engine_new_with_config), and the native store behind a
 * wasm_store_t (fuel, limits, zwasm_store_interrupt). */
struct wasm_config_t;
struct wasm_store_t;
/* The native configuration inside a wasm_config_t. */
ZWASM_API zwasm_config_t *zwasm_config_from_wasm(struct wasm_config_t *config);
/* The native store inside a wasm_store_t. */
ZWASM_API zwasm_store_t *zwasm_store_from_wasm(struct wasm_store_t *store);

/* ---- misc --------------------------------------------------------------------------------- */
ZWASM_API const char *zwasm_result_name(zwasm_result_t r);
/* The version, ZWASM_VERSION (the Makefile reads it from here). */
#define ZWASM_VERSION "0.1.0"
/* The library version, ZWASM_VERSION. */
ZWASM_API const char *zwasm_version(void);

#ifdef __cplusplus
}
#endif
#endif
