#include "store/db.h"

#include <string.h>

void store_col_copy(struct store_stmt *st, int col, char *dst, size_t dstlen)
{
        const char *s = store_col_text(st, col);
        size_t n = s ? strlen(s) : 0;
        if (n >= dstlen)
                n = dstlen - 1;
        if (n)
                memcpy(dst, s, n);
        dst[n] = '\0';
}
