#include "http/http.h"

#include "base/log.h"
#include "base/time.h"
#include "base/utf8.h"

#include <inttypes.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

void http_reply_json(struct http_request *req, int status, json_t *body)
{
        json_decref(req->reply);
        req->reply = body;
        req->status = status;
        if (!body) {
                /* A handler's json_pack failed (out of memory, or text that is not UTF-8):
                 * answer with an error, never with an empty 200. */
                log_error("reply for %s %s could not be built", req->method, req->path);
                req->status = 500;
                req->reply = json_pack("{s:{s:s, s:s}}", "error", "code", "internal", "message",
                                       "서버 내부 오류가 발생했습니다");
        }
}

void http_reply_empty(struct http_request *req, int status)
{
        json_decref(req->reply);
        req->reply = NULL;
        req->status = status;
}

void http_reply_error(struct http_request *req, int status, const char *code, const char *field,
                      const char *message)
{
        json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
        if (err && field && *field)
                json_object_set_new(err, "field", json_string(field));
        http_reply_json(req, status, json_pack("{s:o*}", "error", err));
}

void http_reply_pcrm_error(struct http_request *req, const struct pcrm_error *e)
{
        static const struct {
                enum pcrm_errcode code;
                int status;
                const char *name;
        } map[] = {
            {PCRM_EINVALID, 400, "invalid_field"}, {PCRM_ENOTFOUND, 404, "not_found"},
            {PCRM_ECONFLICT, 409, "conflict"},     {PCRM_EFORBIDDEN, 403, "forbidden"},
            {PCRM_ERULE, 422, "rule_violated"},
        };
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                if (map[i].code == e->code) {
                        http_reply_error(req, map[i].status, map[i].name, e->field, e->message);
                        return;
                }
        http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
}

void http_add_header(struct http_request *req, const char *name, const char *value)
{
        if (req->nheaders >= HTTP_MAX_HEADERS)
                return;
        char *copy = strdup(value);
        if (!copy)
                return;
        req->headers[req->nheaders].name = name;
        req->headers[req->nheaders].value = copy;
        req->nheaders++;
}

/* Depth of the deepest [ or { outside strings, without parsing: refuses bombs early. */
static int json_too_deep(const char *s, size_t len)
{
        int depth = 0, in_string = 0;
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = 0;
                } else if (c == '"') {
                        in_string = 1;
                } else if (c == '[' || c == '{') {
                        if (++depth > HTTP_JSON_MAX_DEPTH)
                                return 1;
                } else if (c == ']' || c == '}') {
                        depth--;
                }
        }
        return 0;
}

json_t *http_body_object(struct http_request *req)
{
        if (req->json)
                return req->json;
        if (!utf8_valid(req->body.data, req->body.len)) {
                http_reply_error(req, 400, "invalid_utf8", NULL,
                                 "요청 본문이 올바른 UTF-8이 아닙니다");
                return NULL;
        }
        if (json_too_deep(req->body.data, req->body.len)) {
                http_reply_error(req, 400, "invalid_json", NULL, "JSON이 너무 깊게 중첩되었습니다");
                return NULL;
        }
        json_error_t jerr;
        json_t *v = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!v) {
                char msg[256];
                snprintf(msg, sizeof(msg), "요청 본문이 올바른 JSON이 아닙니다 (%d행 %d열)",
                         jerr.line, jerr.column);
                http_reply_error(req, 400, "invalid_json", NULL, msg);
                return NULL;
        }
        if (!json_is_object(v)) {
                json_decref(v);
                http_reply_error(req, 400, "invalid_json", NULL,
                                 "요청 본문은 JSON 객체여야 합니다");
                return NULL;
        }
        req->json = v;
        return v;
}

int http_check_fields(struct http_request *req, json_t *obj, const char *const *allowed)
{
        const char *key;
        json_t *value;
        json_object_foreach(obj, key, value)
        {
                (void)value;
                int known = 0;
                for (const char *const *a = allowed; *a && !known; a++)
                        known = !strcmp(*a, key);
                if (!known) {
                        char msg[200];
                        snprintf(msg, sizeof(msg), "알 수 없는 항목입니다: %.*s",
                                 (int)utf8_prefix(key, 100), key);
                        http_reply_error(req, 400, "unknown_field", key, msg);
                        return -1;
                }
        }
        return 0;
}

static int field_missing(struct http_request *req, const char *name)
{
        char msg[160];
        snprintf(msg, sizeof(msg), "%s 항목이 필요합니다", name);
        http_reply_error(req, 400, "missing_field", name, msg);
        return -1;
}

