/*
 * jit_int.h — what the parts of the JIT share: the run-time context
 * compiled code sees, a module's and a function's compiled state, the
 * register allocator, executable memory, the helpers compiled code calls,
 * and the interface of an architecture's code generator (x64/).  Nothing
 * architecture-specific is declared here.
 */
#ifndef ZW_JIT_INT_H
#define ZW_JIT_INT_H

#include <pthread.h>

#include "../ir/ir.h"
#include "jit.h"

/* ---- the run-time context --------------------------------------------------------
 * One per store (the JIT's zw_exec.engine_state), in a register while
 * compiled code runs (r13 on x86-64).  Compiled code reads and writes the
 * fields below by offset (offsetof). */
typedef struct zw_jctx {
    uintptr_t native_floor;    /* the native stack must stay above (call depth included) */
    zw_slot *stack_end;        /* the value stack's end */
    uint64_t fuel;             /* fuel left (UINT64_MAX without fuel) */
    const uint32_t *interrupt; /* &store->interrupt */
    uint64_t memsize;          /* size of memory 0 of the running instance */
    uint32_t native;           /* 0 while compiled code runs, 1 while C does (signal.c) */
    void *trap_stub;           /* a trap stub (every module's is the same code) */
    void *entry_sp;            /* native stack pointer of the innermost entry (unwinding) */
    uint64_t depth_span;       /* the entry stub raises native_floor to entry_sp - depth_span */
    uintptr_t host_sp;         /* the stack pointer when compiled code last called a host
                                * function: a nested entry lowers the floor by the native stack
                                * the host used, so only wasm frames count as call depth */
    uintptr_t hard_floor;      /* the thread's own limit: the floor never goes below */
    /* a trap being raised: its kind (or ZW_JIT_TRAP_ERR: err is filled),
     * the IR position of the trapping instruction (or UINT32_MAX: find it
     * from trap_ret, a return address inside the trapping function), and
     * the frame pointer of the trapping function */
    uint32_t trap_kind;
    uint32_t trap_pc;
    uintptr_t trap_ret;
    uintptr_t trap_fp;
    uint32_t trap_elem;        /* the element index of "uninitialized element" */
    struct zw_jfunc *trap_callee; /* a call that could not start: the callee (jit.c) */
    struct zw_jfunc *trap_jf;  /* the trapping function when the trap site knows it, else NULL */
    zwasm_result_t rc;         /* the result of a trap (ZWASM_ERR_TRAP, or a helper's) */
    uintptr_t trap_rbx;        /* the value-stack frame (rbx) where the trap was raised */
    /* an exception caught (zw_jit_trap returned 1): where the handler's
     * landing pad is, and the handler frame's native stack pointer, frame
     * pointer and value-stack frame */
    uintptr_t land_addr, land_sp, land_bp, land_bx;
    zw_store *store;
    zwasm_error_t *err;
    zw_instance *inst;         /* the running instance (call_any switches it) */
    /* For the collector's walk of compiled frames (jit.c, jit_frames):
     * where compiled code last called a helper that may collect (the
     * return address of the call, the frame pointer and the value-stack
     * frame), the return address and frame pointer when it last called a
     * host function (beside host_sp), and the host calls running,
     * innermost first, each where its activation's frames continue. */
    uintptr_t exit_ret, exit_bp, exit_bx, host_ret, host_bp;
    struct zw_jhostcall *hostcalls;
} zw_jctx;

/* A host function called from compiled code (zw_jit_call_host): the
 * calling frame's return address, frame pointer and the callee's frame. */
typedef struct zw_jhostcall {
    struct zw_jhostcall *prev;
    uintptr_t ret, bp;
    zw_slot *bx;
} zw_jhostcall;

/* Native stack one wasm frame of compiled code takes (return address,
 * saved frame pointer): cfg.max_call_depth becomes a floor for the stack
 * pointer, checked with the native stack's own. */
#define ZW_JIT_FRAME_BYTES 16
/* Where call_any's call into another instance keeps the caller's return
 * address, from the callee's frame pointer: above the callee's return
 * address (at 8) comes the caller's ctx->inst (at 16). */
#define ZW_JIT_CROSS_RET 24

/* trap_kind: the error is already in ctx->err (a helper or host function failed) */
#define ZW_JIT_TRAP_ERR 0xFFFFu
/* trap_kind: an exception is thrown (store->exec.exn): unwind to its handler */
#define ZW_JIT_TRAP_EXN 0xFFFEu

