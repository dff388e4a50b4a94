/* The API's routes: one row per endpoint, with the roles that may call it. */
#include "http/api.h"
#include "http/router.h"

#define ADMIN    ROLE_ADMIN
#define AUDITORS (ROLE_PRIVACY_OFFICER | ROLE_ADMIN)

const struct http_route http_routes[] = {
    {"GET", "/api/v1/health", api_health, 0, ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/login", api_auth_login, 0, ROUTE_PUBLIC},
    {"POST", "/api/v1/auth/logout", api_auth_logout, ROLES_STAFF, 0},
    {"GET", "/api/v1/me", api_me, ROLES_STAFF, 0},

    {"GET", "/api/v1/departments", api_departments_list, ROLES_STAFF, 0},
    {"POST", "/api/v1/departments", api_departments_create, ADMIN, 0},
    {"GET", "/api/v1/departments/:id", api_departments_get, ROLES_STAFF, 0},
    {"PATCH", "/api/v1/departments/:id", api_departments_update, ADMIN, 0},
    {"DELETE", "/api/v1/departments/:id", api_departments_delete, ADMIN, 0},

    {"GET", "/api/v1/users", api_users_list, ADMIN, 0},
    {"POST", "/api/v1/users", api_users_create, ADMIN, 0},
    {"GET", "/api/v1/users/:id", api_users_get, ADMIN, 0},
    {"PATCH", "/api/v1/users/:id", api_users_update, ADMIN, 0},
    {"DELETE", "/api/v1/users/:id", api_users_delete, ADMIN, 0},

    {"GET", "/api/v1/audit", api_audit_list, AUDITORS, 0},
    {0, 0, 0, 0, 0},
};
