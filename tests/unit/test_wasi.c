/*
 * test_wasi.c — unit tests of the WASI preview 1 implementation: import
 * resolution and signatures, proc_exit through a real module, args/environ
 * layout, errno mapping, bounds checks of every kind of guest pointer
 * (EFAULT, never a host crash), stdio redirection, the fd table, and the
 * sandboxed path resolver against a temporary directory.
 *
 * Most tests call the implementation functions directly with a fake guest
 * memory (a zw_wmem over a local buffer) so each pointer can be aimed
 * precisely; the module-level tests compile small WAT modules.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "text/text.h"
#include "wasi/wasi.h"

#define MEM_SIZE 4096

typedef struct {
    zwasm_engine_t *engine;
    zwasm_store_t *store;
    zwasm_wasi_t *wasi;
    uint8_t mem[MEM_SIZE];
    zw_wmem m;
    char dir[64]; /* a temporary directory preopened as "/sandbox" (fd 3) */
} fixture;

static bool fixture_init(fixture *f, int out_fd) {
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/zwasm-wasi-unit-XXXXXX");
    if (!mkdtemp(f->dir)) return false;
    f->engine = test_engine_new(NULL);
    f->store = zwasm_store_new(f->engine);
    zwasm_wasi_config_t *cfg = zwasm_wasi_config_new();
    const char *argv[] = {"prog", "a b", ""};
    zwasm_wasi_config_set_args(cfg, 3, argv);
    zwasm_wasi_config_add_env(cfg, "K", "v=1");
    zwasm_wasi_config_add_env(cfg, "K2", "x");
    zwasm_wasi_config_add_env(cfg, "K", "v=2"); /* replaces the first K */
    if (out_fd >= 0) zwasm_wasi_config_set_stdio(cfg, 0, out_fd, 2);
    zwasm_error_t err;
    bool ok = zwasm_wasi_config_preopen_dir(cfg, f->dir, "/sandbox", &err) == ZWASM_OK &&
              zwasm_wasi_new(f->store, cfg, &f->wasi, &err) == ZWASM_OK;
    zwasm_wasi_config_delete(cfg);
    f->m.base = f->mem;
    f->m.size = MEM_SIZE;
    return ok;
}

static void fixture_free(fixture *f) {
    zwasm_store_delete(f->store);
    zwasm_wasi_delete(f->wasi);
    zwasm_engine_delete(f->engine);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) fprintf(stderr, "  cannot remove %s\n", f->dir);
}

/* Put a string at guest address p; returns its length. */
static uint32_t put_str(fixture *f, uint32_t p, const char *s) {
    size_t n = strlen(s);
    memcpy(f->mem + p, s, n);
    return (uint32_t)n;
}

/* path_open(3, follow, path, oflags, rights) -> errno; fd at mem[0..4). */
static int open_path(fixture *f, const char *path, uint32_t follow, uint32_t oflags, uint64_t rights) {
    uint32_t n = put_str(f, 1024, path);
    uint64_t a[9] = {3, follow, 1024, n, oflags, rights, rights, 0, 0};
    return zw_wasi_path_open(f->wasi, &f->m, a);
}

/* The functions run with the context's lock held (the trampoline takes
 * it; poll_oneoff lets go of it while it sleeps). */
static int poll_locked(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    pthread_mutex_lock(&w->mu);
    int r = zw_wasi_poll_oneoff(w, m, a);
    pthread_mutex_unlock(&w->mu);
    return r;
}

TEST(wasi_errno_mapping) {
    CHECK_EQ_INT(zw_wasi_errno(0), 0);
    CHECK_EQ_INT(zw_wasi_errno(ENOENT), 44);
    CHECK_EQ_INT(zw_wasi_errno(EEXIST), 20);
    CHECK_EQ_INT(zw_wasi_errno(EBADF), 8);
    CHECK_EQ_INT(zw_wasi_errno(EFAULT), 21);
    CHECK_EQ_INT(zw_wasi_errno(ELOOP), 32);
    CHECK_EQ_INT(zw_wasi_errno(ENOTDIR), 54);
    CHECK_EQ_INT(zw_wasi_errno(EISDIR), 31);
    CHECK_EQ_INT(zw_wasi_errno(ENOTEMPTY), 55);
    CHECK_EQ_INT(zw_wasi_errno(EXDEV), 75);
    CHECK_EQ_INT(zw_wasi_errno(ENOTSOCK), 57);
    CHECK_EQ_INT(zw_wasi_errno(ESPIPE), 70);
    CHECK_EQ_INT(zw_wasi_errno(EAGAIN), 6);
    CHECK_EQ_INT(zw_wasi_errno(EPERM), 63);
}

