/* /api/v1/contacts: staff log a contact with a resident (an agent logs a call). */
#include "http/api.h"

#include "base/time.h"
#include "notify/contact.h"

void api_contacts_create(struct http_request *req)
{
        static const char *const fields[] = {"customer_id", "channel", "direction", "at",
                                             "receipt_no",  "summary", NULL};
        struct contact_input in = {0};
        const char *at = NULL;
        json_t *body = http_body_object(req);
        if (!body || http_check_fields(req, body, fields) ||
            http_field_int(req, body, "customer_id", true, &in.customer_id, NULL) ||
            http_field_string(req, body, "channel", true, 16, &in.channel) ||
            http_field_string(req, body, "direction", true, 16, &in.direction) ||
            http_field_string(req, body, "at", false, 40, &at) ||
            http_field_string(req, body, "receipt_no", false, 20, &in.receipt_no) ||
            http_field_string(req, body, "summary", true, CONTACT_SUMMARY_MAX, &in.summary))
                return;
        if (at && time_parse_iso(at, &in.at) < 0) {
                http_reply_error(req, 400, "invalid_field", "at",
                                 "시각은 2026-11-28T09:30+09:00 형식이어야 합니다");
                return;
        }
        int64_t id = 0;
        struct pcrm_error e;
        if (contact_record(req->db, &req->who, &in, &id, &e)) {
                http_reply_pcrm_error(req, &e);
                return;
        }
        http_reply_json(
            req, 201,
            json_pack("{s:I, s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)id, "customer_id",
                      (json_int_t)in.customer_id, "channel", in.channel, "direction", in.direction,
                      "at", http_json_time(in.at ? in.at : time_now_ms()), "summary", in.summary));
}
