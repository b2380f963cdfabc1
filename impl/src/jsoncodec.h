/*
** jsoncodec.h (internal): gm_value <-> JSON text through cJSON (jsoncodec.c).
**
** Used by gm_value_from_json/gm_value_to_json, by the json backend on every get/set (parsing with
** cJSON is the work phase 0 did) and, on plain malloc, by the harness's scenario loader (gmh.c),
** so every system reads the same records with the same exact-int64 rules.
** Cost: one cJSON tree per call, built and freed inside the call, on the given allocator.
*/
#ifndef GM_JSONCODEC_H
#define GM_JSONCODEC_H

#include "value.h"

/* Parse `len` bytes into a value OWNED by the caller, allocated with `a` (free it with
** gm_value_free_a(a, ...)). Numbers without '.', 'e' or 'E' that fit int64 are GM_INT. GM_EJSON for
** text that is not RFC 8259 JSON, GM_EINVAL for "\u0000" or a number beyond double range, with a
** message in err (errlen bytes, always terminated) when err is non-NULL. */
gm_status gm_json_parse_a(const gm_allocator *a, const char *text, size_t len, gm_value *out,
                          char *err, size_t errlen);
/* Compact JSON of v: an OWNED NUL-terminated string allocated with `a`, length in *len. */
gm_status gm_json_print_a(const gm_allocator *a, const gm_value *v, char **out, size_t *len);

/* The same on the counting allocator (free the text with gm_mem_free). */
gm_status gm_json_parse(const char *text, size_t len, gm_value *out, char *err, size_t errlen);
gm_status gm_json_print(const gm_value *v, char **out, size_t *len);

/* Point cJSON's process-global hooks at this codec's allocator trampolines (idempotent; called by
** gm_open, and by every parse/print). */
void gm_json_hooks_install(void);

#endif /* GM_JSONCODEC_H */
