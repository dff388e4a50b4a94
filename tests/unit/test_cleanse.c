/*
 * Mobile, telephone, e-mail and address cleansing: one table per field, each with values
 * valid as entered, cleansable values with their canonical form, blanks and invalid ones.
 * Every canonical form is fed back in and must come out VALID and unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "customer/cleanse.h"

#include <stdio.h>
#include <string.h>

struct row {
        const char *in;
        enum cleanse_status want;
        const char *out; /* canonical form for CLEANSE_CLEANSED; VALID rows expect in */
};

#define V(s)                                                                                       \
        {                                                                                          \
                s, CLEANSE_VALID, NULL                                                             \
        }
#define C(s, o)                                                                                    \
        {                                                                                          \
                s, CLEANSE_CLEANSED, o                                                             \
        }
#define N(s)                                                                                       \
        {                                                                                          \
                s, CLEANSE_NULL, NULL                                                              \
        }
#define X(s)                                                                                       \
        {                                                                                          \
                s, CLEANSE_INVALID, NULL                                                           \
        }
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

typedef enum cleanse_status (*cleanse_fn)(const char *in, char *out, size_t outlen);

static size_t total_rows;

static const char *show(const char *s)
{
        return s ? s : "(NULL)";
}

static void run_table(const char *field, cleanse_fn fn, size_t size, const struct row *t, size_t n)
{
        char out[CLEANSE_ADDRESS_SIZE], again[CLEANSE_ADDRESS_SIZE];
        int failures = 0;
        assert_true(size <= sizeof(out));
        for (size_t i = 0; i < n; i++) {
                const struct row *r = &t[i];
                const char *want = r->want == CLEANSE_VALID      ? r->in
                                   : r->want == CLEANSE_CLEANSED ? r->out
                                                                 : "";
                memset(out, 'x', sizeof(out));
                enum cleanse_status got = fn(r->in, out, size);
                if (got != r->want || strcmp(out, want) != 0) {
                        print_error("%s row %zu: \"%s\" gave %s \"%s\", want %s \"%s\"\n", field, i,
                                    show(r->in), cleanse_status_name(got), out,
                                    cleanse_status_name(r->want), want);
                        failures++;
                        continue;
                }
                if (r->want == CLEANSE_CLEANSED && strcmp(r->in, r->out) == 0) {
                        print_error("%s row %zu: a CLEANSED row must differ from its input\n",
                                    field, i);
                        failures++;
                }
                if (want[0] && (fn(want, again, size) != CLEANSE_VALID || strcmp(again, want))) {
                        print_error("%s row %zu: canonical \"%s\" is not VALID\n", field, i, want);
                        failures++;
                }
        }
        total_rows += n;
        assert_int_equal(failures, 0);
}

/* ---- mobile ----------------------------------------------------------------------- */