TEST(wasi_lookup_types) {
    fixture f;
    CHECK(fixture_init(&f, -1));
    zwasm_extern_t ext, again;
    CHECK(zwasm_wasi_lookup(f.wasi, "fd_pread", 8, &ext));
    CHECK_EQ_INT(ext.kind, ZWASM_EXTERN_FUNC);
    zwasm_functype_t ft;
    zwasm_func_type(ext.of.func, &ft);
    CHECK_EQ_INT(ft.nparams, 5);
    CHECK_EQ_INT(ft.nresults, 1);
    if (ft.nparams == 5) {
        CHECK_EQ_INT(ft.params[3], ZWASM_I64);
        CHECK_EQ_INT(ft.params[4], ZWASM_I32);
    }
    /* the same function object every time */
    CHECK(zwasm_wasi_lookup(f.wasi, "fd_pread", 8, &again));
    CHECK(again.of.func == ext.of.func);
    CHECK(zwasm_wasi_lookup(f.wasi, "proc_exit", 9, &ext));
    zwasm_func_type(ext.of.func, &ft);
    CHECK_EQ_INT(ft.nresults, 0);
    CHECK(!zwasm_wasi_lookup(f.wasi, "fd_prea", 7, &ext));
    CHECK(!zwasm_wasi_lookup(f.wasi, "fd_pread2", 9, &ext));
    CHECK(!zwasm_wasi_exited(f.wasi, NULL));
    fixture_free(&f);
}

/* A module that exports its memory and re-exports a few WASI functions
 * through wrappers so they can be called with zwasm_func_call. */
static const char wat_mod[] =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"args_sizes_get\" (func $asg (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"args_get\" (func $ag (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"environ_get\" (func $eg (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $fw (param i32 i32 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (func (export \"asg\") (param i32 i32) (result i32) local.get 0 local.get 1 call $asg)\n"
    "  (func (export \"ag\") (param i32 i32) (result i32) local.get 0 local.get 1 call $ag)\n"
    "  (func (export \"eg\") (param i32 i32) (result i32) local.get 0 local.get 1 call $eg)\n"
    "  (func (export \"fw\") (param i32 i32 i32 i32) (result i32)\n"
    "    local.get 0 local.get 1 local.get 2 local.get 3 call $fw)\n"
    "  (func (export \"exit\") (param i32) local.get 0 call $exit)\n"
    "  (func (export \"load\") (param i32) (result i32) local.get 0 i32.load)\n"
    "  (func (export \"store8\") (param i32 i32) local.get 0 local.get 1 i32.store8)\n"
    "  (func (export \"store\") (param i32 i32) local.get 0 local.get 1 i32.store))\n";

typedef struct {
    fixture f;
    zwasm_module_t *module;
    zwasm_instance_t *inst;
} modfix;

static bool modfix_init(modfix *mf, int out_fd) {
    if (!fixture_init(&mf->f, out_fd)) return false;
    zw_buf bin = {0};
    zwasm_error_t err;
    if (zw_wat_compile(wat_mod, strlen(wat_mod), &bin, &err) != ZWASM_OK) return false;
    bool ok = zwasm_module_new(mf->f.engine, bin.data, bin.len, &mf->module, &err) == ZWASM_OK;
    zw_buf_free(&bin);
    if (!ok) return false;
    uint32_t n = zwasm_module_import_count(mf->module);
    zwasm_extern_t imports[8];
    bool resolved[8] = {0};
    if (zwasm_wasi_define_imports(mf->f.wasi, mf->module, imports, resolved, &err) != ZWASM_OK) return false;
    for (uint32_t i = 0; i < n; i++)
        if (!resolved[i]) return false;
    return zwasm_instance_new(mf->f.store, mf->module, imports, n, &mf->inst, &err) == ZWASM_OK;
}

static void modfix_free(modfix *mf) {
    zwasm_module_delete(mf->module);
    fixture_free(&mf->f);
}

static zwasm_result_t call(modfix *mf, const char *name, const int32_t *args, uint32_t nargs,
                           int32_t *result, zwasm_error_t *err) {
    zwasm_extern_t ext;
    if (!zwasm_instance_export(mf->inst, name, strlen(name), &ext)) return ZWASM_ERR_ARG;
    zwasm_val_t a[4], r[1];
    for (uint32_t i = 0; i < nargs; i++) {
        a[i].kind = ZWASM_I32;
        a[i].of.i32 = args[i];
    }
    zwasm_functype_t ft;
    zwasm_func_type(ext.of.func, &ft);
    zwasm_result_t rc = zwasm_func_call(mf->f.store, ext.of.func, a, nargs, r, ft.nresults, err);
    if (rc == ZWASM_OK && ft.nresults && result) *result = r[0].of.i32;
    return rc;
}

static int32_t load32(modfix *mf, int32_t addr) {
    int32_t v = -1;
    zwasm_error_t err;
    call(mf, "load", &addr, 1, &v, &err);
    return v;
}

