/*
 * ir.h — the register-based IR: one zw_ir_func per defined function, produced
 * from validated stack code by lower.c and run by the execution engines
 * (interp/, jit/), each of which keeps its own form of it.  See docs/ir.md
 * for the format.
 *
 * Summary:
 *   - Code is an array of 32-bit words.  An instruction is one opcode word
 *     followed by its operands; the operand layout of every opcode is given
 *     by a descriptor string (zw_ir_desc), one letter per operand:
 *       d  destination slot            (1 word)
 *       s  source slot                 (1 word)
 *       B  call base slot              (1 word)
 *       i  32-bit immediate            (1 word)
 *       I  64-bit immediate            (2 words, little-endian, unaligned)
 *       V  128-bit immediate           (4 words)
 *       o  memory offset / address     (1 word, u32)
 *       L  lane index                  (1 word)
 *       n  index (function, global, table, segment, type)  (1 word)
 *       T  branch target: signed word offset relative to the start of this
 *          instruction                 (1 word)
 *       N  count n followed by n+1 branch targets (br_table) (n+2 words)
 *   - Opcode numbers: values < ZW_OP_COUNT reuse the Wasm opcode ids of
 *     opcodes.def (for fixed-signature ops the operands are [d][s per param]);
 *     the IR-only ops follow.
 *   - A frame is an array of 8-byte slots: [params][declared locals][operand
 *     stack temporaries]; a v128 takes 2 consecutive slots.
 */
#ifndef ZW_IR_H
#define ZW_IR_H

#include <stdio.h>

#include "../module.h"
#include "../opcodes.h"

typedef struct zw_ir_func zw_ir_func;

/* IR-only opcodes: X(name, "mnemonic", "descriptor", "types").  types: the
 * value type of each slot operand (d, s) in descriptor order: i i32, l i64,
 * f f32, d f64, v v128, r reference, * the function's single result.
 * Every operation is typed: a value's register class (general or
 * float/vector) and whether it is a reference follow from the opcode. */
#define ZW_IR_OPS(X)                                                           \
    X(INVALID, "invalid", "", "")                                              \
    X(TRACE, "trace", "", "")          /* print the next instruction */        \
    X(FUEL, "fuel", "", "")            /* burn a unit, honour an interrupt */  \
    X(INLINE_ENTER, "inline.enter", "", "") /* an inlined call: one frame deeper */ \
    X(INLINE_LEAVE, "inline.leave", "", "") /* ... and back */                  \
    X(CONST32, "const.i32", "di", "i")                                         \
    X(CONST64, "const.i64", "dI", "l")                                         \
    X(CONST64_U32, "const.i64.u32", "di", "l") /* an i64 from 0 to 2^32-1 */  \
    X(CONST_F32, "const.f32", "di", "f")   /* the bits */                      \
    X(CONST_F64, "const.f64", "dI", "d")   /* the bits */                      \
    X(CONST128, "const.v128", "dV", "v")                                       \
    X(CONST_NULL, "const.null", "d", "r")  /* ref.null */                      \
    X(MOV_I32, "mov.i32", "ds", "ii")                                          \
    X(MOV_I64, "mov.i64", "ds", "ll")                                          \
    X(MOV_F32, "mov.f32", "ds", "ff")                                          \
    X(MOV_F64, "mov.f64", "ds", "dd")                                          \
    X(MOV_REF, "mov.ref", "ds", "rr")                                          \
    X(MOV128, "mov.v128", "ds", "vv")      /* 2 slots */                       \
    X(BR, "br", "T", "")                                                       \
    X(BR_NZ, "br_nz", "sT", "i")           /* i32 != 0 */                      \
    X(BR_Z, "br_z", "sT", "i")             /* i32 == 0 */                      \
    X(BR_NZ64, "br_nz64", "sT", "l")       /* i64 != 0 */                      \
    X(BR_Z64, "br_z64", "sT", "l")         /* i64 == 0 */                      \
    X(BR_NONNULL, "br_nonnull", "sT", "r")                                     \
    X(BR_NULL, "br_null", "sT", "r")                                           \
    X(BR_TABLE, "br_table", "sN", "i")                                         \
    X(RETURN, "return", "", "")            /* results already in slots 0.. */  \
    X(RETURN1, "return1", "s", "*")        /* slot 0 = s; return */            \
    X(RETURN_PAD, "return", "i", "")       /* return (a br threaded in place) */ \
    X(CALL_LOCAL, "call_local", "nB", "")  /* n = defined-function index */    \
    X(RETURN_CALL_LOCAL, "return_call_local", "nB", "") /* tail call: n's frame replaces this one */ \
    X(SELECT_I64, "select.i64", "dsss", "llli")                                \
    X(SELECT_F32, "select.f32", "dsss", "fffi")                                \
    X(SELECT_F64, "select.f64", "dsss", "dddi")                                \
    X(SELECT_REF, "select.ref", "dsss", "rrri")                                \
    X(SELECT128, "select.v128", "dsss", "vvvi")                                \
    X(REF_IS_NULL, "ref.is_null", "ds", "ir")                                  \
    X(GLOBAL_GET128, "global.get.v128", "dn", "v")                             \
    X(GLOBAL_SET128, "global.set.v128", "sn", "v")

