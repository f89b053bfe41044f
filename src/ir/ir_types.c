/*
 * ir_types.c — the value type of every slot operand of every IR
 * instruction (zw_ir_operands): what an engine needs to choose a register
 * class, what a collector needs to find references, and what the verifier
 * checks.  Fixed-signature operations take their types from opcodes.def's
 * signatures, the IR-only ones from their row in ZW_IR_OPS, and the rest
 * (calls, globals, tables) from the module.
 */
#include <stdio.h>
#include <string.h>

#include "ir.h"
#include "ir_sig.h"

/* Value type of a signature / ZW_IR_OPS type letter. */
static zw_valtype letter_type(char c, const zw_ir_func *f) {
    switch (c) {
    case 'r': return ZW_IR_ANYREF;
    case 'F': return ZW_FUNCREF;
    case 'g': case 'e': case 'a': case 'x': return 0; /* given by the module */
    case '*': return f && f->type->nresults ? f->type->results[0] : 0;
    default: return zw_sig_letter_type(c);
    }
}

/* Slot-operand type letters of the IR-only ops (ZW_IR_OPS). */
static const char *const ir_types[] = {
#define X(n, t, d, ty) ty,
    ZW_IR_OPS(X)
#undef X
};

uint32_t zw_ir_base_op(uint32_t op) {
    if (op < ZW_OP_COUNT) return op;
    switch (op) {
#define X(id, l) case ZW_IR_BR_##id: case ZW_IR_BRK_##id: return ZW_OP_##id;
        ZW_IR_CMPS(X)
#undef X
#define X(id, l) case ZW_IR_K_##id: return ZW_OP_##id;
        ZW_IR_KOPS(X)
#undef X
#define AB_NONE(id, pfx, sig)
#define AB_MEMARG(id, pfx, sig) case ZW_IR_A_##id: return ZW_OP_##id;
#define AB_ATOMIC(id, pfx, sig)
#define AB_LANE(id, pfx, sig)
#define AB_MLANE(id, pfx, sig)
#define AB_SHUF(id, pfx, sig)
#define AB_OTHER(id, pfx, sig)
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) ZW_BY_IMM(imm, AB, id, prefix, sig)
#include "../opcodes.def"
#undef X
#undef AB_NONE
#undef AB_MEMARG
#undef AB_ATOMIC
#undef AB_LANE
#undef AB_MLANE
#undef AB_SHUF
#undef AB_OTHER
    }
    return op;
}

zw_ir_form zw_ir_form_of(uint32_t op) {
    if (op < ZW_OP_COUNT) return ZW_IR_FORM_WASM;
    if (zw_ir_base_op(op) == op) return ZW_IR_FORM_ONLY;
    if (op >= ZW_IR_BR_I32_EQ && op <= ZW_IR_BRK_I64_GE_U)
        return (op - ZW_IR_BR_I32_EQ) % 2 ? ZW_IR_FORM_BRK : ZW_IR_FORM_BR;
    if (op <= ZW_IR_K_LAST_) return ZW_IR_FORM_K;
    return ZW_IR_FORM_ABS;
}

typedef struct {
    zw_ir_opnd *out;
    uint32_t cap, n;
} opnds;

static void add(opnds *o, uint32_t slot, zw_valtype t, bool def) {
    if (o->n < o->cap) o->out[o->n] = (zw_ir_opnd){slot, t, def};
    o->n++;
}

/* Arguments (uses) and results (defs) of a call with its frame at base. */
static void add_call(opnds *o, uint32_t base, const zw_functype *t, bool results) {
    uint32_t k = base;
    for (uint32_t i = 0; i < t->nparams; k += zw_slots(t->params[i]), i++) add(o, k, t->params[i], false);
    if (!results) return;
    k = base;
    for (uint32_t i = 0; i < t->nresults; k += zw_slots(t->results[i]), i++) add(o, k, t->results[i], true);
}

const char *zw_ir_special_types(uint32_t op) {
    switch (op) {
#define X(id, desc, types, gc) case ZW_OP_##id: return types;
        ZW_IR_SPECIAL(X)
#undef X
    }
    return "";
}

/* The table or memory a hand-typed op works on (the dst one of a copy):
 * its index among the instruction's n operands. */
