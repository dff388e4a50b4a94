#include "customer/import.h"

#include "auth/audit.h"
#include "base/csv.h"
#include "base/utf8.h"
#include "base/validate.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_MAX_COLUMNS CSV_MAX_FIELDS

struct columns {
        size_t n;
        const char *names[IMPORT_MAX_COLUMNS];
        char storage[8192];
        int source_id, name, rrn, address, phone, mobile, email, birth_date; /* -1: absent */
};

static int line_of(const char *data, size_t offset)
{
        int line = 1;
        for (size_t i = 0; i < offset; i++)
                if (data[i] == '\n')
                        line++;
        return line;
}

/* The first invalid byte's offset, or len when all is valid UTF-8. */
static size_t first_invalid(const char *data, size_t len)
{
        if (utf8_valid(data, len))
                return len;
        size_t lo = 0;
        /* Find the first bad line by checking line by line. */
        while (lo < len) {
                const char *nl = memchr(data + lo, '\n', len - lo);
                size_t end = nl ? (size_t)(nl - data) + 1 : len;
                if (!utf8_valid(data + lo, end - lo))
                        return lo;
                lo = end;
        }
        return len;
}

static int read_header(struct csv_reader *r, struct columns *c, struct pcrm_error *e,
                       struct import_stats *stats)
{
        memset(c, 0, sizeof(*c));
        c->source_id = c->name = c->rrn = c->address = c->phone = c->mobile = c->email =
            c->birth_date = -1;
        int rc = csv_next(r);
        if (rc <= 0) {
                stats->line = 1;
                return err_set(e, PCRM_EINVALID, "file", "1행: %s",
                               rc == 0 ? "빈 파일입니다 (머리글 행이 필요합니다)" : r->error);
        }
        size_t used = 0;
        struct {
                const char *name;
                int *slot;
        } known[] = {
            {"source_id", &c->source_id},
            {"name", &c->name},
            {"rrn", &c->rrn},
            {"address", &c->address},
            {"phone", &c->phone},
            {"mobile", &c->mobile},
            {"email", &c->email},
            {"birth_date", &c->birth_date},
        };
        c->n = r->nfields;
        for (size_t i = 0; i < r->nfields; i++) {
                const char *f = csv_field(r, i);
                size_t len = strlen(f) + 1;
                if (used + len > sizeof(c->storage))
                        return err_set(e, PCRM_EINVALID, "file", "1행: 머리글이 너무 깁니다");
                memcpy(c->storage + used, f, len);
                c->names[i] = c->storage + used;
                used += len;
                for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
                        if (!strcmp(f, known[k].name)) {
                                if (*known[k].slot >= 0) {
                                        stats->line = 1;
                                        return err_set(e, PCRM_EINVALID, "file",
                                                       "1행: 열 이름이 두 번 나옵니다: %s", f);
                                }
                                *known[k].slot = (int)i;
                        }
        }
        if (c->source_id < 0) {
                stats->line = 1;
                return err_set(e, PCRM_EINVALID, "file", "1행: source_id 열이 없습니다");
        }
        return PCRM_OK;
}

struct import_row {
        size_t line;
        const char *source_id;
        const struct columns *cols;
        const struct csv_reader *r; /* NULL for the header */
};

static int column_index(const struct columns *c, const char *name)
{
        for (size_t i = 0; i < c->n; i++)
                if (!strcmp(c->names[i], name))
                        return (int)i;
        return -1;
}

const char *import_row_field(const struct import_row *row, const char *column)
{
        int i = column_index(row->cols, column);
        if (i < 0 || !row->r || (size_t)i >= row->r->nfields)
                return NULL;
        return csv_field(row->r, (size_t)i);
}

bool import_row_has_column(const struct import_row *row, const char *column)
{
        return column_index(row->cols, column) >= 0;
}

size_t import_row_line(const struct import_row *row)
{
        return row->line;
}

const char *import_row_source_id(const struct import_row *row)
{
        return row->source_id;
}

/* Pass 1: the whole file must parse before anything is written. */
static int check_file(const char *data, size_t len, const struct import_hooks *hooks,
                      struct import_stats *stats, struct pcrm_error *e)
{
        size_t bad = first_invalid(data, len);
        if (bad < len) {
                stats->line = line_of(data, bad);
                return err_set(e, PCRM_EINVALID, "file", "%" PRId64 "행: UTF-8이 아닙니다",
                               stats->line);
        }
        struct csv_reader r;
        struct columns cols;
        csv_init(&r, data, len);
        int rc = read_header(&r, &cols, e, stats);
        if (rc == PCRM_OK && hooks && hooks->header) {
                struct import_row header = {.line = 1, .cols = &cols};
                rc = hooks->header(hooks->ctx, &header, e);
                if (rc)
                        stats->line = 1;
        }
        while (rc == PCRM_OK) {
                int step = csv_next(&r);
                if (step == 0)
                        break;
                if (step < 0) {
                        stats->line = (int64_t)r.line;
                        rc = err_set(e, PCRM_EINVALID, "file", "%zu행: CSV 형식 오류: %s", r.line,
                                     r.error);
                }
        }
        csv_release(&r);
        return rc;
}