/* Wasm operations typed by hand (S_SPECIAL), as they appear in the IR:
 * X(ID, "descriptor", "types", collects) — the one place their operand
 * layout is written: the lowering emits them from it (n operands take the
 * instruction's immediates a, b in order), the printer and zw_ir_operands
 * read it.  Type letters as in ZW_IR_OPS, plus: F funcref, g the type of global n,
 * e the element type of table n, a the address type of memory or table n
 * (i32, or i64 for a 64-bit one), A that of the second (a copy's source),
 * m the smaller of the two (a copy's count).  memory.* ops name their
 * memory(ies); they and the table ops are typed by this table, not by
 * their opcodes.def signatures.  collects: 1 for the ops that allocate on
 * the GC heap, so the collector may run in them (see zw_ir_may_collect;
 * the collector finds the frame's references with zw_ir_refs_at). */
#define ZW_IR_SPECIAL(X)                                                       \
    X(UNREACHABLE, "", "", 0)                                                  \
    X(ATOMIC_FENCE, "", "", 0)                                                 \
    X(CALL, "nB", "", 0)                  /* B: the callee's arguments/results */ \
    X(CALL_INDIRECT, "nnBs", "a", 0)      /* type, table, B, the element index */ \
    X(RETURN_CALL, "nB", "", 0)           /* tail calls: the arguments at B; the */ \
    X(RETURN_CALL_INDIRECT, "nnBs", "a", 0) /* callee's frame replaces this one */ \
    X(SELECT, "dsss", "iiii", 0)          /* the i32 select: d, a, b, cond */  \
    X(GLOBAL_GET, "dn", "g", 0)                                                \
    X(GLOBAL_SET, "sn", "g", 0)                                                \
    X(TABLE_GET, "dsn", "ea", 0)                                               \
    X(TABLE_SET, "ssn", "ae", 0)                                               \
    X(TABLE_SIZE, "dn", "a", 0)                                                \
    X(TABLE_GROW, "dssn", "aea", 0)       /* d, init, delta, table */          \
    X(TABLE_FILL, "sssn", "aea", 0)       /* at, value, count, table */        \
    X(TABLE_COPY, "sssnn", "aAm", 0)      /* dst, src, count, dst table, src table */ \
    X(TABLE_INIT, "sssnn", "aii", 0)      /* dst, src, count, segment, table */ \
    X(ELEM_DROP, "n", "", 0)                                                   \
    X(MEMORY_SIZE, "dn", "a", 0)                                               \
    X(MEMORY_GROW, "dsn", "aa", 0)                                             \
    X(MEMORY_INIT, "sssnn", "aii", 0)     /* dst, src, count, segment, memory */ \
    X(MEMORY_COPY, "sssnn", "aAm", 0)     /* dst, src, count, dst mem, src mem */ \
    X(MEMORY_FILL, "sssn", "aia", 0)      /* at, byte, count, memory */        \
    X(DATA_DROP, "n", "", 0)                                                   \
    X(REF_FUNC, "dn", "F", 0)                                                  \
    X(CALL_REF, "nBs", "r", 0)            /* type, B, the function reference */ \
    X(RETURN_CALL_REF, "nBs", "r", 0)                                          \
    X(REF_AS_NON_NULL, "ds", "rr", 0)     /* traps on null, else copies */     \
    /* GC (runtime/gc.c): t = type, f = field, S = count + sources */          \
    X(STRUCT_NEW, "dnS", "r", 1)          /* d t fields... */                  \
    X(STRUCT_NEW_DEFAULT, "dn", "r", 1)   /* d t */                            \
    X(STRUCT_GET, "dsnn", "xr", 0)         /* d ref t f */                     \
    X(STRUCT_GET_S, "dsnn", "xr", 0)                                           \
    X(STRUCT_GET_U, "dsnn", "xr", 0)                                           \
    X(STRUCT_SET, "ssnn", "rx", 0)         /* ref value t f */                 \
    X(ARRAY_NEW, "dssn", "rxi", 1)        /* d init len t */                   \
    X(ARRAY_NEW_DEFAULT, "dsn", "ri", 1)  /* d len t */                        \
    X(ARRAY_NEW_FIXED, "dnS", "r", 1)     /* d t elements... */                \
    X(ARRAY_NEW_DATA, "dssnn", "rii", 1)  /* d off len t segment */            \
    X(ARRAY_NEW_ELEM, "dssnn", "rii", 1)                                       \
    X(ARRAY_GET, "dssn", "xri", 0)         /* d ref index t */                 \
    X(ARRAY_GET_S, "dssn", "xri", 0)                                           \
    X(ARRAY_GET_U, "dssn", "xri", 0)                                           \
    X(ARRAY_SET, "sssn", "rix", 0)         /* ref index value t */             \
    X(ARRAY_LEN, "ds", "ir", 0)                                                \
    X(ARRAY_FILL, "ssssn", "rixi", 0)      /* ref off value n t */             \
    X(ARRAY_COPY, "sssssnn", "ririi", 0)   /* dst doff src soff n dt st */     \
    X(ARRAY_INIT_DATA, "ssssnn", "riii", 0) /* ref doff soff n t segment */    \
    X(ARRAY_INIT_ELEM, "ssssnn", "riii", 0)                                    \
    X(REF_TEST, "dsn", "ir", 0)            /* d ref heap type */               \
    X(REF_TEST_NULL, "dsn", "ir", 0)                                           \
    X(REF_CAST, "dsn", "rr", 0)                                                \
    X(REF_CAST_NULL, "dsn", "rr", 0)                                           \
    X(ANY_CONVERT_EXTERN, "ds", "rr", 1)  /* d ref */                          \
    X(EXTERN_CONVERT_ANY, "ds", "rr", 1)                                       \
    X(REF_I31, "ds", "ri", 0)                                                  \
    X(I31_GET_S, "ds", "ir", 0)                                                \
    X(I31_GET_U, "ds", "ir", 0)                                                \
    X(REF_EQ, "dss", "irr", 0)                                                 \
    X(THROW, "nB", "", 0)                 /* tag n, its payload at B */        \
    X(THROW_REF, "s", "r", 0)             /* traps on null */

