/*
 * sexpr.c — the lexer and S-expression reader of the text format.
 *
 * Owns zw_sx_parse / zw_sx_free: tokens (keywords, $ids, numbers, reserved
 * words), string literals with their escapes, line comments, nested block
 * comments, annotations (skipped), and positions of every node.  The reader
 * is iterative (an explicit stack of open lists) and bounds the nesting depth
 * so hostile input cannot exhaust the C stack of later recursive passes.
 */
#include <stdio.h>

#include "text/text.h"

typedef struct sx_lex {
    const char *src, *p, *end;
    uint32_t line;
    const char *line_start;
    zwasm_error_t *err;
} sx_lex;

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
    uint8_t *buf = malloc((size_t)(q - l->p) + 1);
    if (!buf) {
        zw_err_set(l->err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        return false;
    }
    size_t n = 0;
    while (*l->p != '"') {
        unsigned char c = (unsigned char)*l->p;
        if (c < 0x20 || c == 0x7F) {
            free(buf);
            return lx_fail(l, l->p, "illegal control character in string");
        }
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
        free(buf);
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

/* After a token: the next character must separate it from the next token. */
static bool lx_separated(sx_lex *l) {
    if (l->p >= l->end) return true;
    char c = *l->p;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')') return true;
    if (c == ';' && l->p + 1 < l->end && l->p[1] == ';') return true;
    return lx_fail(l, l->p, "unknown operator (tokens must be separated)");
}

/* Skip an annotation "(@..." up to its balanced closing paren. */
static bool lx_annotation(sx_lex *l) {
    const char *start = l->p;
    uint64_t depth = 0;
    while (l->p < l->end) {
        if (!lx_skip(l)) return false;
        if (l->p >= l->end) break;
        char c = *l->p;
        if (c == '(') {
            depth++;
            l->p++;
        } else if (c == ')') {
            l->p++;
            if (--depth == 0) return true;
        } else if (c == '"') {
            zw_sx tmp;
            if (!lx_string(l, &tmp)) return false;
            free(tmp.text);
        } else {
            l->p++;
        }
    }
    return lx_fail(l, start, "unclosed annotation");
}

#define SX_MAX_DEPTH 1000

typedef ZW_VEC(zw_sx *) sx_vec;

static zw_sx *sx_new(sx_lex *l, zw_sx_kind kind, const char *at) {
    zw_sx *n = calloc(1, sizeof *n);
    if (!n) {
        zw_err_set(l->err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->line = l->line;
    n->col = lx_col(l, at);
    n->src = at;
    return n;
}

static bool sx_add(sx_lex *l, zw_sx *list, sx_vec *items, zw_sx *child) {
    (void)list;
    if (!ZW_VEC_PUSH(items, child)) {
        zw_sx_free(child);
        zw_err_set(l->err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        return false;
    }
    return true;
}

static void sx_close(zw_sx *list, sx_vec *items) {
    list->items = items->v;
    list->nitems = items->n;
    items->v = NULL;
    items->n = items->cap = 0;
}

zw_sx *zw_sx_parse(const char *src, size_t len, zwasm_error_t *err) {
    sx_lex l = {src, src, src + len, 1, src, err};
    zw_sx *stack_nodes[SX_MAX_DEPTH + 1];
    sx_vec stack_items[SX_MAX_DEPTH + 1];
    uint32_t depth = 0;
    zw_sx *root = sx_new(&l, ZW_SX_LIST, src);
    if (!root) return NULL;
    stack_nodes[0] = root;
    memset(&stack_items[0], 0, sizeof stack_items[0]);
    for (;;) {
        if (!lx_skip(&l)) goto fail;
        if (l.p >= l.end) break;
        char c = *l.p;
        if (c == '(') {
            if (l.p + 1 < l.end && l.p[1] == '@') {
                if (!lx_annotation(&l)) goto fail;
                continue;
            }
            if (depth >= SX_MAX_DEPTH) {
                lx_fail(&l, l.p, "nesting too deep");
                goto fail;
            }
            zw_sx *n = sx_new(&l, ZW_SX_LIST, l.p);
            if (!n) goto fail;
            if (!sx_add(&l, stack_nodes[depth], &stack_items[depth], n)) goto fail;
            depth++;
            stack_nodes[depth] = n;
            memset(&stack_items[depth], 0, sizeof stack_items[depth]);
            l.p++;
        } else if (c == ')') {
            if (depth == 0) {
                lx_fail(&l, l.p, "unexpected )");
                goto fail;
            }
            l.p++;
            zw_sx *n = stack_nodes[depth];
            n->src_len = (size_t)(l.p - n->src);
            sx_close(n, &stack_items[depth]);
            depth--;
        } else if (c == '"') {
            zw_sx *n = sx_new(&l, ZW_SX_STRING, l.p);
            if (!n) goto fail;
            if (!lx_string(&l, n)) {
                free(n);
                goto fail;
            }
            if (!sx_add(&l, stack_nodes[depth], &stack_items[depth], n)) goto fail;
            if (!lx_separated(&l)) goto fail;
        } else if (zw_sx_idchar((unsigned char)c)) {
            const char *s = l.p;
            while (l.p < l.end && zw_sx_idchar((unsigned char)*l.p)) l.p++;
            zw_sx *n = sx_new(&l, ZW_SX_ATOM, s);
            if (!n) goto fail;
            n->len = (size_t)(l.p - s);
            n->src_len = n->len;
            n->text = malloc(n->len + 1);
            if (!n->text) {
                free(n);
                zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
                goto fail;
            }
            memcpy(n->text, s, n->len);
            n->text[n->len] = 0;
            if (!sx_add(&l, stack_nodes[depth], &stack_items[depth], n)) goto fail;
            if (!lx_separated(&l)) goto fail;
        } else {
            lx_fail(&l, l.p, "unexpected character");
            goto fail;
        }
    }
    if (depth != 0) {
        zw_sx *n = stack_nodes[depth];
        zw_err_set(err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                   "%u:%u: unclosed (", n->line, n->col);
        goto fail;
    }
    root->src_len = len;
    sx_close(root, &stack_items[0]);
    return root;
fail:
    /* Attach the pending item arrays to their lists, then free the tree. */
    for (uint32_t d = depth + 1; d-- > 0;) sx_close(stack_nodes[d], &stack_items[d]);
    zw_sx_free(root);
    return NULL;
}

void zw_sx_free(zw_sx *sx) {
    if (!sx) return;
    /* Depth is bounded by SX_MAX_DEPTH, so recursion is safe. */
    if (sx->kind == ZW_SX_LIST) {
        for (uint32_t i = 0; i < sx->nitems; i++) zw_sx_free(sx->items[i]);
        free(sx->items);
    } else {
        free(sx->text);
    }
    free(sx);
}
