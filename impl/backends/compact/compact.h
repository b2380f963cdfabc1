/*
** compact.h (internal to backends/compact): the `compact` backend, phase 6 ("beyond the plan",
** issue 12). It starts from the columnar store of phase 3/4 (backends/columnar/store.h; copied
** here with a cp_ prefix, because store.c belongs to the columnar backends) and keeps everything
** zerocopy does: dense uint32 handles, ids once in an arena, aliased column views, batch calls,
** no allocation on reads (the exception: the view of a column with nothing to alias as its
** layout says, a list, struct, tagged or marked column, is decoded). What it changes,
** each choice with its cost on a mutation and its bytes (n rows, m edges):
**
**   integers   I64 columns are stored at the narrowest width holding every value stored so far:
**              int8 / int16 / int32 / int64 (cp_attr.w = 1, 2, 4, 8). A set whose value does not
**              fit widens the column IN PLACE (cp_widen: one realloc, entries rewritten back to
**              front): O(rows) once per widening, at most 3 per column; a batch finds its widest
**              value first and widens once. A column holding one value everywhere keeps no array
**              at all (w = 0, the value in cval: single sets start so, a batch of one value into
**              a column without values makes it so); a second value gives it its array at the
**              width both need, once, O(rows) (pgp's expire_date and rev_date, INT64_MAX on
**              every node: 323 K -> 12 B); its view is decoded (nothing to alias).
**              Never narrowed back (an overwrite or unset keeps the
**              width). Bytes: w x rows instead of 8 x rows (groggy-10k: salary 81,257 -> 41,257,
**              level 81,256 -> 11,256, value 81,256 -> 21,256). View: GM_COL_INT with
**              `packed` + `width` (1/2/4), aliased; at width 8 the view is GM_COL_I64 as before.
**   dictionary DICT codes are uint8 up to 256 distinct strings, uint16 up to 65,536, uint32 past
**              that; the dictionary reservation widens the codes (same cp_widen) before the new
**              entry is committed: O(rows) at 257 and at 65,537 strings. Bytes: 1 or 2 x rows
**              instead of 4 (role / department 41.6 K -> 11.6 K). View: GM_COL_DICT_N (`packed`,
**              `width` 1/2) or GM_COL_DICT at 4 bytes, aliased. The DICT -> STR rule is unchanged.
**   bools      bit-packed, as before (1 bit a row + the validity bit).
**   edges      src[] / dst[] and the CSR: csroff (a node) and adjedge (an edge: edge handles in
**              CSR order), plus indeg[] (a node), every entry bit-packed at the narrowest width
**              for its bound (cp_ids, w = 1..32 bits): node handles (src, dst) at
**              cp_bitlen(nbound) bits (7 at 115 nodes, 14 at 10K, 17 at 100K), edge-side
**              entries (adjedge, csroff, indeg: handles, offsets and counts <= ebound) at
**              cp_bitlen(ebound + 1); a removed edge's src is the width's all-ones entry. Entry i
**              is read and written through the unaligned 8-byte word holding bit i * w (a
**              read-modify-write on a put), so each block ends 7 bytes past its last entry's.
**              Widened in place when a reservation raises the bound past a power of two (one
**              realloc, entries moved back to front: O(entries) per widening, amortised O(1) an
**              entry since the bound doubles between two); never narrowed. Cost: a multiply,
**              shift and mask per access (groggy-10k instructions against whole-byte entries
**              behind a width switch: build +6.5 %, neighbors +12 %, remove +8 %; wall time
**              within the noise); bytes per node grow by one bit an entry per doubling, no
**              step (groggy-10k -> groggy-100k: 50.7 -> 53.2 B a node, +4.9 %; whole bytes
**              stepped +10.8 % at 65,536). Sequential passes (a batch's src/dst, the CSR's
**              prefix sum and shift, a node batch's empty segments) write through cp_idw, a
**              word at a time: a put per entry re-read the word the previous put had just
**              written and stalled on store forwarding. A widening moves only the entries in
**              use (none when no edge exists yet: a bulk build's node-side arrays). Build on
**              groggy-10k, median of 15, same run: 118 -> 97 ns an item, zerocopy 90.
**              Each target is
**              stored once, in dst[]: out_neighbors gathers the targets (dst[adjedge[i]],
**              O(degree)) into `scratch` and the edge handles into `escratch`, both of which the
**              edge adds
**              reserve (a read never allocates): degmax bounds every out-degree (+1 a committed
**              edge; a CSR rebuild sets it exact) and scratch.cap >= degmax. A bulk batch counts
**              its sources' degrees in a temporary array (O(V + E), nbound x 4 bytes, freed at
**              once) and reserves exactly the largest; single adds reserve degmax + 1, so a
**              graph built one edge at a time with no read between holds up to 8 bytes an edge
**              of scratch (never shrunk).
**              No incidence lists (phase 4 dropped its own for issue 11: backends/columnar/
**              store.h, "removal"); node removal uses tombstones: n's out-edges are killed through n's CSR segment (O(out-degree);
**              the CSR is rebuilt first only if edges were added since the last rebuild, a CSR
**              that only has dead entries still lists every live out-edge); n's in-edges die at
**              once in the counts (elive -= indeg[n]; an edge is live iff src != CP_DEAD and its
**              target is alive) and are swept (src := CP_DEAD, attribute rows cleared) by the next
**              CSR rebuild, which walks every edge anyway. The removed node's id keeps its
**              entry in the id index, pointing at the dead handle (as the columnar store's):
**              finds check the alive bit and a re-add re-points the entry; deleting it shifted
**              the probe run behind it, re-hashing each moved id from the arena (groggy-1m:
**              1,348 -> 307 ns a removal; groggy-10k: 1,059,243 -> 441,709 instructions for
**              1,000 removals, against get's 4,789,092 -> 4,949,117 for the alive check). No
**              allocation, never fails. An
**              edge_add_batch of at least a quarter of the graph's nodes + edges sorts the CSR
**              at once (O(V + E), amortised O(1) an edge added), so the removals after a bulk
**              build pay O(out-degree), not a rebuild of the whole graph in the first one
**              (issue 11: remove's per-node cost grew 4x from 10K to 100K nodes). Counts,
**              edge_live, edge_next and degrees are exact at every moment. Bytes: edges 35,014 +
**              adjacency (csroff + adjedge + indeg) 52,523 B + 48 B of scratch on groggy-10k
**              (14-bit entries), where zerocopy's takes 80,000 + 160,004 (4-byte entries, and
**              adjdst, its copy of the targets); graph-10k 174,958 + 139,991 (14-bit node
**              handles, 16-bit edge side; zerocopy 399,872 + 479,876).
**              Not done: src[] still repeats what the CSR segments imply (the floor's CSR
**              has no src[]: its edge handle is the CSR position, which a mutable store with
**              stable handles cannot use), plus indeg[].
**   lists      an array value whose items are all ints, all doubles or all strings (or empty)
**              goes to a LIST column. While every row holds a list of one length k (the first
**              row stored decides; pos: two doubles) of ints, doubles or dictionary-coded
**              strings, the column is FIXED (Arrow's FixedSizeList): no offsets, row r's items
**              at r * k * item bytes in the arena, named "list<f64>[2]"; an overwrite is in
**              place, O(k); a widening of the items rewrites the arena at the new stride. A row
**              appended past a gap keeps it fixed only while the dead rows' bytes stay below
**              the offsets they save (4 a row), so a sparse column does not fill with padding.
**              A row of another length, an empty list or strings leaving the dictionary turn
**              it, once, O(rows) and one allocation (which may fail: GM_ENOMEM, nothing
**              changed), into the general layout: uint32 offsets (rows + 1; a set that would
**              take one column's bytes past 4 GiB is GM_ENOMEM in either layout) + one byte
**              arena in row order, as STR:
**              list<f64> rows are the items as 8-byte doubles back to back, list<int> rows the
**              items at the column's width (1/2/4/8 bytes, cp_attr.w, widened as an integer
**              column is, but by re-encoding the arena: O(rows + bytes) per widening; while no
**              item has been negative, items up to 2^32 - 1 take 4 bytes as uint32, luns),
**              list<str> rows, while the column keeps a dictionary (cp_attr.ldict: dict +
**              didx as a DICT column's, the distinct strings in kbytes), one code per item at
**              1/2/4 bytes by the dictionary's size (widened as list<int> items are); a set
**              counts its misses and reserves codes, entries and bytes before it commits. When
**              a set would leave more than half of the items distinct (past CP_DICT_SMALL
**              entries: the DICT -> STR rule), the column is rewritten once, O(rows + bytes),
**              to rows holding the strings: a uint32 count then (uint32 length, bytes) per
**              item; never back. An empty list is 0 bytes in either. Set: append in build
**              order, O(bytes) (an overwrite shifts the rows after it, O(rows after + their
**              bytes), as STR). A list of another item kind than
**              the column's turns the column into tagged values (VAL), once, O(rows). Get: the
**              row is decoded into a gm_value scratch of the column (cp_attr.items), reserved by
**              the sets for the longest list stored, so a read never allocates; the items are
**              borrowed until the next read of that column. The column view has no tagged
**              values to alias: it is materialised (GM_COL_VALUES, aliased = false, one block).
**              Bytes (real-pgp-strong-2009, zerocopy -> compact): edge:e_id 38.1 M -> 4.0 M
**              (16-character ids, about 40 K distinct of 593 K items: 2-byte codes),
**              edge:e_time 28.7 M -> 3.7 M (uint32), node:pos 3.8 M -> 0.8 M, node:uid
**              7.7 M -> 4.5 M (mostly distinct: strings in the rows).
**              The list dictionary's entries are uint32 offsets into kbytes (4 bytes an entry;
**              no view exposes them), not gm_str (16). Not done: nested lists are tagged
**              values. Fixed lists, bytes: node:pos (two doubles) real-football 2,829 -> 1,917
**              (the floor's 1,840), real-pgp-strong-2009 0.82 M -> 0.66 M (the floor's 0.64 M).
**              The decoding scratch (items) is sized to the longest list exactly (it took 16
**              items at least: 384 bytes a column on a 115-node graph).
**   strings    STR columns (mostly distinct strings) keep uint32 offsets (4 bytes a row, not 8;
**              a set that would take a column's bytes past 4 GiB is GM_ENOMEM); the view is
**              GM_COL_STR_N (`packed` offsets, `width` 4, `bytes`), aliased.
**   marks      nulls: a null stored into a typed column is one bit in `nulls` (cp_mark: a bitmap
**              sized as `valid`, allocated by the column's first null, freed if the column turns
**              to tagged values); the row's data is ignored while the bit is set. A column of
**              nulls so far takes the type of its first value. ints among doubles: an F64 column
**              keeps an int (|x| <= 2^53, exact as a double) as the double it equals with its bit
**              set in `ints`; an I64 column meeting its first double is rewritten as F64 once,
**              O(rows), if every int is exact. Reads give back null / the int. Cost: rows / 8
**              bytes a mark, only where one is held (mixed-10k role: tagged 0.39 M -> 12.8 K,
**              active 0.32 M -> 3.8 K, score 0.32 M -> 82.5 K). A typed column holding marks
**              has nothing to alias as the layout says: its view is decoded (GM_COL_VALUES,
**              aliased = false, as a list column's), and the filter reads it row by row.
**   objects    objects whose keys (in order) repeat are a STRUCT column (CP_OBJ): one child
**              column per member in kids[] (named by the key), each any of the layouts here
**              (nested objects as nested structs up to depth 4, arrays inside as tagged
**              values); a read decodes the object into the column's items scratch (keys from
**              dict, values from the children: borrowed until the next read of the column).
**              A set reserves in every member column first (widen, dictionary entry, bytes,
**              marks, typing a member column that holds only nulls, tagged members copied
**              ahead) and commits after, so GM_ENOMEM changes nothing; an object with other
**              keys, another key order or a member of another type turns the column into tagged
**              values, once, O(rows). Bytes: the children's (mixed-10k address: tagged
**              1.38 M -> 219 K; city dict<u8>, zip int32, geo struct<lat f64; lon f64>).
**   tagged     VAL columns (truly mixed values, nested lists) keep one pointer a row (8 bytes,
**              NULL where absent) to a block holding the value, not a 32-byte gm_value a row:
**              sparse columns stay small (mixed-10k matrix, 2 % of rows: 376 K -> 143 K); a
**              dense one costs 8 bytes a row more. The view is decoded (aliased = false).
**   validity   a bitmap per column where something is absent (rows / 8 bytes). A node column
**              that holds a value on every live node after a batch set aliases the graph's
**              alive bitmap instead (cp_attr.full; checked at the batch's end, O(V / 8)): 0
**              bytes. The bitmap comes back, a copy of the alive bitmap (O(V / 8), one
**              allocation), when a node is added (it lacks the value until set) or a value is
**              unset; so that unset, unlike the other backends', may fail with GM_ENOMEM,
**              nothing changed (graphmem.h). Edge columns keep theirs: edges have no liveness
**              bitmap to alias (an in-edge of a removed node dies in the counts first).
**   names      gm_memory_usage names each column with its layout: "node:role dict<u8>",
**              "node:uid list<str>", "node:address struct<city: dict<u8>; ...>", "+nulls".
** Everything else (ids arena, id index, liveness bitmap, CSR rebuild, DICT -> STR rule) is
** the columnar store's, described in backends/columnar/store.h.
** Measured (exact heap of the counting allocator after build; the floor of harness/raw_floor.c,
** whose CSR is bit-packed):
**   groggy-10k 1,088,903 (zerocopy) -> 506,976 (compact), floor 439,516 (1.15x);
**   graph-10k 2,863,193 -> 1,429,182, floor 1,191,716 (1.20x);
**   mixed-10k 4,704,309 -> 1,169,615, floor 1,012,107 (1.16x);
**   real-pgp-strong-2009 95,229,576 -> 20,450,771, floor 17,860,014 (1.15x);
**   real-serengeti-foodweb 16,551, floor 13,816 (1.20x); real-football 9,965, floor 7,275
**   (1.37x: 115 nodes and 613 edges, where the graph record and the attribute table, 1.6 KB,
**   are a fifth of the floor, and src + dst + adjedge + csroff + indeg, 2,165 bytes at 7 and
**   10 bits an entry, meet the floor's CSR of 698; the topology alone takes 1,467 of the
**   1,819 bytes that 1.25x allows, so the graph record, the index and the columns' headers
**   cannot fit in the rest); groggy-100k 5,318,212, floor 4,560,748 (1.17x).
**   (Whole-byte entries, before: groggy-10k 519,441, graph-10k 1,454,139, pgp 20,688,997,
**   football 10,714, groggy-100k 5.76 M.)
**   What keeps compact above the floor: edges (src + dst + adjedge, 3 entries an edge, plus
**   csroff and indeg, 2 a node, against the floor's CSR of 1 bit-packed entry an edge + 1 a
**   node: the floor's
**   edge handle is its CSR position, which a store with stable handles in insertion order
**   cannot use; indeg could be built by the first in_degree, but that is a read, and reads do
**   not allocate); edge columns' validity bitmaps where nothing is absent; the id index at
**   load 2/3 (the floor's 3/4); the arena's growth slack (up to 1/16); the floor's
**   int columns narrowed with exceptions (pgp's e_time items). (e_time holds 4,029,723,038 > INT32_MAX: its 592,752 items stay at 8 bytes.)
** Every mutation still reserves first and commits after (a widening is a reservation: it
** changes the representation, not the contents), so GM_ENOMEM leaves the contents unchanged.
*/
#ifndef CP_STORE_H
#define CP_STORE_H