/* ZW_IR_SPECIAL's collects column (false for ops not in it). */
static inline bool zw_ir_special_collects(uint32_t op) {
    switch (op) {
#define X(id, desc, types, gc) case ZW_OP_##id: return gc;
        ZW_IR_SPECIAL(X)
#undef X
    }
    return false;
}

/* Integer compares that fuse with br_if / if into ZW_IR_BR_<id> (slot,slot)
 * and ZW_IR_BRK_<id> (slot, immediate). */
#define ZW_IR_CMPS(X)                                                          \
    X(I32_EQ, i) X(I32_NE, i) X(I32_LT_S, i) X(I32_LT_U, i) X(I32_GT_S, i)     \
    X(I32_GT_U, i) X(I32_LE_S, i) X(I32_LE_U, i) X(I32_GE_S, i) X(I32_GE_U, i) \
    X(I64_EQ, l) X(I64_NE, l) X(I64_LT_S, l) X(I64_LT_U, l) X(I64_GT_S, l)     \
    X(I64_GT_U, l) X(I64_LE_S, l) X(I64_LE_U, l) X(I64_GE_S, l) X(I64_GE_U, l)

/* Binary integer ops with a register-immediate form ZW_IR_K_<id>
 * (operands d, s, i|I: second operand constant). */
