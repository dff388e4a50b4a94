#include "http/server.h"

#include "base/log.h"
#include "base/time.h"
#include "base/utf8.h"
#include "http/router.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct http_server {
        struct MHD_Daemon *daemon;
        const struct pcrm_config *cfg;
        int port;
};

static const char *csp = "default-src 'self'; script-src 'self'; style-src 'self';"
                         " img-src 'self' data:; connect-src 'self'; object-src 'none';"
                         " base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

static void client_address(struct MHD_Connection *conn, char *out, size_t outlen)
{
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        snprintf(out, outlen, "unknown");
        if (!ci || !ci->client_addr)
                return;
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                          (socklen_t)outlen);
        else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
                          (socklen_t)outlen);
}

static struct http_request *request_new(struct http_server *srv, struct MHD_Connection *conn,
                                        const char *url, const char *method)
{
        struct http_request *req = calloc(1, sizeof(*req));
        if (!req)
                return NULL;
        unsigned char raw[8];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2hex(req->request_id, sizeof(req->request_id), raw, sizeof(raw));
        req->conn = conn;
        req->method = method;
        req->path = url;
        req->cfg = srv->cfg;
        req->file_fd = -1;
        req->started_ms = time_now_ms();
        buf_init(&req->body, (size_t)srv->cfg->body_limit);
        client_address(conn, req->client_addr, sizeof(req->client_addr));
        return req;
}

static void request_free(struct http_request *req)
{
        buf_release(&req->body);
        json_decref(req->json);
        json_decref(req->reply);
        for (int i = 0; i < req->nheaders; i++)
                free(req->headers[i].value);
        if (req->file_fd >= 0)
                close(req->file_fd);
        free(req);
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
        (void)kind;
        bool *ok = cls;
        if (!utf8_valid_text(key, strlen(key)) || (value && !utf8_valid_text(value, strlen(value))))
                *ok = false;
        return *ok ? MHD_YES : MHD_NO;
}

/* Checks what every request must satisfy before any handler sees it. */
static bool request_acceptable(struct http_request *req)
{
        if (req->body_too_large) {
                char msg[120];
                snprintf(msg, sizeof(msg), "요청 본문이 너무 큽니다 (최대 %ld바이트)",
                         req->cfg->body_limit);
                http_reply_error(req, 413, "body_too_large", NULL, msg);
                return false;
        }
        bool ok = utf8_valid_text(req->path, strlen(req->path));
        if (ok)
                MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, check_arg, &ok);
        if (!ok) {
                http_reply_error(req, 400, "invalid_utf8", NULL,
                                 "주소나 검색 조건이 올바른 UTF-8이 아닙니다");
                return false;
        }
        req->db = store_thread_db();
        if (!req->db) {
                http_reply_error(req, 503, "unavailable", NULL, "데이터베이스를 열 수 없습니다");
                return false;
        }
        return true;
}

static struct MHD_Response *build_response(struct http_request *req)
{
        struct MHD_Response *resp;
        if (req->file_fd >= 0) {
                resp = MHD_create_response_from_fd64((uint64_t)req->file_size, req->file_fd);
                if (resp) {
                        req->file_fd = -1; /* MHD closes it */
                        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, req->file_type);
                        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
                }
                return resp;
        }
        char *body =
            req->reply ? json_dumps(req->reply, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
        if (req->reply && !body)
                return NULL;
        if (body) {
                size_t len = strlen(body);
                resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
                if (!resp) {
                        free(body);
                        return NULL;
                }
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                        "application/json; charset=utf-8");
        } else {
                resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
                if (!resp)
                        return NULL;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        return resp;
}

static enum MHD_Result send_reply(struct http_request *req)
{
        struct MHD_Response *resp = build_response(req);
        if (!resp)
                return MHD_NO;
        MHD_add_response_header(resp, "Content-Security-Policy", csp);
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(resp, "X-Request-Id", req->request_id);
        for (int i = 0; i < req->nheaders; i++)
                MHD_add_response_header(resp, req->headers[i].name, req->headers[i].value);
        enum MHD_Result r = MHD_queue_response(req->conn, (unsigned)req->status, resp);
        MHD_destroy_response(resp);
        return r;
}

static bool declared_too_large(struct MHD_Connection *conn, long limit)
{
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (!cl)
                return false;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(cl, &end, 10);
        return errno || *end || v > (unsigned long long)limit;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
        (void)version;
        struct http_server *srv = cls;
        struct http_request *req = *con_cls;
        if (!req) {
                req = request_new(srv, conn, url, method);
                if (!req)
                        return MHD_NO;
                *con_cls = req;
                if (declared_too_large(conn, srv->cfg->body_limit)) {
                        /* Answer now rather than read a body we will refuse. */
                        req->body_too_large = true;
                        request_acceptable(req);
                        return send_reply(req);
                }
                return MHD_YES;
        }
        if (*upload_data_size) {
                if (!req->body_too_large &&
                    buf_append(&req->body, upload_data, *upload_data_size) < 0)
                        req->body_too_large = true;
                *upload_data_size = 0;
                return MHD_YES;
        }
        if (req->status)
                return MHD_YES; /* already answered (early 413) */
        log_set_request_id(req->request_id);
        if (request_acceptable(req))
                http_dispatch(req);
        enum MHD_Result r = send_reply(req);
        log_set_request_id(NULL);
        return r;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        (void)cls;
        (void)conn;
        struct http_request *req = *con_cls;
        if (!req)
                return;
        log_set_request_id(req->request_id);
        log_info("%s %s %d %lldms%s", req->method, req->path, req->status,
                 (long long)(time_now_ms() - req->started_ms),
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
        log_set_request_id(NULL);
        request_free(req);
        *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
        (void)cls;
        char text[512];
        vsnprintf(text, sizeof(text), fmt, ap);
        size_t n = strlen(text);
        while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
                text[--n] = '\0';
        log_warn("http: %s", text);
}

int http_server_start(const struct pcrm_config *cfg, struct http_server **out)
{
        struct http_server *srv = calloc(1, sizeof(*srv));
        if (!srv)
                return -1;
        srv->cfg = cfg;
        struct sockaddr_in addr = {.sin_family = AF_INET,
                                   .sin_port = htons((uint16_t)cfg->listen_port)};
        if (inet_pton(AF_INET, cfg->listen_host, &addr.sin_addr) != 1) {
                log_error("listen address %s is not an IPv4 address", cfg->listen_host);
                free(srv);
                return -1;
        }
        long threads = cfg->threads;
        if (threads <= 0) {
                threads = sysconf(_SC_NPROCESSORS_ONLN);
                if (threads < 2)
                        threads = 2;
        }
        srv->daemon = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
            on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv, MHD_OPTION_SOCK_ADDR,
            (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned)1000, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
            MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_END);
        if (!srv->daemon) {
                log_error("cannot listen on %s:%d: %s", cfg->listen_host, cfg->listen_port,
                          strerror(errno));
                free(srv);
                return -1;
        }
        const union MHD_DaemonInfo *info =
            MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
        srv->port = info ? info->port : cfg->listen_port;
        *out = srv;
        return 0;
}

int http_server_port(const struct http_server *s)
{
        return s->port;
}

void http_server_stop(struct http_server *s)
{
        if (!s)
                return;
        MHD_stop_daemon(s->daemon);
        free(s);
}