#include <string.h>
#include "backend.h"
#include "idindex.h"

#define CP_DEAD       UINT32_MAX   /* what cp_ids_get gives for src[] of a removed edge */
#define CP_DICT_SMALL 64           /* a string dictionary up to this size is always kept */

/* The scalar layouts come first, up to CP_STR: cp_attr_put's fast path tests want <= CP_STR. */
typedef enum cp_type { CP_EMPTY = 0, CP_I64, CP_F64, CP_BOOL, CP_DICT, CP_STR, CP_VAL, CP_LIST, CP_OBJ } cp_type;

typedef struct cp_buf { void *p; size_t cap; } cp_buf;   /* cap in elements */
/* A set of rows marked apart from a typed column's layout (compact.h, "marks"): a bitmap sized
** as the validity bitmap, allocated by the first mark only; n rows marked. */
typedef struct cp_mark { cp_buf bits; size_t n; } cp_mark;

typedef struct cp_attr {
    char    *name;        /* NUL-terminated, one block */
    size_t   namelen;
    cp_type type;
    uint8_t  w;           /* I64: bytes per value (1, 2, 4, 8; 0: constant, every value is cval,
                          ** no array); DICT: bytes per code (1, 2, 4) */
    uint8_t  lkind;       /* LIST: the items' gm_type (GM_INT, GM_DOUBLE, GM_STRING), or GM_NULL
                          ** while every stored list is empty */
    bool     ldict;       /* LIST of strings: rows are codes of w bytes (1, 2, 4) into dict, whose
                          ** strings are in kbytes; false: rows hold the strings themselves */
    bool     luns;        /* LIST of ints at w = 4: the items are uint32 (no item negative) */
    bool     lneg;        /* LIST of ints: some item stored was negative (sticky) */
    bool     loff;        /* LIST: rows are located by uint32 offsets in data (rows + 1); false:
                          ** the fixed layout, row r at dbytes + r * lfix * item bytes, no offsets */
    uint32_t lfix;        /* LIST, fixed layout: items in every row below hi (decided by the first
                          ** row stored: meaningless while hi is 0) */
    bool     full;        /* node column with a value on every live node: `valid` is the
                          ** graph's alive bitmap, aliased, not a block of its own */
    cp_buf   items;       /* LIST: gm_value scratch a read decodes one row's items into; OBJ:
                          ** the values a read decodes the object's members into */
    cp_buf   kbytes;      /* LIST dictionary: the distinct strings back to back */
    size_t   nkbytes;     /* bytes used in kbytes */
    int64_t  cval;        /* I64 at w = 0: the one value stored */
    size_t   nvalid;      /* rows with the bit set */
    cp_buf  valid;       /* uint8 bitmap; cap in bytes >= (rows + 7) / 8 */
    cp_mark  nulls;       /* rows holding null in a typed (not VAL) column (a null row has its
                          ** valid bit set too and unspecified data) */
    cp_mark  ints;        /* F64: rows holding an int (|x| <= 2^53, exact as the double stored) */
    struct cp_attr *kids; /* OBJ: one child column per member, in the schema's order (the name of
                          ** kid j is key j); dict holds the keys as gm_str, items the scratch a
                          ** read decodes the object into (top-level columns only) */
    size_t   nkids;
    cp_buf  data;        /* I64/F64: 8 bytes a row; BOOL: bitmap bytes; DICT: uint32 codes;
                          ** STR: uint64 offsets, rows + 1; VAL: gm_value */
    cp_buf  dict;        /* DICT: gm_str entries pointing into dbytes, in code order (LIST with
                          ** ldict: into kbytes) */
    size_t   ndict;
    cp_buf  dbytes;      /* DICT: the distinct strings back to back; STR: the row strings */
    size_t   nbytes;      /* bytes used in dbytes */
    gm_idx   didx;        /* DICT (and LIST with ldict): string -> code */
    size_t   hi;          /* STR: offsets[0..hi] are exact, rows >= hi are empty, offsets[hi] = nbytes */
} cp_attr;

