#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>

int err_set(struct pcrm_error *e, enum pcrm_errcode code, const char *field, const char *fmt, ...)
{
        if (e) {
                e->code = code;
                snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
                va_list ap;
                va_start(ap, fmt);
                vsnprintf(e->message, sizeof(e->message), fmt, ap);
                va_end(ap);
        }
        return code;
}

const char *err_code_name(enum pcrm_errcode code)
{
        switch (code) {
        case PCRM_OK:
                return "ok";
        case PCRM_EINVALID:
                return "invalid";
        case PCRM_ENOTFOUND:
                return "not_found";
        case PCRM_ECONFLICT:
                return "conflict";
        case PCRM_EFORBIDDEN:
                return "forbidden";
        case PCRM_ERULE:
                return "rule_violated";
        case PCRM_EINTERNAL:
                break;
        }
        return "internal";
}
