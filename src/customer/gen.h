/*
 * gen: synthetic residents of 부산광역시 and noisy source records about them, for tests,
 * demos and the matching benchmarks (`pcrm gen residents`).
 *
 * A world is made in two steps. gen_world_create invents the people, grouped into
 * households that share an address, and decides how many source records each person has.
 * The records themselves are not stored: each carries its own random seed, and
 * gen_record_fields renders it (the noisy copy of its person's truth) on demand, so a
 * world of 100,000 people needs a few tens of megabytes. Everything follows from the
 * seed: the same seed and number of people give the same world, byte for byte, on every
 * machine (the generator uses its own xoshiro256** stream and integer arithmetic only).
 *
 * The reference tables (surnames with their frequency, given names by era and sex, the
 * districts of 부산광역시 with their roads and 동·리) are the embedded data files
 * korean-surnames.csv, korean-given-names.csv, busan-districts.csv and busan-streets.csv.
 *
 * Ownership: gen_world_create returns a world the caller frees with gen_world_free; the
 * arrays inside belong to the world. gen_record_fields fills a caller-owned struct and
 * keeps nothing. Nothing here is shared or global, so separate worlds may be used from
 * separate threads.
 */
#ifndef PCRM_CUSTOMER_GEN_H
#define PCRM_CUSTOMER_GEN_H

#include "base/error.h"
#include "customer/ident.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GEN_PEOPLE_MAX   10000000 /* ids stay readable and memory below a few GB */
#define GEN_NAME_SIZE    24       /* four Hangul syllables and NUL, with room */
#define GEN_EMAIL_SIZE   64
#define GEN_PHONE_SIZE   16
#define GEN_ADDRESS_SIZE 192
#define GEN_ID_SIZE      16 /* "P0000001", "G0000001" */

enum gen_role {
        GEN_ROLE_SINGLE,      /* lives alone */
        GEN_ROLE_HEAD,        /* the husband of a couple, or a single parent */
        GEN_ROLE_SPOUSE,      /* the wife of a couple */
        GEN_ROLE_CHILD,       /* a child of the head (or of the couple) */
        GEN_ROLE_GRANDPARENT, /* a parent of the head or of the spouse */
};

/* One resident as they really are: the truth the source records are noisy copies of. */
struct gen_person {
        char name[GEN_NAME_SIZE]; /* "김민준": surname then given name, no space */
        uint8_t surname_len;      /* bytes of the surname at the start of name */
        char sex;                 /* 'M' or 'F' */
        enum gen_role role;
        char birth_date[11];         /* "YYYY-MM-DD" */
        char rrn[RRN_SIZE];          /* canonical "YYMMDD-GNNNNNN", valid */
        char mobile[GEN_PHONE_SIZE]; /* canonical "010-NNNN-NNNN", or "" for none */
        char email[GEN_EMAIL_SIZE];  /* lower-case, or "" for none */
        uint32_t household;          /* index into gen_world.households */
};

enum gen_address_kind { GEN_ADDRESS_ROAD, GEN_ADDRESS_LOT };

/* A household: one address (canonical, as customer/cleanse.h writes it) and its members. */
struct gen_household {
        enum gen_address_kind kind;
        const char *sigungu;  /* "해운대구" (borrowed from the world's tables) */
        const char *eupmyeon; /* "기장읍", or "" */
        char street[64];      /* "해운대로", "구남로24번길", "우동", "대라리" */
        char number[16];      /* "123", "1394-65" */
        char detail[32];      /* "101동 1001호", "301호", or "" for a house */
        char address[GEN_ADDRESS_SIZE]; /* "부산광역시 해운대구 해운대로 123, 101동 1001호" */
        char phone[GEN_PHONE_SIZE]; /* landline "051-NNN-NNNN", or "" for none */
        uint32_t first, count;      /* the members are people[first .. first+count-1] */
};

/* A source record: whose it is, and the seed its noise is drawn from. */
struct gen_record {
        uint32_t person;
        uint64_t seed;
};

struct gen_world {
        uint64_t seed;
        struct gen_person *people;
        size_t npeople;
        struct gen_household *households;
        size_t nhouseholds;
        struct gen_record *records; /* in output order (shuffled) */
        size_t nrecords;
        struct gen_tables *tables; /* private */
};

/* How a field of a record was written; tests use it to know what cleansing can undo. */
enum gen_noise {
        GEN_ABSENT,    /* left blank */
        GEN_CANONICAL, /* exactly the truth */
        GEN_FIXABLE,   /* another spelling that cleansing turns back into the truth */
        GEN_WRONG,     /* a typo or a missing part: not the truth, nor recoverable */
};

/* One record as written to the CSV file, with how each field was distorted. */
struct gen_fields {
        char source_id[GEN_ID_SIZE]; /* "G000001" */
        char person_id[GEN_ID_SIZE]; /* "P000001" (the truth, not in the import file) */
        char name[GEN_NAME_SIZE + 8];
        char rrn[32];
        char address[GEN_ADDRESS_SIZE + 32];
        char phone[GEN_PHONE_SIZE + 8];
        char mobile[GEN_PHONE_SIZE + 8];
        char email[GEN_EMAIL_SIZE];
        char birth_date[16];
        const char *channel; /* "방문", "인터넷", "전화", "우편", "모바일" (static) */
        enum gen_noise name_noise, rrn_noise, address_noise, phone_noise, mobile_noise, email_noise,
            birth_noise;
};

/*
 * Invents a world of `people` residents (1 to GEN_PEOPLE_MAX) from seed. Returns PCRM_OK
 * with *out (free it with gen_world_free), or PCRM_EINVALID for a bad count, or
 * PCRM_EINTERNAL when memory ran out or an embedded table is missing or malformed; e
 * (may be NULL) then says which.
 */
int gen_world_create(uint64_t seed, size_t people, struct gen_world **out, struct pcrm_error *e);
/* Frees the world; NULL is allowed. */
void gen_world_free(struct gen_world *w);

/* Renders record i (< w->nrecords) into out. The same world and i give the same fields. */
void gen_record_fields(const struct gen_world *w, size_t i, struct gen_fields *out);

/* "P000001" for person i and "G000001" for record i; out needs GEN_ID_SIZE bytes. */
void gen_person_id(size_t i, char *out, size_t outlen);
void gen_source_id(size_t i, char *out, size_t outlen);

/*
 * Writes the import file (header `source_id,name,rrn,address,phone,mobile,email,
 * birth_date,channel`, RFC 4180 quoting) to records and the truth file (header
 * `source_id,person_id`) to truth. Either stream may be NULL to skip it. Returns 0, or -1
 * on a write error.
 */
int gen_world_write(const struct gen_world *w, FILE *records, FILE *truth);

/*
 * Writes both files atomically: each goes to a temporary file beside it, is flushed to
 * disk and renamed over the path only when both are complete. Returns PCRM_OK, or
 * PCRM_EINTERNAL with e (may be NULL) naming the file that failed; no partial file is
 * left behind.
 */
int gen_world_write_files(const struct gen_world *w, const char *records_path,
                          const char *truth_path, struct pcrm_error *e);

#endif
