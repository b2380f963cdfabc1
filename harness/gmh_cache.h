/*
** gmh_cache.h: a binary copy of a big generated scenario's parsed records (make scale, issue 11).
**
** Every C driver of a sweep parses the same nodes.jsonl and edges.jsonl: at 10M nodes the parse
** took 61 of the floor driver's 136 s, and each of five C systems paid it again. So for a
** scenario the generator made (its directory holds params.json) of GMH_CACHE_MIN_NODES nodes or
** more, gmh_data_load reads the records from DIR/.gmh-records.bin, writing it first from a strict
** parse of the JSONL when it is absent or stale:
**   - EVERY driver then loads from the cache, the first one too (it parses, writes, frees, reads
**     back): what the heap holds when a store is measured does not depend on which driver ran
**     first (a parse leaves glibc's bins and mmap threshold otherwise than a cache read, and
**     mallinfo figures repeat exactly only for one load path);
**   - the cache names the size, mtime and inode of both JSONL files and the format version; any
**     difference, a short or malformed file, or a read error makes it stale. It can make a load
**     faster, never different: the records read back are the strict loader's (same values, key
**     order and interned keys), allocated with plain malloc;
**   - written to a temporary file and renamed into place, so a reader sees a whole cache or none;
**     where it cannot be written (a read-only directory, a full disk) the JSONL is parsed as for
**     any scenario;
**   - GMH_CACHE=0 in the environment turns it off.
** Smaller scenarios (the shipped 10K ones, the gate's 100K point) are always parsed: their
** figures stay those of the strict loader, as measured before the cache existed.
** Cost: one file of about the JSONL's size beside it (build/scenarios/ only).
*/
#ifndef GMH_CACHE_H
#define GMH_CACHE_H

#include <stdbool.h>
#include "gmh.h"

#define GMH_CACHE_MIN_NODES 500000   /* bench.py's LIGHT_MIN_NODES: the scale family's 1M and 10M */

/* Is DIR a generated scenario of GMH_CACHE_MIN_NODES nodes or more (params.json says), with
** the cache not turned off? */
bool gmh_cache_wanted(const char *dir);
/* Fill d (zeroed by the caller) from DIR's cache. 0 on success; -1 when there is no usable cache
** (d is left empty). */
int  gmh_cache_load(const char *dir, gmh_data *d);
/* Write d, just loaded from DIR's JSONL files, as DIR's cache. 0 on success, -1 if it could not
** be written (nothing is left behind). */
int  gmh_cache_save(const char *dir, const gmh_data *d);

#endif /* GMH_CACHE_H */
