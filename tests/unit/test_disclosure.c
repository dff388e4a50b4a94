/*
 * Redaction for complaint disclosure (complaint/disclosure.h), and the complaint-type
 * catalogue it travels with (data/complaint-types.csv).
 *
 * The redaction cases are a table of real-looking complaint texts, the complainant's name
 * and the text as it may be published. Every expected output must come back unchanged
 * when redacted again. A fuzz loop feeds random bytes and mutated table texts and checks
 * that the result is valid UTF-8 text of bounded size. The catalogue is parsed with
 * base/csv and checked row by row: unique codes, known departments, periods the deadline
 * module reads, and Paju's processing periods (report Table 3-7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/csv.h"
#include "base/embed.h"
#include "base/error.h"
#include "base/utf8.h"
#include "complaint/deadline.h"
#include "complaint/disclosure.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct row {
        const char *text;
        const char *name; /* the complainant, may be NULL */
        const char *want;
};

static const struct row rows[] = {
    /* The complainant's name. */
    {"안녕하세요. 저는 해운대구 우동에 사는 홍길동입니다.", "홍길동",
     "안녕하세요. 저는 해운대구 우동에 사는 ○○○입니다."},
    {"홍길동님 민원 처리 결과를 문자로 알려 주세요.", "홍길동",
     "○○○님 민원 처리 결과를 문자로 알려 주세요."},
    {"민원인 홍 길 동 씨가 다시 방문하였습니다.", "홍길동", "민원인 ○○○ 씨가 다시 방문하였습니다."},
    {"홍길동 님께 회신 부탁드립니다.", "홍 길동", "○○○ 님께 회신 부탁드립니다."},
    {"우리 길동이가 놀이터에서 다쳤어요.", "홍길동", "우리 ○○○이가 놀이터에서 다쳤어요."},
    {"길동 씨, 서류를 보완해 주세요.", "홍길동", "○○○ 씨, 서류를 보완해 주세요."},
    {"영수가 어제 구청에 다녀갔습니다.", "김영수", "○○○가 어제 구청에 다녀갔습니다."},
    {"영수증을 분실해서 재발급을 요청합니다.", "김영수", "영수증을 분실해서 재발급을 요청합니다."},
    {"남궁민수 드림. 민수야 밥 먹자", "남궁민수", "○○○ 드림. ○○○야 밥 먹자"},
    {"작성자: 김란 (김란 님 본인 확인 완료)", "김란", "작성자: ○○○ (○○○ 님 본인 확인 완료)"},
    {"Complaint filed by John Smith on behalf of residents", "John Smith",
     "Complaint filed by ○○○ on behalf of residents"},
    {"홍길동시장 상인회에서 건의합니다.", "김길동", "홍길동시장 상인회에서 건의합니다."},
    {"김철수 씨가 민원을 넣었어요. 철수야, 철수는 학생이에요", "김철수",
     "○○○ 씨가 민원을 넣었어요. ○○○야, ○○○는 학생이에요"},
    /* A given name that is an everyday word needs a name's company to be taken. */
    {"지원이 필요합니다. 복지 지원을 신청했는데 지원금이 안 나옵니다", "김지원",
     "지원이 필요합니다. 복지 지원을 신청했는데 지원금이 안 나옵니다"},
    {"지원이가 학교에서 다쳤어요. 지원아 미안해. 지원 씨 연락 주세요", "김지원",
     "○○○이가 학교에서 다쳤어요. ○○○아 미안해. ○○○ 씨 연락 주세요"},
    {"정수가 안 나와요. 정수 씨 집도 그렇대요", "이정수", "정수가 안 나와요. ○○○ 씨 집도 그렇대요"},

    /* Resident registration numbers, valid or not. */
    {"주민등록번호 900101-1234567 입니다.", "홍길동", "주민등록번호 [주민등록번호] 입니다."},
    {"주민번호는 9001011234568이고 세대주입니다.", NULL,
     "주민번호는 [주민등록번호]이고 세대주입니다."},
    {"주민번호 900101 1234568 확인 바랍니다", NULL, "주민번호 [주민등록번호] 확인 바랍니다"},
    {"조회 결과 900101-1****** 로 나옵니다", NULL, "조회 결과 [주민등록번호] 로 나옵니다"},
    {"주민번호 ９００１０１－１２３４５６８ 입니다", NULL, "주민번호 [주민등록번호] 입니다"},
    {"번호: 900101–2345678 (엄마)", NULL, "번호: [주민등록번호] (엄마)"},
    {"9 0 0 1 0 1 - 1 2 3 4 5 6 8 을 불러 드렸습니다", NULL, "[주민등록번호] 을 불러 드렸습니다"},
    {"주민번호 900101 - 1234567, 연락처 없음", NULL, "주민번호 [주민등록번호], 연락처 없음"},
    {"주민번호 앞자리는 900101, 뒷자리는 2345678 입니다", NULL,
     "주민번호 앞자리는 [주민등록번호], 뒷자리는 [주민등록번호] 입니다"},
    {"생년월일: 900101, 버스 번호 1234567", NULL, "생년월일: 900101, 버스 번호 1234567"},

    /* Telephone and mobile numbers. */
    {"연락처: 01012345678", NULL, "연락처: [전화번호]"},
    {"010 1234 5678로 연락 주세요", NULL, "[전화번호]로 연락 주세요"},
    {"민원인 홍길동(010-1234-5678)", "홍길동", "민원인 ○○○([전화번호])"},
    {"사무실 051-123-4567, 팩스 (051)123-4568", NULL, "사무실 [전화번호], 팩스 [전화번호]"},
    {"+82-10-9876-5432 해외에서 연락드립니다", NULL, "[전화번호] 해외에서 연락드립니다"},
    {"+82 10 1234 5678 또는 +82 (0)51 740 4000", NULL, "[전화번호] 또는 [전화번호]"},
    {"서울 본가 02-2133-1234번으로 전화 주세요", NULL, "서울 본가 [전화번호]번으로 전화 주세요"},
    {"Tel. 051.749.4000 / 070-1234-5678", NULL, "Tel. [전화번호] / [전화번호]"},
    {"안심번호 0505-123-4567 로 걸어 주세요", NULL, "안심번호 [전화번호] 로 걸어 주세요"},
    {"휴대폰 ０１０－１２３４－５６７８ 입니다", NULL, "휴대폰 [전화번호] 입니다"},
    {"관리사무소 전화 051 123 4567 는 안 받아요", NULL, "관리사무소 전화 [전화번호] 는 안 받아요"},
    {"예전 번호 010-123-4567, 011-234-5678", NULL, "예전 번호 [전화번호], [전화번호]"},

    /* E-mail addresses. */
    {"이메일 hong.gildong@naver.com 으로 회신 바랍니다", "홍길동",
     "이메일 [전자우편] 으로 회신 바랍니다"},
    {"메일(Hong_GD+cs@korea.kr)로 보내 주세요.", NULL, "메일([전자우편])로 보내 주세요."},
    {"회신: honggildong@gmail.com.", "홍길동", "회신: [전자우편]."},
    {"주소는 ｈｏｎｇ＠ｄａｕｍ．ｎｅｔ 입니다", NULL, "주소는 [전자우편] 입니다"},

    /* Addresses: 시도, 시군구 and 동 stay; the rest goes. */
    {"부산광역시 해운대구 해운대로 123, 101동 1001호에 살고 있습니다.", NULL,
     "부산광역시 해운대구 [상세주소]에 살고 있습니다."},
    {"해운대구 우동 1408번지 앞 도로가 파였습니다.", NULL,
     "해운대구 우동 [상세주소] 앞 도로가 파였습니다."},
    {"부산진구 중앙대로 1000 (부전동) 앞 가로등이 꺼져 있어요", NULL,
     "부산진구 [상세주소] (부전동) 앞 가로등이 꺼져 있어요"},
    {"구남로24번길 8 앞에 불법 주차 차량이 있습니다", NULL,
     "[상세주소] 앞에 불법 주차 차량이 있습니다"},
    {"해운대로570번길 12 주변 공사장 소음이 심합니다", NULL,
     "[상세주소] 주변 공사장 소음이 심합니다"},
    {"해운대로 570번길 12 주변", NULL, "[상세주소] 주변"},
    {"저희 집은 101동 1001호입니다. 윗집 소음 때문에", NULL,
     "저희 집은 [상세주소]입니다. 윗집 소음 때문에"},
    {"행복빌라 302호 천장에서 물이 샙니다", NULL, "행복빌라 [상세주소] 천장에서 물이 샙니다"},
    {"기장군 정관읍 달산리 산 12-3 임야에 쓰레기 무단투기", NULL,
     "기장군 정관읍 달산리 [상세주소] 임야에 쓰레기 무단투기"},
    {"동래구 온천동 123-45 빌라 앞 하수구 역류", NULL,
     "동래구 온천동 [상세주소] 빌라 앞 하수구 역류"},
    {"수영로 123에서 신호등이 고장났어요", NULL, "[상세주소]에서 신호등이 고장났어요"},
    {"좌동 1394 번지 일대, 부전동 168-1", NULL, "좌동 [상세주소] 일대, 부전동 [상세주소]"},
    {"명지국제6로 35, 1203동 802호", NULL, "[상세주소]"},
    {"재송동 1204-3, 롯데캐슬 103동 1502호", NULL, "재송동 [상세주소], 롯데캐슬 [상세주소]"},
    {"해운대로 123 지하 1층 상가 화장실", NULL, "[상세주소] 상가 화장실"},
    {"달맞이길 30, B동 201호 앞 가로등", NULL, "[상세주소] 앞 가로등"},
    {"중구 세종대로 110 앞 집회 소음", NULL, "중구 [상세주소] 앞 집회 소음"},
    {"센텀아파트 101동 1001호 홍길동", "홍길동", "센텀아파트 [상세주소] ○○○"},
    {"전화 010-1234-5678 또는 이메일 hong@daum.net, 주소 부산 해운대구 좌동순환로 433 (좌동) "
     "홍길동",
     "홍길동", "전화 [전화번호] 또는 이메일 [전자우편], 주소 부산 해운대구 [상세주소] (좌동) ○○○"},

    /* Ordinary numbers and words that must stay. */
    {"2026-11-28에 접수한 민원(2026-000123)의 처리 기한이 지났습니다.", "홍길동",
     "2026-11-28에 접수한 민원(2026-000123)의 처리 기한이 지났습니다."},
    {"과태료 15,000원이 부과되었는데 1003번 버스 정류장 앞이었습니다.", NULL,
     "과태료 15,000원이 부과되었는데 1003번 버스 정류장 앞이었습니다."},
    {"131번, 40번 버스가 20분째 안 옵니다", NULL, "131번, 40번 버스가 20분째 안 옵니다"},
    {"버스로 20분 걸리는 거리입니다", NULL, "버스로 20분 걸리는 거리입니다"},
    {"규정대로 3일 이내에 처리해 주세요", NULL, "규정대로 3일 이내에 처리해 주세요"},
    {"전화로 120 바로콜센터와 1588-1234 번호에 문의했지만", NULL,
     "전화로 120 바로콜센터와 1588-1234 번호에 문의했지만"},
    {"사업자등록번호 123-45-67890, 계좌 110-123-456789", NULL,
     "사업자등록번호 123-45-67890, 계좌 110-123-456789"},
    {"운영시간 09:00-18:00, 2026.11.28. 오전 10시", NULL,
     "운영시간 09:00-18:00, 2026.11.28. 오전 10시"},
    {"동아리 활동 3건, 운동 2시간, 이동 5분", NULL, "동아리 활동 3건, 운동 2시간, 이동 5분"},
    {"3호선 서면역 2번 출구 앞, 우1동 주민센터", NULL, "3호선 서면역 2번 출구 앞, 우1동 주민센터"},
    {"카드번호 010-1234-5678-9012 는 전화번호가 아닙니다", NULL,
     "카드번호 010-1234-5678-9012 는 전화번호가 아닙니다"},
    {"해운대로 1 ~ 100번지 일대, 해운대로 2026년 공사, 해운대로 3.5 km 구간", NULL,
     "해운대로 1 ~ 100번지 일대, 해운대로 2026년 공사, 해운대로 3.5 km 구간"},
    {"법률 제12345호에 따라 제2026-123호 공문으로 회신", NULL,
     "법률 제12345호에 따라 제2026-123호 공문으로 회신"},
    {"도로 3곳이 파손되었고 차로 2개가 막혔습니다", NULL,
     "도로 3곳이 파손되었고 차로 2개가 막혔습니다"},
    {"인구 3,400,000명, 예산 15조 2,000억원", NULL, "인구 3,400,000명, 예산 15조 2,000억원"},
    /* Placeholders already there are kept as they are, next to new ones too. */
    {"[주민등록번호] 확인, 주민 님 감사합니다", "주민", "[주민등록번호] 확인, ○○○ 님 감사합니다"},
    {"010-1234-5678[전화번호]○○○홍길동", "홍길동", "[전화번호][전화번호]○○○○○○"},
    {"", "홍길동", ""},
    {"이름 없이 접수된 민원입니다.", NULL, "이름 없이 접수된 민원입니다."},
};

