/*
 * disclosure: personal data taken out of a complaint's text before it is disclosed
 * (민원공개): published on the homepage, shared as knowledge data, shown to staff outside
 * the handling department.
 *
 * What is replaced, and by what:
 *   [주민등록번호]  anything shaped like a resident registration number, valid or not:
 *                  "900101-1234567", "900101 - 1234567", "900101-1******" (masked back
 *                  part), and, when the date part is a plausible month and day, thirteen
 *                  digits in a row or spaced one by one ("9001011234567", "9 0 0 1 0 1 1 ...")
 *                  or split 6 + 7 by spaces; the halves read out apart ("앞자리 900101",
 *                  "뒷자리는 1234567");
 *   [전화번호]      mobile and telephone numbers with the prefixes of customer/cleanse.h
 *                  (010, 011, 016-019, 02, 031-064, 070) and safe numbers (0502-0508), in any
 *                  common format: "010-1234-5678", "01012345678", "010 1234 5678",
 *                  "010.1234.5678", "(051)123-4567", "+82-10-1234-5678", "+82 (0)51 ...";
 *                  representative numbers (1588-xxxx) and 3-digit service numbers (120, 112)
 *                  belong to organisations and are kept;
 *   [전자우편]      e-mail addresses;
 *   [상세주소]      the part of an address below the 동: a road name with its building
 *                  number ("해운대로 123", "구남로24번길 8", "해운대로570번길 12"), a lot
 *                  number after its 동·리·가 ("우동 1408번지" -> "우동 [상세주소]"), and the
 *                  unit details that follow either ("101동 1001호", "지하 1층", "B동 302호");
 *                  also "101동 1001호" alone and a "302호" after an 아파트/빌라/... name.
 *                  The 시도, 시군구 and 동 stay, so the text still says where
 *                  ("부산광역시 해운대구 우동"), and so do building names ("(우동, 센텀아파트)").
 *   ○○○           the complainant's name: the full name anywhere, also with spaces between
 *                  syllables ("홍 길 동") and glued to particles or honorifics ("홍길동님",
 *                  "홍길동입니다"); the given name alone when it has two or more syllables
 *                  and starts a word followed by an honorific or a particle ("길동이",
 *                  "길동 씨", "길동아", "영수가"). A given name that is also an everyday word of
 *                  complaints (지원, 수정, 정수, 민원, ...) is taken alone only with an
 *                  honorific, a vocative or 이 plus a particle ("지원 씨", "지원아",
 *                  "지원이가"), so "지원이 필요합니다" stays.
 *
 * There is no national list of roads to look names up in, so the address rules are
 * cautious. A word ending in 로 or 길 followed by a building number is a road when it
 * cannot be an ordinary word with the particle 로 (it ends in 길, holds a digit, or has a
 * final consonant before 로 as in 수영로, 광복로), when it is a road of the shipped
 * data/busan-streets.csv, when a 시군구·읍면 word precedes it ("중구 세종대로 110") or
 * when unit details follow. A lot number needs 번지, 산, a 시군구 before its 동, a 동 of
 * data/busan-streets.csv, or unit details after it. So "버스로 20분", "규정대로 3일",
 * "활동 3건", ranges ("해운대로 1 ~ 100번지") and quantities ("해운대로 2026년",
 * "3.5 km") are kept. Where a rule must guess otherwise it errs toward privacy:
 * "010-123-4567" is a phone number although no longer issued.
 *
 * Placeholders already in the text are left as they are and never matched again, so a
 * redacted text comes back unchanged when it is redacted a second time.
 *
 * Dates (2026-11-28), amounts (15,000원), bus numbers, receipt numbers (2026-000123) and
 * other ordinary numbers are not touched.
 *
 * Input need not be valid UTF-8: invalid bytes and control characters other than tab, CR
 * and LF become U+FFFD, and zero-width spaces and byte-order marks are dropped, so the
 * output is always valid UTF-8 text. Full-width forms (０１０－１２３４－５６７８, ＠) and
 * Unicode dashes and spaces are recognised but copied as written outside the replaced
 * parts. Nothing here keeps state or logs the text; every function is thread-safe.
 */
#ifndef PCRM_COMPLAINT_DISCLOSURE_H
#define PCRM_COMPLAINT_DISCLOSURE_H

#include "base/buf.h"

#include <stddef.h>

/* Longer texts are refused (PCRM_EINVALID). A complaint body is far below this. */
#define DISCLOSURE_TEXT_MAX (1024 * 1024)

enum disclosure_item {
        DISCLOSURE_RRN,
        DISCLOSURE_PHONE,
        DISCLOSURE_EMAIL,
        DISCLOSURE_ADDRESS,
        DISCLOSURE_NAME,
        DISCLOSURE_ITEMS, /* the count, not an item */
};

struct disclosure_stats {
        int count[DISCLOSURE_ITEMS]; /* replacements made, per item */
        int repaired;                /* characters turned into U+FFFD */
};

/* "[주민등록번호]", "[전화번호]", "[전자우편]", "[상세주소]", "○○○"; "" out of range. */
const char *disclosure_placeholder(enum disclosure_item item);
/* "rrn", "phone", "email", "address", "name": stable names for JSON and the audit log. */
const char *disclosure_item_name(enum disclosure_item item);

/*
 * Redacts text (a NUL-terminated string, borrowed) for disclosure. complainant_name is
 * borrowed and may be NULL or "" (then no name is looked for); spaces in it are ignored
 * and names shorter than two characters are not looked for.
 *
 * On PCRM_OK *out is a malloc'd NUL-terminated string the caller frees with free().
 * Returns PCRM_EINVALID when text or out is NULL or text is longer than
 * DISCLOSURE_TEXT_MAX bytes, PCRM_EINTERNAL when memory ran out; *out is then NULL (when
 * out is not NULL).
 */
int disclosure_redact(const char *text, const char *complainant_name, char **out);

/*
 * The same for len bytes at text (which may hold NUL bytes; they become U+FFFD),
 * appending the result to out, a caller-owned buf. stats (may be NULL) receives what
 * was replaced. On failure out keeps its previous contents and stats is zeroed;
 * PCRM_EINTERNAL also covers out->max being reached.
 */
int disclosure_redact_buf(const char *text, size_t len, const char *complainant_name,
                          struct buf *out, struct disclosure_stats *stats);

#endif
