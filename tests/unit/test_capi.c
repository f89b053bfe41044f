/*
 * test_capi.c — unit tests of the standard C API (include/wasm.h,
 * src/api/wasm_c_api.c): types and vectors, values and references through
 * globals, tables and host functions, objects of another store, call
 * arity, module sharing across engines, traps.  Each test deletes what it
 * owns, so the sanitizer build (make test-asan) checks the ownership rules
 * for leaks and double frees.  The engine is the one the unit tests run
 * on (--engine), through zwasm_config_from_wasm.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "wasm.h"

static wasm_engine_t *capi_engine(void) {
    wasm_config_t *c = wasm_config_new();
    zwasm_config_from_wasm(c)->engine = zw_test_engine;
    return wasm_engine_new_with_config(c);
}

static wasm_module_t *capi_module(wasm_store_t *s, const char *wat) {
    uint8_t *bytes;
    size_t len;
    if (zwasm_wat2wasm(wat, strlen(wat), &bytes, &len, NULL) != ZWASM_OK) return NULL;
    wasm_byte_vec_t b = {len, (wasm_byte_t *)bytes};
    wasm_module_t *m = wasm_module_new(s, &b);
    zwasm_bytes_delete(bytes);
    return m;
}

static wasm_instance_t *capi_instance(wasm_store_t *s, const char *wat, wasm_extern_t **imports, size_t n,
                                      wasm_trap_t **trap) {
    wasm_module_t *m = capi_module(s, wat);
    if (!m) return NULL;
    wasm_extern_vec_t iv = {n, imports};
    wasm_instance_t *i = wasm_instance_new(s, m, &iv, trap);
    wasm_module_delete(m);
    return i;
}

static bool trap_says(wasm_trap_t *t, const char *part) {
    if (!t) return false;
    wasm_message_t m;
    wasm_trap_message(t, &m);
    bool ok = m.size && m.data[m.size - 1] == 0 && strstr(m.data, part);
    if (!ok) fprintf(stderr, "  trap message: %.*s\n", (int)m.size, m.data);
    wasm_byte_vec_delete(&m);
    wasm_trap_delete(t);
    return ok;
}

TEST(capi_types_and_vectors) {
    wasm_functype_t *f = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_funcref(),
                                               wasm_valtype_new_f64());
    wasm_functype_t *c = wasm_functype_copy(f);
    wasm_functype_delete(f);
    CHECK_EQ_INT(wasm_functype_params(c)->size, 2);
    CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_params(c)->data[1]), WASM_FUNCREF);
    CHECK_EQ_INT(wasm_valtype_kind(wasm_functype_results(c)->data[0]), WASM_F64);
    wasm_externtype_t *x = wasm_functype_as_externtype(c);
    CHECK_EQ_INT(wasm_externtype_kind(x), WASM_EXTERN_FUNC);
    CHECK(wasm_externtype_as_functype(x) == c && !wasm_externtype_as_globaltype(x));
    wasm_functype_delete(c);

    wasm_limits_t l = {1, wasm_limits_max_default};
    wasm_tabletype_t *tt = wasm_tabletype_new(wasm_valtype_new_anyref(), &l);
    wasm_memorytype_t *mt = wasm_memorytype_new(&(wasm_limits_t){2, 3});
    wasm_globaltype_t *gt = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
    wasm_externtype_t *xs[3] = {wasm_tabletype_as_externtype(tt), wasm_memorytype_as_externtype(mt),
                                wasm_globaltype_as_externtype(gt)};
    wasm_externtype_vec_t v, vc;
    wasm_externtype_vec_new(&v, 3, xs);
    wasm_externtype_vec_copy(&vc, &v);
    wasm_externtype_vec_delete(&v); /* deletes the three types */
    CHECK_EQ_INT(vc.size, 3);
    CHECK_EQ_INT(wasm_tabletype_limits(wasm_externtype_as_tabletype_const(vc.data[0]))->max, wasm_limits_max_default);
    CHECK_EQ_INT(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(vc.data[1]))->max, 3);
    CHECK_EQ_INT(wasm_globaltype_mutability(wasm_externtype_as_globaltype_const(vc.data[2])), WASM_VAR);
    wasm_externtype_vec_delete(&vc);

    wasm_name_t n;
    wasm_name_new_from_string(&n, "abc");
    wasm_importtype_t *it = wasm_importtype_new(&n, &(wasm_name_t){0, NULL}, wasm_memorytype_as_externtype(
                                                    wasm_memorytype_new(&l)));
    CHECK(n.data == NULL); /* taken over */
    wasm_importtype_t *itc = wasm_importtype_copy(it);
    wasm_importtype_delete(it);
    CHECK(wasm_importtype_module(itc)->size == 3 && !memcmp(wasm_importtype_module(itc)->data, "abc", 3));
    wasm_importtype_delete(itc);
}

