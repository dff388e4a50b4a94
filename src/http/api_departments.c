/* /api/v1/departments: the tenant's organisation chart. Staff read it; admins change it. */
#include "http/api.h"

#include <stdlib.h>

json_t *api_department_json(const struct department *d)
{
        json_t *o =
            json_pack("{s:I, s:s, s:s, s:b, s:o, s:o}", "id", (json_int_t)d->id, "code", d->code,
                      "name", d->name, "active", d->active, "created_at",
                      http_json_time(d->created_at), "updated_at", http_json_time(d->updated_at));
        json_object_set_new(o, "parent_id",
                            d->parent_id ? json_integer(d->parent_id) : json_null());
        json_object_set_new(o, "phone", http_json_str_or_null(d->phone));
        return o;
}

static const char *const dept_fields[] = {"code", "name", "parent_id", "phone", "active", NULL};

/* Reads a department body; returns 0, or -1 after replying. */
static int read_department(struct http_request *req, bool creating, struct department_input *in)
{
        json_t *body = http_body_object(req);
        bool parent_present = false;
        if (!body || http_check_fields(req, body, dept_fields) ||
            http_field_string(req, body, "code", creating, DEPT_CODE_MAX, &in->code) ||
            http_field_string(req, body, "name", creating, DEPT_NAME_MAX, &in->name) ||
            http_field_string(req, body, "phone", false, DEPT_PHONE_MAX, &in->phone) ||
            http_field_int(req, body, "parent_id", false, &in->parent_id, &parent_present) ||
            http_field_bool(req, body, "active", &in->active))
                return -1;
        in->parent_set = parent_present;
        return 0;
}

void api_departments_list(struct http_request *req)
{
        int64_t cursor;
        size_t limit, n;
        bool more;
        struct department *items;
        struct pcrm_error e;
        if (http_page(req, &cursor, &limit, 200, 500))
                return;
        if (dept_list(req->db, &req->who, cursor, limit, &items, &n, &more, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, api_department_json(&items[i]));
        json_t *next = more ? json_sprintf("%lld", (long long)items[n - 1].id) : json_null();
        free(items);
        http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", arr, "next_cursor", next));
}

/* The department the path names, in the caller's tenant. Replies and returns -1 if none. */
static int path_department(struct http_request *req, struct department *d)
{
        int64_t id;
        struct pcrm_error e;
        if (http_param_id(req, 0, &id))
                return -1;
        if (dept_get(req->db, &req->who, id, d, &e)) {
                http_reply_pcrm_error(req, &e);
                return -1;
        }
        return 0;
}

void api_departments_get(struct http_request *req)
{
        struct department d;
        if (path_department(req, &d) == 0)
                http_reply_json(req, 200, api_department_json(&d));
}

void api_departments_create(struct http_request *req)
{
        struct department_input in = {.active = -1};
        struct department d;
        struct pcrm_error e;
        if (read_department(req, true, &in))
                return;
        if (dept_create(req->db, &req->who, &in, &d, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 201, api_department_json(&d));
}

void api_departments_update(struct http_request *req)
{
        int64_t id;
        struct department_input in = {.active = -1};
        struct department d;
        struct pcrm_error e;
        if (http_param_id(req, 0, &id) || read_department(req, false, &in))
                return;
        if (dept_update(req->db, &req->who, id, &in, &d, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, api_department_json(&d));
}

void api_departments_delete(struct http_request *req)
{
        int64_t id;
        struct pcrm_error e;
        if (http_param_id(req, 0, &id))
                return;
        if (dept_delete(req->db, &req->who, id, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_empty(req, 204);
}

/* The active staff of a department, for choosing who takes a complaint: names and roles
 * only (no contact details), to every staff role of the tenant. */
void api_departments_members(struct http_request *req)
{
        struct department d;
        if (path_department(req, &d))
                return;
        struct store_stmt *st = store_prepare(
            req->db, "SELECT id, display_name, role FROM users WHERE tenant_id = ? AND dept_id = ?"
                     " AND active = 1 ORDER BY role = 'dept_head' DESC, display_name, id");
        if (!st) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        store_bind_int(st, 1, req->who.tenant_id);
        store_bind_int(st, 2, d.id);
        json_t *items = json_array();
        while (store_step(st) == STORE_ROW) {
                enum role r = role_parse(store_col_text(st, 2));
                json_array_append_new(
                    items, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)store_col_int(st, 0),
                                     "display_name", store_col_text(st, 1), "role",
                                     store_col_text(st, 2), "role_label", role_label(r)));
        }
        store_done(st);
        http_reply_json(req, 200, json_pack("{s:o}", "items", items));
}