static void test_table(void **state)
{
        (void)state;
        int failures = 0;
        for (size_t i = 0; i < COUNT(rows); i++) {
                const struct row *r = &rows[i];
                char *got = NULL, *again = NULL;
                int rc = disclosure_redact(r->text, r->name, &got);
                if (rc != PCRM_OK || !got || strcmp(got, r->want) != 0) {
                        print_error("row %zu: \"%s\"\n   gave \"%s\"\n   want \"%s\"\n", i, r->text,
                                    got ? got : "(NULL)", r->want);
                        failures++;
                } else if (disclosure_redact(got, r->name, &again) != PCRM_OK ||
                           strcmp(again, got) != 0) {
                        print_error("row %zu: redacting again changed \"%s\" into \"%s\"\n", i, got,
                                    again ? again : "(NULL)");
                        failures++;
                }
                free(got);
                free(again);
        }
        assert_true(COUNT(rows) >= 40);
        assert_int_equal(failures, 0);
}

static void test_stats(void **state)
{
        (void)state;
        struct buf b;
        struct disclosure_stats st;
        const char *text = "홍길동(010-1234-5678, hong@naver.com), 주민번호 900101-1234567, "
                           "해운대구 해운대로 123 101동 1001호. 길동이가 051-123-4567로 전화";
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(buf_puts(&b, "민원: "), 0);
        assert_int_equal(disclosure_redact_buf(text, strlen(text), "홍길동", &b, &st), PCRM_OK);
        assert_string_equal(b.data, "민원: ○○○([전화번호], [전자우편]), 주민번호 [주민등록번호], "
                                    "해운대구 [상세주소]. ○○○이가 [전화번호]로 전화");
        assert_int_equal(st.count[DISCLOSURE_NAME], 2);
        assert_int_equal(st.count[DISCLOSURE_PHONE], 2);
        assert_int_equal(st.count[DISCLOSURE_EMAIL], 1);
        assert_int_equal(st.count[DISCLOSURE_RRN], 1);
        assert_int_equal(st.count[DISCLOSURE_ADDRESS], 1);
        assert_int_equal(st.repaired, 0);
        buf_release(&b);

        for (int i = 0; i < DISCLOSURE_ITEMS; i++) {
                assert_true(disclosure_placeholder((enum disclosure_item)i)[0] != '\0');
                assert_true(disclosure_item_name((enum disclosure_item)i)[0] != '\0');
        }
        assert_string_equal(disclosure_placeholder(DISCLOSURE_ITEMS), "");
        assert_string_equal(disclosure_item_name(DISCLOSURE_ITEMS), "");
        assert_string_equal(disclosure_placeholder(DISCLOSURE_RRN), "[주민등록번호]");
        assert_string_equal(disclosure_item_name(DISCLOSURE_ADDRESS), "address");
}

