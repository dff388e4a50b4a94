#include "http/router.h"

#include "auth/apikey.h"
#include "auth/session.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#define SESSION_COOKIE "pcrm_session"

/* Matches path against pattern segment by segment, collecting ':' segments. */
static bool route_match(const char *pattern, const char *path, struct http_request *req)
{
        const char *p = pattern, *s = path;
        int nparams = 0;
        while (*p && *s) {
                if (*p == ':') {
                        const char *end = strchr(s, '/');
                        size_t len = end ? (size_t)(end - s) : strlen(s);
                        if (len == 0 || nparams >= HTTP_MAX_PARAMS)
                                return false;
                        req->params[nparams++] = s; /* NUL-cut below, once the route is chosen */
                        s += len;
                        while (*p && *p != '/')
                                p++;
                        continue;
                }
                if (*p != *s)
                        return false;
                p++;
                s++;
        }
        if (*p || *s)
                return false;
        req->nparams = nparams;
        return true;
}

/* route_match points params into the path; copy them into the request, NUL-cut. */
static void route_cut_params(struct http_request *req)
{
        for (int i = 0; i < req->nparams; i++) {
                const char *s = req->params[i];
                size_t len = strcspn(s, "/");
                if (len >= sizeof(req->param_buf[i]))
                        len = sizeof(req->param_buf[i]) - 1;
                memcpy(req->param_buf[i], s, len);
                req->param_buf[i][len] = '\0';
                req->params[i] = req->param_buf[i];
        }
}

static bool method_matches(const char *route_method, const char *method)
{
        if (!strcmp(route_method, method))
                return true;
        return !strcmp(route_method, "GET") && !strcmp(method, "HEAD");
}

static bool is_safe_method(const char *method)
{
        return !strcmp(method, "GET") || !strcmp(method, "HEAD") || !strcmp(method, "OPTIONS");
}

static void fill_context(struct http_request *req)
{
        snprintf(req->who.request_id, sizeof(req->who.request_id), "%s", req->request_id);
        snprintf(req->who.client_addr, sizeof(req->who.client_addr), "%s", req->client_addr);
}

/* Finds the caller from an API key or the session cookie. Returns 0, or -1 after replying. */
static int authenticate(struct http_request *req)
{
        const char *authz =
            MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        int rc;
        if (authz) {
                if (strncmp(authz, "Bearer ", 7) != 0) {
                        http_reply_error(req, 401, "unauthorized", NULL,
                                         "Authorization 헤더는 Bearer 방식이어야 합니다");
                        return -1;
                }
                rc = apikey_resolve(req->db, authz + 7, &req->who);
                if (rc == PCRM_OK)
                        return 0;
                if (rc == PCRM_ENOTFOUND)
                        http_reply_error(req, 401, "unauthorized", NULL,
                                         "API 키가 올바르지 않거나 폐기되었습니다");
                else
                        http_reply_error(req, 500, "internal", NULL,
                                         "서버 내부 오류가 발생했습니다");
                return -1;
        }
        const char *cookie = http_cookie(req, SESSION_COOKIE);
        if (!cookie) {
                http_reply_error(req, 401, "unauthorized", NULL, "로그인이 필요합니다");
                return -1;
        }
        rc =
            session_resolve(req->db, cookie, req->cfg->session_idle_s * 1000, &req->who, req->csrf);
        if (rc == PCRM_ENOTFOUND) {
                http_reply_error(req, 401, "session_expired", NULL,
                                 "로그인이 만료되었습니다. 다시 로그인하세요");
                return -1;
        }
        if (rc != PCRM_OK) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return -1;
        }
        req->via_cookie = true;
        if (!is_safe_method(req->method)) {
                if (!http_secret_equal(http_header(req, "X-CSRF-Token"), req->csrf)) {
                        http_reply_error(req, 403, "csrf_failed", NULL,
                                         "보안 토큰(X-CSRF-Token)이 없거나 올바르지 않습니다");
                        return -1;
                }
        }
        return 0;
}

static void dispatch_api(struct http_request *req)
{
        char allow[128] = "";
        const struct http_route *found = NULL;
        for (const struct http_route *r = http_routes; r->method; r++) {
                if (!route_match(r->pattern, req->path, req))
                        continue;
                if (method_matches(r->method, req->method)) {
                        found = r;
                        break;
                }
                size_t used = strlen(allow);
                snprintf(allow + used, sizeof(allow) - used, "%s%s%s", used ? ", " : "", r->method,
                         strcmp(r->method, "GET") ? "" : ", HEAD");
        }
        if (!found) {
                if (*allow) {
                        http_add_header(req, MHD_HTTP_HEADER_ALLOW, allow);
                        http_reply_error(req, 405, "method_not_allowed", NULL,
                                         "이 주소에서 허용되지 않는 메서드입니다");
                } else {
                        http_reply_error(req, 404, "not_found", NULL, "없는 API 주소입니다");
                }
                return;
        }
        route_cut_params(req);
        if (!(found->flags & ROUTE_PUBLIC)) {
                if (authenticate(req) < 0)
                        return;
                struct pcrm_error e;
                if (actor_require(&req->who, found->roles, &e) != PCRM_OK) {
                        http_reply_pcrm_error(req, &e);
                        return;
                }
        }
        fill_context(req);
        found->handler(req);
        if (!req->status)
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
}

void http_dispatch(struct http_request *req)
{
        if (!strncmp(req->path, "/api/", 5) || !strcmp(req->path, "/api")) {
                dispatch_api(req);
                return;
        }
        http_serve_static(req);
}