static const char *column(const struct csv_reader *r, int idx)
{
        return idx >= 0 ? csv_field(r, (size_t)idx) : NULL;
}

static void write_quoted(FILE *out, const char *s)
{
        fputc('"', out);
        for (const char *p = s ? s : ""; *p; p++) {
                if (*p == '"')
                        fputc('"', out);
                fputc(*p, out);
        }
        fputc('"', out);
}

static void reject(FILE *out, struct import_stats *stats, size_t line, const char *reason,
                   const char *source_id)
{
        stats->rejected++;
        if (!out)
                return;
        fprintf(out, "%zu,", line);
        /* Reasons are plain text; a hook's reason may hold a comma or a quote. */
        if (strpbrk(reason, ",\"\r\n"))
                write_quoted(out, reason);
        else
                fputs(reason, out);
        fputc(',', out);
        write_quoted(out, source_id);
        fputc('\n', out);
}

/* Pass 2: every row through intake, inside the caller's transaction. */
static int import_rows(struct store_db *db, const struct actor *who, const struct match_weights *w,
                       const char *source, const char *data, size_t len, FILE *rejects,
                       const struct import_hooks *hooks, struct import_stats *stats,
                       struct pcrm_error *e)
{
        struct csv_reader r;
        struct columns cols;
        csv_init(&r, data, len);
        int rc = read_header(&r, &cols, e, stats);
        if (rejects)
                fputs("line,reason,source_id\n", rejects);
        while (rc == PCRM_OK && csv_next(&r) == 1) {
                if (r.nfields == 1 && csv_field(&r, 0)[0] == '\0')
                        continue; /* a blank line */
                stats->read++;
                const char *source_id =
                    cols.source_id < (int)r.nfields ? column(&r, cols.source_id) : NULL;
                if (r.nfields != cols.n) {
                        reject(rejects, stats, r.line, "field count differs from the header",
                               source_id);
                        continue;
                }
                if (!source_id || !*source_id) {
                        reject(rejects, stats, r.line, "no source_id", NULL);
                        continue;
                }
                struct import_row row = {
                    .line = r.line, .source_id = source_id, .cols = &cols, .r = &r};
                if (hooks && hooks->check) {
                        struct pcrm_error rowerr = {0};
                        int hrc = hooks->check(hooks->ctx, &row, &rowerr);
                        if (hrc == PCRM_EINVALID) {
                                reject(rejects, stats, r.line, rowerr.message, source_id);
                                continue;
                        }
                        if (hrc != PCRM_OK) {
                                stats->line = (int64_t)r.line;
                                rc = err_set(e, hrc, rowerr.field, "%zu행: %s", r.line,
                                             rowerr.message);
                                break;
                        }
                }
                struct customer_input in = {
                    .name = column(&r, cols.name),
                    .rrn = column(&r, cols.rrn),
                    .address = column(&r, cols.address),
                    .phone = column(&r, cols.phone),
                    .mobile = column(&r, cols.mobile),
                    .email = column(&r, cols.email),
                    .birth_date = column(&r, cols.birth_date),
                };
                json_t *fields = json_object();
                for (size_t i = 0; fields && i < cols.n; i++)
                        if ((int)i != cols.rrn)
                                json_object_set_new(fields, cols.names[i],
                                                    json_string(csv_field(&r, i)));
                struct intake_result res;
                struct pcrm_error rowerr;
                int irc = fields ? intake_record(db, who, w, source, source_id, &in, fields, &res,
                                                 &rowerr)
                                 : err_set(&rowerr, PCRM_EINTERNAL, "", "메모리 부족");
                json_decref(fields);
                if (irc == PCRM_EINVALID) {
                        reject(rejects, stats, r.line, rowerr.message, source_id);
                        continue;
                }
                if (irc == PCRM_OK && hooks && hooks->taken)
                        irc = hooks->taken(hooks->ctx, &row, &res, &rowerr);
                if (irc != PCRM_OK) {
                        stats->line = (int64_t)r.line;
                        rc = err_set(e, irc, rowerr.field, "%zu행: %s", r.line, rowerr.message);
                        break;
                }
                if (res.outcome == INTAKE_DUPLICATE) {
                        stats->duplicates++;
                        continue;
                }
                stats->imported++;
                stats->reviews += res.reviews;
                if (res.outcome == INTAKE_NEW)
                        stats->created++;
                else
                        stats->linked++;
        }
        csv_release(&r);
        return rc;
}

