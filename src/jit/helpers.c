/*
 * helpers.c — the C functions compiled code calls: one helper per IR
 * operation that runs it on the frame in memory (what the code generator
 * does not inline, and everything in the stress mode), generated from
 * opcodes.def with the shared semantics (sem/), plus the hand-written
 * ones for globals, tables, bulk memory and memory.grow.
 *
 * A helper h_<ID> (h_K_<ID>, h_A_<ID> for the IR forms) takes the context,
 * the frame, the instruction and the running instance, and returns 0 or a
 * trap kind.  Memories are read from the instance (a base never moves; a
 * size is exact here), so only memory.grow of memory 0 has to tell
 * compiled code (ctx->memsize).  A memory instruction names its memory
 * (the M operand's first word): code for the memories other than 0 always
 * comes here.
 */
#include "../ir/ir_sig.h"
#include "../sem/frame.h"
#include "../sem/scalar.h"
#include "../sem/simd.h"
#include "../runtime/atomic.h"
#define ZW_ATOMIC_INTERRUPT (ctx->interrupt) /* a wait stops when the store is interrupted */
#include "jit_int.h"

#ifndef ZW_TSAN
#define H(name) static uint32_t h_##name(zw_jctx *ctx, zw_slot *fp, const uint32_t *ip, zw_instance *inst)
#else
/* Under ThreadSanitizer each helper first acquires what compile() released
 * when it published the calling code: the IR it reads (ip) was written by
 * the thread that compiled it, and compiled code's acquire load of the
 * function's entry is invisible to TSan. */
#define H(name)                                                                                    \
    static uint32_t hb_##name(zw_jctx *ctx, zw_slot *fp, const uint32_t *ip, zw_instance *inst);  \
    static uint32_t h_##name(zw_jctx *ctx, zw_slot *fp, const uint32_t *ip, zw_instance *inst) {  \
        ZW_TSAN_ACQUIRE(inst->module->engine_code);                                                \
        return hb_##name(ctx, fp, ip, inst);                                                       \
    }                                                                                              \
    static uint32_t hb_##name(zw_jctx *ctx, zw_slot *fp, const uint32_t *ip, zw_instance *inst)
#endif
#define TRAP(kind) return (kind)
/* ea_ = the effective address of an access of n bytes at slot a + offset
 * in the memory named by the instruction word ip[k] (32- or 64-bit
 * addresses: zw_mem_ea), or a trap; membase its base */
#define MEM_EA(k, a, off, n)                                                   \
    const zw_memory *mm_ = inst->mems[ip[k]];                                  \
    uint8_t *membase = mm_->base;                                              \
    uint64_t ea_;                                                              \
    if (ZW_UNLIKELY(!zw_mem_ea(mm_, fp[a], (off), (n), &ea_))) TRAP(ZWASM_TRAP_MEMORY_OOB)
/* absolute forms (a 32-bit memory 0: the address is known) */
#define MEMAT(k)                                                               \
    uint8_t *membase = inst->mems[ip[k]]->base;                                \
    uint64_t memsize = zw_mem_size(inst->mems[ip[k]])
#define MEMCHECK(ea, n) do { if (ZW_UNLIKELY((ea) + (n) > memsize)) TRAP(ZWASM_TRAP_MEMORY_OOB); } while (0)

