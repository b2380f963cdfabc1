/*
** gmh.c: helpers shared by the C drivers. See gmh.h for the contracts, in particular the order
** that the records are parsed by the library's JSON codec on plain malloc (value.h's seam).
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gmh.h"
#include "gmh_cache.h"
#include "jsoncodec.h"

static const char *gmh_prog = "driver";

void gmh_die(int code, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "%s: ", gmh_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

/* ================================================================ self-checks */

static bool gmh_wrong;

void gmh_check_u(const char *op, uint64_t got, uint64_t want)
{
    if (got == want) return;
    gmh_wrong = true;
    fprintf(stderr, "%s: wrong answer: %s checksum %" PRIu64 ", the records give %" PRIu64 "\n",
            gmh_prog, op, got, want);
}

static void gmh_sum_text(const gmh_sum *s, char *buf, size_t n)
{
    if (!s->has_double) snprintf(buf, n, "%" PRId64, s->isum);
    else snprintf(buf, n, "%.6f", (double)s->isum + s->dsum);
}

void gmh_check_sum(const char *op, const gmh_sum *got, const gmh_sum *want)
{
    char g[64], w[64];
    gmh_sum_text(got, g, sizeof g);
    gmh_sum_text(want, w, sizeof w);
    if (strcmp(g, w) == 0) return;           /* equal as printed: what every system is held to */
    gmh_wrong = true;
    fprintf(stderr, "%s: wrong answer: %s checksum %s, the records give %s\n", gmh_prog, op, g, w);
}

int gmh_exit_status(int status) { return status == 0 && gmh_wrong ? GMH_EXIT_WRONG : status; }

/* ================================================================ command line */

int gmh_parse_args(int argc, char **argv, gmh_args *a)
{
    const char *slash = argc > 0 ? strrchr(argv[0], '/') : NULL;
    if (argc > 0) gmh_prog = slash ? slash + 1 : argv[0];
    memset(a, 0, sizeof *a);
    const char *reps = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = NULL;
        const char *eq = strchr(arg, '=');
        size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
        if (eq) val = eq + 1;
        else if (i + 1 < argc) val = argv[++i];
        const char **dst = NULL;
        if (nlen == 10 && strncmp(arg, "--scenario", nlen) == 0) dst = &a->scenario;
        else if (nlen == 6 && strncmp(arg, "--plan", nlen) == 0) dst = &a->plan;
        else if (nlen == 8 && strncmp(arg, "--system", nlen) == 0) dst = &a->system;
        else if (nlen == 6 && strncmp(arg, "--reps", nlen) == 0) dst = &reps;
        if (dst == NULL || val == NULL) {
            fprintf(stderr, "%s: %s '%s'\n", gmh_prog,
                    dst == NULL ? "unknown argument" : "missing value for", arg);
            goto usage;
        }
        *dst = val;
    }
    if (!a->scenario || !a->plan || !a->system || !reps) goto usage;
    char *end;
    errno = 0;
    long n = strtol(reps, &end, 10);
    if (errno || *end || end == reps || n < 1 || n > 1000000) {
        fprintf(stderr, "%s: --reps must be a positive integer, got '%s'\n", gmh_prog, reps);
        goto usage;
    }
    a->reps = (int)n;
    return 0;
usage:
    fprintf(stderr, "usage: %s --scenario DIR --plan PLAN.json --system NAME --reps N\n", gmh_prog);
    return -1;
}

/* ================================================================ values */

/* Values, JSON and predicates are the library's own code (impl/src/value.c, jsoncodec.c) on
** plain malloc through its allocator seam (value.h): no copy of the rules lives here. */
void gmh_value_free(gm_value *v) { gm_value_free_a(&gm_plain_alloc, v); }

char *gmh_value_json(const gm_value *v, size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    if (gm_json_print_a(&gm_plain_alloc, v, &text, &n) != GM_OK) return NULL;
    if (len) *len = n;
    return text;
}

void gmh_sum_add_number(gmh_sum *s, double d)
{
    if (d == trunc(d) && fabs(d) < 9007199254740992.0) s->isum += (int64_t)d;
    else { s->dsum += d; s->has_double = true; }
}

