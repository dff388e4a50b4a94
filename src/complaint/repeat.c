/*
 * Repeated complaints: a new complaint repeats an earlier one of the same resident when
 * it is of the same type (or both untyped) and its text is similar — the Jaccard
 * similarity of the two texts' sets of character trigrams, which needs no Korean word
 * segmentation and shrugs off spacing and small typos — within a window of days.
 */
#include "complaint/complaint.h"

#include "base/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GRAMS 4096

static int cmp_u64(const void *a, const void *b)
{
        uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
        return x < y ? -1 : x > y;
}

/* Hashes of the text's distinct code-point trigrams (spaces dropped), sorted. */
static size_t trigrams(const char *text, uint64_t *out)
{
        uint32_t cps[MAX_GRAMS + 2];
        size_t n = 0;
        for (const unsigned char *p = (const unsigned char *)text; *p && n < MAX_GRAMS + 2;) {
                uint32_t cp;
                int len = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
                cp = len == 1 ? *p : (*p & (0x3F >> (len - 1)));
                for (int i = 1; i < len && p[i]; i++)
                        cp = (cp << 6) | (p[i] & 0x3F);
                p += len;
                if (cp == ' ' || cp == '\n' || cp == '\r' || cp == '\t' || cp == '.' || cp == ',')
                        continue;
                cps[n++] = cp;
        }
        size_t m = 0;
        for (size_t i = 0; i + 2 < n; i++)
                out[m++] = ((uint64_t)cps[i] << 42) ^ ((uint64_t)cps[i + 1] << 21) ^ cps[i + 2];
        qsort(out, m, sizeof(*out), cmp_u64);
        size_t k = 0;
        for (size_t i = 0; i < m; i++)
                if (!k || out[k - 1] != out[i])
                        out[k++] = out[i];
        return k;
}

double complaint_text_similarity(const char *a, const char *b)
{
        static _Thread_local uint64_t ga[MAX_GRAMS], gb[MAX_GRAMS];
        size_t na = trigrams(a, ga), nb = trigrams(b, gb), i = 0, j = 0, both = 0;
        if (!na || !nb)
                return 0;
        while (i < na && j < nb) {
                if (ga[i] == gb[j]) {
                        both++;
                        i++;
                        j++;
                } else if (ga[i] < gb[j]) {
                        i++;
                } else {
                        j++;
                }
        }
        return (double)both / (double)(na + nb - both);
}

int64_t complaint_find_repeat(struct store_db *db, int64_t tenant_id, int64_t customer_id,
                              const char *type_code, const char *text, int64_t received_at)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT id, title, body FROM complaints WHERE tenant_id = ? AND customer_id = ?"
                " AND received_at >= ? AND received_at <= ?"
                " AND coalesce(type_code, '') = coalesce(CAST(? AS TEXT), '')"
                " ORDER BY received_at DESC LIMIT 20");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, customer_id);
        store_bind_int(st, 3, received_at - COMPLAINT_REPEAT_WINDOW_DAYS * TIME_MS_PER_DAY);
        store_bind_int(st, 4, received_at);
        store_bind_text(st, 5, type_code && *type_code ? type_code : NULL);
        int64_t found = 0;
        while (!found && store_step(st) == STORE_ROW) {
                size_t tl = strlen(store_col_text(st, 1)), bl = strlen(store_col_text(st, 2));
                char *earlier = malloc(tl + bl + 2);
                if (!earlier)
                        break;
                memcpy(earlier, store_col_text(st, 1), tl);
                earlier[tl] = '\n';
                memcpy(earlier + tl + 1, store_col_text(st, 2), bl + 1);
                if (complaint_text_similarity(earlier, text) >= COMPLAINT_REPEAT_SIMILARITY)
                        found = store_col_int(st, 0);
                free(earlier);
        }
        store_done(st);
        return found;
}

int complaint_repeat_chain(struct store_db *db, int64_t tenant_id, int64_t repeat_of, int *earlier,
                           int *answered, char *receipts, size_t len)
{
        *earlier = *answered = 0;
        if (len)
                receipts[0] = '\0';
        for (int64_t id = repeat_of; id && *earlier < 50;) {
                struct store_stmt *st =
                    store_prepare(db, "SELECT receipt_no, answered_at, repeat_of FROM complaints"
                                      " WHERE tenant_id = ? AND id = ?");
                if (!st)
                        return -1;
                store_bind_int(st, 1, tenant_id);
                store_bind_int(st, 2, id);
                int rc = store_step(st);
                if (rc == STORE_ROW) {
                        (*earlier)++;
                        if (!store_col_is_null(st, 1))
                                (*answered)++;
                        size_t used = strlen(receipts);
                        if (used + 20 < len)
                                snprintf(receipts + used, len - used, "%s%s", used ? ", " : "",
                                         store_col_text(st, 0));
                        id = store_col_int(st, 2);
                }
                store_done(st);
                if (rc != STORE_ROW)
                        return rc == STORE_DONE ? 0 : -1;
        }
        return 0;
}
