/* reflect.c — a module's imports and exports with their types. */
#include <stdio.h>

#include "example.h"

static const char *kind_name(wasm_valkind_t k) {
    switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_ANYREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    }
    return "?";
}

static void print_valtypes(const wasm_valtype_vec_t *v) {
    printf("(");
    for (size_t i = 0; i < v->size; i++) printf("%s%s", i ? " " : "", kind_name(wasm_valtype_kind(v->data[i])));
    printf(")");
}

static void print_limits(const wasm_limits_t *l) {
    printf("%u", l->min);
    if (l->max != wasm_limits_max_default) printf("..%u", l->max);
}

static void print_externtype(const wasm_externtype_t *t) {
    switch (wasm_externtype_kind(t)) {
    case WASM_EXTERN_FUNC: {
        const wasm_functype_t *f = wasm_externtype_as_functype_const(t);
        printf("func ");
        print_valtypes(wasm_functype_params(f));
        printf(" -> ");
        print_valtypes(wasm_functype_results(f));
        break;
    }
    case WASM_EXTERN_GLOBAL: {
        const wasm_globaltype_t *g = wasm_externtype_as_globaltype_const(t);
        printf("global %s %s", wasm_globaltype_mutability(g) == WASM_VAR ? "var" : "const",
               kind_name(wasm_valtype_kind(wasm_globaltype_content(g))));
        break;
    }
    case WASM_EXTERN_TABLE: {
        const wasm_tabletype_t *tt = wasm_externtype_as_tabletype_const(t);
        printf("table ");
        print_limits(wasm_tabletype_limits(tt));
        printf(" %s", kind_name(wasm_valtype_kind(wasm_tabletype_element(tt))));
        break;
    }
    case WASM_EXTERN_MEMORY:
        printf("memory ");
        print_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(t)));
        break;
    }
}

int main(void) {
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = wasm_store_new(engine);
    wasm_byte_vec_t binary;
    if (!example_load("reflect.wat", &binary)) return 1;
    wasm_module_t *module = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    if (!module) return 1;

    wasm_importtype_vec_t imports;
    wasm_module_imports(module, &imports);
    for (size_t i = 0; i < imports.size; i++) {
        const wasm_name_t *m = wasm_importtype_module(imports.data[i]), *n = wasm_importtype_name(imports.data[i]);
        printf("import %.*s.%.*s: ", (int)m->size, m->data, (int)n->size, n->data);
        print_externtype(wasm_importtype_type(imports.data[i]));
        printf("\n");
    }
    wasm_importtype_vec_delete(&imports);

    wasm_exporttype_vec_t exports;
    wasm_module_exports(module, &exports);
    for (size_t i = 0; i < exports.size; i++) {
        const wasm_name_t *n = wasm_exporttype_name(exports.data[i]);
        printf("export %.*s: ", (int)n->size, n->data);
        print_externtype(wasm_exporttype_type(exports.data[i]));
        printf("\n");
    }
    /* a copy is deep: it outlives the original */
    wasm_exporttype_vec_t copy;
    wasm_exporttype_vec_copy(&copy, &exports);
    wasm_exporttype_vec_delete(&exports);
    printf("a copy of the exports has %zu entries, the first %.*s\n", copy.size,
           (int)wasm_exporttype_name(copy.data[0])->size, wasm_exporttype_name(copy.data[0])->data);
    wasm_exporttype_vec_delete(&copy);

    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
    return 0;
}
