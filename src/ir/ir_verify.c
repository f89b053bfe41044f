/*
 * ir_verify.c — the IR verifier: checks that a lowered function is
 * well-formed and well-typed, so that every engine may trust it.
 *   - every instruction is an op that may appear in the IR
 *     (zw_ir_op_in_ir), with a descriptor, and f->insn lists exactly the
 *     instruction starts;
 *   - branch targets land on instruction starts, slot operands lie inside
 *     the frame (a v128 takes two slots);
 *   - types agree: a forward dataflow over the code gives each slot the type
 *     of its last write on every path (params and locals start with their
 *     types); every read must see its operand's type, and a slot written
 *     with different types on paths that meet may not be read after.
 * Used by make test (over every function of the testsuite and the
 * corpus) and by debug builds after lowering.
 */
#include <stdio.h>
#include <string.h>

#include "ir.h"

/* Slot states beyond value types. */
#define T_UNDEF 0u            /* never written on some path */
#define T_CONFLICT 1u         /* different types meet */
#define T_VHI 2u              /* the upper half of a v128 */

bool zw_ir_op_in_ir(uint32_t op) {
    if (op >= ZW_IR_COUNT || op == ZW_IR_INVALID) return false;
    if (op > ZW_IR_BASE_) return true;
    switch (op) { /* Wasm operations lowering never emits as themselves */
    case ZW_OP_NOP: case ZW_OP_BLOCK: case ZW_OP_LOOP: case ZW_OP_IF: case ZW_OP_ELSE:
    case ZW_OP_END: case ZW_OP_BR: case ZW_OP_BR_IF: case ZW_OP_BR_TABLE: case ZW_OP_RETURN:
    case ZW_OP_DROP: case ZW_OP_SELECT_T: case ZW_OP_LOCAL_GET: case ZW_OP_LOCAL_SET:
    case ZW_OP_LOCAL_TEE: case ZW_OP_I32_CONST: case ZW_OP_I64_CONST: case ZW_OP_F32_CONST:
    case ZW_OP_F64_CONST: case ZW_OP_V128_CONST: case ZW_OP_REF_NULL: case ZW_OP_REF_IS_NULL:
        return false;
    }
    return zw_ir_desc(op) != NULL;
}

typedef struct {
    const zw_module *m;
    const zw_ir_func *f;
    char *why;
    size_t cap;
    uint32_t *start_of; /* per word: 1 + instruction index at an instruction start, else 0 */
} ver;

static bool fail(ver *v, uint32_t pc, const char *fmt, const char *a, uint32_t x, uint32_t y) {
    char msg[160];
    snprintf(msg, sizeof msg, fmt, a, x, y);
    snprintf(v->why, v->cap, "func %u at %u (%s): %s", v->f->func_idx, pc,
             zw_ir_name(v->f->code[pc]), msg);
    return false;
}

static uint32_t zw_types_slots_(const zw_functype *t) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->nparams; i++) n += zw_slots(t->params[i]);
    return n;
}

static bool same_type(uint32_t have, zw_valtype want) {
    if (have == want) return true;
    /* the IR does not track heap types: a reference matches any reference
     * (the validator checked subtyping) */
    return zw_is_ref(have) && zw_is_ref(want);
}

/* Apply instruction pc to the slot types in st; false (why filled) when a
 * read does not see its type. */