void gmh_sum_add(gmh_sum *s, const gm_value *v)
{
    if (v->type == GM_INT) s->isum += v->as.i;
    else if (v->type == GM_DOUBLE) gmh_sum_add_number(s, v->as.d);
}


/* ================================================================ JSON lines -> records */

static char *gmh_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) { memcpy(p, s, n); p[n] = '\0'; }
    return p;
}

/* Parse one text into a malloc'd gm_value with the library's codec. 0, or -1 with the codec's
** message in why[whylen]. */
static int gmh_parse_text(const char *s, size_t n, gm_value *out, char *why, size_t whylen)
{
    return gm_json_parse_a(&gm_plain_alloc, s, n, out, why, whylen) == GM_OK ? 0 : -1;
}

static const char *gmh_type_name(gm_type t)
{
    static const char *const names[] = { "null", "bool", "int", "double", "string", "array",
                                         "object" };
    return (unsigned)t < 7 ? names[t] : "?";
}

static uint64_t gmh_hash(const char *s, size_t n)   /* FNV-1a */
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h;
}

/* Intern `key`: returns the data's own copy (same pointer for equal keys) or NULL on OOM. The key
** table is small (attribute names), so a linear scan is enough. */
static const char *gmh_intern(gmh_data *d, const char *key, size_t len)
{
    for (size_t i = 0; i < d->nkeys; i++)
        if (strlen(d->keys[i]) == len && memcmp(d->keys[i], key, len) == 0) return d->keys[i];
    if (d->nkeys == d->keycap) {
        size_t cap = d->keycap ? 2 * d->keycap : 16;
        char **k = realloc(d->keys, cap * sizeof *k);
        if (k == NULL) return NULL;
        d->keys = k;
        d->keycap = cap;
    }
    char *p = gmh_strndup(key, len);
    if (p == NULL) return NULL;
    d->keys[d->nkeys++] = p;
    return p;
}

static int gmh_keylist_add(const char ***list, size_t *n, const char *key)
{
    for (size_t i = 0; i < *n; i++) if ((*list)[i] == key) return 0;
    const char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (l == NULL) return -1;
    l[(*n)++] = key;
    *list = l;
    return 0;
}

long gmh_data_find(const gmh_data *d, const char *id, size_t len)
{
    if (d->idxcap == 0) return -1;
    size_t mask = d->idxcap - 1;
    for (size_t s = (size_t)gmh_hash(id, len) & mask;; s = (s + 1) & mask) {
        uint32_t v = d->idx[s];
        if (v == 0) return -1;
        const gmh_node *nd = &d->nodes[v - 1];
        if (nd->idlen == len && memcmp(nd->id, id, len) == 0) return (long)(v - 1);
    }
}

static int gmh_idx_insert(gmh_data *d, uint32_t i)   /* table has room: sized before */
{
    size_t mask = d->idxcap - 1;
    const gmh_node *nd = &d->nodes[i];
    for (size_t s = (size_t)gmh_hash(nd->id, nd->idlen) & mask;; s = (s + 1) & mask) {
        if (d->idx[s] == 0) { d->idx[s] = i + 1; return 0; }
        const gmh_node *o = &d->nodes[d->idx[s] - 1];
        if (o->idlen == nd->idlen && memcmp(o->id, nd->id, nd->idlen) == 0) return (int)d->idx[s];
    }
}

static int gmh_idx_grow(gmh_data *d, size_t want)
{
    if (want * 2 <= d->idxcap) return 0;
    size_t cap = d->idxcap ? d->idxcap : 1024;
    while (cap < want * 2) cap *= 2;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (idx == NULL) return -1;
    free(d->idx);
    d->idx = idx;
    d->idxcap = cap;
    for (size_t i = 0; i + 1 < want; i++) gmh_idx_insert(d, (uint32_t)i);   /* all but the new one */
    return 0;
}

int gmh_data_index(gmh_data *d)
{
    size_t cap = 1024;                         /* what the loader's last gmh_idx_grow chose */
    while (cap < d->nnodes * 2) cap *= 2;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (idx == NULL) return -1;
    free(d->idx);
    d->idx = idx;
    d->idxcap = cap;
    for (size_t i = 0; i < d->nnodes; i++)
        if (gmh_idx_insert(d, (uint32_t)i) != 0) return -1;
    return 0;
}

