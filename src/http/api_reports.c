/* /api/v1/reports: aggregate reports over the customer database. They count records and
 * show no person, so reading them is not audited. */
#include "http/api.h"

#include "base/time.h"
#include "complaint/report.h"

#include "base/utf8.h"
#include "customer/intake.h"
#include "customer/quality.h"

#include <jansson.h>
#include <string.h>

void api_reports_data_quality(struct http_request *req)
{
        struct quality_report r;
        const char *source = http_query(req, "source");
        if (source && !*source)
                source = NULL;
        if (source && utf8_length(source, strlen(source)) > SOURCE_NAME_MAX) {
                http_reply_error(req, 400, "invalid_field", "source",
                                 "source 항목은 64자를 넘을 수 없습니다");
                return;
        }
        if (quality_report(req->db, req->who.tenant_id, source, &r) < 0) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        json_t *o = quality_json(&r);
        if (o)
                json_object_set_new(o, "source", http_json_str_or_null(source));
        http_reply_json(req, 200, o);
}

static void reply_report(struct http_request *req, json_t *j)
{
        if (!j) {
                http_reply_error(req, 500, "internal", NULL, "서버 내부 오류가 발생했습니다");
                return;
        }
        http_reply_json(req, 200, j);
}

void api_reports_complaints_vs_customers(struct http_request *req)
{
        reply_report(req, report_complaints_vs_customers(req->db, req->who.tenant_id));
}

void api_reports_processing_time(struct http_request *req)
{
        const char *by = http_query(req, "by");
        if (by && *by && strcmp(by, "type") && strcmp(by, "department")) {
                http_reply_error(req, 400, "invalid_field", "by",
                                 "by는 type 또는 department입니다");
                return;
        }
        reply_report(req, report_processing_time(req->db, req->who.tenant_id, by));
}

void api_reports_backlog(struct http_request *req)
{
        reply_report(req, report_backlog(req->db, req->who.tenant_id, time_now_ms()));
}
