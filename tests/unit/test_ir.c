/*
 * test_ir.c — unit tests of the register IR: lowering (no copies for
 * local.get, destination retargeting, immediates, fused compare+branch,
 * multi-value blocks/branches/returns, br_table moves), the printer, trace
 * instrumentation, and the interpreter (calls, host calls, traps with
 * their function index, stack exhaustion, memory.grow, v128 select).
 */
#include <stdio.h>
#include <string.h>

#include "zwasm.h"
#include "ir/ir.h"
#include "runtime/runtime.h"
#include "text/text.h"
#include "test.h"

typedef struct tmod {
    zwasm_engine_t *eng;
    zwasm_store_t *store;
    zwasm_module_t *mod;
    zwasm_instance_t *inst;
    zwasm_error_t err;
} tmod;

static bool tmod_open(tmod *t, const char *wat, const zwasm_config_t *cfg, const zwasm_extern_t *imports,
                      size_t nimports) {
    memset(t, 0, sizeof *t);
    zw_buf b = {0};
    if (zw_wat_compile(wat, strlen(wat), &b, &t->err) != ZWASM_OK) {
        fprintf(stderr, "  wat: %s\n", t->err.message);
        zw_buf_free(&b);
        return false;
    }
    t->eng = test_engine_new(cfg);
    t->store = zwasm_store_new(t->eng);
    zwasm_result_t r = zwasm_module_new(t->eng, b.data, b.len, &t->mod, &t->err);
    zw_buf_free(&b);
    if (r != ZWASM_OK) {
        fprintf(stderr, "  module: %s\n", t->err.message);
        return false;
    }
    r = zwasm_instance_new(t->store, t->mod, imports, nimports, &t->inst, &t->err);
    if (r != ZWASM_OK) {
        fprintf(stderr, "  instance: %s\n", t->err.message);
        return false;
    }
    return true;
}

static void tmod_close(tmod *t) {
    if (t->store) zwasm_store_delete(t->store);
    if (t->mod) zwasm_module_delete(t->mod);
    if (t->eng) zwasm_engine_delete(t->eng);
}

static zwasm_result_t tcall(tmod *t, const char *name, const zwasm_val_t *args, size_t nargs,
                            zwasm_val_t *res, size_t nres) {
    zwasm_extern_t e;
    if (!zwasm_instance_export(t->inst, name, strlen(name), &e) || e.kind != ZWASM_EXTERN_FUNC)
        return ZWASM_ERR_ARG;
    return zwasm_func_call(t->store, e.of.func, args, nargs, res, nres, &t->err);
}

static zwasm_val_t I32(int32_t v) { zwasm_val_t x = {.kind = ZWASM_I32}; x.of.i32 = v; return x; }
static zwasm_val_t I64(int64_t v) { zwasm_val_t x = {.kind = ZWASM_I64}; x.of.i64 = v; return x; }

/* The IR of defined function defidx (lowered now if no call needed it yet). */
static const zw_ir_func *ir_of(tmod *t, uint32_t defidx) {
    const zw_ir_func *f = NULL;
    zwasm_error_t err;
    if (zw_ir_get((zw_module *)t->mod, defidx, &f, &err) != ZWASM_OK) fprintf(stderr, "  %s\n", err.message);
    return f;
}
static uint32_t count_op(const zw_ir_func *f, uint32_t op) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < f->ninsn; i++) n += f->code[f->insn[i]] == op;
    return n;
}

static const char *fib_wat =
    "(module (func $fib (export \"fib\") (param $n i32) (result i32)"
    "  local.get $n i32.const 2 i32.lt_s"
    "  if (result i32) local.get $n"
    "  else local.get $n i32.const 1 i32.sub call $fib"
    "       local.get $n i32.const 2 i32.sub call $fib i32.add end))";