/* ---- compiled code ----------------------------------------------------------------- */
/* A defined function's compiled state.  Calls go through `entry`: the
 * lazy-compile stub until the function is compiled, then its code.  The
 * calling convention passes the zw_jfunc in a register (rax on x86-64),
 * which is how the stub knows what to compile. */
typedef struct zw_jfunc {
    void *entry;
    struct zw_jmod *jm;
    uint32_t def;
    const zw_ir_func *ir;
    /* once compiled */
    uint8_t *code;             /* executable address */
    uint32_t code_len;
    uint32_t *insn_off;        /* per IR instruction: its offset in the code */
    uint32_t *land_off;        /* per catch of the IR: the offset of its landing pad */
} zw_jfunc;

/* A chunk of executable memory, mapped twice (a writable view and an
 * executable one: no page is ever writable and executable at once). */
typedef struct zw_jchunk {
    uint8_t *w, *x;            /* the two views (w == NULL: x was mprotect'ed, never written again) */
    size_t size, used;
    struct zw_jchunk *next;
} zw_jchunk;

/* Where code goes: chunks appended to (under the module's lock). */
typedef struct zw_jcode {
    zw_jchunk *chunks;
} zw_jcode;
/* Copy n bytes of position-independent code into executable memory;
 * returns its executable address, or NULL on out of memory.  anon: in
 * private anonymous pages of its own (made executable after the write), which
 * perf attributes through /tmp/perf-<pid>.map; otherwise shared chunks. */
uint8_t *zw_jcode_add(const zw_alloc *al, zw_jcode *c, const uint8_t *code, size_t n, bool anon);
void zw_jcode_free(const zw_alloc *al, zw_jcode *c);

/* The per-module stubs every function's code jumps to (architecture code,
 * built once per module). */
typedef struct zw_jstubs {
    void *enter;        /* int (*)(zw_jctx *, zw_slot *fp, zw_instance *, zw_jfunc *) */
    void *lazy;         /* a zw_jfunc's entry until compiled */
    void *call_any;     /* call a zw_funcinst: host, other instance, same instance */
    void *call_any_ret; /* the return address of its call into another instance, whose
                         * frame holds the caller's ctx->inst and return address above
                         * the callee's frame (ZW_JIT_CROSS_RET) */
    void *trap;         /* raise a trap: kind and IR position in registers */
} zw_jstubs;

typedef struct zw_jmod {
    pthread_mutex_t lock;      /* compilation, code memory */
    zw_module *m;
    zw_jcode code;
    zw_jstubs stubs;
    uint32_t arch_flags;       /* what the architecture's code generator chose for all of the
                                * module's code when it built the stubs, from the CPU (AArch64:
                                * whether atomics use LSE, arm64/emit.c) */
    zw_jfunc f[];              /* one per defined function */
} zw_jmod;

/* ---- the register allocator (regalloc.c) -------------------------------------------
 * Over the slots of a function: each (slot, class) pair is a virtual
 * register (slot * 3 + class) that gets one machine register for its whole
 * life (or lives in its slot in the frame); virtual registers whose exact
 * live ranges never meet share registers, the hottest choose first.  Classes: 0 general (i32,
 * i64, references: the general registers), 1 scalar float (f32, f64) and
 * 2 vector (v128), which share the float/vector registers (two classes so
 * that a saved value's width is known).
 *
 * The code generator says which instructions clobber every register (calls,
 * helpers); for each of them the allocator lists the virtual registers in
 * registers that are live across it (live after it and not written by it):
 * the code generator saves them to their slots before and reloads them
 * after.  Liveness there is exact, so a slot is never live in both classes
 * at once and the two cannot overwrite each other's saved value. */
#define ZW_RA_NCLASS 3
#define ZW_RA_V(slot, cls) ((slot) * ZW_RA_NCLASS + (uint32_t)(cls))
#define ZW_RA_FILE(cls) ((cls) ? 1 : 0)
typedef struct zw_ra {
    uint32_t nslots;
    int8_t *reg[ZW_RA_NCLASS];   /* per slot and class: the register (0..n-1) or -1 */
    /* instruction i clobbers: across[across_at[i] .. across_at[i+1]) */
    uint32_t *across_at, *across;
    /* virtual registers in registers that are live on entry */
    uint32_t *entry, nentry;
    /* per catch k of the IR: the virtual registers in registers live where
     * its handler continues, land[land_at[k] .. land_at[k+1]) (NULL: none) */
    uint32_t *land_at, *land;
    /* per slot: 1 if its memory always holds its value (a parameter never
     * written, below every call's frame): saving its register is needless.
     * Computed with the operands, so meaningful only for slots given a
     * register (a function that gets none may have it half done). */
    uint8_t *clean;
    const zw_alloc *al; /* what the arrays were allocated with */
} zw_ra;
/* Positions: instruction i reads at 2i and writes at 2i+1. */
#define ZW_RA_USE(i) (2 * (i))
#define ZW_RA_DEF(i) (2 * (i) + 1)
typedef bool (*zw_ra_clobbers)(const zw_module *m, const zw_ir_func *f, uint32_t pc);
/* Allocate f's slots to ngp general and nfp float registers (fewer for
 * the stress mode).  False on out of memory. */
