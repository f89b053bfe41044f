/*
 * compile.c — the steps of compiling a function that every architecture's
 * code generator takes the same way (jit_int.h, "compiling a function"):
 * register allocation and the per-instruction arrays, the walk over the
 * IR with each instruction's operands, the lists of branches patched once
 * the code is laid out, and the saves and reloads around instructions
 * that clobber the allocated registers.
 */
#include <string.h>

#include "jit_int.h"

/* A 32-bit memory 0 of pages no smaller than the OS's, in a JIT engine's
 * full reservation (runtime/memory.c), faults beyond its size. */
static bool mem0_guarded(const zw_module *m) {
    return m->nmems && !m->mems[0].type.is64 && m->mems[0].type.page_log2 >= 12;
}

bool zw_jcomp_init(zw_jcomp *J, zw_jmod *jm, zw_jfunc *jf, int ngp, int nfp, zw_ra_clobbers clob,
                   zw_jcomp_leaf leaf) {
    const zw_ir_func *f = jf->ir;
    const zw_alloc *al = &jm->m->al;
    memset(J, 0, sizeof *J);
    J->jm = jm;
    J->jf = jf;
    J->m = jm->m;
    J->f = f;
    J->guarded = mem0_guarded(J->m);
    J->mem64 = J->m->nmems && J->m->mems[0].type.is64;
    J->frameless = true;
    for (uint32_t i = 0; i < f->ninsn && J->frameless; i++) J->frameless = leaf(J->m, f, f->insn[i]);
    if (jm->m->trace) ngp = nfp = 0; /* the trace prints the frame in memory */
#ifdef ZW_JIT_STRESS
    /* the stress build (make test-jit-stress): two registers of each file,
     * so that values compete for them and spill and reload paths run */
    if (ngp > 2) ngp = 2;
    if (nfp > 2) nfp = 2;
#endif
    if (!zw_ra_run(J->m, f, ngp, nfp, clob, &J->ra)) return false;
    J->at = zw_calloc(al, (size_t)f->len + 1, sizeof *J->at);
    J->insn_off = zw_calloc(al, (size_t)f->ninsn + 1, sizeof *J->insn_off);
    J->land_off = zw_calloc(al, (size_t)f->ncatches + 1, sizeof *J->land_off);
    if (!J->at || !J->insn_off || !J->land_off) return false;
    for (uint32_t i = 0; i < f->ninsn; i++) J->at[f->insn[i]] = i + 1;
    return true;
}

bool zw_jcomp_next(zw_jcomp *J, uint32_t i, uint32_t off) {
    const zw_ir_func *f = J->f;
    J->i = i;
    J->insn_off[i] = off;
    if (i == f->ninsn) return true;
    J->pc = f->insn[i];
    J->ip = f->code + J->pc;
    uint32_t n = zw_ir_operands(J->m, f, J->pc, J->ops.v, J->ops.cap);
    if (n > J->ops.cap) {
        zw_ir_opnd *p = zw_realloc_array(&J->m->al, J->ops.v, n, sizeof *p);
        if (!p) return false;
        J->ops.v = p;
        J->ops.cap = n;
        zw_ir_operands(J->m, f, J->pc, J->ops.v, J->ops.cap);
    }
    J->ops.n = n;
    return true;
}

void zw_jcomp_fix(zw_jcomp *J, uint32_t at, uint32_t target_pc) {
    if (!ZW_VEC_PUSH(&J->m->al, &J->fix, ((zw_jfix){at, target_pc}))) J->oom = true;
}
void zw_jcomp_cold(zw_jcomp *J, uint32_t at, uint32_t kind, bool elem, bool callee) {
    if (!ZW_VEC_PUSH(&J->m->al, &J->cold, ((zw_jcold){at, kind, J->pc, elem, callee}))) J->oom = true;
}
void zw_jcomp_table(zw_jcomp *J, uint32_t at) {
    if (!ZW_VEC_PUSH(&J->m->al, &J->tables, ((zw_jtable){at, J->pc}))) J->oom = true;
}