typedef struct cp_attrs { cp_attr *a; size_t n, cap; } cp_attrs;

/* The topology's arrays (compact.h, "edges"): uint32 entries bit-packed at the narrowest width
** w (1..32 bits) for the bound their entries can reach; cap in entries. A node-handle array
** (src, dst) is as wide as cp_bitlen(nbound), an edge-side one (adjedge, csroff, indeg) as
** cp_bitlen(ebound + 1); the all-ones entry of the width (mask) reads as CP_DEAD (src[] only: a
** node handle is always below it). Entry i is bits [i * w, i * w + w) of the block, read and
** written through one unaligned 8-byte word, so the block has CP_IDS_PAD bytes past the last
** entry's. Widened in place by the reservations, never narrowed. */
typedef struct cp_ids { cp_buf b; uint32_t mask; uint8_t w; } cp_ids;
#define CP_IDS_PAD 7
typedef struct cp_graph {
    struct gm_graph base;
    uint32_t  nbound, nlive;
    cp_buf   idbytes;    /* char */
    size_t    idused;
    cp_buf   idoff;      /* uint32, nbound + 1 */
    cp_buf   alive;      /* uint8 bitmap of live nodes */
    gm_idx    index;      /* id -> node handle */
    uint32_t  ebound, elive;
    cp_ids    src, dst;   /* ebound entries, node-handle width */
    cp_ids    indeg;      /* nbound entries, edge-side width */
    cp_ids    csroff;     /* nbound + 1, edge-side width */
    cp_ids    adjedge;    /* >= ebound, edge-side width: edge handles in CSR order */
    uint32_t  degmax;     /* bound on every node's out-degree; scratch.cap >= degmax */
    bool      missing;    /* edges were added since the last rebuild (dirty too) */
    bool      dirty;      /* CSR out of date */
    cp_attrs attrs[2];   /* GM_KNODE, GM_KEDGE */
    cp_buf   scratch;    /* uint32, >= degmax: out-neighbour targets gathered from dst[] */
    cp_buf   escratch;   /* uint32, as scratch: their edge handles, gathered from adjedge */
} cp_graph;