static bool step(ver *v, uint32_t pc, uint32_t *st, zw_ir_opnd *ops, uint32_t nops_cap) {
    const zw_ir_func *f = v->f;
    uint32_t n = zw_ir_operands(v->m, f, pc, ops, nops_cap);
    if (n > nops_cap) return fail(v, pc, "%s%u operands", "", n, 0);
    uint32_t op = f->code[pc];
    for (uint32_t i = 0; i < n; i++) { /* reads first */
        if (ops[i].def) continue;
        uint32_t s = ops[i].slot, w = zw_slots(ops[i].type);
        if (!ops[i].type) return fail(v, pc, "%soperand %u has no type", "", i, 0);
        if (s + w > f->frame_slots) return fail(v, pc, "%sslot %u outside the frame of %u", "", s, f->frame_slots);
        if (!same_type(st[s], ops[i].type) || (w == 2 && st[s + 1] != T_VHI)) {
            const char *have = st[s] == T_UNDEF ? "nothing" : st[s] == T_CONFLICT ? "conflicting types"
                              : zw_valtype_name(st[s]);
            return fail(v, pc, "reads %s from slot %u, expected type 0x%x", have, s, ops[i].type);
        }
    }
    if (op == ZW_OP_CALL || op == ZW_OP_CALL_INDIRECT || op == ZW_IR_CALL_LOCAL || op == ZW_OP_CALL_REF) {
        /* the callee's frame from B up is clobbered */
        uint32_t base = zw_ir_call_base(f, pc);
        for (uint32_t s = base; s < f->frame_slots; s++) st[s] = T_UNDEF;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!ops[i].def) continue;
        uint32_t s = ops[i].slot, w = zw_slots(ops[i].type);
        if (!ops[i].type) return fail(v, pc, "%sresult %u has no type", "", i, 0);
        if (s + w > f->frame_slots) return fail(v, pc, "%sslot %u outside the frame of %u", "", s, f->frame_slots);
        st[s] = ops[i].type;
        if (w == 2) st[s + 1] = T_VHI;
    }
    return true;
}

/* Meet `in` into `into` (frame_slots each); true if `into` changed. */
static bool meet(uint32_t *into, const uint32_t *in, uint32_t n, bool first) {
    bool changed = false;
    for (uint32_t s = 0; s < n; s++) {
        /* two reference types meet as "a reference" (the IR does not
         * track heap types: same_type) */
        uint32_t t = first ? in[s] : into[s] == in[s] ? into[s]
                   : zw_is_ref(into[s]) && zw_is_ref(in[s]) ? ZW_IR_ANYREF : T_CONFLICT;
        if (t != into[s]) {
            into[s] = t;
            changed = true;
        }
    }
    return changed;
}