static uint32_t object_operand(uint32_t op) {
    return op == ZW_OP_TABLE_INIT || op == ZW_OP_MEMORY_INIT || op == ZW_OP_CALL_INDIRECT ||
           op == ZW_OP_RETURN_CALL_INDIRECT;
}

/* Whether op is typed by hand (ZW_IR_SPECIAL). */
static bool is_special(uint32_t op) {
    switch (op) {
#define X(id, desc, types, gc) case ZW_OP_##id:
        ZW_IR_SPECIAL(X)
#undef X
        return true;
    }
    return false;
}

/* The type behind a module-given letter: g a global's type, e a table's
 * element type, a the address type of a memory or table. */
/* The value type of field f of struct type x, or of array type x's
 * elements (f ignored), as read (packed fields are i32). */
static zw_valtype field_type(const zw_module *m, uint32_t x, uint32_t f) {
    if (x >= m->ntypes) return 0;
    const zw_type *t = &m->types[x];
    if (t->kind == ZW_COMP_ARRAY) f = 0;
    return f < t->nfields ? zw_unpacked(t->fields[f].type) : 0;
}

zw_valtype zw_ir_module_type(const zw_module *m, uint32_t op, const uint32_t *nimm, char c) {
    uint32_t x = nimm[object_operand(op)];
    switch (c) {
    case 'x': return field_type(m, nimm[0], nimm[1]);
    case 'g': return x < m->nglobals ? m->globals[x].type.type : 0;
    case 'e': return x < m->ntables ? m->tables[x].type.elem : 0;
    case 'a': case 'A': case 'm': {
        bool mem = op >= ZW_OP_MEMORY_SIZE && op <= ZW_OP_MEMORY_GROW;
        mem = mem || op == ZW_OP_MEMORY_INIT || op == ZW_OP_MEMORY_COPY || op == ZW_OP_MEMORY_FILL;
        zw_valtype ta = mem ? zw_mem_addr_type(m, x) : zw_table_addr_type(m, x);
        zw_valtype tb = mem ? zw_mem_addr_type(m, nimm[1]) : zw_table_addr_type(m, nimm[1]);
        return c == 'a' ? ta : c == 'A' ? tb : zw_copy_count_type(ta, tb);
    }
    }
    return 0;
}

/* Words of the operand with descriptor letter d at c[k]. */
static uint32_t operand_words(char d, const uint32_t *c, uint32_t k) {
    switch (d) {
    case 'I': return 2;
    case 'M': return 3;
    case 'V': return 4;
    case 'N': return c[k] + 2;
    case 'S': return c[k] + 1;
    default: return 1;
    }
}

