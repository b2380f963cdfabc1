/*
** gmh_cache.c: the parsed-records cache of a generated scenario (gmh_cache.h says when and why).
**
** Layout (native byte order: the cache never leaves the machine that wrote it):
**   "GMHREC1\n", then u64 x 6: size, mtime (ns) and inode of nodes.jsonl, then of edges.jsonl;
**   u32 nkeys, each key u32 len + bytes; u32 nnode_keys + u32 key indexes; the same for edges;
**   u64 nnodes, each: u32 idlen + bytes, attrs; u64 nedges, each: u32 src, u32 dst, attrs;
**   attrs: u32 n, each u32 key index + value; value: u8 gm_type, then nothing (null), u8 (bool),
**   8 bytes (int, double), u32 len + bytes (string), u32 n + values (array), u32 n + (u32 len +
**   key bytes + value) (object); "GMHEND1\n".
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gmh_cache.h"
#include "jsoncodec.h"

#define GMC_MAGIC "GMHREC1\n"
#define GMC_END   "GMHEND1\n"
#define GMC_NAME  ".gmh-records.bin"
#define GMC_DEPTH 512               /* deeper than the JSON codec lets a value be */

bool gmh_cache_wanted(const char *dir)
{
    const char *env = getenv("GMH_CACHE");
    if (env != NULL && strcmp(env, "0") == 0) return false;
    char p[4096], text[8192];
    if (snprintf(p, sizeof p, "%s/params.json", dir) >= (int)sizeof p) return false;
    FILE *f = fopen(p, "rb");
    if (f == NULL) return false;
    size_t n = fread(text, 1, sizeof text, f);
    fclose(f);
    gm_value root;
    char why[128];
    if (n == sizeof text || gm_json_parse_a(&gm_plain_alloc, text, n, &root, why, sizeof why) != GM_OK)
        return false;
    int64_t nodes = -1;
    if (root.type == GM_OBJECT)
        for (size_t i = 0; i < root.as.o.len; i++)
            if (root.as.o.keys[i].len == 5 && memcmp(root.as.o.keys[i].ptr, "nodes", 5) == 0 &&
                root.as.o.vals[i].type == GM_INT)
                nodes = root.as.o.vals[i].as.i;
    gm_value_free_a(&gm_plain_alloc, &root);
    return nodes >= GMH_CACHE_MIN_NODES;
}

/* The identity of the two JSONL files the cache was made from. */
static bool gmc_ident(const char *dir, uint64_t id[6])
{
    const char *names[2] = { "nodes.jsonl", "edges.jsonl" };
    for (int i = 0; i < 2; i++) {
        char p[4096];
        struct stat st;
        if (snprintf(p, sizeof p, "%s/%s", dir, names[i]) >= (int)sizeof p || stat(p, &st) != 0)
            return false;
        id[3 * i] = (uint64_t)st.st_size;
        id[3 * i + 1] = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
        id[3 * i + 2] = (uint64_t)st.st_ino;
    }
    return true;
}

/* ---------------------------------------------------------------- writing */

typedef struct gmc_out { FILE *f; bool ok; } gmc_out;

static void gmc_put(gmc_out *o, const void *p, size_t n)
{
    if (o->ok && n > 0 && fwrite(p, 1, n, o->f) != n) o->ok = false;
}
static void gmc_u32(gmc_out *o, uint32_t x) { gmc_put(o, &x, 4); }
static void gmc_u64(gmc_out *o, uint64_t x) { gmc_put(o, &x, 8); }
static void gmc_str(gmc_out *o, const char *p, size_t n)
{
    if (n > UINT32_MAX) { o->ok = false; return; }
    gmc_u32(o, (uint32_t)n);
    gmc_put(o, p, n);
}