#define CP(g) ((cp_graph *)(g))

static inline bool cp_bit(const uint8_t *m, size_t i) { return (m[i >> 3] >> (i & 7)) & 1u; }
static inline void cp_bit_set(uint8_t *m, size_t i) { m[i >> 3] |= (uint8_t)(1u << (i & 7)); }
static inline void cp_bit_clr(uint8_t *m, size_t i) { m[i >> 3] &= (uint8_t)~(1u << (i & 7)); }
static inline bool cp_marked(const cp_mark *m, size_t row) { return m->n > 0 && cp_bit(m->bits.p, row); }
static inline void cp_unmark(cp_mark *m, size_t row)
{
    if (cp_marked(m, row)) {
        cp_bit_clr(m->bits.p, row);
        m->n--;
    }
}
/* Mark row; the first mark allocates the bitmap (vbytes = the validity bitmap's bytes):
** GM_ENOMEM leaves m unchanged. */
gm_status cp_mark_row(cp_mark *m, size_t row, size_t vbytes);
void      cp_mark_free(cp_mark *m);
#define cp_is_null(a, row) cp_marked(&(a)->nulls, row)
/* Does p point into b's block? (A caller may pass back a string it borrowed from the store.) */
static inline bool cp_inside(const cp_buf *b, const char *p)
{
    uintptr_t x = (uintptr_t)p, lo = (uintptr_t)b->p;
    return b->p != NULL && p != NULL && x >= lo && x < lo + b->cap;
}
/* Packed integers: entry i of an array of w-byte signed ints / unsigned codes. */
static inline int64_t cp_iget(const void *p, unsigned w, size_t i)
{
    switch (w) {
    case 1: return ((const int8_t *)p)[i];
    case 2: return ((const int16_t *)p)[i];
    case 4: return ((const int32_t *)p)[i];
    default: return ((const int64_t *)p)[i];
    }
}
static inline void cp_iput(void *p, unsigned w, size_t i, int64_t x)
{
    switch (w) {
    case 1: ((int8_t *)p)[i] = (int8_t)x; return;
    case 2: ((int16_t *)p)[i] = (int16_t)x; return;
    case 4: ((int32_t *)p)[i] = (int32_t)x; return;
    default: ((int64_t *)p)[i] = x; return;
    }
}
static inline uint32_t cp_uget(const void *p, unsigned w, size_t i)
{
    switch (w) {
    case 1: return ((const uint8_t *)p)[i];
    case 2: return ((const uint16_t *)p)[i];
    default: return ((const uint32_t *)p)[i];
    }
}
static inline void cp_uput(void *p, unsigned w, size_t i, uint32_t x)
{
    switch (w) {
    case 1: ((uint8_t *)p)[i] = (uint8_t)x; return;
    case 2: ((uint16_t *)p)[i] = (uint16_t)x; return;
    default: ((uint32_t *)p)[i] = x; return;
    }
}
/* The narrowest width that holds x (signed) / code c (unsigned). */
static inline unsigned cp_iwidth(int64_t x)
{
    if (x >= INT8_MIN && x <= INT8_MAX) return 1;
    if (x >= INT16_MIN && x <= INT16_MAX) return 2;
    if (x >= INT32_MIN && x <= INT32_MAX) return 4;
    return 8;
}
static inline unsigned cp_uwidth(size_t c) { return c <= UINT8_MAX ? 1 : c <= UINT16_MAX ? 2 : 4; }
/* The number of bits that hold x (at least 1): a topology array holding values up to c is
** cp_bitlen(c) bits wide, so its all-ones entry (CP_DEAD) is above every value. */
static inline unsigned cp_bitlen(size_t x)
{
    unsigned w = 1;
    while (w < 64 && (x >> w) != 0) w++;
    return w;
}
/* Bytes of a topology block of cap entries of w bits (0 when cap is 0: no block). */
static inline size_t cp_ids_nbytes(size_t cap, unsigned w)
{
    return cap == 0 ? 0 : (cap * w + 7) / 8 + CP_IDS_PAD;
}
/* The 8 bytes at p as a little-endian word (the layout is the same on every host). */
static inline uint64_t cp_word_get(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}
static inline void cp_word_put(uint8_t *p, uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, 8);
}
/* Entry i of a block of w-bit entries, as stored (no CP_DEAD mapping). */
static inline uint32_t cp_bits_get(const void *p, unsigned w, uint32_t mask, size_t i)
{
    size_t bit = i * w;
    return (uint32_t)(cp_word_get((const uint8_t *)p + (bit >> 3)) >> (bit & 7)) & mask;
}
static inline uint32_t cp_ids_get(const cp_ids *a, size_t i)
{
    uint32_t x = cp_bits_get(a->b.p, a->w, a->mask, i);
    return x == a->mask ? CP_DEAD : x;
}
/* Entry i as stored, for an array whose entries are never CP_DEAD (dst, adjedge, csroff,
** indeg) or a caller that tests for it itself (cp_ids_dead): no mapping. */
static inline uint32_t cp_ids_raw(const cp_ids *a, size_t i) { return cp_bits_get(a->b.p, a->w, a->mask, i); }
static inline bool cp_ids_dead(const cp_ids *a, size_t i) { return cp_ids_raw(a, i) == a->mask; }
/* x <= mask (CP_DEAD is stored as mask): a read-modify-write of the entry's word, so it never
** changes another entry's bits. */
static inline void cp_ids_put(cp_ids *a, size_t i, uint32_t x)
{
    size_t bit = i * a->w;
    uint8_t *q = (uint8_t *)a->b.p + (bit >> 3);
    unsigned sh = (unsigned)(bit & 7);
    uint64_t v = cp_word_get(q) & ~((uint64_t)a->mask << sh);
    cp_word_put(q, v | (uint64_t)(x & a->mask) << sh);
}

