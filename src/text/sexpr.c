/*
 * sexpr.c — the lexer and S-expression reader of the text format.
 *
 * Owns zw_sx_parse / zw_sx_free: tokens (keywords, $ids, numbers, reserved
 * words), string literals with their escapes, line comments, nested block
 * comments, annotations (skipped), and positions of every node.
 *
 * Nothing here recurses: the reader keeps the children of every open list on
 * one explicit stack (closing a list moves its children into an exact-size
 * array), and a tree lives in one arena, so zw_sx_free releases it without
 * walking it.  Nesting is bounded by ZW_SX_MAX_DEPTH (text.h).
 */
#include <stdio.h>

#include "text/text.h"

/* ---- the arena of a tree ------------------------------------------------------------- */
/* Nodes, item arrays and token texts of one tree are carved from chunks that
 * are freed together.  The root node comes first in the tree's header, so
 * zw_sx_free(root) finds the chunks. */
typedef struct sx_chunk {
    struct sx_chunk *next;
    size_t used, cap;
    max_align_t data[];
} sx_chunk;

typedef struct sx_tree {
    zw_sx root; /* first: (sx_tree *)root */
    sx_chunk *chunks; /* the current chunk first */
    size_t next_cap;
} sx_tree;

#define SX_CHUNK_MIN ((size_t)16 << 10)
#define SX_CHUNK_MAX ((size_t)1 << 20)

static void *sx_alloc(sx_tree *t, size_t size) {
    const size_t align = _Alignof(zw_sx); /* pointers and size_t; texts need less */
    if (size > SIZE_MAX - sizeof(sx_chunk) - align) return NULL;
    size = (size + align - 1) & ~(align - 1);
    sx_chunk *c = t->chunks;
    if (c && c->cap - c->used >= size) {
        void *p = (char *)c->data + c->used;
        c->used += size;
        return p;
    }
    bool own = size > t->next_cap / 4; /* big: a chunk of its own, the current one stays */
    size_t cap = own ? size : t->next_cap;
    sx_chunk *n = malloc(sizeof *n + cap);
    if (!n) return NULL;
    n->cap = cap;
    n->used = size;
    if (own && c) {
        n->next = c->next;
        c->next = n;
    } else {
        n->next = c;
        t->chunks = n;
        if (t->next_cap < SX_CHUNK_MAX) t->next_cap *= 2;
    }
    return n->data;
}