void zw_jcomp_across(zw_jcomp *J, bool reload, zw_jcomp_move move) {
    if (!J->ra.across) return;
    for (uint32_t k = J->ra.across_at[J->i]; k < J->ra.across_at[J->i + 1]; k++) move(J, J->ra.across[k], reload);
}
void zw_jcomp_spill_reads(zw_jcomp *J, zw_jcomp_move move) {
    for (uint32_t k = 0; k < J->ops.n; k++)
        if (!J->ops.v[k].def) move(J, ZW_RA_V(J->ops.v[k].slot, zw_ra_class(J->ops.v[k].type)), false);
}
void zw_jcomp_reload_defs(zw_jcomp *J, zw_jcomp_move move) {
    for (uint32_t k = 0; k < J->ops.n; k++)
        if (J->ops.v[k].def) move(J, ZW_RA_V(J->ops.v[k].slot, zw_ra_class(J->ops.v[k].type)), true);
}

static bool sig_is(uint32_t op, const char *params, const char *results) {
    const zw_opinfo *o = &zw_opinfos[op];
    return o->imm == IMM_NONE && o->params && !strcmp(o->params, params) && !strcmp(o->results, results);
}

/* the atomic rows' order that zw_jop_of and the code generators rely on */
_Static_assert(ZW_OP_I64_ATOMIC_RMW32_CMPXCHG_U - ZW_OP_I32_ATOMIC_LOAD == 62, "63 atomic access rows");
_Static_assert(ZW_OP_I32_ATOMIC_STORE - ZW_OP_I32_ATOMIC_LOAD == 7 && ZW_OP_I32_ATOMIC_RMW_ADD - ZW_OP_I32_ATOMIC_LOAD == 14 &&
               ZW_OP_I32_ATOMIC_RMW_SUB - ZW_OP_I32_ATOMIC_RMW_ADD == 7 && ZW_OP_I32_ATOMIC_RMW_AND - ZW_OP_I32_ATOMIC_RMW_ADD == 14 &&
               ZW_OP_I32_ATOMIC_RMW_OR - ZW_OP_I32_ATOMIC_RMW_ADD == 21 && ZW_OP_I32_ATOMIC_RMW_XOR - ZW_OP_I32_ATOMIC_RMW_ADD == 28 &&
               ZW_OP_I32_ATOMIC_RMW_XCHG - ZW_OP_I32_ATOMIC_RMW_ADD == 35 &&
               ZW_OP_I32_ATOMIC_RMW_CMPXCHG - ZW_OP_I32_ATOMIC_RMW_ADD == 42,
               "the atomic rows: loads, stores, then add sub and or xor xchg cmpxchg, 7 widths each");