#define ZW_IR_KOPS(X) ZW_IR_KOPS_PURE(X) ZW_IR_KDIVS(X)
#define ZW_IR_KOPS_PURE(X)                                                     \
    X(I32_ADD, i) X(I32_SUB, i) X(I32_MUL, i) X(I32_AND, i) X(I32_OR, i)       \
    X(I32_XOR, i) X(I32_SHL, i) X(I32_SHR_S, i) X(I32_SHR_U, i) X(I32_ROTL, i) \
    X(I32_ROTR, i) X(I32_EQ, i) X(I32_NE, i) X(I32_LT_S, i) X(I32_LT_U, i)     \
    X(I32_GT_S, i) X(I32_GT_U, i) X(I32_LE_S, i) X(I32_LE_U, i) X(I32_GE_S, i) \
    X(I32_GE_U, i)                                                             \
    X(I64_ADD, l) X(I64_SUB, l) X(I64_MUL, l) X(I64_AND, l) X(I64_OR, l)       \
    X(I64_XOR, l) X(I64_SHL, l) X(I64_SHR_S, l) X(I64_SHR_U, l) X(I64_ROTL, l) \
    X(I64_ROTR, l) X(I64_EQ, l) X(I64_NE, l) X(I64_LT_S, l) X(I64_LT_U, l)     \
    X(I64_GT_S, l) X(I64_GT_U, l) X(I64_LE_S, l) X(I64_LE_U, l) X(I64_GE_S, l) \
    X(I64_GE_U, l)
/* Division by a constant other than 0 (a compiler turns it into a
 * multiplication; never folded: x / -1 may still trap). */
#define ZW_IR_KDIVS(X)                                                         \
    X(I32_DIV_S, i) X(I32_DIV_U, i) X(I32_REM_S, i) X(I32_REM_U, i)             \
    X(I64_DIV_S, l) X(I64_DIV_U, l) X(I64_REM_S, l) X(I64_REM_U, l)
#define ZW_IR_K_LAST_ ZW_IR_K_I64_REM_U

/* Memory ops (IMM_MEMARG) with a constant address get an absolute form
 * ZW_IR_A_<id>: loads [d][o], stores [s][o] where o = address + offset. */