const gm_value *gmh_attr_get(const gmh_attr *attrs, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (attrs[i].key == key || strcmp(attrs[i].key, key) == 0) return &attrs[i].val;
    return NULL;
}

static void gmh_attrs_free(gmh_attr *a, size_t n)
{
    for (size_t i = 0; i < n; i++) gmh_value_free(&a[i].val);
    free(a);
}

void gmh_data_free(gmh_data *d)
{
    for (size_t i = 0; i < d->nnodes; i++) {
        free(d->nodes[i].id);
        gmh_attrs_free(d->nodes[i].attrs, d->nodes[i].nattrs);
    }
    for (size_t i = 0; i < d->nedges; i++) gmh_attrs_free(d->edges[i].attrs, d->edges[i].nattrs);
    free(d->nodes);
    free(d->edges);
    for (size_t i = 0; i < d->nkeys; i++) free(d->keys[i]);
    free(d->keys);
    free(d->node_keys);
    free(d->edge_keys);
    free(d->idx);
    memset(d, 0, sizeof *d);
}

/* Field `name` of a parsed record object, or NULL. A repeated field is an error (*dup). */
/* Does the codec's string (len bytes, not NUL-terminated) equal the C string lit? */
static bool gmh_str_is(const gm_str *s, const char *lit)
{
    size_t n = strlen(lit);
    return s->len == n && (n == 0 || memcmp(s->ptr, lit, n) == 0);
}

static gm_value *gmh_field(gm_value *obj, const char *name, bool *dup)
{
    gm_value *found = NULL;
    for (size_t i = 0; i < obj->as.o.len; i++)
        if (gmh_str_is(&obj->as.o.keys[i], name)) {
            if (found) *dup = true;
            found = &obj->as.o.vals[i];
        }
    return found;
}

/* Move the members of `attrs` (an object value, or NULL) into a gmh_attr array. Interns keys.
** Duplicate keys in one record are an error: every system would keep a different one. */
static int gmh_take_attrs(gmh_data *d, gm_value *attrs, bool node, gmh_attr **out, size_t *nout,
                          const char **why)
{
    *out = NULL;
    *nout = 0;
    if (attrs == NULL || attrs->as.o.len == 0) return 0;
    size_t n = attrs->as.o.len;
    gmh_attr *a = malloc(n * sizeof *a);
    if (a == NULL) { *why = "out of memory"; return -1; }
    for (size_t i = 0; i < n; i++) {
        const gm_str *k = &attrs->as.o.keys[i];
        if (k->len == 0) { free(a); *why = "empty attribute key"; return -1; }
        const char *key = gmh_intern(d, k->ptr, k->len);
        if (key == NULL || gmh_keylist_add(node ? &d->node_keys : &d->edge_keys,
                                           node ? &d->nnode_keys : &d->nedge_keys, key) != 0) {
            free(a);
            *why = "out of memory";
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (a[j].key == key) { free(a); *why = "an attribute key is repeated in one record"; return -1; }
        a[i].key = key;
    }
    for (size_t i = 0; i < n; i++) {            /* now move: nothing can fail any more */
        a[i].val = attrs->as.o.vals[i];
        attrs->as.o.vals[i] = gm_null();
    }
    *out = a;
    *nout = n;
    return 0;
}

typedef struct gmh_lines {
    FILE *f; const char *path; char *line; size_t cap; long lineno;
} gmh_lines;

/* Next line (without its '\n') into l->line; its length, or -1 at EOF, -2 on a read error. */
static long gmh_next_line(gmh_lines *l, bool *had_nl)
{
    ssize_t n = getline(&l->line, &l->cap, l->f);
    if (n < 0) return ferror(l->f) ? -2 : -1;
    l->lineno++;
    *had_nl = n > 0 && l->line[n - 1] == '\n';
    if (*had_nl) l->line[--n] = '\0';
    if (n > 0 && l->line[n - 1] == '\r') l->line[--n] = '\0';
    return (long)n;
}

/* Offset of the first byte that breaks UTF-8, or -1 when the text is valid UTF-8. */
static long gmh_utf8_bad(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (k == 9 || (k == 1 && c < 0xC2) || (k == 3 && c > 0xF4) || i + k >= n + (k == 0)) return (long)i;
        uint32_t cp = k == 0 ? c : c & (0x3Fu >> k);
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return (long)i;
            cp = cp << 6 | (s[i + j] & 0x3Fu);
        }
        if ((k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return (long)i;
        i += k + 1;
    }
    return -1;
}

static bool gmh_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) if (!strchr(" \t\r", s[i])) return false;
    return true;
}

