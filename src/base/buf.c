#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty[1];

void buf_init(struct buf *b, size_t max)
{
        b->data = empty;
        b->len = 0;
        b->cap = 0;
        b->max = max;
}

static int buf_grow(struct buf *b, size_t extra)
{
        if (extra > b->max || b->len > b->max - extra)
                return -1;
        size_t need = b->len + extra + 1;
        if (need <= b->cap)
                return 0;
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need)
                cap *= 2;
        char *p = realloc(b->cap ? b->data : NULL, cap);
        if (!p)
                return -1;
        if (!b->cap)
                p[0] = '\0';
        b->data = p;
        b->cap = cap;
        return 0;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
        if (buf_grow(b, len) < 0)
                return -1;
        if (len)
                memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
        return 0;
}

int buf_puts(struct buf *b, const char *s)
{
        return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
        return buf_append(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
        va_list copy;
        va_copy(copy, ap);
        int n = vsnprintf(NULL, 0, fmt, copy);
        va_end(copy);
        if (n < 0 || buf_grow(b, (size_t)n) < 0)
                return -1;
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
        return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int rc = buf_vprintf(b, fmt, ap);
        va_end(ap);
        return rc;
}

void buf_reset(struct buf *b)
{
        b->len = 0;
        if (b->cap)
                b->data[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
        char *p = b->cap ? b->data : strdup("");
        if (len)
                *len = b->cap ? b->len : 0;
        buf_init(b, b->max);
        return p;
}

void buf_release(struct buf *b)
{
        if (b->cap)
                free(b->data);
        buf_init(b, b->max);
}