/* Entry i += d (mod 2^32; the result must stay below mask), in one read-modify-write of its
** word; returns the new value. */
static inline uint32_t cp_ids_add(cp_ids *a, size_t i, uint32_t d)
{
    size_t bit = i * a->w;
    uint8_t *q = (uint8_t *)a->b.p + (bit >> 3);
    unsigned sh = (unsigned)(bit & 7);
    uint64_t v = cp_word_get(q);
    uint32_t x = (uint32_t)((uint32_t)(v >> sh) + d) & a->mask;
    cp_word_put(q, (v & ~((uint64_t)a->mask << sh)) | (uint64_t)x << sh);
    return x;
}

/* A sequential writer of entries i, i + 1, ... of a cp_ids, overwriting them. The bits gather
** in a register and go out a whole 64-bit word at a time. cp_ids_put on consecutive entries
** reads back, unaligned, the word the previous put has just written, which the store buffer
** cannot forward, so each put waits for the store to complete; a bulk build's sequential
** passes (the CSR's prefix sum and shift, a batch's src/dst) did that per entry. Entries past
** the last one put are kept (cp_idw_end). Reads of entries after the last one put may go on
** meanwhile: a flushed word holds only entries already put. */
typedef struct cp_idw { uint8_t *q; uint64_t acc; unsigned nbits; unsigned w; uint32_t mask; } cp_idw;