#define ZW_IR_AMEM_IMM_MEMARG(x) x,
#define ZW_IR_AMEM_IMM_NONE(x)
#define ZW_IR_AMEM_IMM_BLOCK(x)
#define ZW_IR_AMEM_IMM_LABEL(x)
#define ZW_IR_AMEM_IMM_BRTABLE(x)
#define ZW_IR_AMEM_IMM_FUNC(x)
#define ZW_IR_AMEM_IMM_CALLIND(x)
#define ZW_IR_AMEM_IMM_LOCAL(x)
#define ZW_IR_AMEM_IMM_GLOBAL(x)
#define ZW_IR_AMEM_IMM_TABLE(x)
#define ZW_IR_AMEM_IMM_MEM(x)
#define ZW_IR_AMEM_IMM_I32(x)
#define ZW_IR_AMEM_IMM_I64(x)
#define ZW_IR_AMEM_IMM_F32(x)
#define ZW_IR_AMEM_IMM_F64(x)
#define ZW_IR_AMEM_IMM_V128(x)
#define ZW_IR_AMEM_IMM_LANE(x)
#define ZW_IR_AMEM_IMM_MEMARG_LANE(x)
#define ZW_IR_AMEM_IMM_SHUFFLE(x)
#define ZW_IR_AMEM_IMM_SELECT_T(x)
#define ZW_IR_AMEM_IMM_HEAPTYPE(x)
#define ZW_IR_AMEM_IMM_TABLE_TABLE(x)
#define ZW_IR_AMEM_IMM_ELEM_TABLE(x)
#define ZW_IR_AMEM_IMM_ELEM(x)
#define ZW_IR_AMEM_IMM_DATA(x)
#define ZW_IR_AMEM_IMM_DATA_MEM(x)
#define ZW_IR_AMEM_IMM_MEM_MEM(x)
#define ZW_IR_AMEM_IMM_TYPE(x)
#define ZW_IR_AMEM_IMM_TYPE_FIELD(x)
#define ZW_IR_AMEM_IMM_TYPE_N(x)
#define ZW_IR_AMEM_IMM_TYPE_DATA(x)
#define ZW_IR_AMEM_IMM_TYPE_ELEM(x)
#define ZW_IR_AMEM_IMM_TYPE_TYPE(x)
#define ZW_IR_AMEM_IMM_TAG(x)
#define ZW_IR_AMEM_IMM_TRY_TABLE(x)
#define ZW_IR_AMEM_IMM_BR_ON_CAST(x)
#define ZW_IR_AMEM_IMM_ATOMIC(x) /* atomics have no absolute forms */
#define ZW_IR_AMEM_IMM_ZERO(x)

enum zw_irop {
    ZW_IR_BASE_ = ZW_OP_COUNT - 1,
#define X(n, t, d, ty) ZW_IR_##n,
    ZW_IR_OPS(X)
#undef X
#define X(id, l) ZW_IR_BR_##id, ZW_IR_BRK_##id,
    ZW_IR_CMPS(X)
#undef X
#define X(id, l) ZW_IR_K_##id,
    ZW_IR_KOPS(X)
#undef X
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) ZW_IR_AMEM_##imm(ZW_IR_A_##id)
#include "../opcodes.def"
#undef X
    ZW_IR_COUNT
};

/* A stretch of code inlined from a callee: instructions [first, end) of the
 * caller came from function `func`, called at byte offset call_offset. */
typedef struct zw_ir_inline {
    uint32_t first, end;
    uint32_t func;
    uint32_t call_offset;
} zw_ir_inline;

/* Exception handlers (docs/ir.md, "Exceptions").  A region is a stretch
 * [start, end) of code words (a try_table's or a legacy try's body);
 * regions nest, and an inner one has a higher index.  An exception thrown
 * at (or by a call at) position pc is offered to the innermost region
 * containing pc: to its catches in order, then to region `next` (the
 * enclosing region, or a delegate's target; ZW_IR_NONE: the caller). */
#define ZW_IR_NONE UINT32_MAX
typedef struct zw_ir_catch {
    uint32_t tag;     /* module tag index, or ZW_IR_NONE: every exception */
    uint32_t dst;     /* the payload (the tag's params) goes to slots dst.. */
    uint32_t exn;     /* the exnref goes to slot exn, or ZW_IR_NONE: not kept */
    uint32_t target;  /* code position where the handler continues */
    uint32_t inl;     /* inlined bodies open at target (0 or 1): what inline.enter pushed */
} zw_ir_catch;
typedef struct zw_ir_region {
    uint32_t start, end; /* code words [start, end) */
    uint32_t first, n;   /* its catches: catches[first .. first + n) */
    uint32_t next;       /* the region offered the exception next, or ZW_IR_NONE */
} zw_ir_region;