/* One row a line, so that the table reads as data. */
/* clang-format off */
static const struct row mobile_rows[] = {
    V("010-1234-5678"),
    V("010-9876-5432"),
    V("010-2345-6789"),
    V("010-5555-0000"),
    V("011-234-5678"),
    V("011-2345-6789"),
    V("016-1234-5678"),
    V("016-789-1234"),
    V("017-345-6789"),
    V("018-234-5678"),
    V("019-1234-5678"),
    V("019-876-5432"),
    C("01012345678", "010-1234-5678"),
    C("010 1234 5678", "010-1234-5678"),
    C("010.1234.5678", "010-1234-5678"),
    C("010-1234 5678", "010-1234-5678"),
    C("010 - 1234 - 5678", "010-1234-5678"),
    C("(010)1234-5678", "010-1234-5678"),
    C("010)1234-5678", "010-1234-5678"),
    C("+82-10-1234-5678", "010-1234-5678"),
    C("+82 10 1234 5678", "010-1234-5678"),
    C("+821012345678", "010-1234-5678"),
    C("+82-010-1234-5678", "010-1234-5678"),
    C("+82 (0)10-1234-5678", "010-1234-5678"),
    C("+82-11-234-5678", "011-234-5678"),
    C("０１０－１２３４－５６７８", "010-1234-5678"),
    C("０１０１２３４５６７８", "010-1234-5678"),
    C(" 010-1234-5678 ", "010-1234-5678"),
    C("010–1234–5678", "010-1234-5678"),
    C("010　1234　5678", "010-1234-5678"),
    C("0112345678", "011-234-5678"),
    C("01612345678", "016-1234-5678"),
    C("017.345.6789", "017-345-6789"),
    C("010-12-345678", "010-1234-5678"),
    N(NULL),
    N(""),
    N("   "),
    N("　"),
    X("010-123-4567"), /* 010 needs a 4-digit middle */
    X("0101234567"),
    X("010-12345-6789"),
    X("010-1234-567"),
    X("010-1234-56789"),
    X("012-345-6789"),
    X("015-1234-5678"),
    X("02-123-4567"), /* a telephone, not a mobile */
    X("051-123-4567"),
    X("070-1234-5678"),
    X("1588-1234"),
    X("0505-123-4567"),
    X("010-1234-5678 (본인)"),
    X("010-abcd-5678"),
    X("01O-1234-5678"), /* letter O */
    X("82-10-1234-5678"), /* a country code needs its '+' */
    X("+81-90-1234-5678"),
    X("+82"),
    X("1234-5678"),
    X("010-1234-5678/010-2345-6789"),
    X("010_1234_5678"),
    X("010-1234-5678#1"),
    X("휴대폰 010-1234-5678"),
};
/* clang-format on */

static void test_mobile(void **state)
{
        (void)state;
        run_table("mobile", cleanse_mobile, CLEANSE_PHONE_SIZE, mobile_rows, COUNT(mobile_rows));
}

/* ---- telephone -------------------------------------------------------------------- */

/* One row a line, so that the table reads as data. */
/* clang-format off */
static const struct row phone_rows[] = {
    V("02-123-4567"),
    V("02-1234-5678"),
    V("02-2133-0114"),
    V("031-123-4567"),
    V("031-1234-5678"),
    V("032-440-2114"),
    V("033-249-2114"),
    V("041-635-2114"),
    V("042-270-2114"),
    V("043-220-2114"),
    V("044-300-3114"),
    V("051-888-1234"),
    V("051-749-4000"),
    V("051-1234-5678"),
    V("052-229-2000"),
    V("053-803-0114"),
    V("054-880-2114"),
    V("055-225-2114"),
    V("061-286-2114"),
    V("062-613-2114"),
    V("063-280-2114"),
    V("064-710-2114"),
    V("070-1234-5678"),
    V("010-1234-5678"),
    V("011-234-5678"),
    V("019-1234-5678"),
    V("1588-1234"),
    V("1644-1234"),
    V("1899-1234"),
    V("1577-1000"),
    V("1666-0000"),
    V("1800-1234"),
    C("021234567", "02-123-4567"),
    C("0212345678", "02-1234-5678"),
    C("(02)123-4567", "02-123-4567"),
    C("(02) 1234-5678", "02-1234-5678"),
    C("(051)123-4567", "051-123-4567"),
    C("051)123-4567", "051-123-4567"),
    C("051.123.4567", "051-123-4567"),
    C("051 123 4567", "051-123-4567"),
    C("0511234567", "051-123-4567"),
    C("05112345678", "051-1234-5678"),
    C("+82-51-123-4567", "051-123-4567"),
    C("+82 51 123 4567", "051-123-4567"),
    C("+82-2-123-4567", "02-123-4567"),
    C("+82 2 1234 5678", "02-1234-5678"),
    C("+82-10-1234-5678", "010-1234-5678"),
    C("+82 70 1234 5678", "070-1234-5678"),
    C("070 1234 5678", "070-1234-5678"),
    C("15881234", "1588-1234"),
    C("1588.1234", "1588-1234"),
    C("1644 1234", "1644-1234"),
    C("０５１－１２３－４５６７", "051-123-4567"),
    C("(051) 123-4567", "051-123-4567"),
    C("02 - 123 - 4567", "02-123-4567"),
    C("051–123–4567", "051-123-4567"),
    C("  031-123-4567  ", "031-123-4567"),
    C("01012345678", "010-1234-5678"),
    N(NULL),
    N(""),
    N("   "),
    N("\t"),
    X("0505-123-4567"),
    X("0505-1234-5678"),
    X("050-1234-5678"),
    X("080-123-4567"),
    X("060-123-4567"),
    X("034-123-4567"),
    X("045-123-4567"),
    X("056-123-4567"),
    X("065-123-4567"),
    X("02-12-3456"),
    X("02-12345-6789"),
    X("031-12-3456"),
    X("031-12345-6789"),
    X("070-123-4567"),
    X("123-4567"), /* no area code: it would have to be guessed */
    X("1588-123"),
    X("1588-12345"),
    X("1234-5678"),
    X("1700-1234"),
    X("010-123-4567"),
    X("051-123-4567 내선 123"),
    X("tel:051-123-4567"),
    X("+1-202-555-0123"),
    X("051-123-4567~8"),
    X("051/123/4567"),
};
/* clang-format on */