static inline cp_idw cp_idw_start(cp_ids *a, size_t i)
{
    size_t bit = i * a->w;
    uint8_t *q = (uint8_t *)a->b.p + (bit >> 3);
    unsigned nbits = (unsigned)(bit & 7);
    cp_idw wr = { q, *q & ((1u << nbits) - 1u), nbits, a->w, a->mask };   /* entries below i */
    return wr;
}
static inline void cp_idw_put(cp_idw *wr, uint32_t x)
{
    uint64_t v = x & wr->mask;                /* CP_DEAD is stored as mask, as cp_ids_put */
    wr->acc |= v << wr->nbits;
    wr->nbits += wr->w;
    if (wr->nbits >= 64) {
        cp_word_put(wr->q, wr->acc);
        wr->q += 8;
        wr->nbits -= 64;
        wr->acc = wr->nbits ? v >> (wr->w - wr->nbits) : 0;   /* the bits that did not fit */
    }
}
static inline void cp_idw_end(cp_idw *wr)
{
    if (wr->nbits == 0) return;
    uint64_t m = ((uint64_t)1 << wr->nbits) - 1;
    cp_word_put(wr->q, (cp_word_get(wr->q) & ~m) | (wr->acc & m));
}

static inline size_t cp_rows(const cp_graph *G, gm_kind k) { return k == GM_KNODE ? G->nbound : G->ebound; }

