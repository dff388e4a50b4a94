#include "base/csv.h"

#include <string.h>

#define CSV_RECORD_MAX (1024 * 1024)

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
        memset(r, 0, sizeof(*r));
        r->p = data;
        r->end = data + len;
        if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
                r->p += 3;
        r->next_line = 1;
        buf_init(&r->text, CSV_RECORD_MAX);
}

void csv_release(struct csv_reader *r)
{
        buf_release(&r->text);
}

static int csv_fail(struct csv_reader *r, const char *why)
{
        r->error = why;
        return -1;
}

static int csv_end_field(struct csv_reader *r)
{
        if (r->nfields >= CSV_MAX_FIELDS)
                return csv_fail(r, "too many fields");
        if (buf_putc(&r->text, '\0') < 0)
                return csv_fail(r, "record too long");
        r->nfields++;
        if (r->nfields < CSV_MAX_FIELDS)
                r->offsets[r->nfields] = r->text.len;
        return 0;
}

int csv_next(struct csv_reader *r)
{
        buf_reset(&r->text);
        r->nfields = 0;
        r->offsets[0] = 0;
        r->error = NULL;
        if (r->p >= r->end)
                return 0;
        r->line = r->next_line;
        int quoted = 0, after_quote = 0;
        while (r->p < r->end) {
                char c = *r->p++;
                if (quoted) {
                        if (c == '"') {
                                if (r->p < r->end && *r->p == '"') {
                                        r->p++;
                                        if (buf_putc(&r->text, '"') < 0)
                                                return csv_fail(r, "record too long");
                                } else {
                                        quoted = 0;
                                        after_quote = 1;
                                }
                                continue;
                        }
                        if (c == '\n')
                                r->next_line++;
                        if (buf_putc(&r->text, c) < 0)
                                return csv_fail(r, "record too long");
                        continue;
                }
                if (c == ',') {
                        if (csv_end_field(r) < 0)
                                return -1;
                        after_quote = 0;
                        continue;
                }
                if (c == '\r' && r->p < r->end && *r->p == '\n')
                        continue;
                if (c == '\n') {
                        r->next_line++;
                        return csv_end_field(r) < 0 ? -1 : 1;
                }
                if (after_quote)
                        return csv_fail(r, "text after a closing quote");
                if (c == '"') {
                        size_t start = r->offsets[r->nfields < CSV_MAX_FIELDS ? r->nfields : 0];
                        if (r->text.len != start)
                                return csv_fail(r, "quote inside an unquoted field");
                        quoted = 1;
                        continue;
                }
                if (buf_putc(&r->text, c) < 0)
                        return csv_fail(r, "record too long");
        }
        if (quoted)
                return csv_fail(r, "unterminated quoted field");
        return csv_end_field(r) < 0 ? -1 : 1;
}

const char *csv_field(const struct csv_reader *r, size_t i)
{
        if (i >= r->nfields)
                return NULL;
        return r->text.data + r->offsets[i];
}