static wasm_trap_t *id_ref(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    wasm_val_copy(&results->data[0], &args->data[0]);
    return NULL;
}

TEST(capi_references) {
    wasm_engine_t *e = capi_engine();
    wasm_store_t *s = wasm_store_new(e);
    wasm_functype_t *t = wasm_functype_new_1_1(wasm_valtype_new_anyref(), wasm_valtype_new_anyref());
    wasm_func_t *idf = wasm_func_new(s, t, id_ref);
    wasm_functype_delete(t);
    wasm_extern_t *imp[1] = {wasm_func_as_extern(idf)};
    wasm_instance_t *i = capi_instance(s,
        "(module (import \"\" \"id\" (func $id (param externref) (result externref)))"
        " (global $g (export \"g\") (mut funcref) (ref.null func))"
        " (table (export \"t\") 2 4 externref)"
        " (func $f (export \"f\") (param externref) (result externref) (call $id (local.get 0)))"
        " (func (export \"set\") (global.set $g (ref.func $f))))", imp, 1, NULL);
    CHECK(i != NULL);
    if (i) {
        wasm_extern_vec_t ex;
        wasm_instance_exports(i, &ex);
        wasm_global_t *g = wasm_extern_as_global(ex.data[0]);
        wasm_table_t *tab = wasm_extern_as_table(ex.data[1]);
        wasm_func_t *f = wasm_extern_as_func(ex.data[2]);
        wasm_val_vec_t none = WASM_EMPTY_VEC;
        CHECK(!wasm_func_call(wasm_extern_as_func(ex.data[3]), &none, &none));
        /* a funcref out of a global: a new handle to the exported function */
        wasm_val_t v;
        wasm_global_get(g, &v);
        CHECK(v.kind == WASM_FUNCREF && v.of.ref && wasm_func_same(wasm_ref_as_func(v.of.ref), f));
        wasm_val_delete(&v);
        /* a foreign object through wasm and a host function, and a table */
        wasm_foreign_t *fo = wasm_foreign_new(s);
        wasm_val_t as[1] = {WASM_REF_VAL(wasm_foreign_as_ref(fo))}, rs[1] = {WASM_INIT_VAL};
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs);
        CHECK(!wasm_func_call(f, &args, &results));
        CHECK(rs[0].kind == WASM_ANYREF && rs[0].of.ref &&
              wasm_foreign_same(wasm_ref_as_foreign(rs[0].of.ref), fo));
        wasm_val_delete(&rs[0]);
        CHECK(wasm_table_set(tab, 1, wasm_foreign_as_ref(fo)));
        wasm_ref_t *r = wasm_table_get(tab, 1);
        CHECK(r && wasm_foreign_same(wasm_ref_as_foreign(r), fo));
        wasm_ref_delete(r);
        CHECK(!wasm_table_get(tab, 0));   /* null */
        CHECK(!wasm_table_get(tab, 99));  /* out of bounds */
        CHECK(!wasm_table_set(tab, 99, NULL));
        /* a function where an externref is expected: refused */
        CHECK(!wasm_table_set(tab, 0, wasm_func_as_ref(f)));
        CHECK(wasm_table_grow(tab, 2, wasm_foreign_as_ref(fo)) && wasm_table_size(tab) == 4);
        CHECK(!wasm_table_grow(tab, 1, NULL));
        wasm_foreign_delete(fo);
        wasm_extern_vec_delete(&ex);
        wasm_instance_delete(i);
    }
    wasm_func_delete(idf);
    wasm_store_delete(s);
    wasm_engine_delete(e);
}