zwasm_result_t zw_ir_verify(const zw_module *m, const zw_ir_func *f, char *why, size_t cap) {
    ver v = {m, f, why, cap, NULL};
    zwasm_result_t r = ZWASM_ERR_INVALID;
    uint32_t n = f->frame_slots, ni = f->ninsn;
    uint32_t *block = zw_calloc(&m->al, ni + 1, sizeof *block); /* per instruction: its block */
    uint32_t *lead = zw_calloc(&m->al, ni + 1, sizeof *lead);   /* per block: its first instruction */
    uint32_t *in = NULL, *work = NULL, *stamp = NULL, *st = zw_calloc(&m->al, n + 2, sizeof *st);
    uint32_t *hst = zw_calloc(&m->al, n + 2, sizeof *hst); /* the state a handler sees */
    uint8_t *seen = NULL, *mark = NULL;
    uint32_t *tbuf = zw_calloc(&m->al, (size_t)f->len + 2, sizeof *tbuf); /* branch targets of one instruction */
    zw_ir_opnd *ops = zw_calloc(&m->al, 4096, sizeof *ops);
    v.start_of = zw_calloc(&m->al, (size_t)f->len + 1, sizeof *v.start_of);
    if (!block || !lead || !st || !hst || !ops || !v.start_of || !tbuf) goto nomem;
    /* structure: instruction starts, opcodes, lengths */
    for (uint32_t i = 0, pc = 0; i < ni; i++) {
        if (f->insn[i] != pc) {
            fail(&v, f->insn[i], "%sinstruction %u does not start where the previous ended (%u)", "", i, pc);
            goto out;
        }
        uint32_t op = f->code[pc];
        if (!zw_ir_op_in_ir(op)) {
            snprintf(why, cap, "func %u at %u: opcode %u may not appear in the IR", f->func_idx, pc, op);
            goto out;
        }
        v.start_of[pc] = i + 1;
        pc += zw_ir_insn_len(f->code, pc);
        if (pc > f->len || (i + 1 == ni && pc != f->len)) {
            fail(&v, f->insn[i], "%sinstruction %u runs past the code end (%u)", "", i, f->len);
            goto out;
        }
    }
    if (!ni) {
        r = ZWASM_OK;
        goto out;
    }
    /* basic blocks: they start at 0, at branch targets and after branches */
    mark = zw_calloc(&m->al, ni + 1, 1);
    if (!mark) goto nomem;
    mark[0] = 1;
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t *t = tbuf, pc = f->insn[i];
        uint32_t nt = zw_ir_targets(f, pc, t, f->len);
        for (uint32_t k = 0; k < nt; k++) {
            if (t[k] >= f->len || !v.start_of[t[k]]) {
                fail(&v, pc, "%sbranch target %u is not an instruction start", "", t[k], 0);
                goto out;
            }
            mark[v.start_of[t[k]] - 1] = 1;
        }
        if ((nt || !zw_ir_falls_through(f->code[pc])) && i + 1 < ni) mark[i + 1] = 1;
        /* an instruction that may throw inside a region ends its block: its
         * handlers are successors */
        if (zw_ir_may_throw(f->code[pc]) && zw_ir_region_at(f, pc) != ZW_IR_NONE && i + 1 < ni) mark[i + 1] = 1;
    }
    /* exception handlers: well-formed, their targets start blocks */
    if (f->nregions && !f->insn_region) {
        snprintf(why, cap, "func %u: regions without their index", f->func_idx);
        goto out;
    }
    for (uint32_t r = 0; r < f->nregions; r++) {
        const zw_ir_region *g = &f->regions[r];
        if (g->start > g->end || g->end > f->len || g->first + g->n > f->ncatches || g->first + g->n < g->first ||
            (g->next != ZW_IR_NONE && g->next >= r)) {
            snprintf(why, cap, "func %u: region %u is malformed", f->func_idx, r);
            goto out;
        }
    }
    for (uint32_t k = 0; k < f->ncatches; k++) {
        const zw_ir_catch *c = &f->catches[k];
        uint32_t np = c->tag == ZW_IR_NONE ? 0 : c->tag < m->ntags ? zw_types_slots_(zw_tag_type(m, c->tag)) : UINT32_MAX;
        if (c->target >= f->len || !v.start_of[c->target] || np == UINT32_MAX || c->inl > 1 ||
            (np && (c->dst > n || np > n - c->dst)) || (c->exn != ZW_IR_NONE && c->exn >= n)) {
            snprintf(why, cap, "func %u: catch %u is malformed", f->func_idx, k);
            goto out;
        }
        mark[v.start_of[c->target] - 1] = 1;
    }
    uint32_t nb = 0;
    for (uint32_t i = 0; i < ni; i++) {
        if (mark[i]) lead[nb++] = i;
        block[i] = nb - 1;
    }
    in = zw_calloc(&m->al, (size_t)nb * (n ? n : 1) + 1, sizeof *in);
    work = zw_calloc(&m->al, nb + 1, sizeof *work);
    seen = zw_calloc(&m->al, nb + 1, 1);
    stamp = zw_calloc(&m->al, nb + 1, sizeof *stamp);
    uint32_t stamp_now = 0;
    if (!in || !work || !seen || !stamp) goto nomem;
    /* types on entry: params and declared locals; temporaries undefined */
    {
        const zw_functype *ft = f->type;
        uint32_t s = 0;
        for (uint32_t i = 0; i < ft->nparams; s += zw_slots(ft->params[i]), i++) {
            in[s] = ft->params[i];
            if (zw_slots(ft->params[i]) == 2) in[s + 1] = T_VHI;
        }
        const zw_func *fn = &m->funcs[f->func_idx];
        for (uint32_t i = 0; i < fn->nlocals; s += zw_slots(fn->locals[i]), i++) {
            in[s] = fn->locals[i];
            if (zw_slots(fn->locals[i]) == 2) in[s + 1] = T_VHI;
        }
    }
    uint32_t nw = 0;
    seen[0] = 1;
    work[nw++] = 0;
    while (nw) {
        uint32_t b = work[--nw];
        seen[b] = 2;
        memcpy(st, in + (size_t)b * n, n * sizeof *st);
        uint32_t end = b + 1 < nb ? lead[b + 1] : ni, i = lead[b];
        uint32_t lastpc = f->insn[end - 1];
        bool throws = zw_ir_may_throw(f->code[lastpc]) && zw_ir_region_at(f, lastpc) != ZW_IR_NONE;
        for (; i < end; i++) {
            if (throws && i == end - 1) {
                /* the handlers see the slots as before the instruction, the
                 * callee's frame clobbered, then the payload and the exnref */
                uint32_t base = zw_ir_call_base(f, lastpc);
                if (f->code[lastpc] == ZW_OP_THROW) base = UINT32_MAX;
                for (uint32_t r = zw_ir_region_at(f, lastpc); r != ZW_IR_NONE; r = f->regions[r].next)
                    for (uint32_t k = 0; k < f->regions[r].n; k++) {
                        const zw_ir_catch *c = &f->catches[f->regions[r].first + k];
                        memcpy(hst, st, n * sizeof *hst);
                        for (uint32_t s2 = base; s2 < n; s2++) hst[s2] = T_UNDEF;
                        if (c->tag != ZW_IR_NONE) {
                            const zw_functype *tt = zw_tag_type(m, c->tag);
                            for (uint32_t a = 0, s2 = c->dst; a < tt->nparams; s2 += zw_slots(tt->params[a]), a++) {
                                hst[s2] = tt->params[a];
                                if (zw_slots(tt->params[a]) == 2) hst[s2 + 1] = T_VHI;
                            }
                        }
                        if (c->exn != ZW_IR_NONE) hst[c->exn] = ZW_EXNREF;
                        uint32_t j = block[v.start_of[c->target] - 1];
                        bool first = !seen[j];
                        if ((meet(in + (size_t)j * n, hst, n, first) || first) && seen[j] != 1) {
                            seen[j] = 1;
                            work[nw++] = j;
                        }
                    }
            }
            if (!step(&v, f->insn[i], st, ops, 4096)) goto out;
        }
        /* the distinct successor blocks (a br_table may name one many times) */
        uint32_t pc = f->insn[end - 1], *succ = tbuf, nt = zw_ir_targets(f, pc, tbuf, f->len), ns = 0;
        stamp_now++;
        for (uint32_t k = 0; k < nt; k++) {
            uint32_t j = block[v.start_of[tbuf[k]] - 1];
            if (stamp[j] != stamp_now) {
                stamp[j] = stamp_now;
                succ[ns++] = j;
            }
        }
        if (zw_ir_falls_through(f->code[pc]) && end < ni && stamp[block[end]] != stamp_now) succ[ns++] = block[end];
        for (uint32_t k = 0; k < ns; k++) {
            uint32_t j = succ[k];
            bool first = !seen[j];
            if ((meet(in + (size_t)j * n, st, n, first) || first) && seen[j] != 1) {
                seen[j] = 1;
                work[nw++] = j;
            }
        }
    }
    r = ZWASM_OK;
    goto out;
nomem:
    snprintf(why, cap, "func %u: out of memory", f->func_idx);
    r = ZWASM_ERR_NOMEM;
out:
    zw_free(&m->al, stamp);
    zw_free(&m->al, tbuf);
    zw_free(&m->al, mark);
    zw_free(&m->al, block);
    zw_free(&m->al, lead);
    zw_free(&m->al, in);
    zw_free(&m->al, seen);
    zw_free(&m->al, work);
    zw_free(&m->al, st);
    zw_free(&m->al, hst);
    zw_free(&m->al, ops);
    zw_free(&m->al, v.start_of);
    return r;
}