static void test_phone(void **state)
{
        (void)state;
        run_table("phone", cleanse_phone, CLEANSE_PHONE_SIZE, phone_rows, COUNT(phone_rows));
}

/* ---- e-mail ----------------------------------------------------------------------- */

/* One row a line, so that the table reads as data. */
/* clang-format off */
static const struct row email_rows[] = {
    V("hong@naver.com"),
    V("gildong.hong@daum.net"),
    V("kim_minsu@gmail.com"),
    V("lee-younghee@kakao.com"),
    V("park+crm@hanmail.net"),
    V("citizen01@korea.kr"),
    V("minwon@busan.go.kr"),
    V("user@mail.haeundae.go.kr"),
    V("a@b.co"),
    V("1234@nate.com"),
    V("jang.bogo@seoul.ac.kr"),
    V("info@my-company.co.kr"),
    V("test@xn--3e0b707e.kr"),
    V("o'neil@example.com"),
    C("HONG@NAVER.COM", "hong@naver.com"),
    C("Hong.GilDong@Daum.Net", "hong.gildong@daum.net"),
    C(" hong@naver.com", "hong@naver.com"),
    C("hong@naver.com  ", "hong@naver.com"),
    C("ｈｏｎｇ＠ｎａｖｅｒ．ｃｏｍ", "hong@naver.com"),
    C("hong＠naver.com", "hong@naver.com"),
    C("ＨＯＮＧ＠ＮＡＶＥＲ．ＣＯＭ", "hong@naver.com"),
    C("　kim@gmail.com　", "kim@gmail.com"),
    C("\thong@naver.com\n", "hong@naver.com"),
    C("Minwon@Busan.Go.Kr", "minwon@busan.go.kr"),
    C("LEE-YOUNGHEE@KAKAO.COM", "lee-younghee@kakao.com"),
    N(NULL),
    N(""),
    N("   "),
    N("　"),
    X("hong@@naver.com"),
    X("hong@naver@com"),
    X("hong@kakao.com@daum.net"),
    X("honggildong"),
    X("@naver.com"),
    X("hong@"),
    X("hong@naver"),
    X("hong@.com"),
    X("hong@naver."),
    X("hong@naver..com"),
    X("hong@-naver.com"),
    X("hong@naver-.com"),
    X("hong gil@naver.com"),
    X("hong@naver .com"),
    X("hong@naver_mail.com"),
    X("홍길동@naver.com"),
    X("hong@네이버.com"),
    X(".hong@naver.com"),
    X("hong.@naver.com"),
    X("hong..gd@naver.com"),
    X("hong,gd@naver.com"),
    X("<hong@naver.com>"),
    X("hong@naver.com."),
    X("hong@[127.0.0.1]"),
    X("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@naver.com"),
    X("hong@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com"),
};
/* clang-format on */

