/*
 * router: the table of API routes (method, path pattern, handler, roles allowed) and the
 * dispatcher that authenticates the caller, enforces CSRF and roles, and calls the
 * handler. Adding an endpoint is adding a row to routes[] in routes.c.
 */
#ifndef PCRM_HTTP_ROUTER_H
#define PCRM_HTTP_ROUTER_H

#include "http/http.h"

typedef void (*http_handler)(struct http_request *req);

enum route_flags {
        ROUTE_PUBLIC = 1, /* no sign-in needed; the actor is anonymous */
};

struct http_route {
        const char *method;
        const char *pattern; /* "/api/v1/users/:id": ':' segments become req->params */
        http_handler handler;
        unsigned roles; /* enum role mask allowed; ignored for ROUTE_PUBLIC */
        unsigned flags;
};

extern const struct http_route http_routes[];

/* Handles one complete request: API route or static file. Always leaves a response. */
void http_dispatch(struct http_request *req);

/* Static files from cfg->web_dir (static.c). */
void http_serve_static(struct http_request *req);

#endif