static int field_wrong_type(struct http_request *req, const char *name, const char *type)
{
        char msg[160];
        snprintf(msg, sizeof(msg), "%s 항목은 %s이어야 합니다", name, type);
        http_reply_error(req, 400, "invalid_field", name, msg);
        return -1;
}

int http_field_string(struct http_request *req, json_t *obj, const char *name, bool required,
                      size_t max_chars, const char **out)
{
        json_t *v = json_object_get(obj, name);
        *out = NULL;
        if (!v || json_is_null(v))
                return required ? field_missing(req, name) : 0;
        if (!json_is_string(v))
                return field_wrong_type(req, name, "문자열");
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        if (!utf8_valid_text(s, len)) {
                http_reply_error(req, 400, "invalid_field", name,
                                 "허용되지 않는 제어 문자가 들어 있습니다");
                return -1;
        }
        if (utf8_length(s, len) > max_chars) {
                char msg[160];
                snprintf(msg, sizeof(msg), "%s 항목은 %zu자를 넘을 수 없습니다", name, max_chars);
                http_reply_error(req, 400, "invalid_field", name, msg);
                return -1;
        }
        if (required && len == 0)
                return field_missing(req, name);
        *out = s;
        return 0;
}

int http_field_int(struct http_request *req, json_t *obj, const char *name, bool required,
                   int64_t *out, bool *present)
{
        json_t *v = json_object_get(obj, name);
        *out = 0;
        if (present)
                *present = v != NULL;
        if (!v)
                return required ? field_missing(req, name) : 0;
        if (json_is_null(v))
                return required ? field_missing(req, name) : 0;
        if (!json_is_integer(v))
                return field_wrong_type(req, name, "정수");
        *out = json_integer_value(v);
        return 0;
}

int http_field_bool(struct http_request *req, json_t *obj, const char *name, int *out)
{
        json_t *v = json_object_get(obj, name);
        *out = -1;
        if (!v)
                return 0;
        if (!json_is_boolean(v))
                return field_wrong_type(req, name, "true 또는 false");
        *out = json_is_true(v) ? 1 : 0;
        return 0;
}

const char *http_header(struct http_request *req, const char *name)
{
        return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_request *req, const char *name)
{
        return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

bool http_secret_equal(const char *sent, const char *want)
{
        size_t n = want ? strlen(want) : 0;
        return sent && n && strlen(sent) == n && sodium_memcmp(sent, want, n) == 0;
}

const char *http_query(struct http_request *req, const char *name)
{
        return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static int parse_positive(const char *s, int64_t max, int64_t *out)
{
        if (!s || !*s || strlen(s) > 18)
                return -1;
        int64_t v = 0;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -1;
                v = v * 10 + (*p - '0');
        }
        if (v < 1 || v > max)
                return -1;
        *out = v;
        return 0;
}

int http_page(struct http_request *req, int64_t *cursor, size_t *limit, size_t def, size_t max)
{
        const char *c = http_query(req, "cursor"), *l = http_query(req, "limit");
        int64_t v;
        *cursor = 0;
        *limit = def;
        if (c && *c) {
                if (parse_positive(c, INT64_MAX / 2, &v) < 0) {
                        http_reply_error(req, 400, "invalid_field", "cursor",
                                         "cursor 값이 올바르지 않습니다");
                        return -1;
                }
                *cursor = v;
        }
        if (l && *l) {
                if (parse_positive(l, (int64_t)max, &v) < 0) {
                        char msg[120];
                        snprintf(msg, sizeof(msg), "limit은 1부터 %zu까지입니다", max);
                        http_reply_error(req, 400, "invalid_field", "limit", msg);
                        return -1;
                }
                *limit = (size_t)v;
        }
        return 0;
}

int http_param_id(struct http_request *req, int i, int64_t *out)
{
        if (i >= req->nparams || parse_positive(req->params[i], INT64_MAX / 2, out) < 0) {
                http_reply_error(req, 404, "not_found", "id", "찾을 수 없습니다");
                return -1;
        }
        return 0;
}

json_t *http_json_time(int64_t ms)
{
        char text[40];
        if (!ms || time_format_kst(ms, text, sizeof(text)) < 0)
                return json_null();
        return json_string(text);
}

json_t *http_json_str_or_null(const char *s)
{
        if (!s || !*s)
                return json_null();
        /* Stored text is validated on the way in; a damaged row still must not break JSON. */
        if (!utf8_valid(s, strlen(s)))
                return json_string("\xef\xbf\xbd");
        return json_string(s);
}