/* Grow b to hold `need` elements of esz bytes (new bytes zeroed). exact: to `need` (unless that
** is a step below the geometric one); otherwise to max(need, cap + max(cap / 16, 16)): at most
** 6.25 % slack, so bytes per node do not jump with the size of the graph (see cp_buf_reserve).
** GM_ENOMEM leaves b unchanged. */
gm_status cp_buf_reserve(cp_buf *b, size_t need, size_t esz, bool exact);

/* ---- slots shared by both backends (same contracts as backend.h) ---- */
gm_status cp_open(gm_graph **out);
void      cp_close(gm_graph *g);
gm_status cp_node_add(gm_graph *g, const char *id, size_t len, gm_node *out);
gm_status cp_node_find(gm_graph *g, const char *id, size_t len, gm_node *out);
gm_status cp_node_id(gm_graph *g, gm_node n, gm_str *out);
gm_status cp_node_remove(gm_graph *g, gm_node n);
bool      cp_node_live(const gm_graph *g, gm_node n);
size_t    cp_node_count(const gm_graph *g);
size_t    cp_node_bound(const gm_graph *g);
gm_status cp_node_next(gm_graph *g, gm_node *it);
gm_status cp_edge_add(gm_graph *g, gm_node src, gm_node dst, gm_edge *out);
gm_status cp_edge_remove(gm_graph *g, gm_edge e);
gm_status cp_edge_ends(gm_graph *g, gm_edge e, gm_node *src, gm_node *dst);
bool      cp_edge_live(const gm_graph *g, gm_edge e);
size_t    cp_edge_count(const gm_graph *g);
size_t    cp_edge_bound(const gm_graph *g);
gm_status cp_edge_next(gm_graph *g, gm_edge *it);
gm_status cp_out_degree(gm_graph *g, gm_node n, size_t *out);
gm_status cp_in_degree(gm_graph *g, gm_node n, size_t *out);
gm_status cp_attr_set(gm_graph *g, gm_kind k, uint32_t h, const char *key, const gm_value *v);
gm_status cp_attr_get(gm_graph *g, gm_kind k, uint32_t h, const char *key, gm_value *out);
gm_status cp_attr_unset(gm_graph *g, gm_kind k, uint32_t h, const char *key);
gm_status cp_memory_usage(gm_graph *g, gm_usage_fn fn, void *ud);

/* ---- internals for columnar.c / zerocopy.c ---- */

/* Rebuild the CSR if it is dirty: O(V + E), in place, never allocates; sets degmax to the
** largest out-degree. */
void cp_csr_ready(cp_graph *G);
/* Is an edge batch of `count` a bulk load, whose CSR is sorted at once (compact.h, "edges")? */
static inline bool cp_bulk(const cp_graph *G, size_t count)
{
    return gm_bulk_edges(count, G->nbound, G->ebound);
}

/* A node column holding a value on every live node gives up its validity bitmap and aliases
** the graph's alive bitmap (compact.h, "validity"): checked at the end of a batch set, O(V / 8).
** Never fails. */
void      cp_attr_try_full(cp_graph *G, gm_kind k, cp_attr *a);

/* Reserve room for `count` more nodes (ids totalling idbytes bytes) / edges in every node (edge)
** array and attribute column, and in the index. exact: size to the new total once (batches). */
gm_status cp_reserve_nodes(cp_graph *G, size_t count, size_t idbytes, bool exact);
/* Edges also reserve the neighbour scratch: for degmax + count entries (a bound: each edge may
** add to one node's out-degree), or, given a bulk batch's sources (bsrc, non-NULL only when
** cp_bulk(G, count)), for the largest out-degree after the batch, counted in a temporary
** array of nbound entries (O(V + E), freed before returning). */
gm_status cp_reserve_edges(cp_graph *G, size_t count, bool exact, const gm_node *bsrc);
/* Commit one node / edge into reserved room (never fails). h = gm_idx_hash(id, len); slot: the
** index entry a removed node with this id left (gm_idx_slot_h, after the reservation), re-pointed
** at the new node, or GM_IDX_NOSLOT: a new entry. csr = false: the caller extends the CSR's
** offsets over the new nodes itself (cp_csr_extend, once a batch). */
gm_node   cp_commit_node(cp_graph *G, const char *id, size_t len, uint64_t h, size_t slot, bool csr);
/* When the CSR lists every edge, give nodes [first, nbound) empty segments (sequentially). */
void      cp_csr_extend(cp_graph *G, gm_node first);
/* Node n's id bytes in the arena: the key callback of the id index (ctx is the cp_graph). */
gm_str    cp_id_key(const void *ctx, uint32_t n);
gm_edge   cp_commit_edge(cp_graph *G, gm_node s, gm_node d);
/* count edges at once (a batch), as count cp_commit_edge calls: src/dst written sequentially. */
void      cp_commit_edges(cp_graph *G, const gm_node *src, const gm_node *dst, size_t count);

