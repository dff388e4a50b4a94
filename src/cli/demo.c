/*
 * The demo city: tenant "busan" (부산광역시) with the departments and staff listed in
 * data/demo-departments.csv and data/demo-staff.csv (compiled in). Running it again adds
 * only what is missing.
 */
#include "cli/cli.h"

#include "auth/department.h"
#include "auth/secret.h"
#include "auth/tenant.h"
#include "auth/user.h"
#include "base/csv.h"
#include "base/embed.h"
#include "base/log.h"
#include "complaint/complaint.h"

#include <stdio.h>
#include <string.h>

static int seed_departments(struct store_db *db, const struct actor *who)
{
        const struct embed_file *f = embed_data_file("demo-departments.csv");
        if (!f)
                return -1;
        struct csv_reader r;
        csv_init(&r, f->data, f->size);
        int rc = 0, row;
        csv_next(&r); /* header: code,name,parent_code,phone */
        while (rc == 0 && (row = csv_next(&r)) == 1) {
                struct department d, parent;
                struct pcrm_error e;
                const char *code = csv_field(&r, 0), *parent_code = csv_field(&r, 2);
                if (dept_find_code(db, who->tenant_id, code, &d) == PCRM_OK)
                        continue;
                struct department_input in = {
                    .code = code, .name = csv_field(&r, 1), .phone = csv_field(&r, 3), .active = 1};
                if (parent_code && *parent_code) {
                        if (dept_find_code(db, who->tenant_id, parent_code, &parent) != PCRM_OK) {
                                log_error("demo: department %s: no parent %s", code, parent_code);
                                rc = -1;
                                break;
                        }
                        in.parent_set = true;
                        in.parent_id = parent.id;
                }
                if (dept_create(db, who, &in, &d, &e) != PCRM_OK) {
                        log_error("demo: department %s: %s", code, e.message);
                        rc = -1;
                }
        }
        csv_release(&r);
        return rc;
}

static int seed_staff(struct store_db *db, const struct actor *who)
{
        const struct embed_file *f = embed_data_file("demo-staff.csv");
        if (!f)
                return -1;
        struct csv_reader r;
        csv_init(&r, f->data, f->size);
        int rc = 0, row;
        csv_next(&r); /* header: username,display_name,role,dept_code,email,phone,password */
        while (rc == 0 && (row = csv_next(&r)) == 1) {
                struct department d;
                struct user u;
                struct pcrm_error e;
                if (dept_find_code(db, who->tenant_id, csv_field(&r, 3), &d) != PCRM_OK) {
                        log_error("demo: user %s: no department %s", csv_field(&r, 0),
                                  csv_field(&r, 3));
                        rc = -1;
                        break;
                }
                struct user_input in = {
                    .username = csv_field(&r, 0),
                    .display_name = csv_field(&r, 1),
                    .role = role_parse(csv_field(&r, 2)),
                    .dept_set = true,
                    .dept_id = d.id,
                    .email = csv_field(&r, 4),
                    .phone = csv_field(&r, 5),
                    .password = csv_field(&r, 6),
                    .active = 1,
                };
                int created = user_create(db, who, &in, &u, &e);
                if (created != PCRM_OK && created != PCRM_ECONFLICT) {
                        log_error("demo: user %s: %s", in.username, e.message);
                        rc = -1;
                }
        }
        csv_release(&r);
        return rc;
}

int demo_seed(struct store_db *db)
{
        struct tenant t;
        struct actor who;
        struct pcrm_error e;
        cli_actor(&who, 0, NULL);
        int rc = tenant_find(db, "busan", &t);
        if (rc == PCRM_ENOTFOUND)
                rc = tenant_add(db, &who, "busan", "부산광역시", &t, &e);
        if (rc != PCRM_OK)
                return -1;
        cli_actor(&who, t.id, t.code);
        if (seed_departments(db, &who) < 0 || seed_staff(db, &who) < 0 ||
            complaint_types_seed(db, t.id) < 0)
                return -1;
        return 0;
}
