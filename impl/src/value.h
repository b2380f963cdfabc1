/*
** value.h (internal): value helpers shared by the backends beyond what graphmem.h exports.
*/
#ifndef GM_VALUE_H
#define GM_VALUE_H

#include "graphmem.h"

/* cJSON tree <-> gm_value, used by gm_value_from_json/gm_value_to_json and by the json backend.
** The json backend calls these on every get/set: parsing with cJSON is the work phase 0 did. */
struct cJSON;
/* Parse `len` bytes with cJSON into an OWNED value (exact int64 recovery: number tokens without
** '.', 'e' or 'E' that fit int64 are GM_INT). */
gm_status gm_json_parse(const char *text, size_t len, gm_value *out, char *err, size_t errlen);
/* Serialize with cJSON into an OWNED NUL-terminated string (gm_mem_free), length in *len. */
gm_status gm_json_print(const gm_value *v, char **out, size_t *len);

/* Bytes a deep copy of v holds beyond the gm_value itself (payload blocks), as gm_value_copy
** requests them. */
size_t gm_value_payload_bytes(const gm_value *v);

/* Point cJSON at the counting allocator (idempotent; called by gm_open). */
void gm_json_hooks_install(void);

#endif /* GM_VALUE_H */