static void test_email(void **state)
{
        (void)state;
        run_table("email", cleanse_email, CLEANSE_EMAIL_SIZE, email_rows, COUNT(email_rows));
}

/* ---- address ---------------------------------------------------------------------- */

/* One row a line, so that the table reads as data. */
/* clang-format off */
static const struct row address_rows[] = {
    V("부산광역시 해운대구 해운대로 123"),
    V("부산광역시 해운대구 해운대로 123, 101동 1001호"),
    V("부산광역시 해운대구 해운대로 123-4"),
    V("부산광역시 해운대구 중동 1408"),
    V("부산광역시 해운대구 우동 1408-3"),
    V("부산광역시 해운대구 좌동 1234"),
    V("부산광역시 해운대구 송정동 123-45"),
    V("부산광역시 해운대구 센텀중앙로 79"),
    V("부산광역시 해운대구 구남로24번길 8"),
    V("부산광역시 중구 남포동1가 12"),
    V("부산광역시 기장군 기장읍 대라리 123-4"),
    V("부산광역시 기장군 기장읍 기장대로 560"),
    V("부산광역시 기장군 정관읍 정관중앙로 50"),
    V("부산광역시 연제구 중앙대로 1001, 부산광역시청"),
    V("부산광역시 해운대구 우동 1408, 센텀아파트 103동 1502호"),
    V("서울특별시 중구 세종대로 110"),
    V("서울특별시 종로구 세종대로 209"),
    V("서울특별시 강남구 테헤란로 152"),
    V("서울특별시 강남구 테헤란로7길 22"),
    V("서울특별시 중구 세종대로 지하 2"),
    V("서울특별시 중구 을지로1가 87"),
    V("대구광역시 중구 공평로 88"),
    V("대구광역시 군위군 군위읍 군청로 200"),
    V("인천광역시 남동구 정각로 29"),
    V("광주광역시 서구 내방로 111"),
    V("대전광역시 서구 둔산로 100"),
    V("울산광역시 남구 중앙로 201"),
    V("세종특별자치시 한누리대로 2130"),
    V("세종특별자치시 조치원읍 군청로 93"),
    V("세종특별자치시 보람동 123"),
    V("경기도 수원시 팔달구 효원로 1"),
    V("경기도 성남시 분당구 판교역로 166"),
    V("경기도 고양시 일산동구 중앙로 1036"),
    V("경기도 광주시 오포읍 오포로 100"),
    V("경기도 양평군 양평읍 백안리 산12-1"),
    V("강원특별자치도 춘천시 중앙로 1"),
    V("충청북도 청주시 상당구 상당로 82"),
    V("충청남도 홍성군 홍북읍 충남대로 21"),
    V("전북특별자치도 전주시 완산구 효자로 225"),
    V("전라남도 무안군 삼향읍 오룡길 1"),
    V("경상북도 안동시 풍천면 도청대로 455"),
    V("경상남도 창원시 의창구 중앙대로 151"),
    V("제주특별자치도 제주시 문연로 6"),
    V("제주특별자치도 서귀포시 중정로 105"),
    C("부산 해운대구 해운대로 123", "부산광역시 해운대구 해운대로 123"),
    C("부산시 해운대구 해운대로 123", "부산광역시 해운대구 해운대로 123"),
    C("  부산광역시  해운대구   해운대로 123  ", "부산광역시 해운대구 해운대로 123"),
    C("부산광역시 해운대구 우동 1408번지", "부산광역시 해운대구 우동 1408"),
    C("부산광역시 해운대구 우동 1408 번지", "부산광역시 해운대구 우동 1408"),
    C("부산 해운대구 우동 1408-3번지", "부산광역시 해운대구 우동 1408-3"),
    C("부산광역시 해운대구 우동1408", "부산광역시 해운대구 우동 1408"),
    C("부산광역시 해운대구 해운대로123", "부산광역시 해운대구 해운대로 123"),
    C("부산광역시 해운대구 해운대로123-4", "부산광역시 해운대구 해운대로 123-4"),
    C("부산광역시 해운대구 구남로 24번길 8", "부산광역시 해운대구 구남로24번길 8"),
    C("부산광역시 해운대구 구남로24번길8", "부산광역시 해운대구 구남로24번길 8"),
    C("부산광역시 해운대구 구남로 24번길8", "부산광역시 해운대구 구남로24번길 8"),
    C("서울특별시 강남구 테헤란로 7길 22", "서울특별시 강남구 테헤란로7길 22"),
    C("부산광역시 중구 남포동 1가 12", "부산광역시 중구 남포동1가 12"),
    C("부산광역시 중구 남포동 1가12", "부산광역시 중구 남포동1가 12"),
    C("부산광역시 중구 남포동1가12번지", "부산광역시 중구 남포동1가 12"),
    C("서울특별시 중구 을지로 1가 87", "서울특별시 중구 을지로1가 87"),
    C("부산광역시 해운대구 해운대로 123,101동 1001호", "부산광역시 해운대구 해운대로 123, 101동 1001호"),
    C("부산광역시 해운대구 해운대로 123 , 101동 1001호", "부산광역시 해운대구 해운대로 123, 101동 1001호"),
    C("부산광역시 해운대구 해운대로 123 101동 1001호", "부산광역시 해운대구 해운대로 123, 101동 1001호"),
    C("부산광역시 해운대구 해운대로 123,", "부산광역시 해운대구 해운대로 123"),
    C("부산광역시 해운대구 해운대로 123(우동)", "부산광역시 해운대구 해운대로 123, (우동)"),
    C("부산 해운대구 우동 1408번지 101호", "부산광역시 해운대구 우동 1408, 101호"),
    C("서울 강남구 테헤란로 152", "서울특별시 강남구 테헤란로 152"),
    C("서울시 중구 세종대로 110", "서울특별시 중구 세종대로 110"),
    C("대구 중구 공평로 88", "대구광역시 중구 공평로 88"),
    C("대구시 중구 공평로 88", "대구광역시 중구 공평로 88"),
    C("인천 남동구 정각로 29", "인천광역시 남동구 정각로 29"),
    C("인천시 남동구 정각로 29", "인천광역시 남동구 정각로 29"),
    C("광주 서구 내방로 111", "광주광역시 서구 내방로 111"),
    C("대전 서구 둔산로 100", "대전광역시 서구 둔산로 100"),
    C("대전시 서구 둔산로 100", "대전광역시 서구 둔산로 100"),
    C("울산 남구 중앙로 201", "울산광역시 남구 중앙로 201"),
    C("울산시 남구 중앙로 201", "울산광역시 남구 중앙로 201"),
    C("세종시 한누리대로 2130", "세종특별자치시 한누리대로 2130"),
    C("세종 조치원읍 군청로 93", "세종특별자치시 조치원읍 군청로 93"),
    C("경기 성남시 분당구 판교역로 166", "경기도 성남시 분당구 판교역로 166"),
    C("강원도 춘천시 중앙로 1", "강원특별자치도 춘천시 중앙로 1"),
    C("강원 춘천시 중앙로 1", "강원특별자치도 춘천시 중앙로 1"),
    C("충북 청주시 상당구 상당로 82", "충청북도 청주시 상당구 상당로 82"),
    C("충남 홍성군 홍북읍 충남대로 21", "충청남도 홍성군 홍북읍 충남대로 21"),
    C("전라북도 전주시 완산구 효자로 225", "전북특별자치도 전주시 완산구 효자로 225"),
    C("전북 전주시 완산구 효자로 225", "전북특별자치도 전주시 완산구 효자로 225"),
    C("전북도 전주시 완산구 효자로 225", "전북특별자치도 전주시 완산구 효자로 225"),
    C("전남 무안군 삼향읍 오룡길 1", "전라남도 무안군 삼향읍 오룡길 1"),
    C("경북 안동시 풍천면 도청대로 455", "경상북도 안동시 풍천면 도청대로 455"),
    C("경남 창원시 의창구 중앙대로 151", "경상남도 창원시 의창구 중앙대로 151"),
    C("제주도 제주시 문연로 6", "제주특별자치도 제주시 문연로 6"),
    C("제주 서귀포시 중정로 105", "제주특별자치도 서귀포시 중정로 105"),
    C("부산광역시　해운대구　해운대로　１２３", "부산광역시 해운대구 해운대로 123"),
    C("부산광역시 해운대구 해운대로 １２３－４", "부산광역시 해운대구 해운대로 123-4"),
    C("부산광역시 해운대구 해운대로 123－4，１０１동", "부산광역시 해운대구 해운대로 123-4, 101동"),
    C("경기도 양평군 양평읍 백안리 산 12-1", "경기도 양평군 양평읍 백안리 산12-1"),
    C("부산광역시 기장군 기장읍 대라리 123-4번지", "부산광역시 기장군 기장읍 대라리 123-4"),
    /* Decomposed Hangul (conjoining jamo), as macOS writes it: "부산 해운대구 우동 1408번지". */
    C("\u1107\u116e\u1109\u1161\u11ab \u1112\u1162\u110b\u116e\u11ab\u1103\u1162\u1100\u116e "
      "\u110b\u116e\u1103\u1169\u11bc 1408\u1107\u1165\u11ab\u110c\u1175",
      "부산광역시 해운대구 우동 1408"),
    N(NULL),
    N(""),
    N("   "),
    N("　　"),
    X("해운대구 해운대로 123"), /* no 시도: it would have to be guessed */
    X("부산광역시 해운대구 해운대로"), /* no building number */
    X("부산광역시 해운대구 우동"), /* no lot number */
    X("부산광역시 해운대구 우동 번지"), /* no lot number */
    X("부선광역시 해운대구 해운대로 123"), /* unknown 시도 */
    X("부산특별시 해운대구 해운대로 123"), /* unknown 시도 */
    X("대한민국 부산광역시 해운대구 해운대로 123"),
    X("부산광역시 해운대로 123"), /* no 시군구 */
    X("부산광역시 해운대 해운대로 123"), /* unknown district */
    X("부산광역시 수원시 효원로 1"), /* a 광역시 has no 시 */
    X("경기도 분당구 판교역로 166"), /* a 도 has no 구 outside its 시 */
    X("광주시 오포읍 오포로 100"), /* 광주광역시 or 경기도 광주시? */
    X("부산광역시 부산시 해운대로 123"),
    X("세종특별자치시 세종시 한누리대로 2130"),
    X("부산광역시 해운대구 해운대로 0"),
    X("부산광역시 해운대구 해운대로 0123"),
    X("부산광역시 해운대구 해운대로 123456"),
    X("부산광역시 해운대구 해운대로 abc"),
    X("부산광역시 해운대구 해운대로 123-"),
    X("부산광역시 해운대구 해운대로 -123"),
    X("부산광역시 해운대구 해운대로 123번지"), /* 번지 belongs to lot numbers */
    X("부산광역시 해운대구 해운대로 123 번지"),
    X("부산광역시 해운대구 우동 1408-"),
    X("부산광역시 해운대구 우동 산 산12"),
    X("부산광역시 중구 남포동 0가 12"),
    X("부산광역시 해운대구 해운대 123"), /* not a road, 동, 리 or 가 */
    X("부산광역시 해운대구 123"),
    X("부산광역시 해운대구 우동 산"),
    X("부산광역시 해운대구 Haeundae-ro 123"),
    X("Seoul Gangnam-gu Teheran-ro 152"),
    X("부산광역시, 해운대구, 해운대로 123"),
    X(", 101동 1001호"),
    X("부산광역시"),
    X("부산광역시 해운대구"),
    X("부산광역시 해운대구 기장읍"),
};
/* clang-format on */