bool zw_ra_run(const zw_module *m, const zw_ir_func *f, int ngp, int nfp, zw_ra_clobbers clob,
               zw_ra *out);
void zw_ra_free(zw_ra *ra);
static inline int zw_ra_class(zw_valtype t) {
    return t == ZW_V128 ? 2 : t == ZW_F32 || t == ZW_F64 ? 1 : 0;
}

/* ---- compiling a function (compile.c) ------------------------------------------------
 * What an architecture's code generator keeps while it compiles one
 * function, and the steps every one of them takes the same way: register
 * allocation, the IR walk with each instruction's operands, the lists of
 * branches to patch once the code is laid out (to instructions, to cold
 * trap stubs, br_table's tables), and saving and reloading the registers
 * an instruction that clobbers them has live across it.  Code positions
 * are in the architecture's units (bytes on x86-64, words on AArch64). */
typedef struct { uint32_t at, pc; } zw_jfix;  /* a branch at `at` to the instruction at IR position pc */
typedef struct { uint32_t at, kind, pc; bool elem, callee; } zw_jcold; /* a branch at `at` to a stub raising trap
                                                                        * `kind` (0: in a register) at pc */
typedef struct { uint32_t at, pc; } zw_jtable; /* br_table at pc: its table is referenced at `at` */
typedef struct zw_jcomp {
    zw_jmod *jm;
    zw_jfunc *jf;
    const zw_module *m;
    const zw_ir_func *f;
    zw_ra ra;
    uint32_t *at;            /* IR position -> instruction index + 1 */
    uint32_t *insn_off;      /* per instruction: its code position */
    uint32_t *land_off;      /* per catch: its landing pad's code position */
    uint32_t i, pc;          /* the instruction being compiled: its index and IR position */
    const uint32_t *ip;      /* its words */
    ZW_VEC(zw_ir_opnd) ops;  /* its slot operands */
    ZW_VEC(zw_jfix) fix;
    ZW_VEC(zw_jcold) cold;
    ZW_VEC(zw_jtable) tables;
    bool guarded;            /* memory 0 faults beyond its size: no bounds checks */
    bool mem64;              /* memory 0 is 64-bit: explicit checks of an i64 address */
    bool frameless;          /* no native frame: every instruction is a leaf's (below) */
    bool oom;
} zw_jcomp;
/* Whether the instruction at IR position pc needs neither a native frame
 * nor any call (the code generator's own choice; see zw_jcomp_init). */
typedef bool (*zw_jcomp_leaf)(const zw_module *m, const zw_ir_func *f, uint32_t pc);
/* Start compiling jf: its registers (ngp general, nfp float, fewer in the
 * trace and stress modes) and the per-instruction arrays.  False on out of
 * memory (zw_jcomp_free still frees). */
bool zw_jcomp_init(zw_jcomp *J, zw_jmod *jm, zw_jfunc *jf, int ngp, int nfp, zw_ra_clobbers clob,
                   zw_jcomp_leaf leaf);
/* Go to instruction i, which starts at code position off: J->i, pc, ip
 * and its operands.  False on out of memory. */
bool zw_jcomp_next(zw_jcomp *J, uint32_t i, uint32_t off);
/* The code position of the instruction at IR position pc (after the walk). */
static inline uint32_t zw_jcomp_off(const zw_jcomp *J, uint32_t pc) { return J->insn_off[J->at[pc] - 1]; }
/* The IR position a branch operand (word k of the instruction) names. */
static inline uint32_t zw_jcomp_target(const zw_jcomp *J, uint32_t k) { return J->pc + (uint32_t)(int32_t)J->ip[k]; }
void zw_jcomp_fix(zw_jcomp *J, uint32_t at, uint32_t target_pc);
void zw_jcomp_cold(zw_jcomp *J, uint32_t at, uint32_t kind, bool elem, bool callee);
void zw_jcomp_table(zw_jcomp *J, uint32_t at);
/* Save (reload false) or reload virtual register v to or from its slot:
 * the architecture's moves. */