static void gmc_value(gmc_out *o, const gm_value *v)
{
    uint8_t t = (uint8_t)v->type;
    gmc_put(o, &t, 1);
    switch (v->type) {
    case GM_BOOL: { uint8_t b = v->as.b; gmc_put(o, &b, 1); break; }
    case GM_INT: gmc_put(o, &v->as.i, 8); break;
    case GM_DOUBLE: gmc_put(o, &v->as.d, 8); break;
    case GM_STRING: gmc_str(o, v->as.s.ptr, v->as.s.len); break;
    case GM_ARRAY:
        if (v->as.a.len > UINT32_MAX) { o->ok = false; return; }
        gmc_u32(o, (uint32_t)v->as.a.len);
        for (size_t i = 0; i < v->as.a.len; i++) gmc_value(o, &v->as.a.items[i]);
        break;
    case GM_OBJECT:
        if (v->as.o.len > UINT32_MAX) { o->ok = false; return; }
        gmc_u32(o, (uint32_t)v->as.o.len);
        for (size_t i = 0; i < v->as.o.len; i++) {
            gmc_str(o, v->as.o.keys[i].ptr, v->as.o.keys[i].len);
            gmc_value(o, &v->as.o.vals[i]);
        }
        break;
    default: break;
    }
}

static uint32_t gmc_key_index(const gmh_data *d, const char *key)
{
    for (size_t i = 0; i < d->nkeys; i++) if (d->keys[i] == key) return (uint32_t)i;
    return UINT32_MAX;                         /* not interned: cannot happen for loaded data */
}

static void gmc_attrs(gmc_out *o, const gmh_data *d, const gmh_attr *a, size_t n)
{
    gmc_u32(o, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = gmc_key_index(d, a[i].key);
        if (k == UINT32_MAX) o->ok = false;
        gmc_u32(o, k);
        gmc_value(o, &a[i].val);
    }
}

static void gmc_keylist(gmc_out *o, const gmh_data *d, const char *const *l, size_t n)
{
    gmc_u32(o, (uint32_t)n);
    for (size_t i = 0; i < n; i++) gmc_u32(o, gmc_key_index(d, l[i]));
}