static void test_address(void **state)
{
        (void)state;
        run_table("address", cleanse_address, CLEANSE_ADDRESS_SIZE, address_rows,
                  COUNT(address_rows));
}

struct parts_row {
        const char *in;
        enum address_kind kind;
        const char *sido, *sigungu, *eupmyeon, *street, *number, *detail;
        bool underground, mountain;
};

static const struct parts_row parts_rows[] = {
    {"부산 해운대구 해운대로 123, 101동 1001호", ADDRESS_ROAD, "부산광역시", "해운대구", "",
     "해운대로", "123", "101동 1001호", false, false},
    {"부산광역시 기장군 기장읍 대라리 123-4번지", ADDRESS_LOT, "부산광역시", "기장군", "기장읍",
     "대라리", "123-4", "", false, false},
    {"경남 창원시 의창구 중앙대로 151", ADDRESS_ROAD, "경상남도", "창원시 의창구", "", "중앙대로",
     "151", "", false, false},
    {"세종시 조치원읍 군청로 93", ADDRESS_ROAD, "세종특별자치시", "", "조치원읍", "군청로", "93",
     "", false, false},
    {"부산광역시 해운대구 구남로 24번길 8", ADDRESS_ROAD, "부산광역시", "해운대구", "",
     "구남로24번길", "8", "", false, false},
    {"서울특별시 중구 세종대로 지하 2", ADDRESS_ROAD, "서울특별시", "중구", "", "세종대로", "2", "",
     true, false},
    {"경기도 양평군 양평읍 백안리 산 12-1", ADDRESS_LOT, "경기도", "양평군", "양평읍", "백안리",
     "12-1", "", false, true},
    {"부산광역시 중구 남포동1가 12", ADDRESS_LOT, "부산광역시", "중구", "", "남포동1가", "12", "",
     false, false},
    {"서울특별시 중구 을지로 1가 87", ADDRESS_LOT, "서울특별시", "중구", "", "을지로1가", "87", "",
     false, false},
    {"부산광역시 해운대구 해운대로 123 101동, 1001호", ADDRESS_ROAD, "부산광역시", "해운대구", "",
     "해운대로", "123", "101동, 1001호", false, false},
};

