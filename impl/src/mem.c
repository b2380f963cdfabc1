/*
** mem.c: the counting allocator. Every byte graphmem allocates, cJSON's included, passes here.
**
** It counts REQUESTED bytes (as Lua's allocator contract does through osize/nsize), not what the
** system allocator rounds them up to, so live and peak are exact and identical from run to run:
** the figure CI gates on. The size is kept in a max-aligned header (one alignment unit) in front of each block because
** free() (and cJSON's free hook) does not pass it. That header adds sizeof(gm_mem_hdr) bytes per
** block to RSS but not to the counted figure; RSS and jemalloc figures therefore carry it.
**
** Fault injection lives here too (cf. SQLite's faultsim): gm_mem_fail_after(n) lets n more
** allocations succeed, then fails every one until it is turned off.
*/
#include <stdlib.h>
#include "graphmem.h"

/* The header is one alignment unit (16 bytes on x86-64), so payloads stay max-aligned.
** sizeof(max_align_t) is 32 there; its alignment is what matters. */
typedef struct gm_mem_hdr { _Alignas(max_align_t) size_t size; } gm_mem_hdr;
_Static_assert(sizeof(gm_mem_hdr) == _Alignof(max_align_t), "header is one alignment unit");

static gm_mem_stats gm_mem;
static long gm_mem_fail = -1;            /* -1: never fail; n: allow n more, then fail */

static bool gm_mem_should_fail(void)
{
    if (gm_mem_fail < 0) return false;
    if (gm_mem_fail == 0) return true;
    gm_mem_fail--;
    return false;
}

static void gm_mem_count(size_t add, size_t sub)
{
    gm_mem.live = gm_mem.live - sub + add;
    if (gm_mem.live > gm_mem.peak) gm_mem.peak = gm_mem.live;
}

void *gm_mem_alloc(size_t n)
{
    if (n > SIZE_MAX - sizeof(gm_mem_hdr) || gm_mem_should_fail()) return NULL;
    gm_mem_hdr *h = malloc(sizeof *h + n);
    if (h == NULL) return NULL;
    h->size = n;
    gm_mem.nalloc++;
    gm_mem.blocks++;
    gm_mem.total += n;
    gm_mem_count(n, 0);
    return h + 1;
}

void *gm_mem_realloc(void *p, size_t n)
{
    if (p == NULL) return gm_mem_alloc(n);
    if (n > SIZE_MAX - sizeof(gm_mem_hdr) || gm_mem_should_fail()) return NULL;
    gm_mem_hdr *h = (gm_mem_hdr *)p - 1;
    size_t old = h->size;
    gm_mem_hdr *nh = realloc(h, sizeof *nh + n);
    if (nh == NULL) return NULL;         /* the old block is untouched, as realloc promises */
    nh->size = n;
    gm_mem.nalloc++;
    if (n > old) gm_mem.total += n - old;
    gm_mem_count(n, old);
    return nh + 1;
}

void gm_mem_free(void *p)
{
    if (p == NULL) return;
    gm_mem_hdr *h = (gm_mem_hdr *)p - 1;
    gm_mem.live -= h->size;
    gm_mem.blocks--;
    free(h);
}

gm_mem_stats gm_mem_stats_get(void) { return gm_mem; }
void gm_mem_reset_peak(void) { gm_mem.peak = gm_mem.live; }
void gm_mem_fail_after(long n) { gm_mem_fail = n < 0 ? -1 : n; }