#define GMH_FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); goto fail; } while (0)

static int gmh_load_file(gmh_data *d, const char *dir, bool nodes, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, nodes ? "nodes.jsonl" : "edges.jsonl");
    gmh_lines l = { fopen(path, "r"), path, NULL, 0, 0 };
    gm_value rec = gm_null();
    size_t cap = 0;
    if (l.f == NULL) { snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)); return -1; }
    for (;;) {
        bool nl;
        long n = gmh_next_line(&l, &nl);
        if (n == -2) GMH_FAIL("%s:%ld: read error: %s", path, l.lineno + 1, strerror(errno));
        if (n == -1) break;
        const char *why = NULL;
        char jerr[256];
        if (gmh_blank(l.line, (size_t)n)) GMH_FAIL("%s:%ld: blank line", path, l.lineno);
        long bad = gmh_utf8_bad((const unsigned char *)l.line, (size_t)n);
        if (bad >= 0) GMH_FAIL("%s:%ld: not UTF-8 (byte %ld)", path, l.lineno, bad + 1);
        if (gmh_parse_text(l.line, (size_t)n, &rec, jerr, sizeof jerr) != 0)
            GMH_FAIL("%s:%ld: %s%s", path, l.lineno, jerr,
                     nl ? "" : " (last line, no newline: truncated file?)");
        if (rec.type != GM_OBJECT)
            GMH_FAIL("%s:%ld: a record must be a JSON object, got %s", path, l.lineno,
                     gmh_type_name(rec.type));
        bool dup = false;
        gm_value *attrs = gmh_field(&rec, "attrs", &dup);
        if (attrs && attrs->type != GM_OBJECT)
            GMH_FAIL("%s:%ld: \"attrs\" must be an object, got %s", path, l.lineno,
                     gmh_type_name(attrs->type));
        const char *fields[2] = { nodes ? "id" : "src", nodes ? NULL : "dst" };
        gm_value *fv[2] = { NULL, NULL };
        for (int k = 0; k < 2 && fields[k]; k++) {
            fv[k] = gmh_field(&rec, fields[k], &dup);
            if (fv[k] == NULL) GMH_FAIL("%s:%ld: missing \"%s\"", path, l.lineno, fields[k]);
            if (fv[k]->type != GM_STRING)
                GMH_FAIL("%s:%ld: \"%s\" must be a string, got %s", path, l.lineno, fields[k],
                         gmh_type_name(fv[k]->type));
            if (fv[k]->as.s.len == 0) GMH_FAIL("%s:%ld: \"%s\" is empty", path, l.lineno, fields[k]);
        }
        if (dup) GMH_FAIL("%s:%ld: a field is repeated", path, l.lineno);
        for (size_t i = 0; i < rec.as.o.len; i++) {
            const gm_str *k = &rec.as.o.keys[i];
            if (!gmh_str_is(k, "attrs") && !gmh_str_is(k, fields[0]) &&
                (fields[1] == NULL || !gmh_str_is(k, fields[1])))
                GMH_FAIL("%s:%ld: unknown field \"%.*s\" (a %s record has %s)", path, l.lineno,
                         (int)k->len, k->ptr,
                         nodes ? "node" : "edge",
                         nodes ? "\"id\" and \"attrs\"" : "\"src\", \"dst\" and \"attrs\"");
        }
        size_t count = nodes ? d->nnodes : d->nedges;
        if (count == cap) {
            cap = cap ? 2 * cap : 1024;
            void *p = nodes ? realloc(d->nodes, cap * sizeof *d->nodes)
                            : realloc(d->edges, cap * sizeof *d->edges);
            if (p == NULL) GMH_FAIL("%s:%ld: out of memory", path, l.lineno);
            if (nodes) d->nodes = p; else d->edges = p;
        }
        if (count >= UINT32_MAX - 1) GMH_FAIL("%s:%ld: too many records", path, l.lineno);
        if (nodes) {
            gmh_node *nd = &d->nodes[d->nnodes];
            memset(nd, 0, sizeof *nd);
            if (gmh_idx_grow(d, d->nnodes + 1) != 0) GMH_FAIL("%s:%ld: out of memory", path, l.lineno);
            nd->id = gmh_strndup(fv[0]->as.s.ptr, fv[0]->as.s.len);   /* NUL-terminated copy */
            if (nd->id == NULL) GMH_FAIL("%s:%ld: out of memory", path, l.lineno);
            nd->idlen = fv[0]->as.s.len;
            int other = gmh_idx_insert(d, (uint32_t)d->nnodes);
            if (other != 0) {
                char *id = nd->id;
                snprintf(err, errlen, "%s:%ld: duplicate node id \"%s\" (first on line %d)", path,
                         l.lineno, id, other);   /* node index + 1 = line: no blank lines allowed */
                free(id);
                goto fail;
            }
            if (gmh_take_attrs(d, attrs, true, &nd->attrs, &nd->nattrs, &why) != 0) {
                /* undo the index entry: rebuild is simplest, the load fails anyway */
                free(nd->id);
                nd->id = NULL;
                GMH_FAIL("%s:%ld: %s", path, l.lineno, why);
            }
            d->nnodes++;
        } else {
            gmh_edge *e = &d->edges[d->nedges];
            memset(e, 0, sizeof *e);
            long s = gmh_data_find(d, fv[0]->as.s.ptr, fv[0]->as.s.len);
            long t = gmh_data_find(d, fv[1]->as.s.ptr, fv[1]->as.s.len);
            if (s < 0 || t < 0)
                GMH_FAIL("%s:%ld: edge names unknown node \"%.*s\"", path, l.lineno,
                         (int)fv[s < 0 ? 0 : 1]->as.s.len, fv[s < 0 ? 0 : 1]->as.s.ptr);
            e->src = (uint32_t)s;
            e->dst = (uint32_t)t;
            if (gmh_take_attrs(d, attrs, false, &e->attrs, &e->nattrs, &why) != 0)
                GMH_FAIL("%s:%ld: %s", path, l.lineno, why);
            d->nedges++;
        }
        gmh_value_free(&rec);
    }
    if (nodes && d->nnodes == 0) GMH_FAIL("%s: empty file (no node records)", path);
    fclose(l.f);
    free(l.line);
    return 0;