TEST(capi_calls_and_traps) {
    wasm_engine_t *e = capi_engine();
    wasm_store_t *s = wasm_store_new(e), *other = wasm_store_new(e);
    wasm_instance_t *i = capi_instance(s, "(module (func (export \"add\") (param i32 i32) (result i32)"
                                          " (i32.add (local.get 0) (local.get 1))))", NULL, 0, NULL);
    CHECK(i != NULL);
    if (i) {
        wasm_extern_vec_t ex;
        wasm_instance_exports(i, &ex);
        wasm_func_t *add = wasm_extern_as_func(ex.data[0]);
        wasm_val_t as[2] = {WASM_I32_VAL(2), WASM_I32_VAL(3)}, rs[1];
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs), one = {1, as};
        CHECK(!wasm_func_call(add, &args, &results) && rs[0].of.i32 == 5);
        CHECK(trap_says(wasm_func_call(add, &one, &results), "wrong number"));
        as[1].kind = WASM_I64;
        CHECK(trap_says(wasm_func_call(add, &args, &results), "argument 2"));
        /* a function of this store imported into another store's instance */
        wasm_extern_t *imp[1] = {ex.data[0]};
        wasm_trap_t *trap = NULL;
        wasm_instance_t *j = capi_instance(other, "(module (import \"\" \"f\" (func (param i32 i32) (result i32))))",
                                           imp, 1, &trap);
        CHECK(!j && trap_says(trap, "store"));
        wasm_extern_vec_delete(&ex);
        wasm_instance_delete(i);
    }
    /* wasm_trap_new: the message with or without its NUL */
    wasm_message_t m = {2, "ab"};
    CHECK(trap_says(wasm_trap_new(s, &m), "ab"));
    wasm_name_new_from_string_nt(&m, "cd");
    wasm_trap_t *t = wasm_trap_new(s, &m);
    wasm_name_delete(&m);
    wasm_trap_message(t, &m);
    CHECK(m.size == 3 && !strcmp(m.data, "cd"));
    wasm_byte_vec_delete(&m);
    CHECK(!wasm_trap_origin(t));
    wasm_trap_delete(t);
    wasm_store_delete(other);
    wasm_store_delete(s);
    wasm_engine_delete(e);
}

TEST(capi_modules_across_stores_and_engines) {
    wasm_engine_t *e = capi_engine(), *e2 = capi_engine();
    wasm_store_t *s = wasm_store_new(e), *s2 = wasm_store_new(e2);
    wasm_module_t *m = capi_module(s, "(module (func (export \"f\") (result i32) (i32.const 9)))");
    CHECK(m != NULL);
    if (m) {
        wasm_shared_module_t *sh = wasm_module_share(m);
        wasm_module_delete(m);
        CHECK(!wasm_module_obtain(s2, sh)); /* another engine */
        wasm_module_t *m2 = wasm_module_obtain(s, sh);
        wasm_shared_module_delete(sh);
        CHECK(m2 != NULL);
        wasm_exporttype_vec_t ev;
        wasm_module_exports(m2, &ev);
        CHECK(ev.size == 1 && wasm_externtype_kind(wasm_exporttype_type(ev.data[0])) == WASM_EXTERN_FUNC);
        wasm_exporttype_vec_delete(&ev);
        wasm_module_delete(m2);
    }
    wasm_byte_vec_t junk = {3, "\0as"};
    CHECK(!wasm_module_validate(s, &junk) && !wasm_module_new(s, &junk));
    wasm_store_delete(s2);
    wasm_store_delete(s);
    wasm_engine_delete(e2);
    wasm_engine_delete(e);
}

static wasm_trap_t *nop_cb(const wasm_val_vec_t *args, wasm_val_vec_t *results) {
    (void)args;
    (void)results;
    return NULL;
}

/* What the attack review of the first version found (each failed then):
 * traps without frames parsed a backtrace never written (a trap at
 * instantiation after a trap in wasm code reported that code's frames, or
 * crashed); an empty trap message passed NULL to memcpy; another store's
 * foreign object was accepted; a v128 result came back as i32 0;
 * WASM_REF_VAL values (kind anyref) holding a function, or null, were
 * refused where a funcref goes; a NULL callback was accepted. */