/* Invalid UTF-8 and control characters are repaired, zero-width characters dropped. */
static void test_repair(void **state)
{
        (void)state;
        static const struct {
                const char *in;
                size_t len;
                const char *want;
                int repaired;
        } cases[] = {
            {"\xff홍길동", 10, "\xef\xbf\xbd○○○", 1},
            {"abc\xc3", 4, "abc\xef\xbf\xbd", 1},
            {"\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3}, /* a surrogate */
            {"\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2},                 /* overlong '/' */
            {"a\0b", 3,
             "a\xef\xbf\xbd"
             "b",
             1},
            {"\x1b[31m빨강", 11, "\xef\xbf\xbd[31m빨강", 1},
            {"줄\r\n바꿈\t탭", 15, "줄\r\n바꿈\t탭", 0},
            {"010\xe2\x80\x8b-1234-5678", 16, "[전화번호]", 0}, /* zero-width space */
            {"\xef\xbb\xbf홍길동님", 15, "○○○님", 0},           /* byte-order mark */
        };
        for (size_t i = 0; i < COUNT(cases); i++) {
                struct buf b;
                struct disclosure_stats st;
                buf_init(&b, BUF_NO_LIMIT);
                assert_int_equal(
                    disclosure_redact_buf(cases[i].in, cases[i].len, "홍길동", &b, &st), PCRM_OK);
                if (strcmp(b.data, cases[i].want) != 0)
                        print_error("case %zu gave \"%s\"\n", i, b.data);
                assert_string_equal(b.data, cases[i].want);
                assert_int_equal(st.repaired, cases[i].repaired);
                assert_true(utf8_valid_text(b.data, b.len));
                buf_release(&b);
        }
}

static void test_errors(void **state)
{
        (void)state;
        char *out = (char *)1;
        assert_int_equal(disclosure_redact(NULL, "홍길동", &out), PCRM_EINVALID);
        assert_null(out);
        assert_int_equal(disclosure_redact("text", NULL, NULL), PCRM_EINVALID);

        /* A name that is not text, too short or too long is not looked for. */
        assert_int_equal(disclosure_redact("홍 님", "홍", &out), PCRM_OK);
        assert_string_equal(out, "홍 님");
        free(out);
        assert_int_equal(disclosure_redact("홍길동님", "\xff홍길동", &out), PCRM_OK);
        assert_string_equal(out, "홍길동님");
        free(out);
        assert_int_equal(disclosure_redact("가나다라마바사아자차카타파하가나다라마바사아자차카타파"
                                           "하가나다라마바사",
                                           "가나다라마바사아자차카타파하가나다라마바사아자차카타파"
                                           "하가나다라마바사",
                                           &out),
                         PCRM_OK);
        assert_string_equal(out, "가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라"
                                 "마바사");
        free(out);

        /* Too long a text is refused; one just at the limit is redacted. */
        size_t n = DISCLOSURE_TEXT_MAX + 1;
        char *big = malloc(n + 1);
        assert_non_null(big);
        static const char pat[] = "010-1234-5678 해운대로 123 홍길동님 ";
        for (size_t i = 0; i < n; i++)
                big[i] = pat[i % (sizeof(pat) - 1)];
        big[n] = '\0';
        assert_int_equal(disclosure_redact(big, "홍길동", &out), PCRM_EINVALID);
        assert_null(out);
        struct buf b;
        buf_init(&b, BUF_NO_LIMIT);
        assert_int_equal(disclosure_redact_buf(big, n, NULL, &b, NULL), PCRM_EINVALID);
        assert_int_equal(b.len, 0);
        /* Cut to the limit at a character boundary. */
        size_t cut = utf8_prefix(big, DISCLOSURE_TEXT_MAX);
        big[cut] = '\0';
        assert_int_equal(disclosure_redact(big, "홍길동", &out), PCRM_OK);
        assert_true(utf8_valid_text(out, strlen(out)));
        assert_non_null(strstr(out, "[전화번호]"));
        free(out);
        free(big);

        /* A buf whose maximum is reached keeps what it had. */
        struct disclosure_stats st;
        buf_init(&b, 12);
        assert_int_equal(buf_puts(&b, "앞"), 0);
        const char *text = "연락처 010-1234-5678";
        assert_int_equal(disclosure_redact_buf(text, strlen(text), NULL, &b, &st), PCRM_EINTERNAL);
        assert_string_equal(b.data, "앞");
        assert_int_equal(b.len, strlen("앞"));
        assert_int_equal(st.count[DISCLOSURE_PHONE], 0);
        buf_release(&b);
}

/* xorshift64*: a fixed seed, so a failure replays. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
        rng_state ^= rng_state >> 12;
        rng_state ^= rng_state << 25;
        rng_state ^= rng_state >> 27;
        return rng_state * 2685821657736338717ull;
}

static void check_one(const char *in, size_t len, const char *name)
{
        struct buf b;
        struct disclosure_stats st;
        buf_init(&b, BUF_NO_LIMIT);
        int rc = disclosure_redact_buf(in, len, name, &b, &st);
        assert_int_equal(rc, PCRM_OK);
        assert_int_equal(strlen(b.data), b.len);
        assert_true(utf8_valid_text(b.data, b.len));
        /* Each input byte becomes at most one U+FFFD (3 bytes); placeholders are short. */
        assert_true(b.len <= 3 * len + 32);
        buf_release(&b);
}

static void test_fuzz_random(void **state)
{
        (void)state;
        static const char *const names[] = {NULL,       "홍길동",     "김영수",
                                            "남궁민수", "John Smith", "\xff\xfe"};
        unsigned char in[512];
        for (int iter = 0; iter < 10000; iter++) {
                size_t len = (size_t)(rng() % sizeof(in));
                for (size_t i = 0; i < len; i++)
                        in[i] = (unsigned char)rng();
                check_one((const char *)in, len, names[iter % COUNT(names)]);
        }
}

/* Pieces that make the scanners work hard: digits, separators, Hangul, half characters. */
static const char *const pieces[] = {
    "0",    "1",   "9",      "-",       " ",        ".",    "(",      ")",     "+82",
    "@",    "010", "051",    "02",      "동",       "호",   "로",     "길",    "번길",
    "번지", "산",  "지하",   "층",      "구",       "홍",   "길",     "동이",  "님",
    "씨",   ",",   "*",      "－",      "０",       "\xea", "\xb0",   "\n",    "\xe2\x80\x8b",
    "a",    "com", "900101", "1234567", "해운대로", "우동", "아파트", "101동", "○",
};

static void test_fuzz_mutated(void **state)
{
        (void)state;
        char in[1024];
        for (int iter = 0; iter < 20000; iter++) {
                const struct row *r = &rows[rng() % COUNT(rows)];
                size_t len = strlen(r->text);
                if (len >= sizeof(in))
                        len = sizeof(in) - 1;
                memcpy(in, r->text, len);
                int edits = 1 + (int)(rng() % 8);
                for (int e = 0; e < edits; e++) {
                        size_t pos = len ? (size_t)(rng() % (len + 1)) : 0;
                        switch (rng() % 4) {
                        case 0: /* flip a byte */
                                if (len)
                                        in[pos % len] = (char)rng();
                                break;
                        case 1: { /* delete a run */
                                size_t n = (size_t)(rng() % 6);
                                if (pos + n > len)
                                        n = len - pos;
                                memmove(in + pos, in + pos + n, len - pos - n);
                                len -= n;
                                break;
                        }
                        default: { /* insert a piece */
                                const char *p = pieces[rng() % COUNT(pieces)];
                                size_t n = strlen(p);
                                if (len + n >= sizeof(in))
                                        break;
                                memmove(in + pos + n, in + pos, len - pos);
                                memcpy(in + pos, p, n);
                                len += n;
                                break;
                        }
                        }
                }
                check_one(in, len, r->name);
        }
}

/*
 * Personal data planted at random among ordinary complaint words must always go, and the
 * ordinary words (dates, amounts, bus and receipt numbers) must always stay.
 */
static void test_planted(void **state)
{
        (void)state;
        static const char *const filler[] = {
            "민원",     "처리",        "부탁드립니다", "2026-11-28", "15,000원", "1003번",
            "버스",     "도로",        "3곳",          "해운대구",   "우동",     "감사합니다.",
            "접수번호", "2026-000123", "가로등이",     "고장",       "\n",       "(",
            ")",        "연락처:",     "주민번호",     "씨",         "님",       "120콜센터",
        };
        static const struct {
                const char *text, *gone;
                enum disclosure_item item;
        } plant[] = {
            {"010-1234-5678", "1234-5678", DISCLOSURE_PHONE},
            {"01098765432", "98765432", DISCLOSURE_PHONE},
            {"(051)749-4000", "749-4000", DISCLOSURE_PHONE},
            {"900101-1234567", "1234567", DISCLOSURE_RRN},
            {"9001012345678", "2345678", DISCLOSURE_RRN},
            {"hong.gd@naver.com", "naver", DISCLOSURE_EMAIL},
            {"홍길동", "길동", DISCLOSURE_NAME},
            {"해운대로 570", "해운대로", DISCLOSURE_ADDRESS},
            {"101동 1001호", "1001호", DISCLOSURE_ADDRESS},
        };
        static const char *const keep[] = {"2026-11-28", "15,000원", "1003번", "2026-000123"};
        for (int iter = 0; iter < 3000; iter++) {
                struct buf in, out;
                struct disclosure_stats st;
                int want[DISCLOSURE_ITEMS] = {0};
                bool planted[COUNT(plant)] = {false};
                buf_init(&in, BUF_NO_LIMIT);
                buf_init(&out, BUF_NO_LIMIT);
                int words = 2 + (int)(rng() % 12);
                for (int w = 0; w < words; w++) {
                        if (w)
                                assert_int_equal(buf_puts(&in, rng() % 5 ? " " : ", "), 0);
                        if (rng() % 3 == 0) {
                                size_t p = (size_t)(rng() % COUNT(plant));
                                assert_int_equal(buf_puts(&in, plant[p].text), 0);
                                want[plant[p].item]++;
                                planted[p] = true;
                        } else {
                                const char *f = filler[rng() % COUNT(filler)];
                                assert_int_equal(buf_puts(&in, f), 0);
                        }
                }
                assert_int_equal(disclosure_redact_buf(in.data, in.len, "홍길동", &out, &st),
                                 PCRM_OK);
                for (size_t p = 0; p < COUNT(plant); p++)
                        if (planted[p] && strstr(out.data, plant[p].gone)) {
                                print_error("\"%s\"\n -> \"%s\"\n", in.data, out.data);
                                fail();
                        }
                /* Units right after a road number join its span: one address, not two. */
                for (int it = 0; it < DISCLOSURE_ITEMS; it++)
                        if (it == DISCLOSURE_ADDRESS ? (st.count[it] > want[it] ||
                                                        (st.count[it] == 0) != (want[it] == 0))
                                                     : st.count[it] != want[it]) {
                                print_error("\"%s\"\n -> \"%s\": %d %s, want %d\n", in.data,
                                            out.data, st.count[it],
                                            disclosure_item_name((enum disclosure_item)it),
                                            want[it]);
                                fail();
                        }
                for (size_t k = 0; k < COUNT(keep); k++)
                        if (strstr(in.data, keep[k]) && !strstr(out.data, keep[k])) {
                                print_error("\"%s\"\n lost %s: \"%s\"\n", in.data, keep[k],
                                            out.data);
                                fail();
                        }
                buf_release(&in);
                buf_release(&out);
        }
}

/* Long runs of one piece: no scanner may read past the end or take quadratic time. */
static void test_runs(void **state)
{
        (void)state;
        for (size_t p = 0; p < COUNT(pieces); p++) {
                struct buf in;
                buf_init(&in, BUF_NO_LIMIT);
                for (int i = 0; i < 3000; i++)
                        assert_int_equal(buf_puts(&in, pieces[p]), 0);
                check_one(in.data, in.len, "홍길동");
                buf_release(&in);
        }
}

/* ---- the catalogue ----------------------------------------------------------------- */

/*
 * The canonical period texts of the catalogue: 즉시, 즉시처리, or 1-999 then h, d, w, m or
 * y. Stricter than deadline.h's period_parse, which also reads "7일" or "3개월"; every
 * row must pass both.
 */
static bool period_ok(const char *s)
{
        if (strcmp(s, "즉시") == 0 || strcmp(s, "즉시처리") == 0)
                return true;
        size_t n = 0;
        while (s[n] >= '0' && s[n] <= '9')
                n++;
        if (n == 0 || n > 3 || s[0] == '0')
                return false;
        return strchr("hdwmy", s[n]) && s[n] != '\0' && s[n + 1] == '\0';
}

static bool in_set(const char *s, const char *const *set)
{
        for (; *set; set++)
                if (strcmp(s, *set) == 0)
                        return true;
        return false;
}

static bool code_ok(const char *s)
{
        size_t n = strlen(s);
        if (n == 0 || n >= 48 || s[0] < 'A' || s[0] > 'Z' || s[n - 1] == '-')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
                      (s[i] == '-' && s[i + 1] != '-')))
                        return false;
        return true;
}

