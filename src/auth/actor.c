#include "auth/actor.h"

#include <string.h>

static const struct {
        enum role role;
        const char *name;
        const char *label;
} roles[] = {
    {ROLE_AGENT, "agent", "상담원"},
    {ROLE_OFFICER, "officer", "민원담당"},
    {ROLE_DEPT_HEAD, "dept_head", "부서장"},
    {ROLE_CS_MANAGER, "cs_manager", "CS담당"},
    {ROLE_PRIVACY_OFFICER, "privacy_officer", "개인정보보호책임자"},
    {ROLE_ADMIN, "admin", "시스템관리자"},
};

const char *role_name(enum role r)
{
        for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
                if (roles[i].role == r)
                        return roles[i].name;
        return NULL;
}

const char *role_label(enum role r)
{
        for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
                if (roles[i].role == r)
                        return roles[i].label;
        return "";
}

enum role role_parse(const char *name)
{
        if (!name)
                return ROLE_NONE;
        for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
                if (!strcmp(roles[i].name, name))
                        return roles[i].role;
        return ROLE_NONE;
}

const char *actor_kind_name(enum actor_kind k)
{
        switch (k) {
        case ACTOR_USER:
                return "user";
        case ACTOR_APIKEY:
                return "apikey";
        case ACTOR_CLI:
                return "cli";
        case ACTOR_SYSTEM:
                return "system";
        case ACTOR_ANONYMOUS:
                break;
        }
        return "anonymous";
}

int actor_require(const struct actor *a, unsigned mask, struct pcrm_error *e)
{
        if (a->kind != ACTOR_ANONYMOUS && (a->role & mask))
                return PCRM_OK;
        return err_set(e, PCRM_EFORBIDDEN, "", "이 작업을 할 권한이 없습니다");
}
