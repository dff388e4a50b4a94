/* /api/v1/audit: the tenant's audit log for privacy officers and admins. Reading it is
 * itself audited, since it shows who looked at whose data. */
#include "http/api.h"

#include "auth/audit.h"
#include "base/time.h"

#include <stdlib.h>

static int add_entry(void *ctx, const struct audit_entry *e)
{
        json_t *arr = ctx;
        json_t *detail = NULL;
        if (e->detail)
                detail = json_loads(e->detail, 0, NULL);
        json_t *o = json_pack(
            "{s:I, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)e->id,
            "at", http_json_time(e->at), "actor_type", e->actor_type ? e->actor_type : "",
            "actor_id", e->actor_id ? json_integer(e->actor_id) : json_null(), "actor_name",
            http_json_str_or_null(e->actor_name), "action", e->action, "target_type",
            http_json_str_or_null(e->target_type), "target_id", http_json_str_or_null(e->target_id),
            "purpose", http_json_str_or_null(e->purpose), "request_id",
            http_json_str_or_null(e->request_id), "client_addr",
            http_json_str_or_null(e->client_addr), "detail", detail ? detail : json_null());
        if (!o) /* a damaged row: show that it exists rather than drop it */
                o = json_pack("{s:I, s:s}", "id", (json_int_t)e->id, "action", "(손상된 기록)");
        json_array_append_new(arr, o);
        return 0;
}

static int read_time(struct http_request *req, const char *name, int64_t *out)
{
        const char *v = http_query(req, name);
        *out = 0;
        if (!v || !*v)
                return 0;
        if (time_parse_iso(v, out) < 0) {
                http_reply_error(req, 400, "invalid_field", name,
                                 "시각은 2026-11-28 또는 2026-11-28T09:00+09:00 형식이어야 합니다");
                return -1;
        }
        return 0;
}

/* An empty filter (?action=) filters nothing, as if it were absent. */
static const char *filter(struct http_request *req, const char *name)
{
        const char *v = http_query(req, name);
        return v && *v ? v : NULL;
}

void api_audit_list(struct http_request *req)
{
        int64_t cursor;
        size_t limit;
        bool more;
        struct audit_filter f = {
            .action = filter(req, "action"),
            .actor_name = filter(req, "actor"),
            .target_type = filter(req, "target_type"),
            .target_id = filter(req, "target_id"),
        };
        if (http_page(req, &cursor, &limit, 50, 200) || read_time(req, "from", &f.from_ms) ||
            read_time(req, "to", &f.to_ms))
                return;
        json_t *arr = json_array();
        if (audit_list(req->db, req->who.tenant_id, &f, cursor, limit, add_entry, arr, &more) < 0) {
                json_decref(arr);
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        struct audit_event ev = {.action = "audit.read", .target_type = "audit_log"};
        if (audit_record(req->db, &req->who, &ev) < 0) {
                json_decref(arr);
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        size_t n = json_array_size(arr);
        json_t *next = json_null();
        if (more && n)
                next = json_sprintf("%lld", (long long)json_integer_value(
                                                json_object_get(json_array_get(arr, n - 1), "id")));
        http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", arr, "next_cursor", next));
}
