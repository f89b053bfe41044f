/*
 * opcodes.c — the opcode info table and the encoding -> opcode lookup,
 * both expanded from opcodes.def.
 */
#include <stddef.h>

#include "opcodes.h"

#define S_SPECIAL NULL, NULL

/* Each signature token used in opcodes.def expands to "params", "results". */
#define S__ "", ""
#define S__i "", "i"
#define S__l "", "l"
#define S__f "", "f"
#define S__d "", "d"
#define S__v "", "v"
#define S_i_i "i", "i"
#define S_i_l "i", "l"
#define S_i_f "i", "f"
#define S_i_d "i", "d"
#define S_i_v "i", "v"
#define S_l_i "l", "i"
#define S_l_l "l", "l"
#define S_l_f "l", "f"
#define S_l_d "l", "d"
#define S_l_v "l", "v"
#define S_f_i "f", "i"
#define S_f_l "f", "l"
#define S_f_f "f", "f"
#define S_f_d "f", "d"
#define S_f_v "f", "v"
#define S_d_i "d", "i"
#define S_d_l "d", "l"
#define S_d_f "d", "f"
#define S_d_d "d", "d"
#define S_d_v "d", "v"
#define S_v_i "v", "i"
#define S_v_l "v", "l"
#define S_v_f "v", "f"
#define S_v_d "v", "d"
#define S_v_v "v", "v"
#define S_ii_i "ii", "i"
#define S_ll_i "ll", "i"
#define S_ll_l "ll", "l"
#define S_ff_i "ff", "i"
#define S_ff_f "ff", "f"
#define S_dd_i "dd", "i"
#define S_dd_d "dd", "d"
#define S_vv_v "vv", "v"
#define S_vi_v "vi", "v"
#define S_vl_v "vl", "v"
#define S_vf_v "vf", "v"
#define S_vd_v "vd", "v"
#define S_vvv_v "vvv", "v"
#define S_iv_v "iv", "v"
#define S_ii_ "ii", ""
#define S_il_ "il", ""
#define S_if_ "if", ""
#define S_id_ "id", ""
#define S_iv_ "iv", ""
#define S_iii_ "iii", ""
#define S_ll_ll "ll", "ll"
#define S_llll_ll "llll", "ll"
#define S_iii_i "iii", "i"
#define S_ill_l "ill", "l"
#define S_il_l "il", "l"
#define S_iil_i "iil", "i"
#define S_ill_i "ill", "i"

const zw_opinfo zw_opinfos[ZW_OP_COUNT] = {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) {text, prefix, code, imm, sig, access, lanes, feature},
#include "opcodes.def"
#undef X
};

int zw_op_lookup(uint8_t prefix, uint32_t code) {
    switch (((uint64_t)prefix << 32) | code) {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) case ((uint64_t)prefix << 32) | code: return ZW_OP_##id;
#include "opcodes.def"
#undef X
    }
    return -1;
}
