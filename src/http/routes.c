/* The API's routes: one row per endpoint, with the roles that may call it. */
#include "http/api.h"
#include "http/router.h"

#define ADMIN    ROLE_ADMIN
#define AUDITORS (ROLE_PRIVACY_OFFICER | ROLE_ADMIN)

/* The customer database: who reads people, who enters them, who sees RRNs, who merges. */
#define CUST_READ                                                                                  \
        (ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_CS_MANAGER | ROLE_PRIVACY_OFFICER)
#define CUST_CREATE (ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_CS_MANAGER)
#define CUST_RRN    (ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_PRIVACY_OFFICER)
#define CUST_MERGE  (ROLE_CS_MANAGER | ROLE_PRIVACY_OFFICER | ROLE_ADMIN)
#define CUST_RULES  (ROLE_CS_MANAGER | ROLE_ADMIN)
/* Notices: cs_manager words them; the outbox and its reports are read by those who
 * answer for the service and for personal data. */
#define MSG_ADMIN   (ROLE_CS_MANAGER | ROLE_ADMIN)
#define MSG_READ    (ROLE_CS_MANAGER | ROLE_ADMIN | ROLE_PRIVACY_OFFICER | ROLE_DEPT_HEAD)
#define CUST_REPORT (ROLE_CS_MANAGER | ROLE_PRIVACY_OFFICER | ROLE_ADMIN | ROLE_DEPT_HEAD)

