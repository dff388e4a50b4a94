#include "auth/secret.h"

#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct sec_keys loaded;
static bool keys_ready;
static unsigned long long pw_ops = 0;
static size_t pw_mem = 0;

int sec_init(void)
{
        if (sodium_init() < 0) {
                log_error("libsodium could not be initialised");
                return -1;
        }
        if (!pw_ops) {
                pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
                pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
        }
        return 0;
}

int sec_keys_create(const char *path)
{
        unsigned char master[SEC_KEY_BYTES];
        char hex[SEC_KEY_BYTES * 2 + 2];
        char tmp[1100];
        int rc = -1;

        if (access(path, F_OK) == 0) {
                log_error("key file %s exists already; refusing to replace it", path);
                return -1;
        }
        if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
                return -1;
        crypto_kdf_keygen(master);
        sodium_bin2hex(hex, sizeof(hex), master, sizeof(master));
        size_t len = strlen(hex);
        hex[len++] = '\n';

        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) {
                log_error("cannot create %s: %s", tmp, strerror(errno));
                goto out;
        }
        if (write(fd, hex, len) != (ssize_t)len || fsync(fd) < 0) {
                log_error("cannot write %s: %s", tmp, strerror(errno));
                close(fd);
                unlink(tmp);
                goto out;
        }
        close(fd);
        if (rename(tmp, path) < 0) {
                log_error("cannot rename %s: %s", tmp, strerror(errno));
                unlink(tmp);
                goto out;
        }
        rc = 0;
out:
        sodium_memzero(master, sizeof(master));
        sodium_memzero(hex, sizeof(hex));
        return rc;
}

int sec_keys_load(const char *path)
{
        unsigned char master[SEC_KEY_BYTES];
        char hex[SEC_KEY_BYTES * 2 + 8];
        int rc = -1;
        struct stat stbuf;

        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                log_error("cannot open key file %s: %s", path, strerror(errno));
                return -1;
        }
        if (fstat(fd, &stbuf) == 0 && (stbuf.st_mode & 077))
                log_warn("key file %s is readable by others; chmod 600 it", path);
        ssize_t n = read(fd, hex, sizeof(hex) - 1);
        close(fd);
        if (n < SEC_KEY_BYTES * 2)
                goto bad;
        hex[n] = '\0';
        size_t binlen = 0;
        if (sodium_hex2bin(master, sizeof(master), hex, (size_t)n, "\n", &binlen, NULL) < 0 ||
            binlen != SEC_KEY_BYTES)
                goto bad;
        crypto_kdf_derive_from_key(loaded.audit, SEC_KEY_BYTES, 1, "pcrmaudt", master);
        crypto_kdf_derive_from_key(loaded.field, SEC_KEY_BYTES, 2, "pcrmfild", master);
        crypto_kdf_derive_from_key(loaded.index, SEC_KEY_BYTES, 3, "pcrmindx", master);
        keys_ready = true;
        rc = 0;
        goto out;
bad:
        log_error("key file %s is not a pcrm key (64 hex digits)", path);
out:
        sodium_memzero(master, sizeof(master));
        sodium_memzero(hex, sizeof(hex));
        return rc;
}

const struct sec_keys *sec_keys(void)
{
        return keys_ready ? &loaded : NULL;
}

void sec_token(char *out, size_t outlen)
{
        unsigned char raw[32];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(out, outlen, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(raw, sizeof(raw));
}

void sec_token_hash(const char *token, char out[SEC_HASH_HEX])
{
        unsigned char h[32];
        crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
        sodium_bin2hex(out, SEC_HASH_HEX, h, sizeof(h));
}

void sec_set_pwhash_level(const char *level)
{
        if (!strcmp(level, "moderate")) {
                pw_ops = crypto_pwhash_OPSLIMIT_MODERATE;
                pw_mem = crypto_pwhash_MEMLIMIT_MODERATE;
        } else if (!strcmp(level, "min")) {
                /* Only for test suites that create many accounts; still argon2id. */
                pw_ops = crypto_pwhash_OPSLIMIT_MIN;
                pw_mem = crypto_pwhash_MEMLIMIT_MIN;
        } else {
                pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
                pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
        }
}

int sec_password_hash(const char *password, char out[SEC_PWHASH_MAX])
{
        _Static_assert(crypto_pwhash_STRBYTES <= SEC_PWHASH_MAX, "pwhash buffer too small");
        if (!pw_ops)
                sec_set_pwhash_level("interactive");
        if (crypto_pwhash_str_alg(out, password, strlen(password), pw_ops, pw_mem,
                                  crypto_pwhash_ALG_ARGON2ID13) != 0) {
                log_error("password hashing ran out of memory");
                return -1;
        }
        return 0;
}

bool sec_password_verify(const char *encoded, const char *password)
{
        return crypto_pwhash_str_verify(encoded, password, strlen(password)) == 0;
}

int sec_seal(const char *context, const char *plain, size_t plain_len, unsigned char *out,
             size_t outlen, size_t *sealed_len)
{
        _Static_assert(SEC_SEAL_OVERHEAD == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                                                crypto_aead_xchacha20poly1305_ietf_ABYTES,
                       "seal overhead");
        if (!keys_ready || outlen < plain_len + SEC_SEAL_OVERHEAD)
                return -1;
        unsigned char *nonce = out;
        randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
        unsigned long long clen = 0;
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, (const unsigned char *)plain,
            plain_len, (const unsigned char *)context, strlen(context), NULL, nonce, loaded.field);
        *sealed_len = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + (size_t)clen;
        return 0;
}

int sec_open(const char *context, const unsigned char *sealed, size_t sealed_len, char *out,
             size_t outlen)
{
        if (!keys_ready || sealed_len < SEC_SEAL_OVERHEAD ||
            outlen < sealed_len - SEC_SEAL_OVERHEAD + 1)
                return -1;
        unsigned long long plen = 0;
        const unsigned char *nonce = sealed;
        if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                (unsigned char *)out, &plen, NULL,
                sealed + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                sealed_len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                (const unsigned char *)context, strlen(context), nonce, loaded.field) != 0)
                return -1;
        out[plen] = '\0';
        return 0;
}

void sec_blind_index(const char *context, const char *value, char out[SEC_HASH_HEX])
{
        unsigned char h[32];
        crypto_generichash_state st;
        crypto_generichash_init(&st, loaded.index, sizeof(loaded.index), sizeof(h));
        crypto_generichash_update(&st, (const unsigned char *)context, strlen(context) + 1);
        crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
        crypto_generichash_final(&st, h, sizeof(h));
        sodium_bin2hex(out, SEC_HASH_HEX, h, sizeof(h));
}