zw_jop zw_jop_of(uint32_t op) {
    switch (zw_ir_form_of(op)) {
    case ZW_IR_FORM_BR: case ZW_IR_FORM_BRK: return ZW_JOP_BRANCH;
    case ZW_IR_FORM_K: op = zw_ir_base_op(op); break;
    case ZW_IR_FORM_ABS: {
        zw_jop g = zw_jop_of(zw_ir_base_op(op));
        return g == ZW_JOP_LOAD || g == ZW_JOP_STORE ? g : ZW_JOP_OTHER;
    }
    default: break;
    }
    switch (op) {
    case ZW_IR_CONST32: case ZW_IR_CONST64: case ZW_IR_CONST64_U32: case ZW_IR_CONST_F32:
    case ZW_IR_CONST_F64: case ZW_IR_CONST128: case ZW_IR_CONST_NULL:
        return ZW_JOP_CONST;
    case ZW_IR_MOV_I32: case ZW_IR_MOV_I64: case ZW_IR_MOV_F32: case ZW_IR_MOV_F64:
    case ZW_IR_MOV_REF: case ZW_IR_MOV128:
        return ZW_JOP_MOV;
    case ZW_OP_I32_ADD: case ZW_OP_I32_SUB: case ZW_OP_I32_MUL: case ZW_OP_I32_AND:
    case ZW_OP_I32_OR: case ZW_OP_I32_XOR: case ZW_OP_I32_SHL: case ZW_OP_I32_SHR_S:
    case ZW_OP_I32_SHR_U: case ZW_OP_I32_ROTL: case ZW_OP_I32_ROTR:
    case ZW_OP_I64_ADD: case ZW_OP_I64_SUB: case ZW_OP_I64_MUL: case ZW_OP_I64_AND:
    case ZW_OP_I64_OR: case ZW_OP_I64_XOR: case ZW_OP_I64_SHL: case ZW_OP_I64_SHR_S:
    case ZW_OP_I64_SHR_U: case ZW_OP_I64_ROTL: case ZW_OP_I64_ROTR:
        return ZW_JOP_IBINOP;
    case ZW_OP_I32_EQ: case ZW_OP_I32_NE: case ZW_OP_I32_LT_S: case ZW_OP_I32_LT_U:
    case ZW_OP_I32_GT_S: case ZW_OP_I32_GT_U: case ZW_OP_I32_LE_S: case ZW_OP_I32_LE_U:
    case ZW_OP_I32_GE_S: case ZW_OP_I32_GE_U:
    case ZW_OP_I64_EQ: case ZW_OP_I64_NE: case ZW_OP_I64_LT_S: case ZW_OP_I64_LT_U:
    case ZW_OP_I64_GT_S: case ZW_OP_I64_GT_U: case ZW_OP_I64_LE_S: case ZW_OP_I64_LE_U:
    case ZW_OP_I64_GE_S: case ZW_OP_I64_GE_U:
        return ZW_JOP_ICMP;
    case ZW_OP_I32_EQZ: case ZW_OP_I64_EQZ: case ZW_OP_I32_CLZ: case ZW_OP_I32_CTZ:
    case ZW_OP_I32_POPCNT: case ZW_OP_I64_CLZ: case ZW_OP_I64_CTZ: case ZW_OP_I64_POPCNT:
    case ZW_OP_I32_WRAP_I64: case ZW_OP_I64_EXTEND_I32_S: case ZW_OP_I64_EXTEND_I32_U:
    case ZW_OP_I32_EXTEND8_S: case ZW_OP_I32_EXTEND16_S: case ZW_OP_I64_EXTEND8_S:
    case ZW_OP_I64_EXTEND16_S: case ZW_OP_I64_EXTEND32_S:
        return ZW_JOP_IUNOP;
    case ZW_OP_I32_DIV_S: case ZW_OP_I32_DIV_U: case ZW_OP_I32_REM_S: case ZW_OP_I32_REM_U:
    case ZW_OP_I64_DIV_S: case ZW_OP_I64_DIV_U: case ZW_OP_I64_REM_S: case ZW_OP_I64_REM_U:
        return ZW_JOP_IDIV;
    case ZW_OP_F32_ADD: case ZW_OP_F32_SUB: case ZW_OP_F32_MUL: case ZW_OP_F32_DIV:
    case ZW_OP_F64_ADD: case ZW_OP_F64_SUB: case ZW_OP_F64_MUL: case ZW_OP_F64_DIV:
        return ZW_JOP_FBINOP;
    case ZW_OP_F32_MIN: case ZW_OP_F32_MAX: case ZW_OP_F64_MIN: case ZW_OP_F64_MAX:
        return ZW_JOP_FMINMAX;
    case ZW_OP_F32_SQRT: case ZW_OP_F64_SQRT: case ZW_OP_F32_CEIL: case ZW_OP_F32_FLOOR:
    case ZW_OP_F32_TRUNC: case ZW_OP_F32_NEAREST: case ZW_OP_F64_CEIL: case ZW_OP_F64_FLOOR:
    case ZW_OP_F64_TRUNC: case ZW_OP_F64_NEAREST: case ZW_OP_F32_ABS: case ZW_OP_F32_NEG:
    case ZW_OP_F64_ABS: case ZW_OP_F64_NEG:
        return ZW_JOP_FUNOP;
    case ZW_OP_F32_EQ: case ZW_OP_F32_NE: case ZW_OP_F32_LT: case ZW_OP_F32_GT:
    case ZW_OP_F32_LE: case ZW_OP_F32_GE:
    case ZW_OP_F64_EQ: case ZW_OP_F64_NE: case ZW_OP_F64_LT: case ZW_OP_F64_GT:
    case ZW_OP_F64_LE: case ZW_OP_F64_GE:
        return ZW_JOP_FCMP;
    case ZW_OP_F32_COPYSIGN: case ZW_OP_F64_COPYSIGN:
        return ZW_JOP_FCOPYSIGN;
    case ZW_OP_F32_CONVERT_I32_S: case ZW_OP_F32_CONVERT_I32_U: case ZW_OP_F32_CONVERT_I64_S:
    case ZW_OP_F64_CONVERT_I32_S: case ZW_OP_F64_CONVERT_I32_U: case ZW_OP_F64_CONVERT_I64_S:
    case ZW_OP_F32_DEMOTE_F64: case ZW_OP_F64_PROMOTE_F32:
    case ZW_OP_I32_REINTERPRET_F32: case ZW_OP_I64_REINTERPRET_F64:
    case ZW_OP_F32_REINTERPRET_I32: case ZW_OP_F64_REINTERPRET_I64:
        return ZW_JOP_CONVERT;
    case ZW_OP_F32_CONVERT_I64_U: case ZW_OP_F64_CONVERT_I64_U:
        return ZW_JOP_CONVERT_U64;
    case ZW_OP_I32_TRUNC_F32_S: case ZW_OP_I32_TRUNC_F32_U: case ZW_OP_I32_TRUNC_F64_S:
    case ZW_OP_I32_TRUNC_F64_U: case ZW_OP_I64_TRUNC_F32_S: case ZW_OP_I64_TRUNC_F32_U:
    case ZW_OP_I64_TRUNC_F64_S: case ZW_OP_I64_TRUNC_F64_U:
        return ZW_JOP_FTRUNC;
    case ZW_OP_I32_TRUNC_SAT_F32_S: case ZW_OP_I32_TRUNC_SAT_F32_U: case ZW_OP_I32_TRUNC_SAT_F64_S:
    case ZW_OP_I32_TRUNC_SAT_F64_U: case ZW_OP_I64_TRUNC_SAT_F32_S: case ZW_OP_I64_TRUNC_SAT_F32_U:
    case ZW_OP_I64_TRUNC_SAT_F64_S: case ZW_OP_I64_TRUNC_SAT_F64_U:
        return ZW_JOP_TRUNC_SAT;
    case ZW_OP_I32_LOAD: case ZW_OP_I64_LOAD: case ZW_OP_F32_LOAD: case ZW_OP_F64_LOAD:
    case ZW_OP_I32_LOAD8_S: case ZW_OP_I32_LOAD8_U: case ZW_OP_I32_LOAD16_S: case ZW_OP_I32_LOAD16_U:
    case ZW_OP_I64_LOAD8_S: case ZW_OP_I64_LOAD8_U: case ZW_OP_I64_LOAD16_S: case ZW_OP_I64_LOAD16_U:
    case ZW_OP_I64_LOAD32_S: case ZW_OP_I64_LOAD32_U: case ZW_OP_V128_LOAD:
        return ZW_JOP_LOAD;
    case ZW_OP_I32_STORE: case ZW_OP_I64_STORE: case ZW_OP_F32_STORE: case ZW_OP_F64_STORE:
    case ZW_OP_I32_STORE8: case ZW_OP_I32_STORE16: case ZW_OP_I64_STORE8: case ZW_OP_I64_STORE16:
    case ZW_OP_I64_STORE32: case ZW_OP_V128_STORE:
        return ZW_JOP_STORE;
    case ZW_OP_SELECT: case ZW_IR_SELECT_I64: case ZW_IR_SELECT_F32: case ZW_IR_SELECT_F64:
    case ZW_IR_SELECT_REF:
        return ZW_JOP_SELECT;
    case ZW_OP_GLOBAL_GET: case ZW_OP_GLOBAL_SET:
        return ZW_JOP_GLOBAL;
    case ZW_IR_BR: case ZW_IR_BR_NZ: case ZW_IR_BR_Z: case ZW_IR_BR_NZ64: case ZW_IR_BR_Z64:
    case ZW_IR_BR_NONNULL: case ZW_IR_BR_NULL:
        return ZW_JOP_BRANCH;
    case ZW_IR_BR_TABLE: return ZW_JOP_BR_TABLE;
    case ZW_IR_RETURN: case ZW_IR_RETURN1: case ZW_IR_RETURN_PAD: return ZW_JOP_RETURN;
    case ZW_IR_CALL_LOCAL: case ZW_OP_CALL: case ZW_OP_CALL_INDIRECT: case ZW_OP_CALL_REF: return ZW_JOP_CALL;
    case ZW_IR_RETURN_CALL_LOCAL: case ZW_OP_RETURN_CALL: case ZW_OP_RETURN_CALL_INDIRECT:
    case ZW_OP_RETURN_CALL_REF:
        return ZW_JOP_TAIL_CALL;
    case ZW_IR_FUEL: return ZW_JOP_FUEL;
    case ZW_IR_INLINE_ENTER: case ZW_IR_INLINE_LEAVE: return ZW_JOP_INLINE;
    case ZW_IR_TRACE: return ZW_JOP_TRACE;
    case ZW_OP_UNREACHABLE: return ZW_JOP_TRAP;
    case ZW_IR_REF_IS_NULL: return ZW_JOP_REF_IS_NULL;
    case ZW_OP_REF_AS_NON_NULL: case ZW_OP_STRUCT_GET: case ZW_OP_STRUCT_GET_S: case ZW_OP_STRUCT_GET_U:
    case ZW_OP_STRUCT_SET: case ZW_OP_ARRAY_LEN: case ZW_OP_ARRAY_GET: case ZW_OP_ARRAY_GET_S:
    case ZW_OP_ARRAY_GET_U: case ZW_OP_ARRAY_SET: case ZW_OP_REF_EQ: case ZW_OP_REF_I31:
    case ZW_OP_I31_GET_S: case ZW_OP_I31_GET_U:
        return ZW_JOP_GC;
    case ZW_OP_F32X4_MIN: case ZW_OP_F32X4_MAX: case ZW_OP_F64X2_MIN: case ZW_OP_F64X2_MAX:
        return ZW_JOP_VFMINMAX;
    case ZW_OP_I8X16_SWIZZLE: return ZW_JOP_VSWIZZLE;
    case ZW_OP_I8X16_SPLAT: case ZW_OP_I16X8_SPLAT: case ZW_OP_I32X4_SPLAT: case ZW_OP_I64X2_SPLAT:
    case ZW_OP_F32X4_SPLAT: case ZW_OP_F64X2_SPLAT:
        return ZW_JOP_VSPLAT;
    case ZW_OP_I32X4_EXTRACT_LANE: case ZW_OP_I64X2_EXTRACT_LANE: case ZW_OP_F32X4_EXTRACT_LANE:
    case ZW_OP_F64X2_EXTRACT_LANE: case ZW_OP_I8X16_EXTRACT_LANE_S: case ZW_OP_I8X16_EXTRACT_LANE_U:
    case ZW_OP_I16X8_EXTRACT_LANE_S: case ZW_OP_I16X8_EXTRACT_LANE_U:
        return ZW_JOP_VEXTRACT;
    case ZW_OP_I32X4_REPLACE_LANE: case ZW_OP_I64X2_REPLACE_LANE: case ZW_OP_F32X4_REPLACE_LANE:
    case ZW_OP_F64X2_REPLACE_LANE: case ZW_OP_I8X16_REPLACE_LANE: case ZW_OP_I16X8_REPLACE_LANE:
        return ZW_JOP_VREPLACE;
    case ZW_OP_V128_BITSELECT: return ZW_JOP_VBITSELECT;
    case ZW_OP_V128_ANY_TRUE: return ZW_JOP_VANYTRUE;
    }
    /* the atomic accesses: rows 0x10-0x4E of 0xFE, in opcodes.def's order
     * (loads, stores, add sub and or xor xchg, cmpxchg: 7 widths each) */
    if (op >= ZW_OP_I32_ATOMIC_LOAD && op <= ZW_OP_I64_ATOMIC_RMW32_CMPXCHG_U) return ZW_JOP_ATOMIC;
    if (op == ZW_OP_ATOMIC_FENCE) return ZW_JOP_ATOMIC;
    /* the rest of the v128 lane-wise ops, by their signature (opcodes.def) */
    if (op < ZW_OP_COUNT && sig_is(op, "vv", "v")) return ZW_JOP_VBINOP;
    if (op < ZW_OP_COUNT && sig_is(op, "v", "v")) return ZW_JOP_VUNOP;
    return ZW_JOP_OTHER;
}