fail:
    gmh_value_free(&rec);
    fclose(l.f);
    free(l.line);
    return -1;
}

/* The strict parse of DIR's two JSONL files into d (zeroed). */
static int gmh_data_load_json(const char *dir, gmh_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (gmh_load_file(d, dir, true, err, errlen) != 0 ||
        gmh_load_file(d, dir, false, err, errlen) != 0) {
        /* a failed node insert may have left an index slot pointing at an unfinished record */
        d->idxcap = 0;
        gmh_data_free(d);
        return -1;
    }
    return 0;
}

int gmh_data_load(const char *dir, gmh_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    bool cached = gmh_cache_wanted(dir);     /* a big generated scenario (gmh_cache.h) */
    if (cached) {
        if (gmh_cache_load(dir, d) == 0) return 0;
        /* No cache yet: a child process parses and writes it, and this one reads it back like
        ** every later driver, its heap untouched by the parse (gmh_cache.h). */
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            gmh_data c;
            char cerr[16];
            _exit(gmh_data_load_json(dir, &c, cerr, sizeof cerr) == 0 && gmh_cache_save(dir, &c) == 0
                  ? 0 : 1);
        }
        int st;
        if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
            gmh_cache_load(dir, d) == 0)
            return 0;
    }
    /* not a big generated scenario, or no cache after all (the parse failed: its message comes
    ** from this parse; or the directory is not writable) */
    return gmh_data_load_json(dir, d, err, errlen);
}

/* ================================================================ plan */