TEST(ir_fib_lowering_and_run) {
    tmod t;
    CHECK(tmod_open(&t, fib_wat, NULL, NULL, 0));
    if (t.inst) {
        const zw_ir_func *f = ir_of(&t, 0);
        /* both calls get one level of fib's own body (lower.c, inlining a
         * body with control flow), each between inline.enter and .leave */
        CHECK_EQ_INT(count_op(f, ZW_IR_BRK_I32_GE_S), 3); /* lt_s + if fused and negated */
        CHECK_EQ_INT(count_op(f, ZW_OP_I32_LT_S), 0);
        CHECK_EQ_INT(count_op(f, ZW_IR_K_I32_SUB), 6);
        CHECK_EQ_INT(count_op(f, ZW_IR_CALL_LOCAL), 4);
        CHECK_EQ_INT(count_op(f, ZW_IR_INLINE_ENTER), 2);
        CHECK_EQ_INT(count_op(f, ZW_IR_INLINE_LEAVE), 2);
        CHECK_EQ_INT(count_op(f, ZW_IR_CONST32), 0);
        CHECK_EQ_INT(f->ninlined, 2);
        zwasm_val_t a = I32(20), r;
        CHECK(tcall(&t, "fib", &a, 1, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 6765);
    }
    tmod_close(&t);
}

TEST(ir_retarget_and_no_copy) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (func (export \"f\") (param i32 i32) (result i32) (local i32)"
                    "  local.get 0 local.get 1 i32.mul local.set 2"
                    "  local.get 2 i32.const 7 i32.add))",
                    NULL, NULL, 0));
    if (t.inst) {
        const zw_ir_func *f = ir_of(&t, 0);
        /* mul writes straight into local 2; no mov for local.get / local.set */
        bool found = false;
        for (uint32_t i = 0; i < f->ninsn; i++) {
            const uint32_t *c = f->code + f->insn[i];
            if (c[0] == ZW_OP_I32_MUL) found = c[1] == 2 && c[2] == 0 && c[3] == 1;
        }
        CHECK(found);
        CHECK_EQ_INT(count_op(f, ZW_IR_K_I32_ADD), 1);
        CHECK_EQ_INT(count_op(f, ZW_IR_MOV_I32), 0);
        CHECK_EQ_INT(count_op(f, ZW_IR_RETURN1), 1);
        zwasm_val_t a[2] = {I32(6), I32(7)}, r;
        CHECK(tcall(&t, "f", a, 2, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 49);
    }
    tmod_close(&t);
}

TEST(ir_pending_local_materialized) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (func (export \"swap\") (param i32 i32) (result i32 i32)"
                    "  local.get 0 local.get 1 local.set 0 local.set 1 local.get 0 local.get 1)"
                    " (func (export \"ret_swap\") (param i32 i32) (result i32 i32)"
                    "  local.get 1 local.get 0)"
                    " (func (export \"tee\") (param i32) (result i32)"
                    "  local.get 0 local.get 0 i32.const 5 i32.add local.tee 0 i32.add))",
                    NULL, NULL, 0));
    if (t.inst) {
        zwasm_val_t a[2] = {I32(1), I32(2)}, r[2];
        CHECK(tcall(&t, "swap", a, 2, r, 2) == ZWASM_OK);
        CHECK_EQ_INT(r[0].of.i32, 2);
        CHECK_EQ_INT(r[1].of.i32, 1);
        CHECK(tcall(&t, "ret_swap", a, 2, r, 2) == ZWASM_OK);
        CHECK_EQ_INT(r[0].of.i32, 2);
        CHECK_EQ_INT(r[1].of.i32, 1);
        zwasm_val_t x = I32(10);
        CHECK(tcall(&t, "tee", &x, 1, r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r[0].of.i32, 25);
    }
    tmod_close(&t);
}

TEST(ir_multi_value_control) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module"
                    " (func (export \"blk\") (param i32) (result i32 i64)"
                    "  (block (result i32 i64)"
                    "    i32.const 1 i64.const 2 local.get 0 br_if 0 drop drop"
                    "    local.get 0 i64.const 99))"
                    " (func (export \"loop\") (param i32) (result i32)"
                    "  (local $acc i32)"
                    "  i32.const 0 local.get 0"
                    "  (loop (param i32 i32) (result i32)"
                    "    local.set 0 local.get 0 i32.add local.set $acc"
                    "    local.get $acc local.get 0 i32.const 1 i32.sub"
                    "    local.get 0 i32.const 1 i32.gt_s br_if 0 drop))"
                    " (func (export \"ifp\") (param i32 i32) (result i32)"
                    "  local.get 0 local.get 1"
                    "  (if (param i32) (result i32) (then i32.const 100 i32.add) (else i32.const 200 i32.add)))"
                    " (func (export \"tbl\") (param i32) (result i32)"
                    "  (block (result i32) (block (result i32) (block (result i32)"
                    "    i32.const 10 local.get 0 br_table 0 1 2)"
                    "   i32.const 1 i32.add) i32.const 2 i32.add)))",
                    NULL, NULL, 0));
    if (t.inst) {
        zwasm_val_t a = I32(1), r[2];
        CHECK(tcall(&t, "blk", &a, 1, r, 2) == ZWASM_OK);
        CHECK_EQ_INT(r[0].of.i32, 1);
        CHECK_EQ_INT(r[1].of.i64, 2);
        a = I32(0);
        CHECK(tcall(&t, "blk", &a, 1, r, 2) == ZWASM_OK);
        CHECK_EQ_INT(r[0].of.i32, 0);
        CHECK_EQ_INT(r[1].of.i64, 99);
        a = I32(10); /* 10+9+...+1 */
        CHECK(tcall(&t, "loop", &a, 1, r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r[0].of.i32, 55);
        zwasm_val_t b[2] = {I32(5), I32(1)};
        CHECK(tcall(&t, "ifp", b, 2, r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r[0].of.i32, 105);
        b[1] = I32(0);
        CHECK(tcall(&t, "ifp", b, 2, r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r[0].of.i32, 205);
        static const int exp[4] = {13, 12, 10, 10};
        for (int i = 0; i < 4; i++) {
            a = I32(i);
            CHECK(tcall(&t, "tbl", &a, 1, r, 1) == ZWASM_OK);
            CHECK_EQ_INT(r[0].of.i32, exp[i]);
        }
    }
    tmod_close(&t);
}

TEST(ir_traps) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (memory 1) (table 3 funcref) (elem (i32.const 0) $a $b)"
                    " (type $v (func)) (type $ii (func (param i32) (result i32)))"
                    " (func $a) (func $b (param i32) (result i32) local.get 0)"
                    " (func (export \"div\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)"
                    " (func (export \"unr\") unreachable)"
                    " (func (export \"oob\") (param i32) (result i32) local.get 0 i32.load offset=4)"
                    " (func (export \"ci\") (param i32) local.get 0 call_indirect (type $v))"
                    " (func $rec (export \"rec\") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)"
                    " (func (export \"trunc\") (param f64) (result i32) local.get 0 i32.trunc_f64_s))",
                    NULL, NULL, 0));
    if (t.inst) {
        zwasm_val_t a[2] = {I32(1), I32(0)}, r;
        CHECK(tcall(&t, "div", a, 2, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_INT_DIV_ZERO);
        CHECK(strcmp(t.err.message, "integer divide by zero") == 0);
        CHECK_EQ_INT(t.err.func, 2);
        a[0] = I32(INT32_MIN);
        a[1] = I32(-1);
        CHECK(tcall(&t, "div", a, 2, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_INT_OVERFLOW);
        CHECK(tcall(&t, "unr", NULL, 0, NULL, 0) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_UNREACHABLE);
        CHECK_EQ_INT(t.err.func, 3);
        a[0] = I32(65532);
        CHECK(tcall(&t, "oob", a, 1, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_MEMORY_OOB);
        a[0] = I32(65528);
        CHECK(tcall(&t, "oob", a, 1, &r, 1) == ZWASM_OK);
        a[0] = I32(0);
        CHECK(tcall(&t, "ci", a, 1, NULL, 0) == ZWASM_OK);
        a[0] = I32(1);
        CHECK(tcall(&t, "ci", a, 1, NULL, 0) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_INDIRECT_CALL_TYPE);
        a[0] = I32(2);
        CHECK(tcall(&t, "ci", a, 1, NULL, 0) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_UNINITIALIZED_ELEMENT);
        a[0] = I32(3);
        CHECK(tcall(&t, "ci", a, 1, NULL, 0) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_UNDEFINED_ELEMENT);
        a[0] = I32(0);
        CHECK(tcall(&t, "rec", a, 1, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_STACK_EXHAUSTED);
        CHECK(strcmp(t.err.message, "call stack exhausted") == 0);
        /* the store is usable after a trap */
        a[0] = I32(7);
        a[1] = I32(2);
        CHECK(tcall(&t, "div", a, 2, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 3);
        zwasm_val_t d = {.kind = ZWASM_F64};
        d.of.f64 = 3e10;
        CHECK(tcall(&t, "trunc", &d, 1, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_INT_OVERFLOW);
        d.of.f64 = -7.9;
        CHECK(tcall(&t, "trunc", &d, 1, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, -7);
    }
    tmod_close(&t);
}

TEST(ir_small_stack_exhaustion) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.max_call_depth = 1000000;
    cfg.stack_bytes = 64 * 1024;
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (func $rec (export \"rec\") (param i64) (result i64)"
                    "  (local i64 i64 i64 i64 i64 i64) local.get 0 i64.const 1 i64.add call $rec))",
                    &cfg, NULL, 0));
    if (t.inst) {
        zwasm_val_t a = I64(0), r;
        CHECK(tcall(&t, "rec", &a, 1, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_STACK_EXHAUSTED);
    }
    tmod_close(&t);
}

static zwasm_result_t host_add(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                               zwasm_val_t *results, zwasm_error_t *err) {
    (void)caller;
    int *calls = env;
    (*calls)++;
    if (args[0].of.i32 < 0) {
        err->code = ZWASM_ERR_TRAP;
        err->trap = ZWASM_TRAP_EXIT;
        err->exit_code = 3;
        snprintf(err->message, sizeof err->message, "exit 3");
        return ZWASM_ERR_TRAP;
    }
    results[0].kind = ZWASM_I64;
    results[0].of.i64 = (int64_t)args[0].of.i32 + args[1].of.i64;
    return ZWASM_OK;
}

TEST(ir_host_calls) {
    zwasm_engine_t *eng = test_engine_new(NULL);
    zwasm_store_t *store = zwasm_store_new(eng);
    int calls = 0;
    uint32_t params[2] = {ZWASM_I32, ZWASM_I64}, results[1] = {ZWASM_I64};
    zwasm_functype_t ft = {2, 1, params, results};
    zwasm_func_t *hf = zwasm_func_new(store, &ft, host_add, &calls, NULL);
    zwasm_extern_t imp = {.kind = ZWASM_EXTERN_FUNC};
    imp.of.func = hf;
    const char *wat = "(module (import \"env\" \"add\" (func $add (param i32 i64) (result i64)))"
                      " (func (export \"f\") (param i32) (result i64) (local i64)"
                      "  i64.const 5 local.set 1"
                      "  local.get 0 local.get 1 call $add local.get 1 i64.add))";
    zw_buf b = {0};
    zwasm_error_t err;
    CHECK(zw_wat_compile(wat, strlen(wat), &b, &err) == ZWASM_OK);
    zwasm_module_t *mod = NULL;
    zwasm_instance_t *inst = NULL;
    CHECK(zwasm_module_new(eng, b.data, b.len, &mod, &err) == ZWASM_OK);
    if (mod) CHECK(zwasm_instance_new(store, mod, &imp, 1, &inst, &err) == ZWASM_OK);
    if (inst) {
        zwasm_extern_t e;
        CHECK(zwasm_instance_export(inst, "f", 1, &e));
        zwasm_val_t a = I32(10), r;
        CHECK(zwasm_func_call(store, e.of.func, &a, 1, &r, 1, &err) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i64, 20);
        a = I32(-1);
        CHECK(zwasm_func_call(store, e.of.func, &a, 1, &r, 1, &err) == ZWASM_ERR_TRAP);
        CHECK(err.trap == ZWASM_TRAP_EXIT);
        CHECK_EQ_INT(err.exit_code, 3);
        CHECK_EQ_INT(calls, 2);
    }
    zw_buf_free(&b);
    zwasm_store_delete(store);
    if (mod) zwasm_module_delete(mod);
    zwasm_engine_delete(eng);
}

TEST(ir_memory_grow_and_v128_select) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (memory 1)"
                    " (func (export \"g\") (result i32)"
                    "  i32.const 1 memory.grow drop"
                    "  i32.const 70000 i32.const 42 i32.store"
                    "  i32.const 70000 i32.load memory.size i32.add)"
                    " (func (export \"vs\") (param i32) (result i64)"
                    "  v128.const i64x2 1 2 v128.const i64x2 3 4 local.get 0 select"
                    "  i64x2.extract_lane 1))",
                    NULL, NULL, 0));
    if (t.inst) {
        zwasm_val_t r, a = I32(1);
        CHECK(tcall(&t, "g", NULL, 0, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 44);
        CHECK(tcall(&t, "vs", &a, 1, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i64, 2);
        a = I32(0);
        CHECK(tcall(&t, "vs", &a, 1, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i64, 4);
    }
    tmod_close(&t);
}

TEST(ir_printer_and_trace) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    tmod t;
    CHECK(tmod_open(&t, fib_wat, &cfg, NULL, 0));
    if (t.inst) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        zwasm_module_dump_ir(t.mod, f); /* lowers every function first */
        fclose(f);
        CHECK(buf && strstr(buf, "br_if.i32.ge_s_k s0, 2, @"));
        CHECK(buf && strstr(buf, "inline.enter\n") && strstr(buf, "call_local #0, base=s2"));
        free(buf);
        /* every instruction's length is consistent with the layout */
        const zw_ir_func *fn = ir_of(&t, 0);
        for (uint32_t i = 0; i + 1 < fn->ninsn; i++)
            CHECK_EQ_INT(fn->insn[i] + zw_ir_insn_len(fn->code, fn->insn[i]), fn->insn[i + 1]);
    }
    tmod_close(&t);
    cfg.trace = true;
    CHECK(tmod_open(&t, fib_wat, &cfg, NULL, 0));
    if (t.inst) {
        const zw_ir_func *fn = ir_of(&t, 0);
        CHECK_EQ_INT(count_op(fn, ZW_IR_TRACE) * 2, fn->ninsn);
    }
    tmod_close(&t);
}

TEST(ir_loop_rotation_and_jump_threading) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (func (export \"sum\") (param $n i32) (result i32) (local $i i32) (local $s i32)"
                    "  (block $done (loop $l"
                    "    (br_if $done (i32.gt_s (local.get $i) (local.get $n)))"
                    "    (local.set $s (i32.add (local.get $s) (local.get $i)))"
                    "    (local.set $i (i32.add (local.get $i) (i32.const 1)))"
                    "    (br $l)))"
                    "  (local.get $s)))",
                    NULL, NULL, 0));
    if (t.inst) {
        const zw_ir_func *f = ir_of(&t, 0);
        CHECK_EQ_INT(count_op(f, ZW_IR_BR_I32_GT_S), 1); /* head exit test */
        CHECK_EQ_INT(count_op(f, ZW_IR_BR_I32_LE_S), 1); /* rotated back edge */
        CHECK_EQ_INT(count_op(f, ZW_IR_RETURN), 0);
        zwasm_val_t a = I32(100), r;
        CHECK(tcall(&t, "sum", &a, 1, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 5050);
        a = I32(-1);
        CHECK(tcall(&t, "sum", &a, 1, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 0);
    }
    tmod_close(&t);
}

TEST(ir_fuel) {
    const char *wat =
        "(module"
        "  (func (export \"spin\") (loop $l (br $l)))"
        "  (func $a (export \"ping\") (param i32) (result i32)"
        "    local.get 0 i32.const 1 i32.add call $b)"
        "  (func $b (param i32) (result i32) local.get 0 call $a)"
        "  (func (export \"count\") (param $n i32) (result i32) (local $i i32)"
        "    (block $d (loop $l"
        "      (br_if $d (i32.ge_u (local.get $i) (local.get $n)))"
        "      (local.set $i (i32.add (local.get $i) (i32.const 1)))"
        "      (br $l)))"
        "    local.get $i))";
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    tmod t;
    /* off: no fuel instructions */
    CHECK(tmod_open(&t, wat, &cfg, NULL, 0));
    if (t.inst) CHECK_EQ_INT(count_op(ir_of(&t, 0), ZW_IR_FUEL), 0);
    tmod_close(&t);
    cfg.fuel = 1000;
    CHECK(tmod_open(&t, wat, &cfg, NULL, 0));
    if (t.inst) {
        uint64_t left = 0;
        CHECK(zwasm_store_get_fuel(t.store, &left) && left == 1000);
        CHECK_EQ_INT(count_op(ir_of(&t, 0), ZW_IR_FUEL), 2); /* entry + loop */
        CHECK(tcall(&t, "spin", NULL, 0, NULL, 0) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_OUT_OF_FUEL);
        CHECK(strstr(t.err.message, "out of fuel") != NULL);
        CHECK(zwasm_store_get_fuel(t.store, &left) && left == 0);
        CHECK(zwasm_store_set_fuel(t.store, 1000, NULL) == ZWASM_OK);
        zwasm_val_t a = I32(0), r;
        CHECK(tcall(&t, "ping", &a, 1, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_OUT_OF_FUEL);
        /* fuel is the store's: what one call leaves, the next continues with
         * (count(n) burns n + 2: its entry and n + 1 loop heads) */
        CHECK(zwasm_store_set_fuel(t.store, 3 * 902, NULL) == ZWASM_OK);
        for (int k = 0; k < 3; k++) {
            a = I32(900);
            CHECK(tcall(&t, "count", &a, 1, &r, 1) == ZWASM_OK);
            CHECK_EQ_INT(r.of.i32, 900);
        }
        CHECK(zwasm_store_get_fuel(t.store, &left) && left == 0);
        a = I32(0);
        CHECK(tcall(&t, "count", &a, 1, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_OUT_OF_FUEL);
    }
    tmod_close(&t);
    /* without fuel, the store has none to set */
    cfg.fuel = 0;
    CHECK(tmod_open(&t, wat, &cfg, NULL, 0));
    if (t.inst) {
        uint64_t left = 7;
        CHECK(!zwasm_store_get_fuel(t.store, &left) && left == 0);
        CHECK(zwasm_store_set_fuel(t.store, 5, &t.err) == ZWASM_ERR_ARG);
    }
    tmod_close(&t);
}

TEST(ir_inline_and_fold) {
    /* $f: straight-line leaf, inlined; writes its params and reads its
     * zero-initialised local; aliases of params must survive the writes. */
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (memory 1)"
                    "  (func $f (param $a i64) (param $b i64) (param $c i32) (result i64) (local $z i64)"
                    "    local.get $a local.set $z"            /* z = a (alias) */
                    "    local.get $b local.set $a"            /* a = b: z must keep the old a */
                    "    local.get $b i64.const 3 i64.mul local.set $b"
                    "    local.get $c i32.const 0 i32.add i32.const 8 i32.mul"
                    "    local.get $z i64.store"               /* mem[c*8] = old a */
                    "    local.get $z local.get $a i64.const 1000 i64.mul i64.add"
                    "    local.get $b i64.const 1000000 i64.mul i64.add)"
                    "  (func $d (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u)"
                    "  (func (export \"run\") (param $x i64) (result i64) (local $r i64)"
                    "    local.get $x i64.const 2 i32.const 1 call $f local.set $r"
                    "    i64.const 7 local.get $x i32.const 2 call $f local.get $r i64.add"
                    "    i32.const 8 i64.load i64.add i32.const 16 i64.load i64.add)"
                    "  (func (export \"div\") (param i32 i32) (result i32) local.get 0 local.get 1 call $d)"
                    "  (func (export \"fold\") (param i32) (result i32)"
                    "    i32.const 0 local.get 0 i32.add i32.const 1 i32.mul i32.const 5 i32.const 6 i32.mul i32.add))",
                    NULL, NULL, 0));
    if (t.inst) {
        CHECK_EQ_INT(count_op(ir_of(&t, 2), ZW_IR_CALL_LOCAL), 0);
        CHECK_EQ_INT(count_op(ir_of(&t, 3), ZW_IR_CALL_LOCAL), 0);
        zwasm_val_t a = I64(5), r;
        /* f(5,2,1) = 5 + 2*1000 + 6*1000000; f(7,5,2) = 7 + 5000 + 15000000;
         * plus mem[8] = 5, mem[16] = 7 */
        CHECK(tcall(&t, "run", &a, 1, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i64, 5 + 2000 + 6000000 + 7 + 5000 + 15000000 + 5 + 7);
        zwasm_val_t d[2] = {I32(7), I32(2)};
        CHECK(tcall(&t, "div", d, 2, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 3);
        d[1] = I32(0);
        CHECK(tcall(&t, "div", d, 2, &r, 1) == ZWASM_ERR_TRAP);
        CHECK(t.err.trap == ZWASM_TRAP_INT_DIV_ZERO);
        a = I32(4);
        CHECK(tcall(&t, "fold", &a, 1, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 34);
        CHECK_EQ_INT(count_op(ir_of(&t, 4), ZW_OP_I32_MUL), 0);
    }
    tmod_close(&t);
}

TEST(ir_inline_v128_global) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (global $v (mut v128) (v128.const i32x4 1 2 3 4))"
                    "  (global $w (mut v128) (v128.const i32x4 0 0 0 0))"
                    "  (func $cp (param i32) (result i32)"
                    "    global.get $v global.get $w local.get 0 select global.set $w local.get 0)"
                    "  (func (export \"run\") (result i32)"
                    "    i32.const 1 call $cp drop global.get $w i32x4.extract_lane 3))",
                    NULL, NULL, 0));
    if (t.inst) {
        CHECK_EQ_INT(count_op(ir_of(&t, 1), ZW_IR_CALL_LOCAL), 0);
        zwasm_val_t r;
        CHECK(tcall(&t, "run", NULL, 0, &r, 1) == ZWASM_OK);
        CHECK_EQ_INT(r.of.i32, 4);
    }
    tmod_close(&t);
}

/* ---- typed operands, the verifier, handler coverage ------------------------------ */
#include <dirent.h>
#include <stdlib.h>

#include "interp/interp.h"

/* The operand types of the instruction of f whose opcode is op (first). */
static uint32_t opnds_of(tmod *t, const zw_ir_func *f, uint32_t op, zw_ir_opnd *o, uint32_t cap) {
    for (uint32_t i = 0; i < f->ninsn; i++)
        if (f->code[f->insn[i]] == op)
            return zw_ir_operands((const zw_module *)t->mod, f, f->insn[i], o, cap);
    return 0;
}

TEST(ir_operand_types) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (memory 1) (table 2 funcref) (global $g (mut f64) (f64.const 1))"
                    "  (func $leaf)" /* inlined as a leaf, so that $callee is not inlined */
                    "  (func $callee (param i64 v128) (result f32) call $leaf f32.const 1)"
                    "  (func (export \"f\") (param $x i32) (param $r funcref) (result f32) (local $d f64) (local $v v128)"
                    "    (local.set $d (f64.load offset=8 (local.get $x)))"
                    "    (global.set $g (local.get $d))"
                    "    (drop (select (result funcref) (local.get $r) (ref.null func) (local.get $x)))"
                    "    (table.set (i32.const 1) (local.get $r))"
                    "    (call $callee (i64.const 5) (local.get $v))))",
                    NULL, NULL, 0));
    if (t.inst) {
        const zw_ir_func *f = ir_of(&t, 2);
        zw_ir_opnd o[8];
        CHECK_EQ_INT(opnds_of(&t, f, ZW_OP_F64_LOAD, o, 8), 2);
        CHECK(o[0].def && o[0].type == ZW_F64 && o[0].slot == 2); /* straight into $d */
        CHECK(!o[1].def && o[1].type == ZW_I32 && o[1].slot == 0);
        CHECK_EQ_INT(opnds_of(&t, f, ZW_OP_GLOBAL_SET, o, 8), 1);
        CHECK(!o[0].def && o[0].type == ZW_F64);
        CHECK_EQ_INT(opnds_of(&t, f, ZW_IR_SELECT_REF, o, 8), 4);
        CHECK(o[0].def && o[0].type == ZW_IR_ANYREF && o[3].type == ZW_I32);
        CHECK_EQ_INT(opnds_of(&t, f, ZW_OP_TABLE_SET, o, 8), 2);
        CHECK(o[0].type == ZW_I32 && o[1].type == ZW_FUNCREF);
        /* a call: the arguments (i64, v128 over two slots), then the result */
        CHECK_EQ_INT(opnds_of(&t, f, ZW_IR_CALL_LOCAL, o, 8), 3);
        CHECK(!o[0].def && o[0].type == ZW_I64 && !o[1].def && o[1].type == ZW_V128);
        CHECK_EQ_INT(o[1].slot, o[0].slot + 1);
        CHECK(o[2].def && o[2].type == ZW_F32 && o[2].slot == o[0].slot);
        CHECK_EQ_INT(zw_ir_type_slots(ZW_V128), 2);
        char why[300];
        CHECK(zw_ir_verify((const zw_module *)t.mod, f, why, sizeof why) == ZWASM_OK);
    }
    tmod_close(&t);
}

TEST(ir_verifier_catches_mistakes) {
    tmod t;
    CHECK(tmod_open(&t,
                    "(module (func (export \"f\") (param i32 i32) (result i32)"
                    "  (block (br_if 0 (local.get 0)))"
                    "  (i32.add (local.get 0) (local.get 1))))",
                    NULL, NULL, 0));
    if (t.inst) {
        zw_ir_func *f = (zw_ir_func *)ir_of(&t, 0);
        char why[300];
        CHECK(zw_ir_verify((const zw_module *)t.mod, f, why, sizeof why) == ZWASM_OK);
        for (uint32_t i = 0; i < f->ninsn; i++) {
            uint32_t *c = f->code + f->insn[i];
            if (c[0] == ZW_OP_I32_ADD) {
                c[0] = ZW_OP_F32_ADD; /* reads i32 slots as f32 */
                CHECK(zw_ir_verify((const zw_module *)t.mod, f, why, sizeof why) != ZWASM_OK);
                CHECK(strstr(why, "expected type 0x7d") != NULL);
                c[0] = ZW_OP_I32_ADD;
                uint32_t src = c[2];
                c[2] = f->frame_slots + 3; /* outside the frame */
                CHECK(zw_ir_verify((const zw_module *)t.mod, f, why, sizeof why) != ZWASM_OK);
                CHECK(strstr(why, "outside the frame") != NULL);
                c[2] = src;
            }
            if (c[0] == ZW_IR_BR_Z || c[0] == ZW_IR_BR_NZ) {
                c[2] += 1; /* a target inside an instruction */
                CHECK(zw_ir_verify((const zw_module *)t.mod, f, why, sizeof why) != ZWASM_OK);
                CHECK(strstr(why, "not an instruction start") != NULL);
                c[2] -= 1;
            }
        }
        CHECK(zw_ir_verify((const zw_module *)t.mod, f, why, sizeof why) == ZWASM_OK);
    }
    tmod_close(&t);
}

/* Every op that may appear in the IR has a printer entry, an interpreter
 * handler of its own, and typed slot operands. */
TEST(ir_every_op_is_handled) {
    for (uint32_t op = 0; op < ZW_IR_COUNT; op++) {
        if (!zw_ir_op_in_ir(op)) continue;
        if (!zw_ir_desc(op) || !zw_interp_has_handler(op)) {
            fprintf(stderr, "  op %u (%s): descriptor %s, handler %d\n", op, zw_ir_name(op),
                    zw_ir_desc(op) ? "yes" : "none", zw_interp_has_handler(op));
            CHECK(false);
        }
    }
}

/* Verify every function of the modules under dir (recursively). */
static void verify_dir(const char *dir, int *nfuncs, int *bad, int *zw_failed_) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t n = strlen(e->d_name);
        if (e->d_type == DT_DIR) {
            verify_dir(path, nfuncs, bad, zw_failed_);
            continue;
        }
        if (n < 5 || strcmp(e->d_name + n - 5, ".wasm") != 0) continue;
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        zw_buf b = {0};
        uint8_t chunk[65536];
        size_t k;
        while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) zw_buf_append(&b, chunk, k);
        fclose(f);
        zw_module *m;
        zwasm_error_t err;
        if (zw_decode(NULL, ZWASM_FEATURES_DEFAULT, b.data, b.len, &m, &err) == ZWASM_OK) {
            if (zw_validate(m, &err) == ZWASM_OK && zw_lower_module(m, &err) == ZWASM_OK)
                for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
                    char why[300];
                    (*nfuncs)++;
                    if (zw_ir_verify(m, m->ir[i], why, sizeof why) != ZWASM_OK) {
                        if ((*bad)++ < 5) fprintf(stderr, "  %s: %s\n", path, why);
                        CHECK(false);
                    }
                }
            zw_ir_free_module(m);
            zw_module_free(m);
        }
        zw_buf_free(&b);
    }
    closedir(d);
}

/* The IR of every function of the benchmark corpus, the WASI testsuite and
 * the program fixtures verifies (make test-asan verifies the spec suite's
 * modules too, as it lowers them). */
TEST(ir_corpus_verifies) {
    int nfuncs = 0, bad = 0;
    verify_dir("../shared/bench", &nfuncs, &bad, zw_failed_);
    verify_dir("../shared/wasi", &nfuncs, &bad, zw_failed_);
    verify_dir("tests/programs", &nfuncs, &bad, zw_failed_);
    CHECK(nfuncs > 10000);
    CHECK_EQ_INT(bad, 0);
}