/* The attribute `key` of kind k, or NULL. */
cp_attr *cp_attr_find(cp_graph *G, gm_kind k, const char *key);
/* Append an EMPTY attribute `key` (valid bitmap sized to the rows); *out points into the table
** until the next create. */
gm_status cp_attr_create(cp_graph *G, gm_kind k, const char *key, cp_attr **out);
/* Drop the last attribute of kind k (a create whose first set failed). */
void      cp_attr_drop_last(cp_graph *G, gm_kind k);
/* Store v at row (bit set, nvalid kept), converting or re-typing the column as needed.
** settle = false defers the DICT -> STR decision to cp_attr_settle() (batches). */
gm_status cp_attr_put(cp_graph *G, gm_kind k, cp_attr *a, uint32_t row, const gm_value *v, bool settle);
/* Apply the deferred DICT -> STR decision (never fails: on GM_ENOMEM the column stays DICT). */
void      cp_attr_settle(cp_graph *G, gm_kind k, cp_attr *a);
/* Re-type a column that holds no value to `t` (I64, F64, BOOL, DICT), its data sized exactly. */
gm_status cp_attr_retype(cp_graph *G, gm_kind k, cp_attr *a, cp_type t);
/* Widen an I64 or DICT column's data to w bytes an entry, in place (one realloc, entries moved
** back to front): O(capacity). GM_ENOMEM leaves the column unchanged. No-op if already >= w. */
gm_status cp_widen(cp_attr *a, unsigned w);
/* The storage type a value goes to: I64, F64, BOOL, DICT (strings), VAL (null, array, object). */
cp_type  cp_type_of(const gm_value *v);
/* Row `row`'s value, payload borrowed from the store. Precondition: its bit is set. */
void      cp_row_value(const cp_attr *a, size_t row, gm_value *out);
/* LIST: decode row's items into it[] (room for them); returns how many. */
size_t    cp_list_row(const cp_attr *a, size_t row, gm_value *it);
/* OBJ: decode row's object into out, its members' values taken from *pool (advanced). */
void      cp_obj_decode(const cp_attr *a, size_t row, gm_value *out, gm_value **pool);
/* OBJ: how many values cp_obj_decode takes from the pool for one row (the schema's members). */
size_t    cp_obj_span(const cp_attr *a);
/* STR: write offsets up to `rows` so offsets[0..rows] are all exact (no allocation). */
void      cp_str_finalize(cp_attr *a, size_t rows);
/* STR: put one string (reserving bytes itself; batches pre-reserve). */
gm_status cp_str_put(cp_attr *a, size_t row, const char *s, size_t len);

/* Could a batch into column a move or free what vals borrow? DICT/STR: a string (at any depth)
** inside a's bytes, which grow or are rebuilt mid-batch. VAL: the array itself inside a's slots,
** or any payload at all (a payload borrowed from a row is freed when that row is overwritten;
** telling it from a caller's own payload would cost a walk of the column, so any payload counts).
** Other types hold nothing a value can point into. O(values and their payload nodes). */
bool      cp_batch_borrows(const cp_attr *a, const gm_value *vals, size_t count);
/* Run batch(g, k, key, hs, copy, count) on a deep copy of vals (the inputs of a batch that
** borrows from its own target, see above), then free the copy. GM_ENOMEM if the copy fails. */
typedef gm_status (*cp_batch_fn)(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                                  const gm_value *vals, size_t count);
gm_status cp_batch_on_copy(gm_graph *g, gm_kind k, const char *key, const uint32_t *hs,
                            const gm_value *vals, size_t count, cp_batch_fn batch);

/* The slots columnar and zerocopy share, for their gm_backend initialisers. Each adds
** out_neighbors and its column/filter/batch slots. */
#define CP_SHARED_SLOTS                                                                     \
    .open = cp_open, .close = cp_close, .node_add = cp_node_add,                         \
    .node_find = cp_node_find, .node_id = cp_node_id, .node_remove = cp_node_remove,     \
    .node_live = cp_node_live, .node_count = cp_node_count, .node_bound = cp_node_bound, \
    .node_next = cp_node_next, .edge_add = cp_edge_add, .edge_remove = cp_edge_remove,   \
    .edge_ends = cp_edge_ends, .edge_live = cp_edge_live, .edge_count = cp_edge_count,   \
    .edge_bound = cp_edge_bound, .edge_next = cp_edge_next,                               \
    .out_degree = cp_out_degree, .in_degree = cp_in_degree, .attr_set = cp_attr_set,     \
    .attr_get = cp_attr_get, .attr_unset = cp_attr_unset,                                 \
    .memory_usage = cp_memory_usage

#endif /* CP_STORE_H */