void gmh_plan_free(gmh_plan *p)
{
    free(p->numeric_attr);
    for (size_t i = 0; i < p->nfilter; i++) {
        free(p->filter[i].key);
        gmh_value_free(&p->filter[i].value);
    }
    free(p->filter);
    for (size_t i = 0; i < p->nremove; i++) free(p->remove[i]);
    free(p->remove);
    memset(p, 0, sizeof *p);
}

void gmh_plan_preds(const gmh_plan *p, gm_pred *preds)
{
    for (size_t i = 0; i < p->nfilter; i++) {
        preds[i].key = p->filter[i].key;
        preds[i].op = p->filter[i].op;
        preds[i].value = p->filter[i].value;
    }
}

int gmh_plan_load(const char *path, gmh_plan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    p->offset = gm_int(1);
    gm_value root = gm_null();
    char *text = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) { snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)); return -1; }
    size_t cap = 0, len = 0;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? 2 * cap : 8192;
            char *t = realloc(text, cap);
            if (t == NULL) { fclose(f); GMH_FAIL("%s: out of memory", path); }
            text = t;
        }
        size_t r = fread(text + len, 1, cap - len - 1, f);
        len += r;
        if (r == 0) break;
    }
    fclose(f);
    text[len] = '\0';
    char why[256];
    if (gmh_parse_text(text, len, &root, why, sizeof why) != 0) GMH_FAIL("%s: %s", path, why);
    if (root.type != GM_OBJECT) GMH_FAIL("%s: the plan must be a JSON object", path);
    bool dup = false;
    gm_value *na = gmh_field(&root, "numeric_attr", &dup);
    gm_value *fl = gmh_field(&root, "filter", &dup);
    gm_value *rm = gmh_field(&root, "remove", &dup);
    gm_value *off = gmh_field(&root, "set_value_offset", &dup);
    if (dup) GMH_FAIL("%s: a field is repeated", path);
    if (na == NULL || na->type != GM_STRING || na->as.s.len == 0)
        GMH_FAIL("%s: \"numeric_attr\" must be a non-empty string", path);
    p->numeric_attr = gmh_strndup(na->as.s.ptr, na->as.s.len);
    if (off) {
        if (off->type != GM_INT && off->type != GM_DOUBLE)
            GMH_FAIL("%s: \"set_value_offset\" must be a number", path);
        p->offset = *off;
    }
    if (fl) {
        if (fl->type != GM_ARRAY) GMH_FAIL("%s: \"filter\" must be an array", path);
        p->filter = calloc(fl->as.a.len ? fl->as.a.len : 1, sizeof *p->filter);
        if (p->filter == NULL) GMH_FAIL("%s: out of memory", path);
        for (size_t i = 0; i < fl->as.a.len; i++) {
            gm_value *pr = &fl->as.a.items[i];
            if (pr->type != GM_OBJECT) GMH_FAIL("%s: filter[%zu] must be an object", path, i);
            gm_value *k = gmh_field(pr, "key", &dup), *o = gmh_field(pr, "op", &dup),
                     *v = gmh_field(pr, "value", &dup);
            if (k == NULL || k->type != GM_STRING || k->as.s.len == 0)
                GMH_FAIL("%s: filter[%zu].key must be a non-empty string", path, i);
            if (o == NULL || o->type != GM_STRING) GMH_FAIL("%s: filter[%zu].op must be a string", path, i);
            static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
            int op = -1;
            for (int j = 0; j < 6; j++) if (gmh_str_is(&o->as.s, ops[j])) op = j;
            if (op < 0) GMH_FAIL("%s: filter[%zu].op \"%.*s\" is not one of == != < <= > >=", path,
                                 i, (int)o->as.s.len, o->as.s.ptr);
            if (v == NULL || v->type == GM_ARRAY || v->type == GM_OBJECT)
                GMH_FAIL("%s: filter[%zu].value must be a scalar", path, i);
            p->filter[i].key = gmh_strndup(k->as.s.ptr, k->as.s.len);
            p->filter[i].op = (gm_op)op;
            p->filter[i].value = *v;             /* take it */
            *v = gm_null();
            p->nfilter++;
        }
    }
    if (rm) {
        if (rm->type != GM_ARRAY) GMH_FAIL("%s: \"remove\" must be an array of node ids", path);
        p->remove = calloc(rm->as.a.len ? rm->as.a.len : 1, sizeof *p->remove);
        if (p->remove == NULL) GMH_FAIL("%s: out of memory", path);
        for (size_t i = 0; i < rm->as.a.len; i++) {
            gm_value *s = &rm->as.a.items[i];
            if (s->type != GM_STRING) GMH_FAIL("%s: remove[%zu] must be a string", path, i);
            p->remove[i] = gmh_strndup(s->as.s.ptr, s->as.s.len);
            if (p->remove[i] == NULL) GMH_FAIL("%s: out of memory", path);
            p->nremove++;
        }
    }
    gmh_value_free(&root);
    free(text);
    return 0;