#define MAX_TYPES 128

struct type_row {
        char code[48], period[16], kind[16], service_class[16], evaluation[32];
};

static void test_catalogue(void **state)
{
        (void)state;
        static const char *const kinds[] = {"법정", "질의", "건의", "고충", "기타", NULL};
        static const char *const classes[] = {"simple", "complex", "periodic", "long_term", NULL};
        static const char *const evaluations[] = {"satisfaction", "procedure_satisfaction",
                                                  "procedure", "expert", NULL};
        static struct type_row types[MAX_TYPES];
        char depts[64][48];
        size_t ndepts = 0, ntypes = 0;

        const struct embed_file *df = embed_data_file("demo-departments.csv");
        assert_non_null(df);
        struct csv_reader r;
        csv_init(&r, df->data, df->size);
        assert_int_equal(csv_next(&r), 1);
        assert_string_equal(csv_field(&r, 0), "code");
        while (csv_next(&r) == 1 && ndepts < COUNT(depts))
                snprintf(depts[ndepts++], sizeof(depts[0]), "%s", csv_field(&r, 0));
        csv_release(&r);
        assert_true(ndepts >= 10);

        const struct embed_file *f = embed_data_file("complaint-types.csv");
        assert_non_null(f);
        assert_true(utf8_valid_text(f->data, f->size));
        csv_init(&r, f->data, f->size);
        assert_int_equal(csv_next(&r), 1);
        static const char *const header[] = {"code",       "name",          "kind",      "period",
                                             "department", "service_class", "evaluation"};
        assert_int_equal(r.nfields, COUNT(header));
        for (size_t i = 0; i < COUNT(header); i++)
                assert_string_equal(csv_field(&r, i), header[i]);
        int rc, failures = 0;
        size_t per_kind[5] = {0}, per_class[4] = {0};
        while ((rc = csv_next(&r)) == 1) {
                const char *code = csv_field(&r, 0), *name = csv_field(&r, 1),
                           *kind = csv_field(&r, 2), *period = csv_field(&r, 3),
                           *dept = csv_field(&r, 4), *cls = csv_field(&r, 5),
                           *eval = csv_field(&r, 6);
                if (r.nfields != 7 || !code_ok(code) || !name[0] || !in_set(kind, kinds) ||
                    !period_ok(period) || !in_set(cls, classes) || !in_set(eval, evaluations)) {
                        print_error("line %zu: bad row (%s)\n", r.line, code ? code : "?");
                        failures++;
                        continue;
                }
                struct period per;
                if (period_parse(period, &per) != 0) {
                        print_error("line %zu: %s: period_parse refuses %s\n", r.line, code,
                                    period);
                        failures++;
                }
                bool found = false;
                for (size_t d = 0; d < ndepts; d++)
                        found |= strcmp(depts[d], dept) == 0;
                if (!found) {
                        print_error("line %zu: %s: no department \"%s\"\n", r.line, code, dept);
                        failures++;
                }
                for (size_t t = 0; t < ntypes; t++)
                        if (strcmp(types[t].code, code) == 0) {
                                print_error("line %zu: code %s repeated\n", r.line, code);
                                failures++;
                        }
                /* Busan Table 3-2: long-term and periodic tasks are judged by procedure
                 * (or by experts where interests clash), never by one complainant. */
                if ((strcmp(cls, "long_term") == 0 || strcmp(cls, "periodic") == 0) &&
                    strcmp(eval, "procedure") != 0 && strcmp(eval, "expert") != 0) {
                        print_error("line %zu: %s: %s judged by %s\n", r.line, code, cls, eval);
                        failures++;
                }
                for (size_t k = 0; kinds[k]; k++)
                        per_kind[k] += strcmp(kind, kinds[k]) == 0;
                for (size_t c = 0; classes[c]; c++)
                        per_class[c] += strcmp(cls, classes[c]) == 0;
                assert_true(ntypes < MAX_TYPES);
                struct type_row *t = &types[ntypes++];
                snprintf(t->code, sizeof(t->code), "%s", code);
                snprintf(t->period, sizeof(t->period), "%s", period);
                snprintf(t->kind, sizeof(t->kind), "%s", kind);
                snprintf(t->service_class, sizeof(t->service_class), "%s", cls);
                snprintf(t->evaluation, sizeof(t->evaluation), "%s", eval);
        }
        csv_release(&r);
        assert_int_equal(rc, 0);
        assert_int_equal(failures, 0);
        assert_true(ntypes >= 40 && ntypes <= 70);
        for (size_t k = 0; k < COUNT(per_kind); k++)
                assert_true(per_kind[k] > 0);
        for (size_t c = 0; c < COUNT(per_class); c++)
                assert_true(per_class[c] > 0);

        /* Periods the report and the Civil Petitions Act fix (Paju: report Table 3-7). */
        static const struct {
                const char *code, *period, *kind;
        } fixed[] = {
            {"BLDG-PERMIT-LOW", "7d", "법정"},   {"BLDG-PERMIT-MID", "14d", "법정"},
            {"BLDG-PERMIT-HIGH", "30d", "법정"}, {"DEV-PERMIT", "15d", "법정"},
            {"DEV-COMPLETION", "7d", "법정"},    {"FACTORY-SETUP", "7d", "법정"},
            {"FACTORY-APPROVAL", "14d", "법정"}, {"CERT-RESIDENT", "즉시", "법정"},
            {"CERT-FAMILY", "즉시", "법정"},     {"CERT-SEAL", "즉시", "법정"},
            {"CERT-LAND", "즉시", "법정"},       {"CERT-BUILDING", "즉시", "법정"},
            {"INQ-LAW", "14d", "질의"},          {"INQ-PROCEDURE", "7d", "질의"},
            {"SUGGEST", "14d", "건의"},          {"GRIEVANCE", "7d", "고충"},
            {"REPORT-PARKING", "7d", "고충"},
        };
        for (size_t i = 0; i < COUNT(fixed); i++) {
                const struct type_row *t = NULL;
                for (size_t j = 0; j < ntypes && !t; j++)
                        if (strcmp(types[j].code, fixed[i].code) == 0)
                                t = &types[j];
                if (!t)
                        print_error("no type %s\n", fixed[i].code);
                assert_non_null(t);
                assert_string_equal(t->period, fixed[i].period);
                assert_string_equal(t->kind, fixed[i].kind);
        }
}

static void test_period_checker(void **state)
{
        (void)state;
        static const char *const good[] = {"즉시", "즉시처리", "3h", "1d", "14d", "2w", "1m", "1y"};
        static const char *const bad[] = {"",    "0d",  "07d",   "d",     "7",
                                          "7dd", "7 d", "1000d", "즉시 ", "7x"};
        for (size_t i = 0; i < COUNT(good); i++)
                assert_true(period_ok(good[i]));
        for (size_t i = 0; i < COUNT(bad); i++)
                assert_false(period_ok(bad[i]));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_table),          cmocka_unit_test(test_stats),
            cmocka_unit_test(test_repair),         cmocka_unit_test(test_errors),
            cmocka_unit_test(test_fuzz_random),    cmocka_unit_test(test_fuzz_mutated),
            cmocka_unit_test(test_runs),           cmocka_unit_test(test_planted),
            cmocka_unit_test(test_period_checker), cmocka_unit_test(test_catalogue),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
