/*
 * api: the handlers of /api/v1, one api_<resource>.c per resource, and the JSON shapes
 * of the objects they share. Handlers are listed with their roles in routes.c.
 */
#ifndef PCRM_HTTP_API_H
#define PCRM_HTTP_API_H

#include "auth/department.h"
#include "auth/user.h"
#include "complaint/complaint.h"
#include "customer/customer.h"
#include "http/http.h"

void api_health(struct http_request *req);

void api_auth_login(struct http_request *req);
void api_auth_logout(struct http_request *req);
void api_me(struct http_request *req);

void api_departments_list(struct http_request *req);
void api_departments_get(struct http_request *req);
void api_departments_create(struct http_request *req);
void api_departments_update(struct http_request *req);
void api_departments_delete(struct http_request *req);
void api_departments_members(struct http_request *req);

void api_users_list(struct http_request *req);
void api_users_get(struct http_request *req);
void api_users_create(struct http_request *req);
void api_users_update(struct http_request *req);
void api_users_delete(struct http_request *req);

void api_audit_list(struct http_request *req);

void api_complaints_create(struct http_request *req);
void api_complaints_list(struct http_request *req);
void api_complaints_counts(struct http_request *req);
void api_complaints_get(struct http_request *req);
void api_complaints_act(struct http_request *req);
void api_complaint_types_list(struct http_request *req);
void api_public_complaints_create(struct http_request *req);
void api_public_complaints_track(struct http_request *req);
void api_complaints_disclosure(struct http_request *req);
void api_complaints_bulk(struct http_request *req);
void api_contacts_create(struct http_request *req);
void api_calls_list(struct http_request *req);
void api_calls_create(struct http_request *req);
void api_calls_claim(struct http_request *req);
void api_calls_complete(struct http_request *req);
void api_reports_complaints_vs_customers(struct http_request *req);
void api_reports_processing_time(struct http_request *req);
void api_reports_backlog(struct http_request *req);

/* Customers (api_customers.c); match reviews and rules (api_reviews.c); reports
 * (api_reports.c). */
void api_customers_search(struct http_request *req);
void api_customers_get(struct http_request *req);
void api_customers_create(struct http_request *req);
void api_customers_update(struct http_request *req);
void api_customers_reveal_rrn(struct http_request *req);
void api_customers_merge(struct http_request *req);
void api_customers_consents(struct http_request *req);
void api_customers_consent_record(struct http_request *req);
void api_merges_undo(struct http_request *req);
void api_match_reviews_list(struct http_request *req);
void api_match_reviews_decide(struct http_request *req);
void api_match_rules_get(struct http_request *req);
void api_match_rules_put(struct http_request *req);
void api_reports_data_quality(struct http_request *req);

void api_resident_code(struct http_request *req);
void api_resident_sign_in(struct http_request *req);
void api_resident_sign_out(struct http_request *req);
void api_resident_me(struct http_request *req);
void api_resident_consents(struct http_request *req);
void api_resident_complaint(struct http_request *req);

void api_call_rules_get(struct http_request *req);
void api_call_rules_put(struct http_request *req);
void api_templates_list(struct http_request *req);
void api_templates_put(struct http_request *req);
void api_templates_reset(struct http_request *req);
void api_templates_preview(struct http_request *req);
void api_messages_list(struct http_request *req);
void api_reports_messages(struct http_request *req);
void api_reports_contacts(struct http_request *req);
void api_delivery_reports(struct http_request *req);

/* New JSON objects (caller owns the reference). */
json_t *api_department_json(const struct department *d);
/* Looks up the user's department in the scope's tenant for its code and name. */
json_t *api_user_json(struct store_db *db, const struct actor *scope, const struct user *u);
/* The masked summary of a customer shown in searches and the review queue: id, name,
 * birth_year, sex, mobile_masked, phone_masked, email_masked, address_area, rrn_masked.
 * NULL when out of memory. */
json_t *api_customer_summary(const struct customer *c);
/* A phone, mobile or e-mail value masked for screens ("010-****-5678", "ho***@x.kr"). */
void api_mask_value(const char *field, const char *value, char *out, size_t outlen);
/* The consent states of a customer: [{purpose, channel, granted, at, source}]. */
json_t *api_consents_json(struct store_db *db, int64_t tenant_id, int64_t id);
/* The customer's complaints (and those of customers merged into it), newest first. */
json_t *api_customer_complaints_json(struct store_db *db, const struct customer *c);
/* The tenant of a public request: the code given, or the only one. Replies and returns
 * -1 when there is none; otherwise fills an anonymous actor of that tenant. */
int api_public_actor(struct http_request *req, const char *code, struct actor *who);
/* The complaint as the resident sees it (tracking view). */
json_t *api_complaint_public_json(struct http_request *req, const struct complaint *c);

#endif