fail:
    gmh_value_free(&root);
    free(text);
    gmh_plan_free(p);
    return -1;
}

/* ================================================================ callgrind */

void gmh_cg_dump(const char *op)
{
    if (!RUNNING_ON_VALGRIND) return;
    char name[96];
    snprintf(name, sizeof name, "op:%s", op);
    CALLGRIND_DUMP_STATS_AT(name);
}

/* ================================================================ time */

uint64_t gmh_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int gmh_u64cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void gmh_best_median(uint64_t *ns, size_t n, uint64_t *best, uint64_t *median)
{
    if (n == 0) { *best = *median = 0; return; }
    qsort(ns, n, sizeof *ns, gmh_u64cmp);
    *best = ns[0];
    *median = n % 2 ? ns[n / 2] : ns[n / 2 - 1] + (ns[n / 2] - ns[n / 2 - 1]) / 2;
}

/* ================================================================ memory */

size_t gmh_mallinfo_bytes(void)
{
    malloc_trim(0);
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

size_t gmh_proc_status(const char *field)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1), r;
    while (n > 0 && (size_t)n < sizeof buf - 1 &&
           (r = read(fd, buf + n, sizeof buf - 1 - (size_t)n)) > 0) n += r;
    close(fd);
    if (n <= 0) return 0;
    buf[n] = '\0';
    size_t fl = strlen(field);
    for (char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (strncmp(p, field, fl) == 0 && p[fl] == ':') return (size_t)strtoull(p + fl + 1, NULL, 10) * 1024;
    return 0;
}

int gmh_hwm_reset(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd < 0) return -1;
    ssize_t w = write(fd, "5", 1);
    close(fd);
    return w == 1 ? 0 : -1;
}

/* Needs _GNU_SOURCE (RTLD_DEFAULT). mallctl is found only when jemalloc is linked or preloaded. */
typedef int (*gmh_mallctl_fn)(const char *, void *, size_t *, void *, size_t);

static gmh_mallctl_fn gmh_mallctl(void)
{
    static int looked;
    static gmh_mallctl_fn fn;
    if (!looked) {
        void *sym = dlsym(RTLD_DEFAULT, "mallctl");
        memcpy(&fn, &sym, sizeof fn);        /* object -> function pointer without a warning */
        looked = 1;
    }
    return fn;
}

bool gmh_jemalloc_present(void) { return gmh_mallctl() != NULL; }

int gmh_jemalloc_read(size_t *allocated, size_t *resident)
{
    gmh_mallctl_fn ctl = gmh_mallctl();
    if (ctl == NULL) return ENOENT;
    /* Blocks freed into this thread's tcache still count as allocated in the arena stats:
    ** flush it first, or stats.allocated carries recently freed memory. */
    ctl("thread.tcache.flush", NULL, NULL, NULL, 0);
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    int rc = ctl("epoch", &epoch, &len, &epoch, len);   /* stats are cached until refreshed */
    len = sizeof *allocated;
    if (rc == 0) rc = ctl("stats.allocated", allocated, &len, NULL, 0);
    len = sizeof *resident;
    if (rc == 0) rc = ctl("stats.resident", resident, &len, NULL, 0);
    return rc;
}

