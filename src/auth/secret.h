/*
 * secret: the installation's key file, random tokens, password hashing (libsodium).
 *
 * The key file (DATA/pcrm.key, mode 0600) holds one 32-byte master key in hex. Purpose
 * keys are derived from it with crypto_kdf, so one file backs up every key:
 *   audit  keys the audit log's hash chain (a forger needs the key, not just the DB),
 *   field  encrypts personal identifiers at rest (XChaCha20-Poly1305),
 *   index  keys the blind index used to find an encrypted value by equality.
 * sec_keys_load makes them available to the whole process through sec_keys().
 */
#ifndef PCRM_AUTH_SECRET_H
#define PCRM_AUTH_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SEC_KEY_BYTES   32
#define SEC_TOKEN_CHARS 43 /* 32 random bytes, base64url without padding */
#define SEC_HASH_HEX    65 /* 32-byte hash in hex, plus NUL */
#define SEC_PWHASH_MAX  128

struct sec_keys {
        unsigned char audit[SEC_KEY_BYTES];
        unsigned char field[SEC_KEY_BYTES];
        unsigned char index[SEC_KEY_BYTES];
};

/* Initialises libsodium. Returns 0 or -1. */
int sec_init(void);
/* Creates a new key file atomically with mode 0600; fails (-1) if path exists. */
int sec_keys_create(const char *path);
/* Reads the key file and derives the purpose keys. Returns 0, or -1 after logging why. */
int sec_keys_load(const char *path);
/* The loaded keys (borrowed, process lifetime); NULL before sec_keys_load. */
const struct sec_keys *sec_keys(void);

/* Writes a fresh random token of SEC_TOKEN_CHARS characters; out needs one more byte. */
void sec_token(char *out, size_t outlen);
/* Hex BLAKE2b-256 of a token, for storing tokens so a database copy cannot replay them. */
void sec_token_hash(const char *token, char out[SEC_HASH_HEX]);

/*
 * Field encryption for personal identifiers at rest: XChaCha20-Poly1305 with the field
 * key, a random nonce per value, and `context` (e.g. "rrn") bound as associated data so a
 * ciphertext cannot be moved to another kind of field. The sealed form is nonce ‖
 * ciphertext ‖ tag: SEC_SEAL_OVERHEAD bytes longer than the plain text.
 */
#define SEC_SEAL_OVERHEAD 40
/* Returns 0 and *sealed_len, or -1 (keys not loaded, out too small). */
int sec_seal(const char *context, const char *plain, size_t plain_len, unsigned char *out,
             size_t outlen, size_t *sealed_len);
/* Returns 0 with NUL-terminated plain text in out, or -1 if forged, damaged or too big. */
int sec_open(const char *context, const unsigned char *sealed, size_t sealed_len, char *out,
             size_t outlen);
/* Blind index: hex keyed BLAKE2b-256 of context ‖ value, to find a sealed value by equality. */
void sec_blind_index(const char *context, const char *value, char out[SEC_HASH_HEX]);

/* Sets the argon2id cost for new hashes: "interactive" (default), "moderate" or "min". */
void sec_set_pwhash_level(const char *level);
/* Returns 0 and the encoded argon2id hash in out (SEC_PWHASH_MAX bytes), or -1. */
int sec_password_hash(const char *password, char out[SEC_PWHASH_MAX]);
bool sec_password_verify(const char *encoded, const char *password);

#endif