int gmh_cache_save(const char *dir, const gmh_data *d)
{
    uint64_t id[6];
    char path[4096], tmp[4160];
    if (!gmc_ident(dir, id)) return -1;
    if (snprintf(path, sizeof path, "%s/%s", dir, GMC_NAME) >= (int)sizeof path) return -1;
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    gmc_out o = { fopen(tmp, "wb"), true };
    if (o.f == NULL) return -1;
    static char buf[1 << 20];
    setvbuf(o.f, buf, _IOFBF, sizeof buf);
    gmc_put(&o, GMC_MAGIC, 8);
    for (int i = 0; i < 6; i++) gmc_u64(&o, id[i]);
    gmc_u32(&o, (uint32_t)d->nkeys);
    for (size_t i = 0; i < d->nkeys; i++) gmc_str(&o, d->keys[i], strlen(d->keys[i]));
    gmc_keylist(&o, d, d->node_keys, d->nnode_keys);
    gmc_keylist(&o, d, d->edge_keys, d->nedge_keys);
    gmc_u64(&o, d->nnodes);
    for (size_t i = 0; i < d->nnodes; i++) {
        gmc_str(&o, d->nodes[i].id, d->nodes[i].idlen);
        gmc_attrs(&o, d, d->nodes[i].attrs, d->nodes[i].nattrs);
    }
    gmc_u64(&o, d->nedges);
    for (size_t i = 0; i < d->nedges; i++) {
        gmc_u32(&o, d->edges[i].src);
        gmc_u32(&o, d->edges[i].dst);
        gmc_attrs(&o, d, d->edges[i].attrs, d->edges[i].nattrs);
    }
    gmc_put(&o, GMC_END, 8);
    if (fclose(o.f) != 0) o.ok = false;
    if (!o.ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- reading */

typedef struct gmc_in { const uint8_t *p, *end; bool ok; } gmc_in;

static const uint8_t *gmc_take(gmc_in *in, size_t n)
{
    if (!in->ok || (size_t)(in->end - in->p) < n) { in->ok = false; return NULL; }
    const uint8_t *q = in->p;
    in->p += n;
    return q;
}
static uint32_t gmc_get32(gmc_in *in)
{
    const uint8_t *q = gmc_take(in, 4);
    uint32_t x = 0;
    if (q) memcpy(&x, q, 4);
    return x;
}
static uint64_t gmc_get64(gmc_in *in)
{
    const uint8_t *q = gmc_take(in, 8);
    uint64_t x = 0;
    if (q) memcpy(&x, q, 8);
    return x;
}

/* A string of the cache as the loader allocates it: malloc'd bytes, "" (not allocated) when
** empty; nul: NUL-terminated (ids and keys). */
static char *gmc_dup(gmc_in *in, uint32_t *len, bool nul)
{
    *len = gmc_get32(in);
    const uint8_t *q = gmc_take(in, *len);
    if (q == NULL) return NULL;
    if (*len == 0 && !nul) return (char *)"";
    char *s = malloc(*len + (nul ? 1 : 0));
    if (s == NULL) { in->ok = false; return NULL; }
    memcpy(s, q, *len);
    if (nul) s[*len] = '\0';
    return s;
}

/* Decode one value into *v (left freeable by gmh_value_free whatever happens). */
static void gmc_get_value(gmc_in *in, gm_value *v, int depth)
{
    *v = gm_null();
    const uint8_t *t = gmc_take(in, 1);
    if (t == NULL || depth > GMC_DEPTH) { in->ok = false; return; }
    switch (*t) {
    case GM_NULL: return;
    case GM_BOOL: { const uint8_t *b = gmc_take(in, 1); if (b) *v = gm_bool(*b != 0); return; }
    case GM_INT: *v = gm_int((int64_t)gmc_get64(in)); return;
    case GM_DOUBLE: {
        uint64_t x = gmc_get64(in);
        double dv;
        memcpy(&dv, &x, 8);
        *v = gm_double(dv);
        return;
    }
    case GM_STRING: {
        uint32_t n;
        char *s = gmc_dup(in, &n, false);
        if (s != NULL) *v = gm_strn(s, n);
        return;
    }
    case GM_ARRAY: {
        uint32_t n = gmc_get32(in);
        v->type = GM_ARRAY;
        v->as.a.items = NULL;
        v->as.a.len = 0;
        if (n == 0 || !in->ok) return;
        if ((size_t)(in->end - in->p) < n || (v->as.a.items = malloc(n * sizeof(gm_value))) == NULL) {
            in->ok = false;
            return;
        }
        for (uint32_t i = 0; i < n && in->ok; i++) {
            gmc_get_value(in, &v->as.a.items[i], depth + 1);
            v->as.a.len = i + 1;
        }
        return;
    }
    case GM_OBJECT: {
        uint32_t n = gmc_get32(in);
        v->type = GM_OBJECT;
        v->as.o.keys = NULL;
        v->as.o.vals = NULL;
        v->as.o.len = 0;
        if (n == 0 || !in->ok) return;
        if ((size_t)(in->end - in->p) < n || (v->as.o.keys = malloc(n * sizeof(gm_str))) == NULL ||
            (v->as.o.vals = malloc(n * sizeof(gm_value))) == NULL) {
            in->ok = false;
            return;
        }
        for (uint32_t i = 0; i < n && in->ok; i++) {
            uint32_t kl;
            char *k = gmc_dup(in, &kl, false);
            v->as.o.keys[i] = k ? gm_strn(k, kl).as.s : gm_strn("", 0).as.s;
            v->as.o.vals[i] = gm_null();
            v->as.o.len = i + 1;
            if (k != NULL) gmc_get_value(in, &v->as.o.vals[i], depth + 1);
        }
        return;
    }
    default: in->ok = false; return;
    }
}

static bool gmc_get_attrs(gmc_in *in, gmh_data *d, gmh_attr **out, size_t *nout)
{
    uint32_t n = gmc_get32(in);
    *out = NULL;
    *nout = 0;
    if (n == 0 || !in->ok) return in->ok;
    gmh_attr *a = malloc(n * sizeof *a);
    if (a == NULL) return in->ok = false;
    *out = a;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = gmc_get32(in);
        a[i].val = gm_null();
        *nout = i + 1;
        if (!in->ok || k >= d->nkeys) return in->ok = false;
        a[i].key = d->keys[k];
        gmc_get_value(in, &a[i].val, 0);
        if (!in->ok) return false;
    }
    return true;
}

static bool gmc_get_keylist(gmc_in *in, gmh_data *d, const char ***l, size_t *n)
{
    uint32_t c = gmc_get32(in);
    if (!in->ok) return false;
    if (c == 0) return true;
    if (c > d->nkeys || (*l = malloc(c * sizeof **l)) == NULL) return in->ok = false;
    for (uint32_t i = 0; i < c; i++) {
        uint32_t k = gmc_get32(in);
        if (!in->ok || k >= d->nkeys) return in->ok = false;
        (*l)[(*n)++] = d->keys[k];
    }
    return true;
}

/* Grow a record array as the loader does (1024, doubling), so the load's heap figures match. */
static void *gmc_records(size_t n, size_t esz)
{
    size_t cap = 1024;
    while (cap < n) cap *= 2;
    return n > SIZE_MAX / esz / 2 ? NULL : malloc(cap * esz);
}

static bool gmc_parse(gmc_in *in, gmh_data *d, const uint64_t id[6])
{
    const uint8_t *m = gmc_take(in, 8);
    if (m == NULL || memcmp(m, GMC_MAGIC, 8) != 0) return false;
    for (int i = 0; i < 6; i++) if (gmc_get64(in) != id[i]) return false;
    uint32_t nk = gmc_get32(in);
    if (!in->ok || nk > (size_t)(in->end - in->p) / 4) return false;
    if (nk > 0 && (d->keys = calloc(nk, sizeof *d->keys)) == NULL) return false;
    d->keycap = nk;
    for (uint32_t i = 0; i < nk; i++) {
        uint32_t kl;
        char *k = gmc_dup(in, &kl, true);
        if (k == NULL) return false;
        d->keys[d->nkeys++] = k;
    }
    if (!gmc_get_keylist(in, d, &d->node_keys, &d->nnode_keys) ||
        !gmc_get_keylist(in, d, &d->edge_keys, &d->nedge_keys))
        return false;
    uint64_t nn = gmc_get64(in);
    if (!in->ok || nn == 0 || nn >= UINT32_MAX - 1 || nn > (size_t)(in->end - in->p) / 8) return false;
    if ((d->nodes = gmc_records(nn, sizeof *d->nodes)) == NULL) return false;
    for (uint64_t i = 0; i < nn; i++) {
        gmh_node *nd = &d->nodes[i];
        memset(nd, 0, sizeof *nd);
        uint32_t len;
        nd->id = gmc_dup(in, &len, true);
        nd->idlen = len;
        d->nnodes++;
        if (nd->id == NULL || !gmc_get_attrs(in, d, &nd->attrs, &nd->nattrs)) return false;
    }
    uint64_t ne = gmc_get64(in);
    if (!in->ok || ne >= UINT32_MAX - 1 || ne > (size_t)(in->end - in->p) / 12) return false;
    if (ne > 0 && (d->edges = gmc_records(ne, sizeof *d->edges)) == NULL) return false;
    for (uint64_t i = 0; i < ne; i++) {
        gmh_edge *e = &d->edges[i];
        memset(e, 0, sizeof *e);
        e->src = gmc_get32(in);
        e->dst = gmc_get32(in);
        d->nedges++;
        if (!in->ok || e->src >= nn || e->dst >= nn) return false;
        if (!gmc_get_attrs(in, d, &e->attrs, &e->nattrs)) return false;
    }
    m = gmc_take(in, 8);
    return m != NULL && memcmp(m, GMC_END, 8) == 0 && in->p == in->end && gmh_data_index(d) == 0;
}

int gmh_cache_load(const char *dir, gmh_data *d)
{
    uint64_t id[6];
    char path[4096];
    if (!gmc_ident(dir, id)) return -1;
    if (snprintf(path, sizeof path, "%s/%s", dir, GMC_NAME) >= (int)sizeof path) return -1;
    /* mapped, not read into the heap: the heap then holds the records alone, as after a parse */
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    bool ok = map != MAP_FAILED;
    if (ok) {
        gmc_in in = { map, (const uint8_t *)map + st.st_size, true };
        ok = gmc_parse(&in, d, id) && in.ok;
        munmap(map, (size_t)st.st_size);
    }
    if (!ok) {
        gmh_data_free(d);                     /* everything decoded so far is freeable */
        return -1;
    }
    return 0;
}