uint32_t zw_ir_operands(const zw_module *m, const zw_ir_func *f, uint32_t pc, zw_ir_opnd *out,
                        uint32_t cap) {
    const uint32_t *c = f->code + pc;
    uint32_t op = c[0];
    opnds o = {out, cap, 0};
    const char *desc = zw_ir_desc(op), *types = NULL;
    char sig[8] = {0};
    uint32_t bop = zw_ir_base_op(op);
    if (op > ZW_IR_BASE_ && bop == op) {
        types = ir_types[op - ZW_IR_BASE_ - 1];
    } else if (is_special(op)) {
        types = zw_ir_special_types(op);
    } else if (zw_opinfos[bop].params) {
        const zw_opinfo *oi = &zw_opinfos[bop];
        if (op >= ZW_IR_BR_I32_EQ && op <= ZW_IR_BRK_I64_GE_U)
            types = oi->params;                  /* compare-and-branch: the operands */
        else if (op > ZW_IR_K_LAST_ && !oi->results[0])
            types = oi->params + 1;              /* absolute store: the value */
        else {
            /* [d for the result][s per param] (register-immediate and
             * absolute-load forms just have fewer slots) */
            size_t nr = strlen(oi->results), np = strlen(oi->params);
            if (nr + np < sizeof sig) {
                memcpy(sig, oi->results, nr);
                memcpy(sig + nr, oi->params, np + 1);
                /* the address of an access to a 64-bit memory is an i64 */
                if (strchr(desc, 'M') && np && zw_mem_addr_type(m, zw_ir_mem_index(f->code, pc)) == ZW_I64)
                    sig[nr] = 'l';
            }
            types = sig;
        }
    } else {
        types = zw_ir_special_types(op);
    }
    /* the n operands (tables, memories, globals the types may depend on) */
    uint32_t nimm[2] = {0, 0}, ni = 0;
    for (uint32_t k = 1; desc[k - 1]; k++)
        if (desc[k - 1] == 'n' && ni < 2) nimm[ni++] = c[k];
    uint32_t t = 0; /* next type letter */
    for (uint32_t k = 1; *desc; desc++) {
        switch (*desc) {
        case 'd': case 's': {
            char tl = types[t];
            zw_valtype ty = !tl ? 0 : strchr("geaAmx", tl) ? zw_ir_module_type(m, op, nimm, tl) : letter_type(tl, f);
            t++;
            add(&o, c[k], ty, *desc == 'd');
            k++;
            break;
        }
        case 'B': {
            const zw_functype *ft = NULL;
            if (op == ZW_OP_CALL || op == ZW_OP_RETURN_CALL) ft = zw_func_type(m, c[1]);
            else if (op == ZW_IR_CALL_LOCAL || op == ZW_IR_RETURN_CALL_LOCAL)
                ft = zw_func_type(m, m->nfunc_imports + c[1]);
            else if (op == ZW_OP_CALL_INDIRECT || op == ZW_OP_RETURN_CALL_INDIRECT ||
                     op == ZW_OP_CALL_REF || op == ZW_OP_RETURN_CALL_REF)
                ft = &m->types[c[1]].func;
            /* a tail call only reads its arguments: the results are the callee's to return */
            bool tail = op == ZW_OP_RETURN_CALL || op == ZW_IR_RETURN_CALL_LOCAL ||
                        op == ZW_OP_RETURN_CALL_INDIRECT || op == ZW_OP_RETURN_CALL_REF;
            if (op == ZW_OP_THROW) ft = zw_tag_type(m, c[1]); /* the payload: read */
            if (ft) add_call(&o, c[k], ft, !tail && op != ZW_OP_THROW);
            k++;
            break;
        }
        case 'S': /* a struct's fields or an array's elements, in order */
            for (uint32_t i = 0; i < c[k]; i++)
                add(&o, c[k + 1 + i], field_type(m, nimm[0], op == ZW_OP_STRUCT_NEW ? i : 0), false);
            k += 1 + c[k];
            break;
        default: k += operand_words(*desc, c, k); break;
        }
    }
    /* what else the module knows */
    switch (op) {
    case ZW_IR_RETURN: case ZW_IR_RETURN_PAD: {
        /* the results, in slots 0.. */
        uint32_t k = 0;
        for (uint32_t i = 0; i < f->type->nresults; k += zw_slots(f->type->results[i]), i++)
            add(&o, k, f->type->results[i], false);
        break;
    }
    }
    return o.n;
}

uint32_t zw_ir_mem_index(const uint32_t *code, uint32_t pc) {
    const uint32_t *c = code + pc;
    const char *desc = zw_ir_desc(c[0]);
    for (uint32_t k = 1; *desc; desc++) {
        if (*desc == 'M') return c[k];
        k += operand_words(*desc, c, k);
    }
    return 0;
}

uint64_t zw_ir_mem_offset(const uint32_t *code, uint32_t pc) {
    const uint32_t *c = code + pc;
    const char *desc = zw_ir_desc(c[0]);
    for (uint32_t k = 1; *desc; desc++) {
        if (*desc == 'M') {
            uint64_t off;
            memcpy(&off, c + k + 1, 8);
            return off;
        }
        k += operand_words(*desc, c, k);
    }
    return 0;
}

uint32_t zw_ir_call_base(const zw_ir_func *f, uint32_t pc) {
    const uint32_t *c = f->code + pc;
    const char *desc = zw_ir_desc(c[0]);
    for (uint32_t k = 1; *desc; desc++) {
        if (*desc == 'B') return c[k];
        k += operand_words(*desc, c, k);
    }
    return UINT32_MAX;
}

uint32_t zw_ir_type_slots(zw_valtype t) { return zw_slots(t); }
