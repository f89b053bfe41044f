/*
 * seed_corpus.c — writes fuzzer seeds from test inputs (used by
 * fuzz/seed_corpus.sh, which `make fuzz` runs; see there for how to run each
 * fuzzer with its corpus and dictionary).
 *
 *   seed_corpus MODULE_DIR WAT_DIR FILE...
 *
 * FILE.wast: every (module ...) form of the script — a command of its own or
 * inside assert_malformed, assert_invalid, assert_trap, ... — is encoded with
 * the text front end and its binary written to MODULE_DIR; that includes the
 * raw bytes of every (module binary ...), malformed ones too.  The form's
 * source text goes to WAT_DIR, and for (module quote ...) the quoted text as
 * well (whether or not it encodes).
 * FILE.wat: its text goes to WAT_DIR and its binary, when it compiles, to
 * MODULE_DIR.  FILE.wasm: copied to MODULE_DIR.
 *
 * A seed is named by a 64-bit FNV-1a hash of its bytes, so a seed present
 * twice is written once and rerunning adds nothing new; files the fuzzers
 * added to the folders are left alone.  Prints how many seeds it wrote
 * (duplicates included) and exits 1 only when a FILE cannot be read or a seed written
 * (a script or module that the text front end refuses is not an error).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

static const char *module_dir, *wat_dir;
static unsigned long nmodules, nwats;
static int status;

static void put(const char *dir, const char *ext, const void *data, size_t len, unsigned long *count) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) h = (h ^ ((const uint8_t *)data)[i]) * 0x100000001b3ull;
    char path[4096];
    snprintf(path, sizeof path, "%s/%016llx%s", dir, (unsigned long long)h, ext);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "seed_corpus: %s: %s\n", path, strerror(errno));
        status = 1;
        return;
    }
    (*count)++;
}

static bool read_file(const char *path, char **data, size_t *len) {
    FILE *f = fopen(path, "rb");
    zw_buf b = {0};
    char chunk[65536];
    size_t n;
    errno = 0;
    if (!f) goto fail;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) zw_buf_append(&b, chunk, n);
    if (ferror(f) || b.oom) {
        fclose(f);
        goto fail;
    }
    fclose(f);
    zw_buf_byte(&b, 0); /* so an empty file has a buffer too */
    *data = (char *)b.data;
    *len = b.len - 1;
    return true;
fail:
    fprintf(stderr, "seed_corpus: %s: %s\n", path, errno ? strerror(errno) : "read error");
    zw_buf_free(&b);
    status = 1;
    return false;
}

static bool is_atom(const zw_sx *x, const char *text) {
    return x && x->kind == ZW_SX_ATOM && strcmp(x->text, text) == 0;
}

static void module_form(const zw_sx *m) {
    zwasm_error_t err;
    zw_buf bin = {0};
    char *id = NULL;
    if (zw_wat_encode_module(m, &bin, &id, &err) == ZWASM_OK && !bin.oom)
        put(module_dir, ".wasm", bin.data, bin.len, &nmodules);
    zw_buf_free(&bin);
    free(id);
    put(wat_dir, ".wat", m->src, m->src_len, &nwats);
    /* (module $id? quote "..."*): the quoted text is a text seed too */
    uint32_t i = 1;
    if (i < m->nitems && m->items[i]->kind == ZW_SX_ATOM && m->items[i]->text[0] == '$') i++;
    if (i < m->nitems && is_atom(m->items[i], "quote")) {
        zw_buf q = {0};
        for (i++; i < m->nitems; i++) {
            if (m->items[i]->kind != ZW_SX_STRING) continue;
            zw_buf_append(&q, m->items[i]->text, m->items[i]->len);
            zw_buf_byte(&q, ' ');
        }
        if (!q.oom && q.len) put(wat_dir, ".wat", q.data, q.len, &nwats);
        zw_buf_free(&q);
    }
}

/* Every (module ...) form in x, at any depth (commands nest them one level
 * down; nothing inside a module is itself a module). */
static void walk(const zw_sx *x) {
    if (x->kind != ZW_SX_LIST) return;
    if (x->nitems && is_atom(x->items[0], "module")) {
        module_form(x);
        return;
    }
    for (uint32_t i = 0; i < x->nitems; i++) walk(x->items[i]);
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: seed_corpus MODULE_DIR WAT_DIR FILE...\n");
        return 2;
    }
    module_dir = argv[1];
    wat_dir = argv[2];
    for (int a = 3; a < argc; a++) {
        char *src;
        size_t len;
        if (!read_file(argv[a], &src, &len)) continue;
        if (ends_with(argv[a], ".wasm")) {
            put(module_dir, ".wasm", src, len, &nmodules);
        } else if (ends_with(argv[a], ".wat")) {
            zwasm_error_t err;
            zw_buf bin = {0};
            if (zw_wat_compile(src, len, &bin, &err) == ZWASM_OK && !bin.oom)
                put(module_dir, ".wasm", bin.data, bin.len, &nmodules);
            zw_buf_free(&bin);
            put(wat_dir, ".wat", src, len, &nwats);
        } else {
            zwasm_error_t err;
            zw_sx *top = zw_sx_parse(src, len, &err);
            if (top) {
                walk(top);
                zw_sx_free(top);
            } else {
                fprintf(stderr, "seed_corpus: %s: %s (skipped)\n", argv[a], err.message);
            }
        }
        free(src);
    }
    printf("seed_corpus: %d files: %lu module seeds, %lu text seeds written\n", argc - 3, nmodules, nwats);
    return status;
}