TEST(wasi_module_args_and_bounds) {
    modfix mf;
    CHECK(modfix_init(&mf, -1));
    if (!mf.inst) return;
    zwasm_error_t err;
    int32_t r = -1;
    /* args: 3 entries, "prog\0a b\0\0" = 10 bytes */
    int32_t a1[] = {100, 104};
    CHECK_EQ_INT(call(&mf, "asg", a1, 2, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, 0);
    CHECK_EQ_INT(load32(&mf, 100), 3);
    CHECK_EQ_INT(load32(&mf, 104), 10);
    int32_t a2[] = {200, 300};
    CHECK_EQ_INT(call(&mf, "ag", a2, 2, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, 0);
    CHECK_EQ_INT(load32(&mf, 200), 300);
    CHECK_EQ_INT(load32(&mf, 204), 305);
    CHECK_EQ_INT(load32(&mf, 208), 309);
    CHECK_EQ_INT(load32(&mf, 300), 'p' | 'r' << 8 | 'o' << 16 | 'g' << 24);
    /* out-of-bounds result pointers: EFAULT, not a crash */
    int32_t a3[] = {65534, 0};
    CHECK_EQ_INT(call(&mf, "asg", a3, 2, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, ZW_E_FAULT);
    int32_t a4[] = {0, 65530}; /* strings would run past the end */
    CHECK_EQ_INT(call(&mf, "ag", a4, 2, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, ZW_E_FAULT);
    int32_t a5[] = {-4, 0};
    CHECK_EQ_INT(call(&mf, "eg", a5, 2, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, ZW_E_FAULT);
    /* environ: "K=v=2" replaced the first K */
    int32_t a6[] = {400, 500};
    CHECK_EQ_INT(call(&mf, "eg", a6, 2, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, 0);
    CHECK_EQ_INT(load32(&mf, 500), 'K' | '=' << 8 | 'v' << 16 | '=' << 24);
    CHECK_EQ_INT(load32(&mf, 404), 506);
    /* proc_exit: a trap of kind EXIT carrying the code */
    int32_t code = 7;
    memset(&err, 0, sizeof err);
    CHECK_EQ_INT(call(&mf, "exit", &code, 1, NULL, &err), ZWASM_ERR_TRAP);
    CHECK_EQ_INT(err.trap, ZWASM_TRAP_EXIT);
    CHECK_EQ_INT(err.exit_code, 7);
    int32_t got = -1;
    CHECK(zwasm_wasi_exited(mf.f.wasi, &got));
    CHECK_EQ_INT(got, 7);
    modfix_free(&mf);
}

TEST(wasi_fd_write_stdio_and_iovec_bounds) {
    int p[2];
    CHECK(pipe(p) == 0);
    modfix mf;
    CHECK(modfix_init(&mf, p[1]));
    close(p[1]);
    if (!mf.inst) return;
    zwasm_error_t err;
    int32_t r = -1;
    /* "hi!" at 1000, iovec {1000, 3} at 16 */
    const char *s = "hi!";
    for (int i = 0; i < 3; i++) {
        int32_t a[] = {1000 + i, s[i]};
        call(&mf, "store8", a, 2, NULL, &err);
    }
    int32_t iov[][2] = {{16, 1000}, {20, 3}};
    for (int i = 0; i < 2; i++) call(&mf, "store", iov[i], 2, NULL, &err);
    int32_t w1[] = {1, 16, 1, 32};
    CHECK_EQ_INT(call(&mf, "fw", w1, 4, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, 0);
    CHECK_EQ_INT(load32(&mf, 32), 3);
    char buf[8] = {0};
    CHECK_EQ_INT(read(p[0], buf, sizeof buf), 3);
    CHECK(memcmp(buf, "hi!", 3) == 0);
    /* iovec array out of bounds, buffer out of bounds, length overflow */
    int32_t w2[] = {1, 65532, 1, 32};
    CHECK_EQ_INT(call(&mf, "fw", w2, 4, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, ZW_E_FAULT);
    int32_t w3[] = {1, 16, 0x20000000, 32}; /* n * 8 wraps 32 bits */
    CHECK_EQ_INT(call(&mf, "fw", w3, 4, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, ZW_E_FAULT);
    int32_t big[] = {20, -1};
    call(&mf, "store", big, 2, NULL, &err);
    CHECK_EQ_INT(call(&mf, "fw", w1, 4, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, ZW_E_FAULT);
    int32_t w4[] = {1, 16, 1, 65535}; /* nwritten pointer */
    CHECK_EQ_INT(call(&mf, "fw", w4, 4, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, ZW_E_FAULT);
    int32_t w5[] = {99, 16, 1, 32}; /* not an fd */
    CHECK_EQ_INT(call(&mf, "fw", w5, 4, &r, &err), ZWASM_OK);
    CHECK_EQ_INT(r, ZW_E_BADF);
    close(p[0]);
    modfix_free(&mf);
}

TEST(wasi_define_imports_errors) {
    fixture f;
    CHECK(fixture_init(&f, -1));
    static const char *bad[] = {
        "(module (import \"wasi_snapshot_preview1\" \"no_such\" (func)))",
        "(module (import \"wasi_snapshot_preview1\" \"fd_write\" (func (param i32) (result i32))))",
        "(module (import \"wasi_snapshot_preview1\" \"proc_exit\" (func (param i32) (result i32))))",
        "(module (import \"wasi_snapshot_preview1\" \"memory\" (memory 1)))",
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(bad); i++) {
        zw_buf bin = {0};
        zwasm_error_t err;
        zwasm_module_t *m = NULL;
        CHECK_EQ_INT(zw_wat_compile(bad[i], strlen(bad[i]), &bin, &err), ZWASM_OK);
        CHECK_EQ_INT(zwasm_module_new(f.engine, bin.data, bin.len, &m, &err), ZWASM_OK);
        zwasm_extern_t imports[1];
        bool resolved[1] = {false};
        if (m) {
            CHECK_EQ_INT(zwasm_wasi_define_imports(f.wasi, m, imports, resolved, &err), ZWASM_ERR_LINK);
            CHECK(!resolved[0]);
            CHECK(strstr(err.message, "wasi_snapshot_preview1.") != NULL);
        }
        zwasm_module_delete(m);
        zw_buf_free(&bin);
    }
    /* other modules' imports are left alone */
    const char *other = "(module (import \"env\" \"f\" (func)))";
    zw_buf bin = {0};
    zwasm_error_t err;
    zwasm_module_t *m = NULL;
    zw_wat_compile(other, strlen(other), &bin, &err);
    CHECK_EQ_INT(zwasm_module_new(f.engine, bin.data, bin.len, &m, &err), ZWASM_OK);
    zwasm_extern_t imports[1];
    bool resolved[1] = {false};
    if (m) CHECK_EQ_INT(zwasm_wasi_define_imports(f.wasi, m, imports, resolved, &err), ZWASM_OK);
    CHECK(!resolved[0]);
    zwasm_module_delete(m);
    zw_buf_free(&bin);
    fixture_free(&f);
}

TEST(wasi_pointer_bounds_everywhere) {
    fixture f;
    CHECK(fixture_init(&f, -1));
    const uint32_t end = MEM_SIZE;
    /* each call aims one pointer just past the end of memory */
    CHECK_EQ_INT(zw_wasi_fd_fdstat_get(f.wasi, &f.m, (uint64_t[]){1, end - 23}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_fd_filestat_get(f.wasi, &f.m, (uint64_t[]){3, end - 63}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_fd_prestat_get(f.wasi, &f.m, (uint64_t[]){3, end - 7}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_fd_prestat_dir_name(f.wasi, &f.m, (uint64_t[]){3, end - 7, 8}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_fd_readdir(f.wasi, &f.m, (uint64_t[]){3, end - 10, 11, 0, 0}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_fd_readdir(f.wasi, &f.m, (uint64_t[]){3, 0, 64, 0, end - 3}), ZW_E_FAULT);
    CHECK_EQ_INT(poll_locked(f.wasi, &f.m, (uint64_t[]){0, 0, 0x7fffffff, 0}), ZW_E_FAULT);
    CHECK_EQ_INT(poll_locked(f.wasi, &f.m, (uint64_t[]){0, 0, 0, 0}), ZW_E_INVAL);
    CHECK_EQ_INT(zw_wasi_path_open(f.wasi, &f.m, (uint64_t[]){3, 0, end - 2, 3, 0, 0, 0, 0, 0}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_path_open(f.wasi, &f.m, (uint64_t[]){3, 0, 0, 1, 0, 0, 0, 0, end - 3}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_path_symlink(f.wasi, &f.m, (uint64_t[]){end, 1, 3, 0, 1}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_path_readlink(f.wasi, &f.m, (uint64_t[]){3, 0, 1, end - 4, 5, 0}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_path_filestat_get(f.wasi, &f.m, (uint64_t[]){3, 0, 0, 1, end - 63}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_path_rename(f.wasi, &f.m, (uint64_t[]){3, 0xfffffff0u, 32, 3, 0, 1}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_fd_pread(f.wasi, &f.m, (uint64_t[]){0, 0, 1, 0, end}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_fd_seek(f.wasi, &f.m, (uint64_t[]){3, 0, 0, end - 4}), ZW_E_NOTCAPABLE);
    /* no memory at all (a module without one) */
    zw_wmem none = {NULL, 0, NULL};
    CHECK_EQ_INT(zw_wasi_fd_fdstat_get(f.wasi, &none, (uint64_t[]){1, 0}), ZW_E_FAULT);
    fixture_free(&f);
}

TEST(wasi_sandbox_resolution) {
    fixture f;
    CHECK(fixture_init(&f, -1));
    char p[160];
    snprintf(p, sizeof p, "%s/d", f.dir);
    CHECK(mkdir(p, 0777) == 0);
    snprintf(p, sizeof p, "%s/d/file", f.dir);
    FILE *fp = fopen(p, "w");
    CHECK(fp != NULL);
    if (fp) fclose(fp);
    snprintf(p, sizeof p, "%s/d/up", f.dir);
    CHECK(symlink("..", p) == 0);
    snprintf(p, sizeof p, "%s/out", f.dir);
    CHECK(symlink("../..", p) == 0);
    snprintf(p, sizeof p, "%s/etc", f.dir);
    CHECK(symlink("/etc", p) == 0);
    snprintf(p, sizeof p, "%s/loop", f.dir);
    CHECK(symlink("loop", p) == 0);
    const uint64_t R = ZW_R_FD_READ;
    CHECK_EQ_INT(open_path(&f, "d/file", 0, 0, R), 0);
    CHECK_EQ_INT(open_path(&f, "d/../d/./file", 0, 0, R), 0);
    CHECK_EQ_INT(open_path(&f, "d/up/d/up/d/file", 0, 0, R), 0);
    CHECK_EQ_INT(open_path(&f, "d/up/..", 0, ZW_O_DIRECTORY, R), ZW_E_NOTCAPABLE);
    CHECK_EQ_INT(open_path(&f, "..", 0, ZW_O_DIRECTORY, R), ZW_E_NOTCAPABLE);
    CHECK_EQ_INT(open_path(&f, "/etc/passwd", 0, 0, R), ZW_E_NOTCAPABLE);
    CHECK_EQ_INT(open_path(&f, "etc/passwd", 0, 0, R), ZW_E_NOTCAPABLE);
    CHECK_EQ_INT(open_path(&f, "out/x", 0, 0, R), ZW_E_NOTCAPABLE);
    CHECK_EQ_INT(open_path(&f, "out", ZW_LOOKUP_FOLLOW, ZW_O_DIRECTORY, R), ZW_E_NOTCAPABLE);
    int e = open_path(&f, "out", 0, ZW_O_DIRECTORY, R); /* the link itself: not followed */
    CHECK(e == ZW_E_LOOP || e == ZW_E_NOTDIR);
    CHECK_EQ_INT(open_path(&f, "out", 0, 0, R), ZW_E_LOOP);
    CHECK_EQ_INT(open_path(&f, "loop", ZW_LOOKUP_FOLLOW, 0, R), ZW_E_LOOP);
    CHECK_EQ_INT(open_path(&f, "loop/x", 0, 0, R), ZW_E_LOOP);
    CHECK_EQ_INT(open_path(&f, "d/file/x", 0, 0, R), ZW_E_NOTDIR);
    CHECK_EQ_INT(open_path(&f, "d/missing", 0, 0, R), ZW_E_NOENT);
    CHECK_EQ_INT(open_path(&f, "", 0, 0, R), ZW_E_NOENT);
    CHECK_EQ_INT(open_path(&f, "d/\xff", 0, 0, R), ZW_E_ILSEQ);
    /* a NUL inside the path */
    memcpy(f.mem + 1024, "d\0file", 6);
    CHECK_EQ_INT(zw_wasi_path_open(f.wasi, &f.m, (uint64_t[]){3, 0, 1024, 6, 0, R, R, 0, 0}), ZW_E_ILSEQ);
    /* rights: a file opened read-only cannot be written */
    CHECK_EQ_INT(open_path(&f, "d/file", 0, 0, R), 0);
    uint32_t fd = zw_ld32(f.mem);
    CHECK_EQ_INT(zw_wasi_fd_write(f.wasi, &f.m, (uint64_t[]){fd, 0, 0, 8}), ZW_E_NOTCAPABLE);
    CHECK_EQ_INT(zw_wasi_fd_fdstat_set_rights(f.wasi, &f.m, (uint64_t[]){fd, ZW_R_FD_WRITE, 0}),
                 ZW_E_NOTCAPABLE);
    CHECK_EQ_INT(zw_wasi_fd_fdstat_set_rights(f.wasi, &f.m, (uint64_t[]){fd, 0, 0}), 0);
    CHECK_EQ_INT(zw_wasi_fd_read(f.wasi, &f.m, (uint64_t[]){fd, 0, 0, 8}), ZW_E_NOTCAPABLE);
    /* renumber onto the preopen, then the old number is gone */
    CHECK_EQ_INT(zw_wasi_fd_renumber(f.wasi, &f.m, (uint64_t[]){fd, 99}), ZW_E_BADF);
    CHECK_EQ_INT(zw_wasi_fd_close(f.wasi, &f.m, (uint64_t[]){fd}), 0);
    CHECK_EQ_INT(zw_wasi_fd_close(f.wasi, &f.m, (uint64_t[]){fd}), ZW_E_BADF);
    /* nothing was created outside */
    snprintf(p, sizeof p, "%s/../x", f.dir);
    CHECK(access(p, F_OK) != 0);
    fixture_free(&f);
}

TEST(wasi_sockets) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    zwasm_engine_t *engine = test_engine_new(NULL);
    zwasm_store_t *store = zwasm_store_new(engine);
    zwasm_wasi_config_t *cfg = zwasm_wasi_config_new();
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_wasi_config_add_socket(cfg, sv[0], &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_wasi_config_add_socket(cfg, 12345, &err), ZWASM_ERR_IO);
    zwasm_wasi_t *w = NULL;
    CHECK_EQ_INT(zwasm_wasi_new(store, cfg, &w, &err), ZWASM_OK);
    zwasm_wasi_config_delete(cfg);
    close(sv[0]);
    if (!w) return;
    uint8_t mem[256] = {0};
    zw_wmem m = {mem, sizeof mem, NULL};
    /* guest fd 3 is the socket: send "ping" (iovec at 0 -> 64) */
    memcpy(mem + 64, "ping", 4);
    zw_st32(mem, 64);
    zw_st32(mem + 4, 4);
    CHECK_EQ_INT(zw_wasi_sock_send(w, &m, (uint64_t[]){3, 0, 1, 0, 16}), 0);
    CHECK_EQ_INT(zw_ld32(mem + 16), 4);
    char buf[8] = {0};
    CHECK_EQ_INT(read(sv[1], buf, sizeof buf), 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    CHECK_EQ_INT(write(sv[1], "pong!", 5), 5);
    zw_st32(mem + 4, 8);
    CHECK_EQ_INT(zw_wasi_sock_recv(w, &m, (uint64_t[]){3, 0, 1, 0, 16, 20}), 0);
    CHECK_EQ_INT(zw_ld32(mem + 16), 5);
    CHECK(memcmp(mem + 64, "pong!", 5) == 0);
    CHECK_EQ_INT(zw_wasi_sock_recv(w, &m, (uint64_t[]){3, 0, 1, 0, 16, 255}), ZW_E_FAULT);
    CHECK_EQ_INT(zw_wasi_sock_shutdown(w, &m, (uint64_t[]){3, 0}), ZW_E_INVAL);
    CHECK_EQ_INT(zw_wasi_sock_shutdown(w, &m, (uint64_t[]){3, 2}), 0);
    /* not a socket / not an fd */
    CHECK_EQ_INT(zw_wasi_sock_shutdown(w, &m, (uint64_t[]){1, 3}), ZW_E_NOTSOCK);
    CHECK_EQ_INT(zw_wasi_sock_shutdown(w, &m, (uint64_t[]){77, 3}), ZW_E_BADF);
    CHECK_EQ_INT(zw_wasi_sock_accept(w, &m, (uint64_t[]){1, 0, 16}), ZW_E_NOTSOCK);
    /* fdstat reports a stream socket */
    CHECK_EQ_INT(zw_wasi_fd_fdstat_get(w, &m, (uint64_t[]){3, 32}), 0);
    CHECK_EQ_INT(mem[32], ZW_FT_SOCK_STREAM);
    close(sv[1]);
    zwasm_store_delete(store);
    zwasm_wasi_delete(w);
    zwasm_engine_delete(engine);
}

TEST(wasi_poll_clock_and_fds) {
    fixture f;
    CHECK(fixture_init(&f, -1));
    uint8_t *s = f.mem;
    memset(s, 0, 96);
    /* subscription 0: relative monotonic clock, 1 ms, userdata 11 */
    zw_st64(s, 11);
    s[8] = 0;
    zw_st32(s + 16, 1);
    zw_st64(s + 24, 1000000);
    CHECK_EQ_INT(poll_locked(f.wasi, &f.m, (uint64_t[]){0, 512, 1, 1000}), 0);
    CHECK_EQ_INT(zw_ld32(f.mem + 1000), 1);
    CHECK_EQ_INT(zw_ld64(f.mem + 512), 11);
    CHECK_EQ_INT(f.mem[512 + 10], 0);
    /* subscription 1: fd_write on a bad fd: an event with BADF at once */
    zw_st64(s + 48, 22);
    s[48 + 8] = 2;
    zw_st32(s + 48 + 16, 99);
    CHECK_EQ_INT(poll_locked(f.wasi, &f.m, (uint64_t[]){0, 512, 2, 1000}), 0);
    CHECK_EQ_INT(zw_ld32(f.mem + 1000), 1);
    CHECK_EQ_INT(zw_ld64(f.mem + 512), 22);
    CHECK_EQ_INT(zw_ld16(f.mem + 512 + 8), ZW_E_BADF);
    /* an unknown clock id */
    zw_st32(s + 16, 9);
    CHECK_EQ_INT(poll_locked(f.wasi, &f.m, (uint64_t[]){0, 512, 1, 1000}), 0);
    CHECK_EQ_INT(zw_ld16(f.mem + 512 + 8), ZW_E_INVAL);
    fixture_free(&f);
}

/* Random and boundary arguments to every fd_/path_/sock_ function against
 * a sandbox with closed stdio: whatever the guest passes, the host must not
 * crash or touch memory outside the guest's (run under ASan by make
 * test-asan).  fd_allocate is left out: it could really fill the disk;
 * poll_oneoff could sleep for a random time. */
TEST(wasi_random_arguments) {
    fixture f;
    memset(&f, 0, sizeof f);
    snprintf(f.dir, sizeof f.dir, "/tmp/zwasm-wasi-unit-XXXXXX");
    CHECK(mkdtemp(f.dir) != NULL);
    f.engine = test_engine_new(NULL);
    f.store = zwasm_store_new(f.engine);
    zwasm_wasi_config_t *cfg = zwasm_wasi_config_new();
    zwasm_wasi_config_set_stdio(cfg, -1, -1, -1);
    zwasm_error_t err;
    CHECK_EQ_INT(zwasm_wasi_config_preopen_dir(cfg, f.dir, "/", &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_wasi_new(f.store, cfg, &f.wasi, &err), ZWASM_OK);
    zwasm_wasi_config_delete(cfg);
    if (!f.wasi) return;
    f.m.base = f.mem;
    f.m.size = MEM_SIZE;
    static zw_wasi_impl *const fns[] = {
        zw_wasi_fd_advise, zw_wasi_fd_close, zw_wasi_fd_datasync, zw_wasi_fd_fdstat_get,
        zw_wasi_fd_fdstat_set_flags, zw_wasi_fd_fdstat_set_rights, zw_wasi_fd_filestat_get,
        zw_wasi_fd_filestat_set_size, zw_wasi_fd_filestat_set_times, zw_wasi_fd_pread,
        zw_wasi_fd_prestat_get, zw_wasi_fd_prestat_dir_name, zw_wasi_fd_pwrite, zw_wasi_fd_read,
        zw_wasi_fd_readdir, zw_wasi_fd_renumber, zw_wasi_fd_seek, zw_wasi_fd_sync, zw_wasi_fd_tell,
        zw_wasi_fd_write, zw_wasi_path_create_directory, zw_wasi_path_filestat_get,
        zw_wasi_path_filestat_set_times, zw_wasi_path_link, zw_wasi_path_open,
        zw_wasi_path_readlink, zw_wasi_path_remove_directory, zw_wasi_path_rename,
        zw_wasi_path_symlink, zw_wasi_path_unlink_file, zw_wasi_sock_accept, zw_wasi_sock_recv,
        zw_wasi_sock_send, zw_wasi_sock_shutdown,
    };
    static const uint64_t edge[] = {0, 1, 2, 3, 4, 5, 8, 24, 64, MEM_SIZE - 1, MEM_SIZE,
                                    MEM_SIZE + 1, 0x7fffffff, 0xffffffff, 0xfffffff8};
    uint64_t seed = 0x2545f4914f6cdd1dull;
    int calls = 0, ok = 0;
    for (int iter = 0; iter < 20000; iter++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t a[9];
        for (int i = 0; i < 9; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            uint64_t r = seed >> 17;
            switch (r % 20) {
            case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
                a[i] = (r >> 5) % 16; break; /* fds, short lengths, flags */
            case 8: case 9: case 10: case 11: case 12:
                a[i] = (r >> 5) % MEM_SIZE; break;
            case 13: case 14: case 15:
                a[i] = edge[(r >> 5) % ZW_ARRAY_LEN(edge)]; break;
            default: a[i] = seed; break;
            }
        }
        if ((seed >> 40) % 10 < 7) a[0] = 3; /* mostly the preopen */
        /* memory full of short names ("a", "b/..", ...) so paths resolve */
        if (iter % 64 == 0)
            for (int i = 0; i < MEM_SIZE; i++) f.mem[i] = (uint8_t)"ab./a"[(i * 7 + iter) % 5];
        zw_wasi_impl *fn = fns[(seed >> 33) % ZW_ARRAY_LEN(fns)];
        if (fn == zw_wasi_fd_close || fn == zw_wasi_fd_renumber) { /* keep the preopen */
            if (a[0] == 3) a[0] = 4;
            if (fn == zw_wasi_fd_renumber && a[1] == 3) a[1] = 5;
        }
        int e = fn(f.wasi, &f.m, a);
        CHECK(e >= 0 && e <= ZW_E_NOTCAPABLE);
        calls++;
        ok += e == 0;
    }
    CHECK_EQ_INT(calls, 20000);
    if (getenv("ZW_WASI_FUZZ_STATS")) fprintf(stderr, "  %d of %d calls succeeded\n", ok, calls);
    CHECK(ok > 500); /* the arguments are not all rejected up front */
    fixture_free(&f);
}

/* A closed stdio slot (-1) stays closed: the other streams keep their guest
 * fd numbers, and the preopen is still fd 3. */
TEST(wasi_closed_stdio_slots) {
    zwasm_engine_t *engine = test_engine_new(NULL);
    zwasm_store_t *store = zwasm_store_new(engine);
    zwasm_wasi_config_t *cfg = zwasm_wasi_config_new();
    zwasm_wasi_config_set_stdio(cfg, -1, 1, -1);
    zwasm_error_t err;
    zwasm_wasi_t *w = NULL;
    CHECK_EQ_INT(zwasm_wasi_config_preopen_dir(cfg, "/tmp", "/tmp", &err), ZWASM_OK);
    CHECK_EQ_INT(zwasm_wasi_new(store, cfg, &w, &err), ZWASM_OK);
    zwasm_wasi_config_delete(cfg);
    if (w) {
        uint8_t mem[64] = {0};
        zw_wmem m = {mem, sizeof mem, NULL};
        uint64_t a[2] = {0, 0};
        CHECK_EQ_INT(zw_wasi_fd_fdstat_get(w, &m, a), ZW_E_BADF);
        a[0] = 2;
        CHECK_EQ_INT(zw_wasi_fd_fdstat_get(w, &m, a), ZW_E_BADF);
        a[0] = 1;
        CHECK_EQ_INT(zw_wasi_fd_fdstat_get(w, &m, a), ZW_E_SUCCESS);
        CHECK_EQ_INT(zw_wasi_fd_prestat_get(w, &m, a), ZW_E_BADF);
        a[0] = 3;
        CHECK_EQ_INT(zw_wasi_fd_prestat_get(w, &m, a), ZW_E_SUCCESS);
        CHECK_EQ_INT(zw_ld32(mem + 4), 4); /* strlen("/tmp") */
    }
    zwasm_store_delete(store);
    zwasm_wasi_delete(w);
    zwasm_engine_delete(engine);
}

/* The public WASI calls refuse NULL handles instead of crashing. */
TEST(wasi_api_null_arguments) {
    zwasm_error_t err;
    zwasm_extern_t ext;
    zwasm_wasi_t *w = NULL;
    const char *argv[] = {"a", NULL};
    zwasm_wasi_config_t *cfg = zwasm_wasi_config_new();
    CHECK(!zwasm_wasi_config_set_args(NULL, 0, NULL));
    CHECK(!zwasm_wasi_config_set_args(cfg, 1, NULL));
    CHECK(!zwasm_wasi_config_set_args(cfg, 2, argv));
    CHECK(zwasm_wasi_config_set_args(cfg, 1, argv));
    CHECK(!zwasm_wasi_config_add_env(NULL, "K", "v"));
    CHECK(!zwasm_wasi_config_add_env(cfg, NULL, "v"));
    CHECK(!zwasm_wasi_config_add_env(cfg, "K", NULL));
    CHECK(!zwasm_wasi_config_inherit_env(NULL));
    zwasm_wasi_config_set_stdio(NULL, 0, 1, 2);
    CHECK_EQ_INT(zwasm_wasi_config_preopen_dir(NULL, "/tmp", "/tmp", &err), ZWASM_ERR_ARG);
    CHECK_EQ_INT(zwasm_wasi_config_preopen_dir(cfg, NULL, "/tmp", &err), ZWASM_ERR_ARG);
    CHECK_EQ_INT(zwasm_wasi_config_preopen_dir(cfg, "/tmp", NULL, &err), ZWASM_ERR_ARG);
    CHECK_EQ_INT(zwasm_wasi_config_add_socket(NULL, 0, &err), ZWASM_ERR_ARG);
    CHECK_EQ_INT(zwasm_wasi_new(NULL, cfg, &w, &err), ZWASM_ERR_ARG);
    CHECK(w == NULL);
    CHECK_EQ_INT(zwasm_wasi_new(NULL, cfg, NULL, &err), ZWASM_ERR_ARG);
    CHECK(!zwasm_wasi_lookup(NULL, "fd_read", 7, &ext));
    CHECK_EQ_INT(zwasm_wasi_define_imports(NULL, NULL, NULL, NULL, &err), ZWASM_ERR_ARG);
    CHECK(!zwasm_wasi_exited(NULL, NULL));
    zwasm_wasi_delete(NULL);
    zwasm_wasi_config_delete(cfg);
}