struct zw_ir_func {
    uint32_t func_idx;      /* index in the module's function space */
    uint32_t type_idx;
    const zw_functype *type;
    uint32_t nparam_slots;  /* slots [0, nparam_slots) hold the arguments */
    uint32_t nlocal_slots;  /* params + declared locals; zeroed on entry above params */
    uint32_t nresult_slots; /* on return results are in [0, nresult_slots) */
    uint32_t frame_slots;   /* total slots the frame needs (locals + max stack) */
    uint32_t *code;         /* portable code: opcode words are zw_irop numbers */
    uint32_t len;           /* words */
    uint32_t *insn;         /* start word of every instruction, in order */
    uint32_t ninsn;
    uint32_t *src;          /* per instruction: the byte offset (in the module) of the
                             * Wasm instruction it came from */
    zw_ir_inline *inlined;  /* the inlined stretches, in order */
    uint32_t ninlined;
    zw_ir_region *regions;  /* exception handlers (none: NULL, 0), by start */
    uint32_t nregions;
    uint32_t *insn_region;  /* with regions: per instruction, its innermost region or ZW_IR_NONE */
    zw_ir_catch *catches;
    uint32_t ncatches;
    struct zw_ir_refmap *refmap; /* made when the collector first needs it (zw_ir_refmap_of) */
};

/* Whether op can throw an exception out of the instruction (a call, throw,
 * throw_ref): in a region it has edges to the region's handlers. */
bool zw_ir_may_throw(uint32_t op);
/* The innermost region of f containing code position pc, or ZW_IR_NONE. */
uint32_t zw_ir_region_at(const zw_ir_func *f, uint32_t pc);
/* Compute f->insn_region from f->regions (sorted by start, properly
 * nested): false when they are not so, or on out of memory (*oom). */
bool zw_ir_index_regions(const zw_alloc *al, zw_ir_func *f, bool *oom);
/* The handler targets an exception at the instruction at pc may reach
 * (every catch of the regions offered it), into out (cap entries): how
 * many there are. */
uint32_t zw_ir_handler_targets(const zw_ir_func *f, uint32_t pc, uint32_t *out, uint32_t cap);

/* ---- basic blocks (ir_cfg.c) ---- */
/* The blocks of a function, for analyses (the JIT's register allocator,
 * the collector's reference maps): block b is instructions
 * [lead[b], zw_ir_cfg_end(g, b)); instruction i is in block[i]; at maps
 * a code position to its instruction + 1 (0: not an instruction start). */
typedef struct zw_ir_cfg {
    uint32_t ni, nb;
    uint32_t *lead, *block, *at;
    uint32_t *tbuf, *seen, stamp; /* zw_ir_cfg_succ's scratch */
} zw_ir_cfg;
bool zw_ir_cfg_build(const zw_alloc *al, const zw_ir_func *f, zw_ir_cfg *g);
void zw_ir_cfg_free(const zw_alloc *al, zw_ir_cfg *g);
static inline uint32_t zw_ir_cfg_end(const zw_ir_cfg *g, uint32_t b) {
    return b + 1 < g->nb ? g->lead[b + 1] : g->ni;
}
/* The successor blocks of block b, each once, into succ (room for
 * f->len + 2 + f->ncatches): how many. */
uint32_t zw_ir_cfg_succ(zw_ir_cfg *g, const zw_ir_func *f, uint32_t b, uint32_t *succ);
/* Backward liveness over g's blocks to a fixpoint: from each block's use
 * and def sets (nw words per block, block b at b * nw) to its live-in and
 * live-out sets (lin, lout: zeroed by the caller).  1: settled; 0: a
 * bound reached first (max_passes passes over the blocks, or more than
 * max_work word operations after a pass); -1: out of memory. */
