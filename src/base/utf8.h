/*
 * utf8: strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF. Every byte string that enters pcrm from outside passes through here.
 */
#ifndef PCRM_BASE_UTF8_H
#define PCRM_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool utf8_valid(const char *s, size_t len);
/* Valid UTF-8 without NUL or other C0 control characters except tab, CR and LF. */
bool utf8_valid_text(const char *s, size_t len);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s, size_t len);

#endif
