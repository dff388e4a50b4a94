/*
 * buf: a growable byte string with a hard maximum.
 *
 * Ownership: a struct buf owns its data. `data` is never NULL after buf_init (it points at
 * a shared empty string until the first append) and is always NUL-terminated, so it can be
 * passed where a C string is expected. buf_detach hands the memory to the caller, who
 * frees it with free(); buf_release frees it and leaves the buf empty and reusable.
 */
#ifndef PCRM_BASE_BUF_H
#define PCRM_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
        char *data;
        size_t len;
        size_t cap;
        size_t max; /* appends that would pass this many bytes fail */
};

#define BUF_NO_LIMIT ((size_t)-1 / 2)

void buf_init(struct buf *b, size_t max);
/* Returns 0, or -1 when the result would exceed b->max or memory ran out (b unchanged). */
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Empties the buf but keeps its memory. */
void buf_reset(struct buf *b);
/* Returns the malloc'd string (never NULL unless memory ran out); the buf is left empty. */
char *buf_detach(struct buf *b, size_t *len);
void buf_release(struct buf *b);

#endif