void gmh_memsnap_before(gmh_memsnap *s)
{
    memset(s, 0, sizeof *s);
    s->mallinfo = gmh_mallinfo_bytes();
    s->je = gmh_jemalloc_read(&s->je_alloc, &s->je_res) == 0;
    s->rss = gmh_proc_status("VmRSS");
    gmh_hwm_reset();
}

void gmh_memsnap_after_print(const char *op, const gmh_memsnap *b)
{
    size_t hwm = gmh_proc_status("VmHWM");
    size_t rss = gmh_proc_status("VmRSS");
    size_t ja = 0, jr = 0;
    bool je = gmh_jemalloc_read(&ja, &jr) == 0;
    size_t mi = gmh_mallinfo_bytes();
    /* Under jemalloc glibc's arena is unused, so mallinfo would read ~0: leave it out. */
    if (!b->je) gmh_row_i(op, "mallinfo_bytes", (int64_t)mi - (int64_t)b->mallinfo, "B", "exact");
    gmh_row_i(op, "rss_delta_bytes", (int64_t)rss - (int64_t)b->rss, "B", "single");
    gmh_row_u(op, "hwm_bytes", hwm, "B", "single");
    if (je && b->je) {
        gmh_row_i(op, "jemalloc_allocated_bytes", (int64_t)ja - (int64_t)b->je_alloc, "B", "exact");
        gmh_row_i(op, "jemalloc_resident_bytes", (int64_t)jr - (int64_t)b->je_res, "B", "single");
    }
}

/* ================================================================ output */

static char gmh_stdout_buf[1 << 16];

void gmh_output_init(void) { setvbuf(stdout, gmh_stdout_buf, _IOFBF, sizeof gmh_stdout_buf); }

/* Progress for the orchestrator: one stderr line per operation, when its first row is printed
** (stdout stays fully buffered until exit; stderr is unbuffered and allocates nothing). */
static void gmh_progress(const char *op)
{
    static const char *last = "";
    if (strcmp(op, last) == 0 || strcmp(op, "info") == 0) return;
    last = op;
    fprintf(stderr, "progress:%s\n", op);
}

void gmh_row_u(const char *op, const char *metric, uint64_t v, const char *unit, const char *stat)
{
    gmh_progress(op);
    printf("%s,%s,%" PRIu64 ",%s,%s\n", op, metric, v, unit, stat);
}

void gmh_row_i(const char *op, const char *metric, int64_t v, const char *unit, const char *stat)
{
    gmh_progress(op);
    printf("%s,%s,%" PRId64 ",%s,%s\n", op, metric, v, unit, stat);
}

void gmh_row_f(const char *op, const char *metric, double v, const char *unit, const char *stat)
{
    gmh_progress(op);
    printf("%s,%s,%.3f,%s,%s\n", op, metric, v, unit, stat);
}

void gmh_row_sum(const char *op, const gmh_sum *s)
{
    char buf[64];
    gmh_sum_text(s, buf, sizeof buf);
    gmh_progress(op);
    printf("%s,checksum,%s,value,exact\n", op, buf);
}

/* One CSV field: as is, or quoted (RFC 4180) when it holds a comma, quote or line break. */
static void gmh_csv_field(const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) { fputs(s, stdout); return; }
    putchar('"');
    for (const char *p = s; *p; p++) {
        if (*p == '"') putchar('"');
        putchar(*p == '\n' || *p == '\r' ? ' ' : *p);
    }
    putchar('"');
}

void gmh_info(const char *key, const char *value)
{
    fputs("info,", stdout);
    gmh_csv_field(key);
    putchar(',');
    gmh_csv_field(value);
    fputs(",,\n", stdout);
}

void gmh_infof(const char *key, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    gmh_info(key, buf);
}

void gmh_rows_time(const char *op, uint64_t *ns, size_t n, uint64_t items)
{
    uint64_t best, med;
    gmh_best_median(ns, n, &best, &med);
    gmh_row_u(op, "time_ns", best, "ns", "best");
    gmh_row_u(op, "time_ns", med, "ns", "median");
    if (items > 0) {
        gmh_row_f(op, "ns_per_item", (double)best / (double)items, "ns", "best");
        gmh_row_f(op, "ns_per_item", (double)med / (double)items, "ns", "median");
    }
    gmh_row_u(op, "items", items, "count", "exact");
}