static void test_address_parts(void **state)
{
        (void)state;
        for (size_t i = 0; i < COUNT(parts_rows); i++) {
                const struct parts_row *r = &parts_rows[i];
                struct address_parts a;
                enum cleanse_status s = cleanse_address_parts(r->in, &a);
                assert_true(s == CLEANSE_VALID || s == CLEANSE_CLEANSED);
                assert_int_equal(a.kind, r->kind);
                assert_string_equal(a.sido, r->sido);
                assert_string_equal(a.sigungu, r->sigungu);
                assert_string_equal(a.eupmyeon, r->eupmyeon);
                assert_string_equal(r->kind == ADDRESS_ROAD ? a.road : a.dongri, r->street);
                assert_string_equal(r->kind == ADDRESS_ROAD ? a.dongri : a.road, "");
                assert_string_equal(a.number, r->number);
                assert_string_equal(a.detail, r->detail);
                assert_int_equal(a.underground, r->underground);
                assert_int_equal(a.mountain, r->mountain);
                char out[CLEANSE_ADDRESS_SIZE];
                assert_int_equal(cleanse_address(r->in, out, sizeof(out)), s);
                assert_string_equal(a.canonical, out);
        }
        struct address_parts a;
        memset(&a, 0x5a, sizeof(a));
        assert_int_equal(cleanse_address_parts("해운대구 해운대로 123", &a), CLEANSE_INVALID);
        assert_string_equal(a.canonical, "");
        assert_string_equal(a.sido, "");
        memset(&a, 0x5a, sizeof(a));
        assert_int_equal(cleanse_address_parts("  ", &a), CLEANSE_NULL);
        assert_string_equal(a.canonical, "");
}