/* ---- generated from opcodes.def -------------------------------------------------- */
#define HX_NONE(id, pfx, sig) ZW_SIG(sig, HN, id, pfx)
#define HX_MEMARG(id, pfx, sig) ZW_SIG(sig, HM, id, pfx)
#define HX_LANE(id, pfx, sig) ZW_SIG(sig, HL, id, pfx)
#define HX_MLANE(id, pfx, sig) ZW_SIG(sig, HML, id, pfx)
#define HX_SHUF(id, pfx, sig)                                                  \
    H(id) {                                                                    \
        uint8_t lanes_[16];                                                    \
        memcpy(lanes_, ip + 4, 16);                                            \
        zw_stv(fp + ip[1], zw_simd_##id(zw_ldv(fp + ip[2]), zw_ldv(fp + ip[3]), lanes_)); \
        return 0;                                                              \
    }
#define HX_OTHER(id, pfx, sig)
/* atomics (runtime/atomic.h) */
#define HX_ATOMIC(id, pfx, sig) ZW_SIG(sig, HA, id, pfx)
#define HA_P1R1(id, pfx, a, r) H(id) { ZW_ATOMIC_P1R1(id, a, r); return 0; }
#define HA_P2R0(id, pfx, a, b) H(id) { ZW_ATOMIC_P2R0(id, a, b); return 0; }
#define HA_P2R1(id, pfx, a, b, r) H(id) { ZW_ATOMIC_P2R1(id, a, b, r); return 0; }
#define HA_P3R1(id, pfx, a, b, c, r) H(id) { ZW_ATOMIC_P3R1(id, a, b, c, r); return 0; }
#define HN_SPECIAL(id, pfx)
#define HN_P0R0(id, pfx)
#define HN_P1R1(id, pfx, a, r)                                                 \
    H(id) {                                                                    \
        TY_##a x_ = RD_##a(ip[2]);                                             \
        WR_##r(ip[1], SEMF(pfx, id)(x_));                                      \
        return 0;                                                              \
    }
#define HN_P2R1(id, pfx, a, b, r)                                              \
    H(id) {                                                                    \
        TY_##a x_ = RD_##a(ip[2]);                                             \
        TY_##b y_ = RD_##b(ip[3]);                                             \
        WR_##r(ip[1], SEMF(pfx, id)(x_, y_));                                  \
        return 0;                                                              \
    }
#define HN_P3R1(id, pfx, a, b, c, r)                                           \
    H(id) {                                                                    \
        TY_##a x_ = RD_##a(ip[2]);                                             \
        TY_##b y_ = RD_##b(ip[3]);                                             \
        TY_##c z_ = RD_##c(ip[4]);                                             \
        WR_##r(ip[1], SEMF(pfx, id)(x_, y_, z_));                              \
        return 0;                                                              \
    }
/* two results (wide arithmetic): [d lo][d hi][s...] */
#define HN_P2R2(id, pfx, a, b, r, s)                                           \
    H(id) {                                                                    \
        zw_u128 r_ = zw_wide_##id(fp[ip[3]], fp[ip[4]]);                       \
        fp[ip[1]] = r_.lo;                                                     \
        fp[ip[2]] = r_.hi;                                                     \
        return 0;                                                              \
    }
#define HN_P4R2(id, pfx, a, b, c, d, r, s)                                     \
    H(id) {                                                                    \
        zw_u128 r_ = zw_wide_##id(fp[ip[3]], fp[ip[4]], fp[ip[5]], fp[ip[6]]); \
        fp[ip[1]] = r_.lo;                                                     \
        fp[ip[2]] = r_.hi;                                                     \
        return 0;                                                              \
    }
/* loads [d][addr][M], absolute [d][M]; stores [addr][v][M], [v][M] */
#define HM_P1R1(id, pfx, a, r)                                                 \
    H(id) {                                                                    \
        MEM_EA(3, ip[2], zw_imm64(ip + 4), ZW_ACCESS_##id);                    \
        LDF(pfx, id, ip[1], membase + ea_);                                    \
        return 0;                                                              \
    }                                                                          \
    H(A_##id) {                                                                \
        MEMAT(2);                                                                \
        uint64_t ea_ = zw_imm64(ip + 3);                                       \
        MEMCHECK(ea_, ZW_ACCESS_##id);                                         \
        LDF(pfx, id, ip[1], membase + ea_);                                    \
        return 0;                                                              \
    }
#define HM_P2R0(id, pfx, a, b)                                                 \
    H(id) {                                                                    \
        MEM_EA(3, ip[1], zw_imm64(ip + 4), ZW_ACCESS_##id);                    \
        STF(pfx, id, ip[2], membase + ea_);                                    \
        return 0;                                                              \
    }                                                                          \
    H(A_##id) {                                                                \
        MEMAT(2);                                                                \
        uint64_t ea_ = zw_imm64(ip + 3);                                       \
        MEMCHECK(ea_, ZW_ACCESS_##id);                                         \
        STF(pfx, id, ip[1], membase + ea_);                                    \
        return 0;                                                              \
    }
#define HL_P1R1(id, pfx, a, r)                                                 \
    H(id) {                                                                    \
        WR_##r(ip[1], zw_simd_##id(zw_ldv(fp + ip[2]), ip[3]));                \
        return 0;                                                              \
    }
#define HL_P2R1(id, pfx, a, b, r)                                              \
    H(id) {                                                                    \
        TY_##b x_ = RD_##b(ip[3]);                                             \
        zw_stv(fp + ip[1], zw_simd_##id(zw_ldv(fp + ip[2]), ip[4], x_));       \
        return 0;                                                              \
    }
#define HML_P2R1(id, pfx, a, b, r)                                             \
    H(id) {                                                                    \
        MEM_EA(4, ip[2], zw_imm64(ip + 5), ZW_ACCESS_##id);                    \
        zw_stv(fp + ip[1], zw_simd_##id(zw_ldv(fp + ip[3]), membase + ea_, ip[7])); \
        return 0;                                                              \
    }
#define HML_P2R0(id, pfx, a, b)                                                \
    H(id) {                                                                    \
        MEM_EA(3, ip[1], zw_imm64(ip + 4), ZW_ACCESS_##id);                    \
        zw_simd_##id(membase + ea_, zw_ldv(fp + ip[2]), ip[6]);                \
        return 0;                                                              \
    }

#define GEN(M, id, prefix, imm, sig) GENP_##prefix(M, id, imm, sig)
#define GENP_0(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0, sig)
#define GENP_0xFB(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0xFB, sig)
#define GENP_0xFC(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0xFC, sig)
#define GENP_0xFD(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0xFD, sig)
#define GENP_0xFE(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0xFE, sig)
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) GEN(HX, id, prefix, imm, sig)
#include "../opcodes.def"
#undef X

/* register-immediate forms */
#define X(id, l)                                                               \
    H(K_##id) {                                                                \
        TY_##l x_ = RD_##l(ip[2]);                                             \
        fp[ip[1]] = (uint64_t)SEM_##id(x_, (TY_##l)IMM_##l(3));                \
        return 0;                                                              \
    }
ZW_IR_KOPS(X)
#undef X

/* ---- IR-only operations on values ------------------------------------------------ */
H(CONST32) { fp[ip[1]] = ip[2]; return 0; }
H(CONST64) { fp[ip[1]] = zw_imm64(ip + 2); return 0; }
H(CONST_NULL) { fp[ip[1]] = 0; return 0; }
H(CONST128) {
    fp[ip[1]] = zw_imm64(ip + 2);
    fp[ip[1] + 1] = zw_imm64(ip + 4);
    return 0;
}
H(MOV) { fp[ip[1]] = fp[ip[2]]; return 0; }
H(MOV128) { zw_stv(fp + ip[1], zw_ldv(fp + ip[2])); return 0; }
H(REF_IS_NULL) { fp[ip[1]] = fp[ip[2]] == 0; return 0; }
H(SELECT) { fp[ip[1]] = (uint32_t)fp[ip[4]] ? fp[ip[2]] : fp[ip[3]]; return 0; }
H(SELECT128) {
    zw_v128 v = zw_ldv(fp + ((uint32_t)fp[ip[4]] ? ip[2] : ip[3]));
    zw_stv(fp + ip[1], v);
    return 0;
}

/* ---- variables, tables, memory ------------------------------------------------------ */
H(GLOBAL_GET) { fp[ip[1]] = inst->globals[ip[2]]->val.slots[0]; return 0; }
H(GLOBAL_SET) { inst->globals[ip[2]]->val.slots[0] = fp[ip[1]]; return 0; }
H(GLOBAL_GET128) { zw_stv(fp + ip[1], inst->globals[ip[2]]->val.v128); return 0; }
H(GLOBAL_SET128) { inst->globals[ip[2]]->val.v128 = zw_ldv(fp + ip[1]); return 0; }
H(REF_FUNC) { fp[ip[1]] = (uintptr_t)inst->funcs[ip[2]]; return 0; }

H(TABLE_GET) {
    zw_tableinst *t = inst->tables[ip[3]];
    uint64_t i = zw_table_index(t, fp[ip[2]]);
    if (ZW_UNLIKELY(i >= t->size)) TRAP(ZWASM_TRAP_TABLE_OOB);
    fp[ip[1]] = (uintptr_t)t->elems[i];
    return 0;
}
H(TABLE_SET) {
    zw_tableinst *t = inst->tables[ip[3]];
    uint64_t i = zw_table_index(t, fp[ip[1]]);
    if (ZW_UNLIKELY(i >= t->size)) TRAP(ZWASM_TRAP_TABLE_OOB);
    t->elems[i] = (void *)(uintptr_t)fp[ip[2]];
    return 0;
}
H(TABLE_SIZE) {
    zw_tableinst *t = inst->tables[ip[2]];
    fp[ip[1]] = zw_table_result(t, (int64_t)t->size);
    return 0;
}
H(TABLE_GROW) {
    zw_tableinst *t = inst->tables[ip[4]];
    int64_t r;
    uint32_t k = zw_table_grow_fuel(t, zw_table_index(t, fp[ip[3]]), (void *)(uintptr_t)fp[ip[2]], &ctx->fuel, &r);
    if (k) return k;
    fp[ip[1]] = zw_table_result(t, r);
    return 0;
}
/* bulk memory and table instructions: runtime/bulk.c */
H(TABLE_FILL) {
    zw_tableinst *t = inst->tables[ip[4]];
    return zw_table_fill(t, zw_table_index(t, fp[ip[1]]), (void *)(uintptr_t)fp[ip[2]],
                         zw_table_index(t, fp[ip[3]]), &ctx->fuel);
}
H(TABLE_COPY) {
    zw_tableinst *td = inst->tables[ip[4]], *ts = inst->tables[ip[5]];
    uint64_t n = zw_copy_count(td->type.is64, ts->type.is64, fp[ip[3]]);
    return zw_table_copy(td, ts, zw_table_index(td, fp[ip[1]]), zw_table_index(ts, fp[ip[2]]), n, &ctx->fuel);
}
H(TABLE_INIT) {
    zw_tableinst *t = inst->tables[ip[5]];
    return zw_table_init(inst, ip[4], t, zw_table_index(t, fp[ip[1]]), (uint32_t)fp[ip[2]],
                         (uint32_t)fp[ip[3]], &ctx->fuel);
}
H(ELEM_DROP) { inst->elem_len[ip[1]] = 0; return 0; }

H(MEMORY_SIZE) {
    zw_memory *mm = inst->mems[ip[2]];
    fp[ip[1]] = zw_mem_result(mm, (int64_t)zw_mem_pages(mm));
    return 0;
}
H(MEMORY_GROW) {
    zw_memory *mm = inst->mems[ip[3]];
    fp[ip[1]] = zw_mem_result(mm, zw_memory_grow(mm, zw_mem_addr(mm, fp[ip[2]])));
    ctx->memsize = zw_mem_size(inst->mem0);
    return 0;
}
H(MEMORY_INIT) {
    zw_memory *mm = inst->mems[ip[5]];
    return zw_memory_init(inst, ip[4], mm, zw_mem_addr(mm, fp[ip[1]]), (uint32_t)fp[ip[2]],
                          (uint32_t)fp[ip[3]], &ctx->fuel);
}
H(DATA_DROP) { inst->data_len[ip[1]] = 0; return 0; }
H(ATOMIC_FENCE) { zw_atomic_fence(); return 0; }
H(MEMORY_COPY) {
    zw_memory *md = inst->mems[ip[4]], *ms = inst->mems[ip[5]];
    uint64_t n = zw_copy_count(md->type.is64, ms->type.is64, fp[ip[3]]);
    return zw_memory_copy(md, ms, zw_mem_addr(md, fp[ip[1]]), zw_mem_addr(ms, fp[ip[2]]), n, &ctx->fuel);
}
H(MEMORY_FILL) {
    zw_memory *mm = inst->mems[ip[4]];
    return zw_memory_fill(mm, zw_mem_addr(mm, fp[ip[1]]), (uint8_t)fp[ip[2]], zw_mem_addr(mm, fp[ip[3]]),
                          &ctx->fuel);
}
H(UNREACHABLE) { TRAP(ZWASM_TRAP_UNREACHABLE); }
/* The GC instructions: runtime/gc.c, as the interpreter runs them. */
#define GC_HELPER(id) \
    H(id) { return zw_gc_exec(inst, ZW_OP_##id, fp, ip, &ctx->fuel); }
GC_HELPER(STRUCT_NEW) GC_HELPER(STRUCT_NEW_DEFAULT) GC_HELPER(STRUCT_GET) GC_HELPER(STRUCT_GET_S)
GC_HELPER(STRUCT_GET_U) GC_HELPER(STRUCT_SET) GC_HELPER(ARRAY_NEW) GC_HELPER(ARRAY_NEW_DEFAULT)
GC_HELPER(ARRAY_NEW_FIXED) GC_HELPER(ARRAY_NEW_DATA) GC_HELPER(ARRAY_NEW_ELEM) GC_HELPER(ARRAY_GET)
GC_HELPER(ARRAY_GET_S) GC_HELPER(ARRAY_GET_U) GC_HELPER(ARRAY_SET) GC_HELPER(ARRAY_LEN)
GC_HELPER(ARRAY_FILL) GC_HELPER(ARRAY_COPY) GC_HELPER(ARRAY_INIT_DATA) GC_HELPER(ARRAY_INIT_ELEM)
GC_HELPER(REF_TEST) GC_HELPER(REF_TEST_NULL) GC_HELPER(REF_CAST) GC_HELPER(REF_CAST_NULL)
GC_HELPER(ANY_CONVERT_EXTERN) GC_HELPER(EXTERN_CONVERT_ANY) GC_HELPER(REF_I31) GC_HELPER(I31_GET_S)
GC_HELPER(I31_GET_U) GC_HELPER(REF_EQ)

H(REF_AS_NON_NULL) {
    if (!fp[ip[2]]) TRAP(ZWASM_TRAP_NULL_REFERENCE);
    fp[ip[1]] = fp[ip[2]];
    return 0;
}

/* exceptions: the exception goes to store->exec.exn, then the unwinder */
H(THROW) {
    zw_exn *e = zw_exn_new(ctx->store, inst->tags[ip[1]], fp + ip[2], true, ctx->err);
    if (!e) {
        ctx->rc = ctx->err->code;
        return ZW_JIT_TRAP_ERR;
    }
    ctx->store->exec.exn = e;
    return ZW_JIT_TRAP_EXN;
}
H(THROW_REF) {
    zw_exn *e = (zw_exn *)(uintptr_t)fp[ip[1]];
    if (!e) TRAP(ZWASM_TRAP_NULL_REFERENCE);
    ctx->store->exec.exn = e;
    return ZW_JIT_TRAP_EXN;
}

/* ---- the table ---------------------------------------------------------------------- */
#define TE(op, name) [op] = h_##name,
#define TX_NONE(id, pfx, sig) ZW_SIG(sig, TN, id, pfx)
#define TX_MEMARG(id, pfx, sig) TE(ZW_OP_##id, id) TE(ZW_IR_A_##id, A_##id)
#define TX_LANE(id, pfx, sig) TE(ZW_OP_##id, id)
#define TX_MLANE(id, pfx, sig) TE(ZW_OP_##id, id)
#define TX_SHUF(id, pfx, sig) TE(ZW_OP_##id, id)
#define TX_OTHER(id, pfx, sig)
#define TX_ATOMIC(id, pfx, sig) TE(ZW_OP_##id, id)
#define TN_SPECIAL(id, pfx)
#define TN_P0R0(id, pfx)
#define TN_P1R1(id, pfx, a, r) TE(ZW_OP_##id, id)
#define TN_P2R1(id, pfx, a, b, r) TE(ZW_OP_##id, id)
#define TN_P3R1(id, pfx, a, b, c, r) TE(ZW_OP_##id, id)
#define TN_P2R2(id, pfx, a, b, r, s) TE(ZW_OP_##id, id)
#define TN_P4R2(id, pfx, a, b, c, d, r, s) TE(ZW_OP_##id, id)

static const zw_jhelper helpers[ZW_IR_COUNT] = {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) GEN(TX, id, prefix, imm, sig)
#include "../opcodes.def"
#undef X
#define X(id, l) TE(ZW_IR_K_##id, K_##id)
    ZW_IR_KOPS(X)
#undef X
    TE(ZW_IR_CONST32, CONST32) TE(ZW_IR_CONST_F32, CONST32) TE(ZW_IR_CONST64_U32, CONST32)
    TE(ZW_IR_CONST64, CONST64) TE(ZW_IR_CONST_F64, CONST64) TE(ZW_IR_CONST_NULL, CONST_NULL)
    TE(ZW_IR_CONST128, CONST128)
    TE(ZW_IR_MOV_I32, MOV) TE(ZW_IR_MOV_I64, MOV) TE(ZW_IR_MOV_F32, MOV) TE(ZW_IR_MOV_F64, MOV)
    TE(ZW_IR_MOV_REF, MOV) TE(ZW_IR_MOV128, MOV128) TE(ZW_IR_REF_IS_NULL, REF_IS_NULL)
    TE(ZW_OP_SELECT, SELECT) TE(ZW_IR_SELECT_I64, SELECT) TE(ZW_IR_SELECT_F32, SELECT)
    TE(ZW_IR_SELECT_F64, SELECT) TE(ZW_IR_SELECT_REF, SELECT) TE(ZW_IR_SELECT128, SELECT128)
    TE(ZW_OP_GLOBAL_GET, GLOBAL_GET) TE(ZW_OP_GLOBAL_SET, GLOBAL_SET)
    TE(ZW_IR_GLOBAL_GET128, GLOBAL_GET128) TE(ZW_IR_GLOBAL_SET128, GLOBAL_SET128)
    TE(ZW_OP_REF_FUNC, REF_FUNC)
    TE(ZW_OP_TABLE_GET, TABLE_GET) TE(ZW_OP_TABLE_SET, TABLE_SET) TE(ZW_OP_TABLE_SIZE, TABLE_SIZE)
    TE(ZW_OP_TABLE_GROW, TABLE_GROW) TE(ZW_OP_TABLE_FILL, TABLE_FILL)
    TE(ZW_OP_TABLE_COPY, TABLE_COPY) TE(ZW_OP_TABLE_INIT, TABLE_INIT) TE(ZW_OP_ELEM_DROP, ELEM_DROP)
    TE(ZW_OP_MEMORY_SIZE, MEMORY_SIZE) TE(ZW_OP_MEMORY_GROW, MEMORY_GROW)
    TE(ZW_OP_MEMORY_INIT, MEMORY_INIT) TE(ZW_OP_DATA_DROP, DATA_DROP)
    TE(ZW_OP_ATOMIC_FENCE, ATOMIC_FENCE)
    TE(ZW_OP_MEMORY_COPY, MEMORY_COPY) TE(ZW_OP_MEMORY_FILL, MEMORY_FILL)
    TE(ZW_OP_UNREACHABLE, UNREACHABLE) TE(ZW_OP_REF_AS_NON_NULL, REF_AS_NON_NULL)
    TE(ZW_OP_THROW, THROW) TE(ZW_OP_THROW_REF, THROW_REF)
#define X(id) TE(ZW_OP_##id, id)
    X(STRUCT_NEW) X(STRUCT_NEW_DEFAULT) X(STRUCT_GET) X(STRUCT_GET_S) X(STRUCT_GET_U) X(STRUCT_SET)
    X(ARRAY_NEW) X(ARRAY_NEW_DEFAULT) X(ARRAY_NEW_FIXED) X(ARRAY_NEW_DATA) X(ARRAY_NEW_ELEM)
    X(ARRAY_GET) X(ARRAY_GET_S) X(ARRAY_GET_U) X(ARRAY_SET) X(ARRAY_LEN) X(ARRAY_FILL) X(ARRAY_COPY)
    X(ARRAY_INIT_DATA) X(ARRAY_INIT_ELEM) X(REF_TEST) X(REF_TEST_NULL) X(REF_CAST) X(REF_CAST_NULL)
    X(ANY_CONVERT_EXTERN) X(EXTERN_CONVERT_ANY) X(REF_I31) X(I31_GET_S) X(I31_GET_U) X(REF_EQ)
#undef X
};

zw_jhelper zw_jit_helper(uint32_t op) { return op < ZW_IR_COUNT ? helpers[op] : NULL; }