static void sx_tree_free(sx_tree *t) {
    for (sx_chunk *c = t->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(t);
}

/* ---- lexer -------------------------------------------------------------------------- */
typedef struct sx_lex {
    const char *src, *p, *end;
    uint32_t line;
    const char *line_start;
    zwasm_error_t *err;
    sx_tree *tree;
} sx_lex;

static bool lx_nomem(sx_lex *l) {
    zw_err_set(l->err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    return false;
}

static uint32_t lx_col(const sx_lex *l, const char *at) {
    /* Columns count bytes; good enough for error messages. */
    return (uint32_t)(at - l->line_start) + 1;
}

static bool lx_fail(sx_lex *l, const char *at, const char *msg) {
    zw_err_set(l->err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%u:%u: %s",
               l->line, lx_col(l, at), msg);
    return false;
}

static void lx_newline(sx_lex *l, const char *after) {
    l->line++;
    l->line_start = after;
}

bool zw_sx_idchar(unsigned char c) {
    if (c <= 0x20 || c >= 0x7F) return false;
    switch (c) {
    case '"': case ',': case ';': case '[': case ']': case '{': case '}': case '(': case ')':
        return false;
    }
    return true;
}

/* Skip a block comment starting at l->p == "(;".  Nested. */
static bool lx_block_comment(sx_lex *l) {
    const char *start = l->p;
    uint32_t depth = 0;
    while (l->p < l->end) {
        if (l->p + 1 < l->end && l->p[0] == '(' && l->p[1] == ';') {
            depth++;
            l->p += 2;
        } else if (l->p + 1 < l->end && l->p[0] == ';' && l->p[1] == ')') {
            l->p += 2;
            if (--depth == 0) return true;
        } else {
            if (*l->p == '\n') lx_newline(l, l->p + 1);
            l->p++;
        }
    }
    l->p = start;
    return lx_fail(l, start, "unclosed comment");
}

/* Skip whitespace and comments. */
static bool lx_skip(sx_lex *l) {
    while (l->p < l->end) {
        char c = *l->p;
        if (c == ' ' || c == '\t' || c == '\r') {
            l->p++;
        } else if (c == '\n') {
            l->p++;
            lx_newline(l, l->p);
        } else if (c == ';' && l->p + 1 < l->end && l->p[1] == ';') {
            while (l->p < l->end && *l->p != '\n' && *l->p != '\r') l->p++;
        } else if (c == '(' && l->p + 1 < l->end && l->p[1] == ';') {
            if (!lx_block_comment(l)) return false;
        } else {
            break;
        }
    }
    return true;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static size_t utf8_put(uint8_t *o, uint32_t cp) {
    if (cp < 0x80) { o[0] = (uint8_t)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (uint8_t)(0xC0 | (cp >> 6));
        o[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (uint8_t)(0xE0 | (cp >> 12));
        o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (uint8_t)(0xF0 | (cp >> 18));
    o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* Lex a string literal at l->p == '"' into node. */
static bool lx_string(sx_lex *l, zw_sx *node) {
    const char *start = l->p++;
    /* First find the closing quote to size the buffer. */
    const char *q = l->p;
    while (q < l->end && *q != '"') {
        if (*q == '\\' && q + 1 < l->end) q++;
        if (*q == '\n') return lx_fail(l, q, "unclosed string");
        q++;
    }
    if (q >= l->end) return lx_fail(l, start, "unclosed string");
    uint8_t *buf = sx_alloc(l->tree, (size_t)(q - l->p) + 1);
    if (!buf) return lx_nomem(l);
    size_t n = 0;
    while (*l->p != '"') {
        unsigned char c = (unsigned char)*l->p;
        if (c < 0x20 || c == 0x7F) return lx_fail(l, l->p, "illegal control character in string");
        if (c != '\\') {
            buf[n++] = c;
            l->p++;
            continue;
        }
        const char *esc = l->p++;
        char e = *l->p++;
        switch (e) {
        case 't': buf[n++] = '\t'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case '"': buf[n++] = '"'; break;
        case '\'': buf[n++] = '\''; break;
        case '\\': buf[n++] = '\\'; break;
        case 'u': {
            if (*l->p != '{') goto bad_escape;
            l->p++;
            uint32_t cp = 0;
            int digits = 0;
            bool last_us = true;
            while (*l->p != '}' && *l->p != '"') {
                int h = hexval((unsigned char)*l->p);
                if (*l->p == '_' && !last_us) {
                    last_us = true;
                    l->p++;
                    continue;
                }
                if (h < 0) goto bad_escape;
                last_us = false;
                if (cp > 0x10FFFF) goto bad_escape;
                cp = cp * 16 + (uint32_t)h;
                digits++;
                l->p++;
            }
            if (*l->p != '}' || !digits || last_us) goto bad_escape;
            l->p++;
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) goto bad_escape;
            n += utf8_put(buf + n, cp);
            break;
        }
        default: {
            int h1 = hexval((unsigned char)e), h2 = hexval((unsigned char)*l->p);
            if (h1 < 0 || h2 < 0) goto bad_escape;
            l->p++;
            buf[n++] = (uint8_t)(h1 * 16 + h2);
            break;
        }
        }
        continue;
    bad_escape:
        return lx_fail(l, esc, "malformed escape in string");
    }
    l->p++; /* closing quote */
    buf[n] = 0;
    node->kind = ZW_SX_STRING;
    node->text = (char *)buf;
    node->len = n;
    node->src = start;
    node->src_len = (size_t)(l->p - start);
    return true;
}

/* An identifier written $"name" at l->p: an ATOM "$name" (the same as $name
 * when name is made of identifier characters); name is not empty and UTF-8. */
static bool lx_string_id(sx_lex *l, zw_sx *node) {
    const char *start = l->p++;
    zw_sx str;
    if (!lx_string(l, &str)) return false;
    if (!str.len) return lx_fail(l, start, "empty identifier");
    if (!zw_utf8_valid((const uint8_t *)str.text, str.len)) return lx_fail(l, start, "malformed UTF-8 encoding");
    char *text = sx_alloc(l->tree, str.len + 2);
    if (!text) return lx_nomem(l);
    text[0] = '$';
    memcpy(text + 1, str.text, str.len + 1);
    node->kind = ZW_SX_ATOM;
    node->text = text;
    node->len = str.len + 1;
    node->src_len = (size_t)(l->p - start);
    return true;
}

/* After a token: the next character must separate it from the next token. */
static bool lx_separated(sx_lex *l) {
    if (l->p >= l->end) return true;
    char c = *l->p;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')') return true;
    if (c == ';' && l->p + 1 < l->end && l->p[1] == ';') return true;
    return lx_fail(l, l->p, "unknown operator (tokens must be separated)");
}

/* The length of the UTF-8 sequence at p (before end), 0 if it is malformed. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end) {
    size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
    if (!n || (size_t)(end - p) < n) return 0;
    return zw_utf8_valid(p, n) ? n : 0;
}

/* An annotation's id right after "(@": identifier characters, or a string
 * that is not empty and is UTF-8. */
static bool lx_annotation_id(sx_lex *l, const char *start) {
    if (l->p < l->end && *l->p == '"') {
        zw_sx id;
        if (!lx_string(l, &id)) return false;
        if (!id.len) return lx_fail(l, start, "empty annotation id");
        if (!zw_utf8_valid((const uint8_t *)id.text, id.len)) return lx_fail(l, start, "malformed UTF-8 encoding");
        return true;
    }
    const char *s = l->p;
    while (l->p < l->end && zw_sx_idchar((unsigned char)*l->p)) l->p++;
    return l->p > s || lx_fail(l, start, "empty annotation id");
}

/* Skip an annotation "(@id ...)" up to its balanced closing paren.  Its
 * contents are tokens of any kind, not necessarily separated, and nested
 * lists; control characters and other characters beyond ASCII are illegal
 * outside strings, as everywhere. */
static bool lx_annotation(sx_lex *l) {
    const char *start = l->p;
    l->p += 2; /* "(@" */
    if (!lx_annotation_id(l, start)) return false;
    uint64_t depth = 1;
    for (;;) {
        if (!lx_skip(l)) return false;
        if (l->p >= l->end) break;
        unsigned char c = (unsigned char)*l->p;
        if (c == '(') { /* a list, or what would be an annotation elsewhere */
            l->p++;
            depth++;
        } else if (c == ')') {
            l->p++;
            if (--depth == 0) return true;
        } else if (c == '"') {
            zw_sx tmp;
            if (!lx_string(l, &tmp)) return false;
        } else if (c >= 0x80) {
            if (!utf8_len((const unsigned char *)l->p, (const unsigned char *)l->end))
                return lx_fail(l, l->p, "malformed UTF-8 encoding");
            return lx_fail(l, l->p, "illegal character");
        } else if (c < 0x20 || c == 0x7F) {
            return lx_fail(l, l->p, "illegal character");
        } else {
            l->p++;
        }
    }
    return lx_fail(l, start, "unclosed annotation");
}

/* ---- reader ------------------------------------------------------------------------ */
static zw_sx *sx_node(sx_lex *l, zw_sx_kind kind, const char *at) {
    zw_sx *n = sx_alloc(l->tree, sizeof *n);
    if (!n) {
        lx_nomem(l);
        return NULL;
    }
    *n = (zw_sx){.kind = kind, .line = l->line, .col = lx_col(l, at), .src = at};
    return n;
}

typedef ZW_VEC(zw_sx *) sx_vec;

/* Close list: its children are items[start..) of the stack of open lists'
 * children; they move to an exact-size array in the arena. */
static bool sx_close(sx_lex *l, zw_sx *list, sx_vec *items, uint32_t start) {
    uint32_t n = items->n - start;
    if (n) {
        list->items = sx_alloc(l->tree, (size_t)n * sizeof *list->items);
        if (!list->items) return lx_nomem(l);
        memcpy(list->items, items->v + start, (size_t)n * sizeof *list->items);
    }
    list->nitems = n;
    items->n = start;
    return true;
}

zw_sx *zw_sx_parse(const char *src, size_t len, zwasm_error_t *err) {
    sx_lex l = {src, src, src + len, 1, src, err, NULL};
    sx_tree *t = calloc(1, sizeof *t);
    if (!t) {
        lx_nomem(&l);
        return NULL;
    }
    t->next_cap = SX_CHUNK_MIN;
    l.tree = t;
    zw_sx *root = &t->root;
    *root = (zw_sx){.kind = ZW_SX_LIST, .line = 1, .col = 1, .src = src};
    /* items: the children read so far of every open list, outermost first.
     * open: per open list below the root, the index in items where its
     * children start (the list itself is the item just before). */
    sx_vec items = {0};
    ZW_VEC(uint32_t) open = {0};
    for (;;) {
        if (!lx_skip(&l)) goto fail;
        if (l.p >= l.end) break;
        char c = *l.p;
        zw_sx *n;
        if (c == '(') {
            if (l.p + 1 < l.end && l.p[1] == '@') {
                if (!lx_annotation(&l)) goto fail;
                continue;
            }
            if (open.n >= ZW_SX_MAX_DEPTH) {
                zw_err_set(err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                           "%u:%u: nesting too deep (more than %u levels)", l.line, lx_col(&l, l.p),
                           (unsigned)ZW_SX_MAX_DEPTH);
                goto fail;
            }
            if (!(n = sx_node(&l, ZW_SX_LIST, l.p))) goto fail;
            if (!ZW_VEC_PUSH(NULL, &items, n) || !ZW_VEC_PUSH(NULL, &open, items.n)) goto nomem;
            l.p++;
        } else if (c == ')') {
            if (!open.n) {
                lx_fail(&l, l.p, "unexpected )");
                goto fail;
            }
            l.p++;
            uint32_t start = open.v[--open.n];
            n = items.v[start - 1];
            n->src_len = (size_t)(l.p - n->src);
            if (!sx_close(&l, n, &items, start)) goto fail;
        } else if (c == '"') {
            if (!(n = sx_node(&l, ZW_SX_STRING, l.p))) goto fail;
            if (!lx_string(&l, n)) goto fail;
            if (!ZW_VEC_PUSH(NULL, &items, n)) goto nomem;
            if (!lx_separated(&l)) goto fail;
        } else if (c == '$' && l.p + 1 < l.end && l.p[1] == '"') {
            if (!(n = sx_node(&l, ZW_SX_ATOM, l.p)) || !lx_string_id(&l, n)) goto fail;
            if (!ZW_VEC_PUSH(NULL, &items, n)) goto nomem;
            if (!lx_separated(&l)) goto fail;
        } else if (zw_sx_idchar((unsigned char)c)) {
            const char *s = l.p;
            while (l.p < l.end && zw_sx_idchar((unsigned char)*l.p)) l.p++;
            if (l.p - s == 1 && c == '$') {
                lx_fail(&l, s, "empty identifier");
                goto fail;
            }
            if (!(n = sx_node(&l, ZW_SX_ATOM, s))) goto fail;
            n->len = n->src_len = (size_t)(l.p - s);
            if (!(n->text = sx_alloc(t, n->len + 1))) goto nomem;
            memcpy(n->text, s, n->len);
            n->text[n->len] = 0;
            if (!ZW_VEC_PUSH(NULL, &items, n)) goto nomem;
            if (!lx_separated(&l)) goto fail;
        } else {
            lx_fail(&l, l.p, "unexpected character");
            goto fail;
        }
    }
    if (open.n) {
        const zw_sx *n = items.v[open.v[open.n - 1] - 1];
        zw_err_set(err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                   "%u:%u: unclosed (", n->line, n->col);
        goto fail;
    }
    root->src_len = len;
    if (!sx_close(&l, root, &items, 0)) goto fail;
    ZW_VEC_FREE(NULL, &items);
    ZW_VEC_FREE(NULL, &open);
    return root;
nomem:
    lx_nomem(&l);
fail:
    ZW_VEC_FREE(NULL, &items);
    ZW_VEC_FREE(NULL, &open);
    sx_tree_free(t);
    return NULL;
}

void zw_sx_free(zw_sx *sx) {
    /* One arena per tree: no walk over the nodes. */
    if (sx) sx_tree_free((sx_tree *)sx);
}