const struct http_route http_routes[] = {
    {"GET", "/api/v1/health", api_health, 0, ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/login", api_auth_login, 0, ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/logout", api_auth_logout, ROLES_STAFF, 0},
    {"GET", "/api/v1/me", api_me, ROLES_STAFF, 0},

    {"GET", "/api/v1/departments", api_departments_list, ROLES_STAFF, 0},
    {"POST", "/api/v1/departments", api_departments_create, ADMIN, 0},
    {"GET", "/api/v1/departments/:id", api_departments_get, ROLES_STAFF, 0},
    {"GET", "/api/v1/departments/:id/members", api_departments_members, ROLES_STAFF, 0},
    {"PATCH", "/api/v1/departments/:id", api_departments_update, ADMIN, 0},
    {"DELETE", "/api/v1/departments/:id", api_departments_delete, ADMIN, 0},

    {"GET", "/api/v1/users", api_users_list, ADMIN, 0},
    {"POST", "/api/v1/users", api_users_create, ADMIN, 0},
    {"GET", "/api/v1/users/:id", api_users_get, ADMIN, 0},
    {"PATCH", "/api/v1/users/:id", api_users_update, ADMIN, 0},
    {"DELETE", "/api/v1/users/:id", api_users_delete, ADMIN, 0},

    {"GET", "/api/v1/audit", api_audit_list, AUDITORS, 0},

    {"GET", "/api/v1/customers", api_customers_search, CUST_READ, 0},
    {"POST", "/api/v1/customers", api_customers_create, CUST_CREATE, 0},
    {"GET", "/api/v1/customers/:id", api_customers_get, CUST_READ, 0},
    {"PATCH", "/api/v1/customers/:id", api_customers_update, CUST_READ, 0},
    {"POST", "/api/v1/customers/:id/rrn", api_customers_reveal_rrn, CUST_RRN, 0},
    {"POST", "/api/v1/customers/:id/merge", api_customers_merge, CUST_MERGE, 0},
    {"GET", "/api/v1/customers/:id/consents", api_customers_consents, CUST_READ, 0},
    {"POST", "/api/v1/customers/:id/consents", api_customers_consent_record, CUST_READ, 0},
    {"POST", "/api/v1/merges/:id/undo", api_merges_undo, CUST_MERGE, 0},
    {"GET", "/api/v1/match-reviews", api_match_reviews_list, CUST_MERGE, 0},
    {"POST", "/api/v1/match-reviews/:id", api_match_reviews_decide, CUST_MERGE, 0},
    {"GET", "/api/v1/match-rules", api_match_rules_get, CUST_RULES, 0},
    {"PUT", "/api/v1/match-rules", api_match_rules_put, CUST_RULES, 0},
    {"GET", "/api/v1/reports/data-quality", api_reports_data_quality, CUST_REPORT, 0},
    /* complaints: staff intake is for every desk that takes calls, visits and mail */
    {"POST", "/api/v1/complaints", api_complaints_create,
     ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_CS_MANAGER | ROLE_ADMIN, 0},
    {"GET", "/api/v1/complaints", api_complaints_list, ROLES_STAFF, 0},
    {"GET", "/api/v1/complaints/counts", api_complaints_counts, ROLES_STAFF, 0},
    {"POST", "/api/v1/complaints/bulk-actions", api_complaints_bulk, ROLE_OFFICER | ROLE_DEPT_HEAD,
     0},
    {"GET", "/api/v1/complaints/:receipt", api_complaints_get, ROLES_STAFF, 0},
    {"POST", "/api/v1/complaints/:receipt/actions", api_complaints_act, ROLES_STAFF, 0},
    {"POST", "/api/v1/complaints/:receipt/disclosure", api_complaints_disclosure,
     ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_CS_MANAGER, 0},
    {"GET", "/api/v1/complaint-types", api_complaint_types_list, ROLES_STAFF, 0},
    {"POST", "/api/v1/public/complaints", api_public_complaints_create, 0, ROUTE_PUBLIC},
    {"GET", "/api/v1/public/complaints/:receipt", api_public_complaints_track, 0, ROUTE_PUBLIC},
    {"GET", "/api/v1/public/complaint-types", api_complaint_types_list, 0, ROUTE_PUBLIC},
    {"GET", "/api/v1/reports/complaints-vs-customers", api_reports_complaints_vs_customers,
     ROLE_DEPT_HEAD | ROLE_CS_MANAGER | ROLE_PRIVACY_OFFICER | ROLE_ADMIN, 0},
    {"GET", "/api/v1/reports/processing-time", api_reports_processing_time,
     ROLE_DEPT_HEAD | ROLE_CS_MANAGER | ROLE_ADMIN, 0},
    {"GET", "/api/v1/reports/backlog", api_reports_backlog,
     ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_CS_MANAGER | ROLE_ADMIN, 0},
    {"POST", "/api/v1/contacts", api_contacts_create,
     ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_CS_MANAGER, 0},
    {"GET", "/api/v1/call-tasks", api_calls_list,
     ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_CS_MANAGER, 0},
    {"POST", "/api/v1/call-tasks", api_calls_create, ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD, 0},
    {"POST", "/api/v1/call-tasks/:id/claim", api_calls_claim,
     ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD, 0},
    {"POST", "/api/v1/call-tasks/:id/complete", api_calls_complete,
     ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD, 0},
    {"POST", "/api/v1/public/sign-in/code", api_resident_code, 0, ROUTE_PUBLIC},
    {"POST", "/api/v1/public/sign-in", api_resident_sign_in, 0, ROUTE_PUBLIC},
    {"POST", "/api/v1/public/sign-out", api_resident_sign_out, 0, ROUTE_PUBLIC},
    {"GET", "/api/v1/public/me", api_resident_me, 0, ROUTE_PUBLIC},
    {"PUT", "/api/v1/public/me/consents", api_resident_consents, 0, ROUTE_PUBLIC},
    {"GET", "/api/v1/public/me/complaints/:receipt", api_resident_complaint, 0, ROUTE_PUBLIC},
    {"GET", "/api/v1/call-rules", api_call_rules_get, MSG_ADMIN, 0},
    {"PUT", "/api/v1/call-rules", api_call_rules_put, MSG_ADMIN, 0},
    {"GET", "/api/v1/templates", api_templates_list, MSG_ADMIN, 0},
    {"POST", "/api/v1/templates/preview", api_templates_preview, MSG_ADMIN, 0},
    {"PUT", "/api/v1/templates/:event/:medium", api_templates_put, MSG_ADMIN, 0},
    {"DELETE", "/api/v1/templates/:event/:medium", api_templates_reset, MSG_ADMIN, 0},
    {"GET", "/api/v1/messages", api_messages_list, MSG_READ, 0},
    {"POST", "/api/v1/notify/delivery-reports", api_delivery_reports, 0, ROUTE_PUBLIC},
    {"GET", "/api/v1/reports/messages", api_reports_messages, MSG_READ, 0},
    {"GET", "/api/v1/reports/contacts", api_reports_contacts, MSG_READ, 0},
    {0, 0, 0, 0, 0},
};