typedef void (*zw_jcomp_move)(zw_jcomp *J, uint32_t v, bool reload);
/* The registers live across the current instruction (one that clobbers
 * them), saved or reloaded; the instruction's operands in registers: its
 * reads to their slots, its writes back into their registers. */
void zw_jcomp_across(zw_jcomp *J, bool reload, zw_jcomp_move move);
void zw_jcomp_spill_reads(zw_jcomp *J, zw_jcomp_move move);
void zw_jcomp_reload_defs(zw_jcomp *J, zw_jcomp_move move);
/* The type of operand k of the current instruction (0 past its operands). */
static inline zw_valtype zw_jcomp_optype(const zw_jcomp *J, uint32_t k) { return k < J->ops.n ? J->ops.v[k].type : 0; }
/* What an IR op is to a code generator: the groups of ops every
 * architecture compiles alike (or sends to the helper alike).  Each back
 * end's op_class() starts from zw_jop_of() and says which groups (and,
 * for ZW_JOP_VBINOP, which ops) it compiles inline; the rest is
 * ZW_JOP_OTHER, the op's helper. */
typedef enum {
    ZW_JOP_OTHER,       /* the helper (helpers.c) */
    ZW_JOP_CONST, ZW_JOP_MOV,
    ZW_JOP_IBINOP,      /* i32/i64 add sub mul and or xor shl shr rotl rotr (also k_ forms) */
    ZW_JOP_ICMP,        /* i32/i64 comparisons (also k_ forms) */
    ZW_JOP_IUNOP,       /* eqz clz ctz popcnt wrap extend */
    ZW_JOP_IDIV,        /* div rem: traps */
    ZW_JOP_FBINOP,      /* f32/f64 add sub mul div */
    ZW_JOP_FMINMAX, ZW_JOP_FUNOP, ZW_JOP_FCMP, ZW_JOP_FCOPYSIGN,
    ZW_JOP_CONVERT,     /* int <-> float conversions but from u64, demote, promote, reinterpret */
    ZW_JOP_CONVERT_U64, /* f32/f64.convert_i64_u */
    ZW_JOP_FTRUNC,      /* the trapping float -> int truncations */
    ZW_JOP_TRUNC_SAT,   /* the saturating ones */
    ZW_JOP_LOAD, ZW_JOP_STORE, /* scalar and v128 (also a_ forms) */
    ZW_JOP_SELECT, ZW_JOP_GLOBAL, ZW_JOP_BRANCH, ZW_JOP_BR_TABLE, ZW_JOP_RETURN,
    ZW_JOP_CALL, ZW_JOP_TAIL_CALL, ZW_JOP_FUEL, ZW_JOP_INLINE, ZW_JOP_TRACE,
    ZW_JOP_TRAP,        /* unreachable */
    ZW_JOP_REF_IS_NULL,
    ZW_JOP_GC,          /* struct/array field access, array.len, ref.eq, i31, ref.as_non_null */
    ZW_JOP_ATOMIC,      /* threads: the atomic loads, stores, read-modify-writes and
                         * compare-exchanges of every width, and atomic.fence (not
                         * wait and notify, which block: always helpers) */
    /* the lane-wise ops by their signature (opcodes.def), relaxed SIMD
     * included: each back end's table says which of them it compiles */
    ZW_JOP_VBINOP,      /* v128 x v128 -> v128 with no immediate, but the two below */
    ZW_JOP_VFMINMAX,    /* f32x4/f64x2 min max */
    ZW_JOP_VSWIZZLE,    /* i8x16.swizzle */
    ZW_JOP_VUNOP,       /* v128 -> v128 with no immediate */
    ZW_JOP_VSPLAT, ZW_JOP_VEXTRACT, ZW_JOP_VREPLACE, ZW_JOP_VBITSELECT, ZW_JOP_VANYTRUE,
} zw_jop;
zw_jop zw_jop_of(uint32_t op);
/* The group of the instruction at f->code[pc] of module m, given its op's
 * group g in the code generator's op_class: g, but ZW_JOP_OTHER for what
 * no code generator inlines, whatever else it does (a GC access of a v128
 * field or element; a load, store or atomic access of a memory other than
 * 0 with an offset of 2^31 - 16 or more). */
