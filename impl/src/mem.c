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
**
** The block tracker of mem.h (test-only, off by default) records live blocks outside the counts.
*/
#include <stdint.h>
#include <stdlib.h>
#include "graphmem.h"
#include "mem.h"

/* The header is one alignment unit (16 bytes on x86-64), so payloads stay max-aligned.
** sizeof(max_align_t) is 32 there; its alignment is what matters. */
typedef struct gm_mem_hdr { _Alignas(max_align_t) size_t size; } gm_mem_hdr;
_Static_assert(sizeof(gm_mem_hdr) == _Alignof(max_align_t), "header is one alignment unit");

static gm_mem_stats gm_mem;
static long gm_mem_fail = -1;            /* -1: never fail; n: allow n more, then fail */

/* ---- the block tracker (mem.h): open addressing on the payload address, linear probing,
** tombstones; held with plain malloc so it is invisible to the counts. */
typedef struct gm_trk_slot { uintptr_t addr; size_t size; uint64_t serial; } gm_trk_slot;   /* addr 0: empty */
#define GM_TRK_TOMB ((uintptr_t)1)       /* a deleted slot (payloads are never at address 1) */
static bool gm_trk_on, gm_trk_broken;
static gm_trk_slot *gm_trk;
static size_t gm_trk_cap, gm_trk_used, gm_trk_live;   /* used counts tombstones too */
static uint64_t gm_trk_serial;          /* of the last block recorded */

static size_t gm_trk_hash(uintptr_t a) { return (size_t)((a >> 4) * 0x9E3779B97F4A7C15ull); }

static void gm_trk_put(uintptr_t a, size_t size, uint64_t serial);

static bool gm_trk_grow(void)
{
    size_t ncap = gm_trk_cap ? gm_trk_cap * 2 : 1024;
    if (gm_trk_live * 4 < gm_trk_cap) ncap = gm_trk_cap;   /* mostly tombstones: rehash in place */
    gm_trk_slot *old = gm_trk, *nt = calloc(ncap, sizeof *nt);
    if (nt == NULL) return false;
    size_t ocap = gm_trk_cap;
    gm_trk = nt;
    gm_trk_cap = ncap;
    gm_trk_used = gm_trk_live = 0;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].addr > GM_TRK_TOMB) gm_trk_put(old[i].addr, old[i].size, old[i].serial);
    free(old);
    return true;
}

static void gm_trk_put(uintptr_t a, size_t size, uint64_t serial)
{
    if (gm_trk_broken) return;
    if ((gm_trk_used + 1) * 2 > gm_trk_cap && !gm_trk_grow()) {
        gm_trk_broken = true;            /* every gm_mem_owns() answer is false from now on */
        return;
    }
    size_t m = gm_trk_cap - 1, i = gm_trk_hash(a) & m;
    while (gm_trk[i].addr > GM_TRK_TOMB) i = (i + 1) & m;
    if (gm_trk[i].addr == 0) gm_trk_used++;
    gm_trk[i].addr = a;
    gm_trk[i].size = size;
    gm_trk[i].serial = serial;
    gm_trk_live++;
}

static void gm_trk_del(uintptr_t a)
{
    if (gm_trk_cap == 0) return;
    size_t m = gm_trk_cap - 1;
    for (size_t i = gm_trk_hash(a) & m; gm_trk[i].addr != 0; i = (i + 1) & m)
        if (gm_trk[i].addr == a) {
            gm_trk[i].addr = GM_TRK_TOMB;
            gm_trk_live--;
            return;
        }
}                                        /* not found: allocated before tracking started */

void gm_mem_track(bool on)
{
    free(gm_trk);
    gm_trk = NULL;
    gm_trk_cap = gm_trk_used = gm_trk_live = 0;
    gm_trk_broken = false;
    gm_trk_serial = 0;
    gm_trk_on = on;
}

uint64_t gm_mem_block_serial(const void *p, size_t n)
{
    if (!gm_trk_on || gm_trk_broken || p == NULL) return 0;
    uintptr_t x = (uintptr_t)p;
    if (n > UINTPTR_MAX - x) return 0;
    for (size_t i = 0; i < gm_trk_cap; i++) {
        uintptr_t lo = gm_trk[i].addr;
        if (lo > GM_TRK_TOMB && x >= lo && x - lo <= gm_trk[i].size && n <= gm_trk[i].size - (x - lo))
            return gm_trk[i].serial;
    }
    return 0;
}

bool gm_mem_owns(const void *p, size_t n) { return gm_mem_block_serial(p, n) != 0; }
uint64_t gm_mem_serial(void) { return gm_trk_serial; }

size_t gm_mem_tracked(void) { return gm_trk_live; }

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
    if (gm_trk_on) gm_trk_put((uintptr_t)(h + 1), n, ++gm_trk_serial);
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
    if (gm_trk_on) {
        gm_trk_del((uintptr_t)p);
        gm_trk_put((uintptr_t)(nh + 1), n, ++gm_trk_serial);
    }
    return nh + 1;
}

void gm_mem_free(void *p)
{
    if (p == NULL) return;
    gm_mem_hdr *h = (gm_mem_hdr *)p - 1;
    gm_mem.live -= h->size;
    gm_mem.blocks--;
    if (gm_trk_on) gm_trk_del((uintptr_t)p);
    free(h);
}

gm_mem_stats gm_mem_stats_get(void) { return gm_mem; }
void gm_mem_reset_peak(void) { gm_mem.peak = gm_mem.live; }
void gm_mem_fail_after(long n) { gm_mem_fail = n < 0 ? -1 : n; }
