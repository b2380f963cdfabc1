/* libFuzzer target: the harness's scenario loader (harness/gmh.c gmh_data_load).
** Input: nodes.jsonl bytes, a NUL byte, edges.jsonl bytes (no NUL: everything is nodes.jsonl and
** edges.jsonl is empty). Both are written to a private temporary directory and loaded; the load
** must give a graph or a "FILE:LINE: reason" error, never a crash, a leak (ASan) or a hang. */
#include "gmh.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void put(const char *name, const uint8_t *p, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (n && fwrite(p, 1, n, f) != n) abort();
    if (fclose(f) != 0) abort();
}

static void cleanup(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/nodes.jsonl", dir); unlink(path);
    snprintf(path, sizeof path, "%s/edges.jsonl", dir); unlink(path);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/gm_fuzz_loader.XXXXXX");
        if (!mkdtemp(dir)) abort();
        atexit(cleanup);
    }
    const uint8_t *sep = memchr(data, 0, size);
    size_t nn = sep ? (size_t)(sep - data) : size;
    put("nodes.jsonl", data, nn);
    put("edges.jsonl", sep ? sep + 1 : data + size, sep ? size - nn - 1 : 0);
    gmh_data d;
    char err[512];
    err[0] = 0;
    if (gmh_data_load(dir, &d, err, sizeof err) == 0) {
        if (d.nnodes == 0) abort();               /* a nodes.jsonl without records is an error */
        for (size_t i = 0; i < d.nedges; i++)
            if (d.edges[i].src >= d.nnodes || d.edges[i].dst >= d.nnodes) abort();
        for (size_t i = 0; i < d.nnodes; i++)
            if (gmh_data_find(&d, d.nodes[i].id, d.nodes[i].idlen) != (long)i) abort();
        gmh_data_free(&d);
    } else {
        /* FILE:LINE: reason (FILE: reason for a whole-file error such as an empty nodes.jsonl) */
        const char *c = strstr(err, ".jsonl:");
        if (!c || !((c[7] >= '0' && c[7] <= '9') || c[7] == ' ')) { fprintf(stderr, "bad error text: %s\n", err); abort(); }
    }
    return 0;
}
