#include "base/validate.h"

#include "base/utf8.h"

#include <string.h>

int validate_text(const char *field, const char *s, size_t min_chars, size_t max_chars,
                  struct pcrm_error *e)
{
        if (!s)
                return err_set(e, PCRM_EINVALID, field, "%s 값이 필요합니다", field);
        size_t len = strlen(s);
        /* Names, codes and the like are one line: no tab or line break either. */
        if (!utf8_valid_text(s, len) || strpbrk(s, "\t\r\n"))
                return err_set(e, PCRM_EINVALID, field, "%s에 허용되지 않는 문자가 있습니다",
                               field);
        size_t chars = utf8_length(s, len);
        if (chars < min_chars)
                return err_set(e, PCRM_EINVALID, field, "%s는 %zu자 이상이어야 합니다", field,
                               min_chars);
        if (chars > max_chars)
                return err_set(e, PCRM_EINVALID, field, "%s는 %zu자를 넘을 수 없습니다", field,
                               max_chars);
        return PCRM_OK;
}

int validate_code(const char *field, const char *s, size_t min, size_t max, struct pcrm_error *e)
{
        if (!s)
                return err_set(e, PCRM_EINVALID, field, "%s 값이 필요합니다", field);
        size_t len = strlen(s);
        int ok = len >= min && len <= max;
        for (size_t i = 0; ok && i < len; i++) {
                char c = s[i];
                int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                ok = alnum || (i > 0 && (c == '-' || c == '_' || c == '.'));
        }
        if (!ok)
                return err_set(e, PCRM_EINVALID, field,
                               "%s는 영문 소문자·숫자·'-'·'_'·'.'로 %zu~%zu자여야 합니다", field,
                               min, max);
        return PCRM_OK;
}
