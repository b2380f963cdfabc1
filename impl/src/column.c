/*
** column.c: reading one entry of a column view, whatever its layout. Shared by every caller so
** the layouts of graphmem.h are decoded in one place.
*/
#include "graphmem.h"

gm_status gm_column_value(const gm_column *col, size_t i, gm_value *out)
{
    if (col == NULL || out == NULL) return GM_EINVAL;
    if (i >= col->len || col->valid == NULL || !(col->valid[i >> 3] & (1u << (i & 7)))) return GM_ABSENT;
    switch (col->layout) {
    case GM_COL_I64:    *out = gm_int(col->i64[i]); return GM_OK;
    case GM_COL_F64:    *out = gm_double(col->f64[i]); return GM_OK;
    case GM_COL_BOOL:   *out = gm_bool((col->bits[i >> 3] >> (i & 7)) & 1u); return GM_OK;
    case GM_COL_STR:
        *out = gm_strn(col->bytes + col->offsets[i], (size_t)(col->offsets[i + 1] - col->offsets[i]));
        return GM_OK;
    case GM_COL_DICT:
        if (col->codes[i] >= col->ndict) return GM_EINVAL;
        *out = gm_strn(col->dict[col->codes[i]].ptr, col->dict[col->codes[i]].len);
        return GM_OK;
    case GM_COL_VALUES: *out = col->values[i]; return GM_OK;
    case GM_COL_INT:
        switch (col->width) {
        case 1: *out = gm_int(((const int8_t *)col->packed)[i]); return GM_OK;
        case 2: *out = gm_int(((const int16_t *)col->packed)[i]); return GM_OK;
        case 4: *out = gm_int(((const int32_t *)col->packed)[i]); return GM_OK;
        default: return GM_EINVAL;
        }
    case GM_COL_DICT_N: {
        size_t c = col->width == 1 ? ((const uint8_t *)col->packed)[i]
                 : col->width == 2 ? ((const uint16_t *)col->packed)[i] : (size_t)-1;
        if (c >= col->ndict) return GM_EINVAL;
        *out = gm_strn(col->dict[c].ptr, col->dict[c].len);
        return GM_OK;
    }
    case GM_COL_STR_N: {
        if (col->width != 4) return GM_EINVAL;
        const uint32_t *o = col->packed;
        *out = gm_strn(col->bytes + o[i], (size_t)(o[i + 1] - o[i]));
        return GM_OK;
    }
    case GM_COL_EMPTY:  return GM_ABSENT;
    }
    return GM_EINVAL;
}
