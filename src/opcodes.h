/*
 * opcodes.h — the opcode enumeration and static facts about each opcode,
 * all derived from opcodes.def.
 */
#ifndef ZW_OPCODES_H
#define ZW_OPCODES_H

#include <stdint.h>

#include "zwasm.h" /* ZWASM_FEATURE_*: the FEATURE column */

/* Immediate kinds (what follows the opcode in the binary format). */
typedef enum zw_imm {
    IMM_NONE,
    IMM_BLOCK,       /* blocktype: 0x40 | valtype | s33 type index */
    IMM_LABEL,       /* u32 label depth */
    IMM_BRTABLE,     /* vec(u32) + u32 default */
    IMM_FUNC,        /* u32 function index */
    IMM_CALLIND,     /* u32 type index, u32 table index */
    IMM_LOCAL,       /* u32 local index */
    IMM_GLOBAL,      /* u32 global index */
    IMM_TABLE,       /* u32 table index */
    IMM_MEMARG,      /* u32 align (bit 6 set: u32 memory index follows), u32/u64 offset */
    IMM_MEM,         /* u32 memory index (a single 0x00 byte in Wasm 2.0): zw_instr.a */
    IMM_I32,         /* s32 */
    IMM_I64,         /* s64 */
    IMM_F32,         /* 4 bytes little-endian */
    IMM_F64,         /* 8 bytes little-endian */
    IMM_V128,        /* 16 bytes */
    IMM_LANE,        /* 1 byte lane index */
    IMM_MEMARG_LANE, /* memarg then 1 byte lane index */
    IMM_SHUFFLE,     /* 16 bytes of lane indices */
    IMM_SELECT_T,    /* vec(valtype) */
    IMM_HEAPTYPE,    /* heap type: an abstract code byte or an s33 type index: a */
    IMM_TABLE_TABLE, /* u32 dst table, u32 src table */
    IMM_ELEM_TABLE,  /* u32 elem segment, u32 table */
    IMM_ELEM,        /* u32 elem segment */
    IMM_DATA,        /* u32 data segment */
    IMM_DATA_MEM,    /* u32 data segment, u32 memory: a, b */
    IMM_MEM_MEM,     /* u32 dst memory, u32 src memory: a, b */
    IMM_TYPE,        /* u32 type index: a */
    IMM_TYPE_FIELD,  /* u32 type index, u32 field index: a, b */
    IMM_TYPE_N,      /* u32 type index, u32 count: a, b */
    IMM_TYPE_DATA,   /* u32 type index, u32 data segment: a, b */
    IMM_TYPE_ELEM,   /* u32 type index, u32 elem segment: a, b */
    IMM_TYPE_TYPE,   /* u32 dst type index, u32 src type index: a, b */
    IMM_TAG,         /* u32 tag index: a */
    IMM_TRY_TABLE,   /* blocktype, then vec(catch clause): tbl, count in b */
    IMM_ATOMIC,      /* a memarg (as IMM_MEMARG) of an atomic access: the alignment must be
                        natural, and a misaligned effective address traps */
    IMM_ZERO,        /* one reserved 0x00 byte (atomic.fence) */
    IMM_BR_ON_CAST,  /* flags byte (bit 0/1: source/target nullable), u32 label,
                        heap type, heap type: flags, a = label, b, c = heap types */
} zw_imm;

typedef enum zw_op {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) ZW_OP_##id,
#include "opcodes.def"
#undef X
    ZW_OP_COUNT
} zw_op;

typedef struct zw_opinfo {
    const char *text;  /* mnemonic in the text format */
    uint8_t prefix;    /* 0, 0xFB, 0xFC, 0xFD or 0xFE */
    uint32_t code;     /* opcode byte or the u32 after the prefix */
    zw_imm imm;
    /* Stack signature for fixed-typed instructions: params and results as
     * letter strings (i l f d v), e.g. "ii" -> "i".  NULL for S_SPECIAL. */
    const char *params, *results;
    uint8_t access; /* bytes a memory instruction accesses, else 0 */
    uint8_t lanes;  /* lanes of the shape a lane index refers to, else 0 */
    uint32_t feature; /* the ZWASM_FEATURE_* bits it needs, 0 for Wasm 1.0 */
} zw_opinfo;

/* The ACCESS column as compile-time constants: ZW_ACCESS_I32_LOAD == 4. */
enum {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) ZW_ACCESS_##id = access,
#include "opcodes.def"
#undef X
};

extern const zw_opinfo zw_opinfos[ZW_OP_COUNT];

/* Map an encoding to an opcode; returns -1 when unknown. */
int zw_op_lookup(uint8_t prefix, uint32_t code);

/* Value type letter used in signatures -> value type code (0x7F, ...). */
static inline uint8_t zw_sig_letter_type(char c) {
    switch (c) {
    case 'i': return 0x7F;
    case 'l': return 0x7E;
    case 'f': return 0x7D;
    case 'd': return 0x7C;
    case 'v': return 0x7B;
    }
    return 0;
}
#endif