/* ---- shared behaviour ------------------------------------------------------------- */

static void test_fold(void **state)
{
        (void)state;
        static const struct {
                const char *in, *out;
        } rows[] = {
            {"  a   b  ", "a b"},
            {"ＡＢＣ１２３", "ABC123"},
            {"a　b", "a b"},
            {"a\u00a0b", "a b"},
            {"1‐2‑3‒4–5—6―7−8", "1-2-3-4-5-6-7-8"},
            {"a\u200bb\ufeff", "ab"},
            {"\u1112\u1161\u11ab\u1100\u1173\u11af", "한글"},
            {"부산", "부산"},
            {NULL, ""},
            {"", ""},
        };
        for (size_t i = 0; i < COUNT(rows); i++) {
                char out[64];
                int n = cleanse_fold(rows[i].in, out, sizeof(out));
                assert_int_equal(n, (int)strlen(rows[i].out));
                assert_string_equal(out, rows[i].out);
        }
        char small[4];
        assert_int_equal(cleanse_fold("abcd", small, sizeof(small)), -1);
        assert_string_equal(small, "");
        assert_int_equal(cleanse_fold("abc", small, sizeof(small)), 3);
        assert_int_equal(cleanse_fold("\xc3\x28", small, sizeof(small)), -1);
        assert_int_equal(cleanse_fold("a\x01", small, sizeof(small)), -1);
}

