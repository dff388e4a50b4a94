/* /api/v1/users: staff accounts, managed by the tenant's admins. */
#include "http/api.h"

#include <stdlib.h>
#include <string.h>

json_t *api_user_json(struct store_db *db, const struct actor *scope, const struct user *u)
{
        json_t *o =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "id", (json_int_t)u->id,
                      "username", u->username, "display_name", u->display_name, "role",
                      role_name(u->role) ? role_name(u->role) : "", "role_label",
                      role_label(u->role), "active", u->active, "created_at",
                      http_json_time(u->created_at), "updated_at", http_json_time(u->updated_at));
        json_object_set_new(o, "email", http_json_str_or_null(u->email));
        json_object_set_new(o, "phone", http_json_str_or_null(u->phone));
        struct department d;
        if (u->dept_id && dept_get(db, scope, u->dept_id, &d, NULL) == PCRM_OK)
                json_object_set_new(o, "department",
                                    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d.id, "code",
                                              d.code, "name", d.name));
        else
                json_object_set_new(o, "department", json_null());
        return o;
}

static const char *const user_fields[] = {
    "username",  "display_name", "password", "role",   "dept_id",
    "dept_code", "email",        "phone",    "active", NULL};

/* Reads a user body; returns 0, or -1 after replying. */
static int read_user(struct http_request *req, bool creating, struct user_input *in)
{
        json_t *body = http_body_object(req);
        const char *role = NULL, *dept_code = NULL;
        bool dept_present = false;
        if (!body || http_check_fields(req, body, user_fields) ||
            http_field_string(req, body, "username", creating, USER_NAME_MAX, &in->username) ||
            http_field_string(req, body, "display_name", creating, USER_DISPLAY_MAX,
                              &in->display_name) ||
            http_field_string(req, body, "password", creating, USER_PASSWORD_MAX, &in->password) ||
            http_field_string(req, body, "role", creating, 32, &role) ||
            http_field_string(req, body, "email", false, USER_EMAIL_MAX, &in->email) ||
            http_field_string(req, body, "phone", false, USER_PHONE_MAX, &in->phone) ||
            http_field_int(req, body, "dept_id", false, &in->dept_id, &dept_present) ||
            http_field_string(req, body, "dept_code", false, DEPT_CODE_MAX, &dept_code) ||
            http_field_bool(req, body, "active", &in->active))
                return -1;
        if (role) {
                in->role = role_parse(role);
                if (in->role == ROLE_NONE) {
                        http_reply_error(req, 400, "invalid_field", "role",
                                         "역할은 agent, officer, dept_head, cs_manager,"
                                         " privacy_officer, admin 중 하나여야 합니다");
                        return -1;
                }
        }
        in->dept_set = dept_present;
        if (dept_code) {
                struct department d;
                if (dept_find_code(req->db, req->who.tenant_id, dept_code, &d) != PCRM_OK) {
                        http_reply_error(req, 400, "invalid_field", "dept_code",
                                         "없는 부서 코드입니다");
                        return -1;
                }
                in->dept_set = true;
                in->dept_id = d.id;
        }
        return 0;
}

void api_users_list(struct http_request *req)
{
        int64_t cursor, dept = 0;
        size_t limit, n;
        bool more;
        struct user *items;
        struct pcrm_error e;
        if (http_page(req, &cursor, &limit, 50, 200))
                return;
        const char *dept_code = http_query(req, "dept_code");
        if (dept_code && *dept_code) {
                struct department d;
                if (dept_find_code(req->db, req->who.tenant_id, dept_code, &d) != PCRM_OK) {
                        http_reply_error(req, 400, "invalid_field", "dept_code",
                                         "없는 부서 코드입니다");
                        return;
                }
                dept = d.id;
        }
        if (user_list(req->db, &req->who, dept, cursor, limit, &items, &n, &more, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, api_user_json(req->db, &req->who, &items[i]));
        json_t *next = more ? json_sprintf("%lld", (long long)items[n - 1].id) : json_null();
        free(items);
        http_reply_json(req, 200, json_pack("{s:o, s:o}", "items", arr, "next_cursor", next));
}

void api_users_get(struct http_request *req)
{
        int64_t id;
        struct user u;
        struct pcrm_error e;
        if (http_param_id(req, 0, &id))
                return;
        if (user_get(req->db, &req->who, id, &u, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, api_user_json(req->db, &req->who, &u));
}

void api_users_create(struct http_request *req)
{
        struct user_input in = {.active = -1};
        struct user u;
        struct pcrm_error e;
        if (read_user(req, true, &in))
                return;
        if (user_create(req->db, &req->who, &in, &u, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 201, api_user_json(req->db, &req->who, &u));
}

void api_users_update(struct http_request *req)
{
        int64_t id;
        struct user_input in = {.active = -1};
        struct user u;
        struct pcrm_error e;
        if (http_param_id(req, 0, &id) || read_user(req, false, &in))
                return;
        if (user_update(req->db, &req->who, id, &in, &u, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, api_user_json(req->db, &req->who, &u));
}

/* Users are deactivated, never deleted: the audit log and histories name them. */
void api_users_delete(struct http_request *req)
{
        int64_t id;
        struct user_input in = {.active = 0};
        struct user u;
        struct pcrm_error e;
        if (http_param_id(req, 0, &id))
                return;
        if (user_update(req->db, &req->who, id, &in, &u, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(req, 200, api_user_json(req->db, &req->who, &u));
}