zw_jop zw_jcomp_insn_class(const zw_module *m, const zw_ir_func *f, uint32_t pc, zw_jop g);
/* A trapping float -> int truncation (ZW_JOP_FTRUNC): signed or not, to
 * i64 or i32, from f64 or f32, and the range the operand must be in (NaN
 * aside, an invalid conversion): lo < x < hi, or lo <= x when lo_incl (lo
 * is then the least integer itself, exact in the float type). */
typedef struct { bool sgn, to64, f64, lo_incl; double lo, hi; } zw_jtrunc;
zw_jtrunc zw_jtrunc_of(uint32_t op);
/* The groups that clobber every allocated register (helpers, calls, trace). */
static inline bool zw_jop_clobbers(zw_jop g) {
    return g == ZW_JOP_OTHER || g == ZW_JOP_CALL || g == ZW_JOP_TAIL_CALL || g == ZW_JOP_TRACE;
}
/* Hand the instruction and landing-pad positions to jf (the code is the
 * caller's to hand over). */
void zw_jcomp_done(zw_jcomp *J);
void zw_jcomp_free(zw_jcomp *J);

/* ---- helpers compiled code calls (helpers.c) ------------------------------------------ */
/* An operation the code generator does not inline: the instruction at ip
 * of the IR runs on the frame in memory (fp).  Returns a trap kind, 0 when
 * none, ZW_JIT_TRAP_ERR with ctx->err filled.  memory.grow updates
 * ctx->memsize. */
typedef uint32_t (*zw_jhelper)(zw_jctx *ctx, zw_slot *fp, const uint32_t *ip, zw_instance *inst);
/* The helper of IR op `op` (every op that is not control flow or a call
 * has one), or NULL. */
zw_jhelper zw_jit_helper(uint32_t op);
/* Whether addr is the return address of call_any's call into another
 * instance (a frame that restores the caller's instance on return). */
bool zw_jit_cross_ret(const zw_jctx *ctx, uintptr_t addr);
/* Call host function f (a zw_funcinst) with its frame at fp; 0, or 1 with
 * ctx->err filled. */
uint32_t zw_jit_call_host(zw_jctx *ctx, zw_funcinst *f, zw_slot *fp, zw_instance *caller);
/* Compile jf on its first call; its entry, or NULL with ctx->err filled. */
void *zw_jit_compile_lazy(zw_jctx *ctx, zw_jfunc *jf);
/* Fill ctx->err for the trap in ctx (kind, location, backtrace) and
 * return 0; or, for an exception (ZW_JIT_TRAP_EXN, or a host call that
 * failed with one), unwind: 1 when a handler takes it (ctx->land_*), 0
 * when it leaves the entry (ctx->rc = ZWASM_ERR_EXCEPTION). */
int zw_jit_trap(zw_jctx *ctx);
/* Whether addr is inside code compiled for the modules of ctx's store
 * (for the signal handler: no locks taken). */
bool zw_jit_code_contains(const zw_jctx *ctx, uintptr_t addr);
/* Print a trace line (--trace) for instruction pc of f. */
void zw_jit_trace(const zw_ir_func *f, uint32_t pc, const zw_slot *fp);

/* ---- faults (signal.c) --------------------------------------------------------------- */
/* Install the SIGSEGV handler (once) and give the calling thread an
 * alternate signal stack; false if either cannot be done. */
bool zw_jit_signal_ready(void);
/* The context of the compiled code the calling thread runs: set on entry
 * (returns the previous one), restored on exit. */
zw_jctx *zw_jit_signal_enter(zw_jctx *ctx);
void zw_jit_signal_leave(zw_jctx *old);

/* ---- the architecture's code generator (x64/emit.c) ------------------------------------ */
/* Compile jf (its IR in jf->ir) into *code (position independent,
 * allocated with the module's allocator) and fill jf->insn_off; false with err filled on failure. */
bool zw_jit_arch_compile(zw_jmod *jm, zw_jfunc *jf, uint8_t **code, uint32_t *len,
                         zwasm_error_t *err);
/* Build the module's stubs into executable memory. */
bool zw_jit_arch_stubs(zw_jmod *jm);
/* Whether the CPU has what the code generator needs. */
bool zw_jit_arch_supported(void);
/* A SIGSEGV at addr with context uc (a ucontext_t) while compiled code
 * runs: if it is an access to the running code's memory reservation, make
 * the thread continue in ctx->trap_stub (a memory-out-of-bounds trap at the
 * faulting instruction) and return true. */
bool zw_jit_arch_fault(zw_jctx *ctx, void *addr, void *uc);

#endif
