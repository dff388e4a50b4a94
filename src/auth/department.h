/*
 * department: the organisation chart of a tenant (국 > 과 > 팀), each with a code unique
 * in the tenant and a Korean name. Every change is audited in the same transaction.
 */
#ifndef PCRM_AUTH_DEPARTMENT_H
#define PCRM_AUTH_DEPARTMENT_H

#include "auth/actor.h"
#include "store/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEPT_CODE_MAX  32
#define DEPT_NAME_MAX  50 /* characters */
#define DEPT_PHONE_MAX 20

struct department {
        int64_t id;
        int64_t tenant_id;
        int64_t parent_id; /* 0: top level */
        char code[DEPT_CODE_MAX + 1];
        char name[DEPT_NAME_MAX * 4 + 1];
        char phone[DEPT_PHONE_MAX * 4 + 1];
        bool active;
        int64_t created_at, updated_at;
};

/* For create, code and name are required. For update, NULL / unset means unchanged. */
struct department_input {
        const char *code;
        const char *name;
        const char *phone;
        bool parent_set; /* parent_id given; 0 makes it top level */
        int64_t parent_id;
        int active; /* -1 unchanged, 0 or 1 */
};

int dept_create(struct store_db *db, const struct actor *who, const struct department_input *in,
                struct department *out, struct pcrm_error *e);
/* Only the actor's tenant is searched: another tenant's id is PCRM_ENOTFOUND. */
int dept_get(struct store_db *db, const struct actor *who, int64_t id, struct department *out,
             struct pcrm_error *e);
int dept_find_code(struct store_db *db, int64_t tenant_id, const char *code,
                   struct department *out);
int dept_update(struct store_db *db, const struct actor *who, int64_t id,
                const struct department_input *in, struct department *out, struct pcrm_error *e);
/* Deletes an unused department; PCRM_ECONFLICT if staff or sub-departments use it. */
int dept_delete(struct store_db *db, const struct actor *who, int64_t id, struct pcrm_error *e);

/*
 * Lists departments with id > after_id in id order, at most limit. *items is malloc'd
 * (caller frees) and *n set; *more tells whether further rows exist.
 */
int dept_list(struct store_db *db, const struct actor *who, int64_t after_id, size_t limit,
              struct department **items, size_t *n, bool *more, struct pcrm_error *e);

#endif