int zw_ir_cfg_liveness(const zw_alloc *al, zw_ir_cfg *g, const zw_ir_func *f, uint32_t nw, const uint64_t *use,
                       const uint64_t *def, uint64_t *lin, uint64_t *lout, uint32_t max_passes, uint64_t max_work);

/* ---- references in frames, for the collector (ir_refmap.c) ---- */
/* Whether the collector may run while an instruction of opcode op runs:
 * a call (the callee may allocate), a throw (it makes an exception) or
 * an op that allocates (ZW_IR_SPECIAL's collects column). */
bool zw_ir_may_collect(uint32_t op);
/* f's reference map: which slots hold live references at each
 * instruction where the collector may run.  Computed from the operand
 * types and liveness on first use (any thread; published once, freed with
 * f); NULL on out of memory. */
typedef struct zw_ir_refmap zw_ir_refmap;
const zw_ir_refmap *zw_ir_refmap_of(const zw_module *m, const zw_ir_func *f);
void zw_ir_refmap_free(const zw_alloc *al, zw_ir_refmap *rm);
/* The slots holding live references while the instruction containing
 * code position pc runs:
 * for a call, the caller's values live across it (the callee's frame, from
 * B up, is the callee's to report); for a throw or an allocation, also
 * the references it reads.  *n of them; none when pc is not such an
 * instruction. */
const uint32_t *zw_ir_refs_at(const zw_ir_refmap *rm, const zw_ir_func *f, uint32_t pc, uint32_t *n);

/* ---- operand types (ir_types.c) ---- */
/* The type of a slot operand that is "some reference" where the IR op
 * does not say which (mov.ref, select.ref, const.null): anyref. */
#define ZW_IR_ANYREF ((zw_valtype)ZW_HT_ANY)
typedef struct zw_ir_opnd {
    uint32_t slot;    /* first slot (a v128 also uses slot + 1) */
    zw_valtype type;  /* its value type */
    bool def;         /* written (else read) */
} zw_ir_opnd;
/* The B operand (call base slot) of the instruction at f->code[pc], or
 * UINT32_MAX if it has none: the callee's frame starts there, so every
 * slot from it up may change during the call. */
uint32_t zw_ir_call_base(const zw_ir_func *f, uint32_t pc);
/* The length of the instruction of opcode op whose operands are at ip
 * (threaded code keeps the IR's layout with its own first word). */
uint32_t zw_ir_insn_len_of(uint32_t op, const uint32_t *ip);
/* The slot operands of the instruction at f->code[pc] of module m, in
 * descriptor order; a call's B operand stands for its arguments (reads)
 * and then its results (writes) in the callee frame at B, `return` for the
 * function's results in slots 0...  Fills at most cap entries and returns
 * how many there are. */
uint32_t zw_ir_operands(const zw_module *m, const zw_ir_func *f, uint32_t pc, zw_ir_opnd *out,
                        uint32_t cap);
/* The memory a memory access (an op with an M operand) at code[pc] names,
 * or 0 when it has none. */
uint32_t zw_ir_mem_index(const uint32_t *code, uint32_t pc);
/* The offset (or an _abs form's address) in the M operand of the
 * instruction at pc, 0 when it has none. */
uint64_t zw_ir_mem_offset(const uint32_t *code, uint32_t pc);
/* The Wasm operation of a derived IR op (compare-and-branch
 * ZW_IR_BR_/BRK_<cmp>, register-immediate ZW_IR_K_<op>, absolute-address
 * ZW_IR_A_<op>), or op itself; and which form op is. */
