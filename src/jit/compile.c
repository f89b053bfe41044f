/*
 * compile.c — the steps of compiling a function that every architecture's
 * code generator takes the same way (jit_int.h, "compiling a function"):
 * register allocation and the per-instruction arrays, the walk over the
 * IR with each instruction's operands, the lists of branches patched once
 * the code is laid out, and the saves and reloads around instructions
 * that clobber the allocated registers.
 */
#include "jit_int.h"

bool zw_jcomp_init(zw_jcomp *J, zw_jmod *jm, zw_jfunc *jf, int ngp, int nfp, zw_ra_clobbers clob,
                   zw_jcomp_leaf leaf) {
    const zw_ir_func *f = jf->ir;
    const zw_alloc *al = &jm->m->al;
    memset(J, 0, sizeof *J);
    J->jm = jm;
    J->jf = jf;
    J->m = jm->m;
    J->f = f;
    /* a 32-bit memory of pages no smaller than the OS's, in a JIT engine's
     * full reservation (runtime/memory.c), faults beyond its size */
    J->guarded = J->m->nmems && !J->m->mems[0].type.is64 && J->m->mems[0].type.page_log2 >= 12;
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

bool zw_jcomp_gc_v128(const zw_module *m, const zw_ir_func *f, uint32_t pc) {
    uint32_t op = f->code[pc];
    bool field = op >= ZW_OP_STRUCT_GET && op <= ZW_OP_STRUCT_SET;
    bool elem = op == ZW_OP_ARRAY_GET || op == ZW_OP_ARRAY_GET_S || op == ZW_OP_ARRAY_GET_U || op == ZW_OP_ARRAY_SET;
    if (!field && !elem) return false;
    uint32_t x = f->code[pc + (field ? 3 : 4)]; /* the type: struct ops d/s s t f, array ops d/s s s t */
    return m->types[x].fields[field ? f->code[pc + 4] : 0].type == ZW_V128;
}

bool zw_jcomp_far_mem(const zw_ir_func *f, uint32_t pc) {
    if (!zw_ir_mem_index(f->code, pc)) return false;
    uint64_t off; /* [d][addr][M] or [addr][v][M]: M's offset at word 4 */
    memcpy(&off, f->code + pc + 4, 8);
    return off > INT32_MAX - 16;
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