static void test_status_names(void **state)
{
        (void)state;
        assert_string_equal(cleanse_status_name(CLEANSE_NULL), "null");
        assert_string_equal(cleanse_status_name(CLEANSE_VALID), "valid");
        assert_string_equal(cleanse_status_name(CLEANSE_CLEANSED), "cleansed");
        assert_string_equal(cleanse_status_name(CLEANSE_INVALID), "invalid");
        assert_string_equal(cleanse_status_label(CLEANSE_VALID), "원본정확");
        assert_string_equal(cleanse_status_label(CLEANSE_CLEANSED), "클린징");
}

/* Buffers below a field's size are refused whole; over-long inputs are INVALID. */
static void test_limits(void **state)
{
        (void)state;
        char out[CLEANSE_ADDRESS_SIZE];
        assert_int_equal(cleanse_mobile("010-1234-5678", out, CLEANSE_PHONE_SIZE - 1),
                         CLEANSE_INVALID);
        assert_string_equal(out, "");
        assert_int_equal(cleanse_phone("02-123-4567", out, 3), CLEANSE_INVALID);
        assert_string_equal(out, "");
        assert_int_equal(cleanse_email("hong@naver.com", out, 10), CLEANSE_INVALID);
        assert_int_equal(cleanse_address("부산광역시 해운대구 해운대로 123", out, 64),
                         CLEANSE_INVALID);
        assert_int_equal(cleanse_email("hong@naver.com", NULL, 0), CLEANSE_INVALID);

        char big[4096];
        memset(big, ' ', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        assert_int_equal(cleanse_address(big, out, sizeof(out)), CLEANSE_NULL);
        for (size_t i = 0; i + 1 < sizeof(big); i++)
                big[i] = (char)('0' + i % 10);
        assert_int_equal(cleanse_phone(big, out, sizeof(out)), CLEANSE_INVALID);
        assert_int_equal(cleanse_email(big, out, sizeof(out)), CLEANSE_INVALID);
        assert_int_equal(cleanse_address(big, out, sizeof(out)), CLEANSE_INVALID);

        /* A detail that makes the canonical form too long is refused, not cut. */
        struct {
                char text[900];
        } addr;
        size_t n =
            (size_t)snprintf(addr.text, sizeof(addr.text), "부산광역시 해운대구 해운대로 123, ");
        while (n + 4 < sizeof(addr.text)) {
                memcpy(addr.text + n, "가", 3);
                n += 3;
        }
        addr.text[n] = '\0';
        assert_int_equal(cleanse_address(addr.text, out, sizeof(out)), CLEANSE_INVALID);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_mobile),        cmocka_unit_test(test_phone),
            cmocka_unit_test(test_email),         cmocka_unit_test(test_address),
            cmocka_unit_test(test_address_parts), cmocka_unit_test(test_fold),
            cmocka_unit_test(test_status_names),  cmocka_unit_test(test_limits),
        };
        int rc = cmocka_run_group_tests(tests, NULL, NULL);
        printf("cleanse tables: %zu rows\n", total_rows);
        return rc;
}
