/*
 * actor: who is acting (a staff user, an API key, the operator's CLI, the system), with
 * tenant, role and request context, and the one role check every handler goes through.
 * A struct actor is a plain value owned by whoever declared it.
 */
#ifndef PCRM_AUTH_ACTOR_H
#define PCRM_AUTH_ACTOR_H

#include "base/error.h"

#include <stdbool.h>
#include <stdint.h>

enum role {
        ROLE_NONE = 0,
        ROLE_AGENT = 1 << 0,           /* 콜센터 상담원 */
        ROLE_OFFICER = 1 << 1,         /* 민원 담당 공무원 */
        ROLE_DEPT_HEAD = 1 << 2,       /* 부서장 */
        ROLE_CS_MANAGER = 1 << 3,      /* CS/PCRM 담당 */
        ROLE_PRIVACY_OFFICER = 1 << 4, /* 개인정보 보호책임자 */
        ROLE_ADMIN = 1 << 5,           /* 시스템 관리자 */
};
#define ROLES_STAFF                                                                                \
        (ROLE_AGENT | ROLE_OFFICER | ROLE_DEPT_HEAD | ROLE_CS_MANAGER | ROLE_PRIVACY_OFFICER |     \
         ROLE_ADMIN)

enum actor_kind { ACTOR_ANONYMOUS, ACTOR_USER, ACTOR_APIKEY, ACTOR_CLI, ACTOR_SYSTEM };

struct actor {
        enum actor_kind kind;
        int64_t tenant_id; /* 0: no tenant (anonymous, or installation-wide CLI work) */
        char tenant_code[32];
        int64_t id;     /* user id or API key id; 0 otherwise */
        char name[256]; /* username or API key name (up to 60 Korean characters) */
        enum role role;
        int64_t dept_id;
        int64_t session_id;
        char request_id[40];
        char client_addr[64];
};

/* "agent", "officer", ...; NULL for an unknown role. */
const char *role_name(enum role r);
/* ROLE_NONE for an unknown name. */
enum role role_parse(const char *name);
/* Korean label for screens: 상담원, 민원담당, ... */
const char *role_label(enum role r);
const char *actor_kind_name(enum actor_kind k);

/*
 * The role check. Returns PCRM_OK when the actor holds one of the roles in mask, else
 * fills e and returns PCRM_EFORBIDDEN (anonymous actors never pass).
 */
int actor_require(const struct actor *a, unsigned mask, struct pcrm_error *e);

#endif