static int64_t count_households(struct store_db *db, int64_t tenant_id, const char *source)
{
        struct store_stmt *st = store_prepare(
            db, "SELECT count(DISTINCT c.household_key) FROM source_records s"
                " JOIN customers c ON c.id = s.customer_id"
                " WHERE s.tenant_id = ? AND s.source = ? AND c.household_key IS NOT NULL");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_text(st, 2, source);
        int64_t n = store_step(st) == STORE_ROW ? store_col_int(st, 0) : -1;
        store_done(st);
        return n;
}

int import_records(struct store_db *db, const struct actor *who, const char *source,
                   const char *data, size_t len, FILE *rejects, struct import_stats *stats,
                   struct pcrm_error *e)
{
        return import_records_hooked(db, who, source, data, len, rejects, NULL, stats, e);
}

int import_records_hooked(struct store_db *db, const struct actor *who, const char *source,
                          const char *data, size_t len, FILE *rejects,
                          const struct import_hooks *hooks, struct import_stats *stats,
                          struct pcrm_error *e)
{
        memset(stats, 0, sizeof(*stats));
        struct match_weights w;
        int rc = validate_text("source", source, 1, SOURCE_NAME_MAX, e);
        if (rc)
                return rc;
        rc = check_file(data, len, hooks, stats, e);
        if (rc)
                return rc;
        if (match_load_weights(db, who->tenant_id, &w) < 0 || store_begin(db) != STORE_OK)
                return err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        struct customer_index_pause pause;
        if (customer_search_index_pause(db, &pause) < 0)
                rc = err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        if (rc == PCRM_OK)
                rc = import_rows(db, who, &w, source, data, len, rejects, hooks, stats, e);
        if (rc == PCRM_OK && customer_search_index_resume(db, &pause) < 0)
                rc = err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        customer_search_index_release(&pause);
        if (rc == PCRM_OK && hooks && hooks->finish)
                rc = hooks->finish(hooks->ctx, e);
        if (rc == PCRM_OK) {
                stats->households = count_households(db, who->tenant_id, source);
                char detail[320];
                snprintf(detail, sizeof(detail),
                         "{\"read\":%" PRId64 ",\"imported\":%" PRId64 ",\"duplicates\":%" PRId64
                         ",\"rejected\":%" PRId64 ",\"created\":%" PRId64 ",\"linked\":%" PRId64
                         ",\"reviews\":%" PRId64 "}",
                         stats->read, stats->imported, stats->duplicates, stats->rejected,
                         stats->created, stats->linked, stats->reviews);
                struct audit_event ev = {.action = "customer.import",
                                         .target_type = "source",
                                         .target_id = source,
                                         .detail = detail};
                if (stats->households < 0 || audit_append(db, who, &ev) < 0 ||
                    store_commit(db) != STORE_OK)
                        rc = err_set(e, PCRM_EINTERNAL, "", "데이터베이스 오류");
        }
        if (rc)
                store_rollback(db);
        return rc;
}

static void csv_write_field(FILE *out, const char *s)
{
        bool quote = strpbrk(s, ",\"\r\n") != NULL;
        if (!quote) {
                fputs(s, out);
                return;
        }
        fputc('"', out);
        for (; *s; s++) {
                if (*s == '"')
                        fputc('"', out);
                fputc(*s, out);
        }
        fputc('"', out);
}

int64_t export_records(struct store_db *db, int64_t tenant_id, const char *source, FILE *out)
{
        /* Merges form short chains (a merged customer may itself have absorbed others);
         * follow them to the survivor. */
        struct store_stmt *st = store_prepare(
            db, "WITH RECURSIVE chain (start, id, next) AS ("
                "  SELECT c.id, c.id, c.merged_into FROM customers c WHERE c.tenant_id = ?"
                "  UNION ALL SELECT chain.start, c.id, c.merged_into FROM chain"
                "  JOIN customers c ON c.id = chain.next)"
                " SELECT s.source, s.source_id, chain.id FROM source_records s"
                " JOIN chain ON chain.start = s.customer_id AND chain.next IS NULL"
                " WHERE s.tenant_id = ? AND (CAST(? AS TEXT) IS NULL OR s.source = ?)"
                " ORDER BY s.source, s.id");
        if (!st)
                return -1;
        store_bind_int(st, 1, tenant_id);
        store_bind_int(st, 2, tenant_id);
        store_bind_text(st, 3, source);
        store_bind_text(st, 4, source);
        fputs("source,source_id,customer_id\n", out);
        int64_t n = 0;
        int rc;
        while ((rc = store_step(st)) == STORE_ROW) {
                csv_write_field(out, store_col_text(st, 0));
                fputc(',', out);
                csv_write_field(out, store_col_text(st, 1));
                fprintf(out, ",%" PRId64 "\n", store_col_int(st, 2));
                n++;
        }
        store_done(st);
        return rc == STORE_DONE ? n : -1;
}
