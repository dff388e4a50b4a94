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
/*
 * The longest prefix of s (at most max bytes) that does not end inside a character, so
 * that cutting a string to fit never leaves half a Korean syllable.
 */
size_t utf8_prefix(const char *s, size_t max);
/* snprintf("%s") that cuts at a character boundary. dstlen must be at least 1. */
void utf8_copy(char *dst, size_t dstlen, const char *src);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s, size_t len);

#endif
