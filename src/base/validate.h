/*
 * validate: checks shared by every domain module for values that come from outside.
 * Each returns PCRM_OK or fills e (naming field) and returns PCRM_EINVALID.
 */
#ifndef PCRM_BASE_VALIDATE_H
#define PCRM_BASE_VALIDATE_H

#include "base/error.h"

#include <stddef.h>

/* One line of valid UTF-8 text (no control characters, no tab or line break),
 * min..max code points, not trimmed. */
int validate_text(const char *field, const char *s, size_t min_chars, size_t max_chars,
                  struct pcrm_error *e);
/* An identifier: lower-case ASCII letters, digits, '-', '_' and '.', starting with a
 * letter or digit, min..max bytes. Used for tenant and department codes, usernames. */
int validate_code(const char *field, const char *s, size_t min, size_t max, struct pcrm_error *e);

#endif
