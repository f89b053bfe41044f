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
    if (op == ZW_OP_CALL || op == ZW_OP_CALL_INDIRECT || op == ZW_IR_CALL_LOCAL) {
        /* the callee's frame from B up is clobbered */
        uint32_t base = op == ZW_OP_CALL_INDIRECT ? f->code[pc + 3] : f->code[pc + 2];
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
        uint32_t t = first ? in[s] : into[s] == in[s] ? into[s] : T_CONFLICT;
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
    uint8_t *seen = NULL, *mark = NULL;
    uint32_t *tbuf = zw_calloc(&m->al, (size_t)f->len + 2, sizeof *tbuf); /* branch targets of one instruction */
    zw_ir_opnd *ops = zw_calloc(&m->al, 4096, sizeof *ops);
    v.start_of = zw_calloc(&m->al, (size_t)f->len + 1, sizeof *v.start_of);
    if (!block || !lead || !st || !ops || !v.start_of || !tbuf) goto nomem;
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
        for (; i < end; i++)
            if (!step(&v, f->insn[i], st, ops, 4096)) goto out;
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
    zw_free(&m->al, ops);
    zw_free(&m->al, v.start_of);
    return r;
}
