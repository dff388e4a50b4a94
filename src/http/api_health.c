#include "http/api.h"

#include "base/time.h"

void api_health(struct http_request *req)
{
        int db_ok = 0;
        struct store_stmt *st = store_prepare(req->db, "SELECT count(*) FROM tenants");
        if (st) {
                db_ok = store_step(st) == STORE_ROW;
                store_done(st);
        }
        json_t *body = json_pack("{s:s, s:s, s:s, s:o}", "status", db_ok ? "ok" : "degraded",
                                 "version", PCRM_VERSION, "database", db_ok ? "ok" : "error",
                                 "time", http_json_time(time_now_ms()));
        http_reply_json(req, db_ok ? 200 : 503, body);
}