TEST(capi_review_findings) {
    wasm_engine_t *e = capi_engine();
    wasm_store_t *s = wasm_store_new(e), *other = wasm_store_new(e);
    wasm_instance_t *i = capi_instance(s,
        "(module (table 1 funcref) (global $g (export \"g\") (mut externref) (ref.null extern))"
        " (func $div (export \"div\") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))"
        " (func (export \"v\") (result v128) (v128.const i64x2 1 2))"
        " (func (export \"call\") (param funcref) (result i32)"
        "  (table.set (i32.const 0) (local.get 0)) (call_indirect (param i32) (result i32) (i32.const 5) (i32.const 0))))",
        NULL, 0, NULL);
    CHECK(i != NULL);
    if (i) {
        wasm_extern_vec_t ex;
        wasm_instance_exports(i, &ex);
        wasm_val_t as[1] = {WASM_I32_VAL(0)}, rs[1];
        wasm_val_vec_t args = WASM_ARRAY_VEC(as), results = WASM_ARRAY_VEC(rs), none = WASM_EMPTY_VEC;
        wasm_trap_t *t = wasm_func_call(wasm_extern_as_func(ex.data[1]), &args, &results);
        wasm_frame_vec_t fr;
        wasm_trap_trace(t, &fr);
        CHECK(fr.size == 1 && wasm_frame_func_index(fr.data[0]) == 0);
        wasm_frame_vec_delete(&fr);
        wasm_trap_delete(t);
        /* now a trap with no wasm frame: a segment out of bounds at instantiation */
        t = NULL;
        wasm_instance_t *j = capi_instance(s, "(module (memory 1) (data (i32.const 65535) \"ab\"))", NULL, 0, &t);
        CHECK(!j && t);
        wasm_trap_trace(t, &fr);
        CHECK_EQ_INT(fr.size, 0);
        wasm_frame_vec_delete(&fr);
        CHECK(!wasm_trap_origin(t));
        wasm_trap_delete(t);
        /* an empty message */
        wasm_message_t empty;
        wasm_byte_vec_new_empty(&empty);
        t = wasm_trap_new(s, &empty);
        wasm_trap_t *tc = wasm_trap_copy(t);
        CHECK(wasm_trap_same(t, tc));
        wasm_trap_delete(tc);
        wasm_trap_delete(t);
        /* another store's foreign object */
        wasm_foreign_t *fo = wasm_foreign_new(other);
        wasm_val_t fv = WASM_REF_VAL(wasm_foreign_as_ref(fo)), gv;
        wasm_global_set(wasm_extern_as_global(ex.data[0]), &fv);
        wasm_global_get(wasm_extern_as_global(ex.data[0]), &gv);
        CHECK(gv.kind == WASM_ANYREF && gv.of.ref == NULL);
        wasm_foreign_delete(fo);
        /* v128 */
        CHECK(trap_says(wasm_func_call(wasm_extern_as_func(ex.data[2]), &none, &results), "v128"));
        wasm_functype_t *vt = wasm_func_type(wasm_extern_as_func(ex.data[2]));
        CHECK(wasm_valtype_kind(wasm_functype_results(vt)->data[0]) == WASM_V128);
        wasm_functype_delete(vt);
        /* a function as WASM_REF_VAL, and null */
        wasm_val_t fa[1] = {WASM_REF_VAL(wasm_func_as_ref(wasm_extern_as_func(ex.data[1])))};
        wasm_val_vec_t fargs = WASM_ARRAY_VEC(fa);
        CHECK(!wasm_func_call(wasm_extern_as_func(ex.data[3]), &fargs, &results) && rs[0].of.i32 == 0);
        fa[0] = (wasm_val_t)WASM_INIT_VAL;
        CHECK(trap_says(wasm_func_call(wasm_extern_as_func(ex.data[3]), &fargs, &results), "uninitialized element"));
        wasm_extern_vec_delete(&ex);
        wasm_instance_delete(i);
    }
    wasm_functype_t *ft = wasm_functype_new_0_0();
    CHECK(!wasm_func_new(s, ft, NULL));
    wasm_func_t *ok = wasm_func_new(s, ft, nop_cb);
    CHECK(ok != NULL);
    wasm_func_delete(ok);
    wasm_functype_delete(ft);
    wasm_store_delete(other);
    wasm_store_delete(s);
    wasm_engine_delete(e);
}