zw_jtrunc zw_jtrunc_of(uint32_t op) {
    zw_jtrunc t;
    t.sgn = op == ZW_OP_I32_TRUNC_F32_S || op == ZW_OP_I32_TRUNC_F64_S || op == ZW_OP_I64_TRUNC_F32_S ||
            op == ZW_OP_I64_TRUNC_F64_S;
    t.to64 = zw_opinfos[op].results[0] == 'l';
    t.f64 = zw_opinfos[op].params[0] == 'd';
    t.lo = !t.sgn ? -1.0 : t.to64 ? -9223372036854775808.0 : t.f64 ? -2147483649.0 : -2147483648.0;
    t.hi = !t.sgn ? (t.to64 ? 18446744073709551616.0 : 4294967296.0) : t.to64 ? 9223372036854775808.0 : 2147483648.0;
    t.lo_incl = t.sgn && (t.to64 || !t.f64); /* (f32 has no -2^31 - 1) */
    return t;
}

static bool gc_v128(const zw_module *m, const zw_ir_func *f, uint32_t pc) {
    uint32_t op = f->code[pc];
    bool field = op >= ZW_OP_STRUCT_GET && op <= ZW_OP_STRUCT_SET;
    bool elem = op == ZW_OP_ARRAY_GET || op == ZW_OP_ARRAY_GET_S || op == ZW_OP_ARRAY_GET_U || op == ZW_OP_ARRAY_SET;
    if (!field && !elem) return false;
    uint32_t x = f->code[pc + (field ? 3 : 4)]; /* the type: struct ops d/s s t f, array ops d/s s s t */
    return m->types[x].fields[field ? f->code[pc + 4] : 0].type == ZW_V128;
}

