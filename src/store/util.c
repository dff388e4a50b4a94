#include "store/db.h"

#include "base/utf8.h"

#include <string.h>

void store_col_copy(struct store_stmt *st, int col, char *dst, size_t dstlen)
{
        utf8_copy(dst, dstlen, store_col_text(st, col));
}