uint32_t zw_ir_base_op(uint32_t op);
typedef enum zw_ir_form {
    ZW_IR_FORM_WASM,  /* a Wasm op (op < ZW_OP_COUNT) */
    ZW_IR_FORM_ONLY,  /* an IR-only op of ZW_IR_OPS */
    ZW_IR_FORM_BR,    /* br_<cmp> s s T */
    ZW_IR_FORM_BRK,   /* brk_<cmp> s imm T */
    ZW_IR_FORM_K,     /* k_<op> d s imm */
    ZW_IR_FORM_ABS,   /* a_<load/store> with a constant address */
} zw_ir_form;
zw_ir_form zw_ir_form_of(uint32_t op);
/* The slot-operand type letters of a hand-typed op (ZW_IR_SPECIAL), and
 * the type behind a module-given letter (g, e, a) for op with n operands
 * nimm[0..1]. */
const char *zw_ir_special_types(uint32_t op);
zw_valtype zw_ir_module_type(const zw_module *m, uint32_t op, const uint32_t *nimm, char c);
/* Slots a value of type t occupies (v128: 2). */
uint32_t zw_ir_type_slots(zw_valtype t);

/* Where the instruction at word pc came from: its Wasm byte offset in the
 * module and, inside inlined code, the callee (func, else ZWASM_NO_FUNC)
 * and the offset of the call in f. */
typedef struct zw_ir_loc {
    uint32_t offset;
    uint32_t inlined_func;
    uint32_t call_offset;
} zw_ir_loc;
zw_ir_loc zw_ir_locate(const zw_ir_func *f, uint32_t pc);
/* The index (in f->insn) of the instruction containing code position pc:
 * the last one starting at or before it (0 when f has none). */
uint32_t zw_ir_insn_index(const zw_ir_func *f, uint32_t pc);

/* ---- the verifier (ir_verify.c) ---- */
/* Whether op may appear in lowered code (Wasm control, locals, constants,
 * drop and the like are lowered away). */
bool zw_ir_op_in_ir(uint32_t op);
/* Check that f (of module m) is well-formed and well-typed: ZWASM_OK, or
 * ZWASM_ERR_INVALID (or ZWASM_ERR_NOMEM) with a one-line reason in why. */
zwasm_result_t zw_ir_verify(const zw_module *m, const zw_ir_func *f, char *why, size_t cap);

/* Functions are lowered when first needed.  zw_ir_init_module prepares a
 * validated module for that (false on out of memory); zw_ir_get gives the
 * IR of defined function def, lowering it on first use (any thread may
 * call it: a function is lowered by whoever comes first and published
 * once); zw_lower_module lowers every function now (--dump-ir, tests). */
bool zw_ir_init_module(zw_module *m);
zwasm_result_t zw_ir_get(zw_module *m, uint32_t def, const zw_ir_func **out, zwasm_error_t *err);
zwasm_result_t zw_lower_module(zw_module *m, zwasm_error_t *err);
/* Free m->ir (called by zw_module_free). */
void zw_ir_free_module(zw_module *m);
/* Print the IR of every defined function (zwasm run --dump-ir). */
void zw_ir_dump_module(const zw_module *m, FILE *out);

/* ---- ir_print.c ---- */
const char *zw_ir_name(uint32_t op);
const char *zw_ir_desc(uint32_t op);
/* Length in words of the instruction at code[pc]. */
uint32_t zw_ir_insn_len(const uint32_t *code, uint32_t pc);
/* The branch targets (code positions) of the instruction at f->code[pc]:
 * fills at most cap, returns how many there are (0: not a branch). */
uint32_t zw_ir_targets(const zw_ir_func *f, uint32_t pc, uint32_t *out, uint32_t cap);
/* Whether control can go on to the next instruction after op. */
bool zw_ir_falls_through(uint32_t op);
/* Print one instruction; with fp != NULL also the values of source slots. */
void zw_ir_print_insn(FILE *out, const zw_ir_func *f, uint32_t pc, const uint64_t *fp);
void zw_ir_print_func(FILE *out, const zw_ir_func *f);

#endif
