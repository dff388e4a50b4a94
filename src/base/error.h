/*
 * error: the one error convention of the domain layer. A domain function returns
 * PCRM_OK (0) or a positive enum pcrm_errcode, and fills a caller-owned struct pcrm_error
 * with the field at fault (or "") and a message a person can read (Korean, since it
 * reaches the screen). src/http maps the code to an HTTP status, once.
 */
#ifndef PCRM_BASE_ERROR_H
#define PCRM_BASE_ERROR_H

enum pcrm_errcode {
        PCRM_OK = 0,
        PCRM_EINVALID,   /* bad input: a field is missing, malformed or out of range */
        PCRM_ENOTFOUND,  /* no such object, or not the caller's tenant */
        PCRM_ECONFLICT,  /* would duplicate something unique, or is still in use */
        PCRM_EFORBIDDEN, /* the caller may not do this */
        PCRM_ERULE,      /* well-formed, but a business rule says no */
        PCRM_EINTERNAL,  /* the database or the machine failed */
};

struct pcrm_error {
        enum pcrm_errcode code;
        char field[64];
        char message[256];
};

/* Fills e (which may be NULL) and returns code, so callers can `return err_set(...)`. */
int err_set(struct pcrm_error *e, enum pcrm_errcode code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The snake_case name of a code, for JSON ("invalid", "not_found", ...). */
const char *err_code_name(enum pcrm_errcode code);

#endif
