/*
 * http: the request context every handler receives, and the helpers handlers use to read
 * input and write JSON output. Handlers translate HTTP to domain calls and back; they
 * never talk to libmicrohttpd directly.
 *
 * Ownership: the server owns the struct http_request and everything in it, from the first
 * byte of the request until the response has been sent. A handler sets exactly one
 * response with http_reply_* (the last one wins); a json_t passed to http_reply_json is
 * stolen.
 */
#ifndef PCRM_HTTP_HTTP_H
#define PCRM_HTTP_HTTP_H

#include "auth/actor.h"
#include "auth/secret.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/error.h"
#include "store/db.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct MHD_Connection;

#define HTTP_MAX_PARAMS     4
#define HTTP_MAX_HEADERS    8
#define HTTP_JSON_MAX_DEPTH 32

struct http_header {
        const char *name;
        char *value; /* owned */
};

struct http_request {
        /* the request */
        struct MHD_Connection *conn;
        const char *method;
        const char *path;
        struct buf body;
        bool body_too_large;
        json_t *json;                        /* parsed body, owned; set by http_body_object */
        const char *params[HTTP_MAX_PARAMS]; /* ":name" segments of the route, in order */
        int nparams;
        char param_buf[HTTP_MAX_PARAMS][128];
        char request_id[40];
        char client_addr[64];
        int64_t started_ms;

        /* who is asking (ACTOR_ANONYMOUS on public routes) */
        struct actor who;
        bool via_cookie;
        char csrf[SEC_TOKEN_CHARS + 1];

        /* shared state */
        const struct pcrm_config *cfg;
        struct store_db *db;

        /* the response: JSON in reply, or a static file when file_fd >= 0 */
        int status;
        int file_fd;
        int64_t file_size;
        const char *file_type;
        json_t *reply;
        struct http_header headers[HTTP_MAX_HEADERS];
        int nheaders;
};

/* Responses. */
void http_reply_json(struct http_request *req, int status, json_t *body);
void http_reply_empty(struct http_request *req, int status);
/* {"error":{"code","message","field"}}; field may be NULL or "". */
void http_reply_error(struct http_request *req, int status, const char *code, const char *field,
                      const char *message);
/* Maps a domain error to its HTTP status and code, once, here. */
void http_reply_pcrm_error(struct http_request *req, const struct pcrm_error *e);
void http_add_header(struct http_request *req, const char *name, const char *value);

/* Input. Each returns 0 on success; on failure it has already replied 400 and returns -1. */
/* The body as a JSON object (cached in req->json). */
json_t *http_body_object(struct http_request *req);
/* Rejects members not in the NULL-terminated allowed list. */
int http_check_fields(struct http_request *req, json_t *obj, const char *const *allowed);
/* A string member: *out NULL when absent (and not required). max is in characters. */
int http_field_string(struct http_request *req, json_t *obj, const char *name, bool required,
                      size_t max_chars, const char **out);
/* An integer member; *present tells whether it was there (null counts as present, *out 0). */
int http_field_int(struct http_request *req, json_t *obj, const char *name, bool required,
                   int64_t *out, bool *present);
/* A boolean member; *out -1 when absent. */
int http_field_bool(struct http_request *req, json_t *obj, const char *name, int *out);

/* A request header's value, or NULL. */
const char *http_header(struct http_request *req, const char *name);
/* A cookie's value, or NULL. */
const char *http_cookie(struct http_request *req, const char *name);
/* Does a secret the client sent (CSRF token, callback token) equal the expected one?
 * Constant-time; false when either is missing or the expected one is empty. */
bool http_secret_equal(const char *sent, const char *want);
/* Query string value (validated UTF-8 by the server), or NULL. */
const char *http_query(struct http_request *req, const char *name);
/* ?cursor=&limit= for id-ordered lists: limit 1..max (default def). */
int http_page(struct http_request *req, int64_t *cursor, size_t *limit, size_t def, size_t max);
/* The route parameter at index i as a positive id; replies 404 when it is not one. */
int http_param_id(struct http_request *req, int i, int64_t *out);

/* Formats UTC ms as ISO-8601 KST into a new JSON string (null for 0). */
json_t *http_json_time(int64_t ms);
json_t *http_json_str_or_null(const char *s);

#endif
