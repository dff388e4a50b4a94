/*
 * server: `pcrm serve`'s HTTP side, on libmicrohttpd.
 *
 * DESIGN: MHD runs an internal pool of worker threads (one per core by default), each on
 * its own epoll loop. A request is handled entirely on one worker: its body is gathered
 * (up to cfg->body_limit; more gets 413), then http_dispatch runs the handler, which uses
 * that worker's own database connection (store_thread_db). No handler state is shared
 * between threads except through the database.
 */
#ifndef PCRM_HTTP_SERVER_H
#define PCRM_HTTP_SERVER_H

#include "base/config.h"

struct http_server;

/* Starts listening. cfg is borrowed and must outlive the server. Returns 0 or -1. */
int http_server_start(const struct pcrm_config *cfg, struct http_server **out);
/* The port actually bound (useful with port 0). */
int http_server_port(const struct http_server *s);
/* Stops accepting, finishes requests in flight, frees. Accepts NULL. */
void http_server_stop(struct http_server *s);

#endif