/* Whether the instruction at pc accesses memory (an M operand). */
static bool has_mem(const zw_ir_func *f, uint32_t pc) { return strchr(zw_ir_desc(f->code[pc]), 'M') != NULL; }

/* An access to another memory with an offset beyond what compiled code
 * adds in 32 bits. */
static bool far_mem(const zw_ir_func *f, uint32_t pc) {
    return has_mem(f, pc) && zw_ir_mem_index(f->code, pc) && zw_ir_mem_offset(f->code, pc) > INT32_MAX - 16;
}

/* An access to a shared memory 0 that compiled code would check against
 * ctx->memsize (no guard region, or an offset beyond what the guard
 * covers): another thread's memory.grow leaves that copy stale, so the
 * helper, which reads the memory's own size, does it. */
static bool shared_checked(const zw_module *m, const zw_ir_func *f, uint32_t pc) {
    if (!has_mem(f, pc) || !m->nmems || !m->mems[0].type.shared || zw_ir_mem_index(f->code, pc)) return false;
    return !mem0_guarded(m) || zw_ir_mem_offset(f->code, pc) > INT32_MAX - 16;
}

zw_jop zw_jcomp_insn_class(const zw_module *m, const zw_ir_func *f, uint32_t pc, zw_jop g) {
    if (g == ZW_JOP_GC && gc_v128(m, f, pc)) return ZW_JOP_OTHER;
    if ((g == ZW_JOP_LOAD || g == ZW_JOP_STORE || g == ZW_JOP_ATOMIC) && (far_mem(f, pc) || shared_checked(m, f, pc)))
        return ZW_JOP_OTHER;
    return g;
}

void zw_jcomp_done(zw_jcomp *J) {
    const zw_alloc *al = &J->m->al;
    zw_free(al, J->jf->insn_off);
    J->jf->insn_off = J->insn_off;
    J->insn_off = NULL;
    zw_free(al, J->jf->land_off);
    J->jf->land_off = J->land_off;
    J->land_off = NULL;
}

void zw_jcomp_free(zw_jcomp *J) {
    const zw_alloc *al = &J->m->al;
    zw_ra_free(&J->ra);
    zw_free(al, J->at);
    zw_free(al, J->insn_off);
    zw_free(al, J->land_off);
    ZW_VEC_FREE(al, &J->ops);
    ZW_VEC_FREE(al, &J->fix);
    ZW_VEC_FREE(al, &J->cold);
    ZW_VEC_FREE(al, &J->tables);
}
