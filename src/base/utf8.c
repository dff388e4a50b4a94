#include "base/utf8.h"

#include <stdint.h>
#include <string.h>

/* Length of the sequence starting at s (at most len bytes), or 0 if it is not valid. */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
        unsigned char c = s[0];
        if (c < 0x80)
                return 1;
        if (c >= 0xC2 && c <= 0xDF)
                return (len >= 2 && (s[1] & 0xC0) == 0x80) ? 2 : 0;
        if (c >= 0xE0 && c <= 0xEF) {
                if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
                        return 0;
                if (c == 0xE0 && s[1] < 0xA0)
                        return 0; /* overlong */
                if (c == 0xED && s[1] >= 0xA0)
                        return 0; /* UTF-16 surrogate */
                return 3;
        }
        if (c >= 0xF0 && c <= 0xF4) {
                if (len < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
                    (s[3] & 0xC0) != 0x80)
                        return 0;
                if (c == 0xF0 && s[1] < 0x90)
                        return 0; /* overlong */
                if (c == 0xF4 && s[1] >= 0x90)
                        return 0; /* above U+10FFFF */
                return 4;
        }
        return 0;
}

bool utf8_valid(const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *)s;
        size_t i = 0;
        while (i < len) {
                size_t n = utf8_sequence(p + i, len - i);
                if (n == 0)
                        return false;
                i += n;
        }
        return true;
}

bool utf8_valid_text(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];
                if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
                        return false;
        }
        return utf8_valid(s, len);
}

size_t utf8_length(const char *s, size_t len)
{
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
                if (((unsigned char)s[i] & 0xC0) != 0x80)
                        n++;
        return n;
}

size_t utf8_prefix(const char *s, size_t max)
{
        size_t len = strnlen(s, max);
        if (len < max || len == 0)
                return len;
        /* Step back over continuation bytes to the start of the last character ... */
        size_t start = len;
        while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
                start--;
        if (start == 0)
                return 0;
        /* ... and keep it only if it is complete within max bytes. */
        unsigned char lead = (unsigned char)s[start - 1];
        size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return (len - (start - 1) >= need) ? len : start - 1;
}

void utf8_copy(char *dst, size_t dstlen, const char *src)
{
        size_t n = utf8_prefix(src ? src : "", dstlen - 1);
        if (n)
                memcpy(dst, src, n);
        dst[n] = '\0';
}
