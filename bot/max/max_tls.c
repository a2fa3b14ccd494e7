#include "bot/max/max_tls.h"
#include "util/clock.h"
#include "util/log.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_ID_MAX 64

/* The whole file as a NUL-terminated string; NULL with why set. */
static char *read_pem(const char *key, const char *path, size_t *len, char *why, size_t why_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, why_size, "[max] %s %s cannot be read: %s", key, path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(MAX_TLS_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, MAX_TLS_FILE_MAX + 1, f) : 0;
    int failed = buf ? ferror(f) : 1;
    fclose(f);
    if (!buf || failed) {
        snprintf(why, why_size, "[max] %s %s cannot be read%s", key, path, buf ? "" : ": out of memory");
    } else if (n > MAX_TLS_FILE_MAX) {
        snprintf(why, why_size, "[max] %s %s is larger than %u bytes: not a PEM file", key, path,
                 (unsigned)MAX_TLS_FILE_MAX);
    } else if (n == 0) {
        snprintf(why, why_size, "[max] %s %s is empty", key, path);
    } else {
        buf[n] = 0;
        *len = n;
        return buf;
    }
    free(buf);
    return NULL;
}

static void wipe_free(char *s, size_t n)
{
    if (!s) return;
    explicit_bzero(s, n);
    free(s);
}

/* Warnings that do not stop the bot: what MAX would refuse to deliver to. */
static void warn_about(const char *cert_path, gnutls_x509_crt_t *crts, unsigned count)
{
    time_t until = gnutls_x509_crt_get_expiration_time(crts[0]);
    if (until != (time_t)-1 && (int64_t)until * 1000 < clock_now_ms())
        log_warn("max", "the certificate in %s expired: MAX does not deliver to it", cert_path);
    if (gnutls_x509_crt_check_issuer(crts[0], crts[0]))
        log_warn("max", "the certificate in %s is self-signed: MAX delivers only to a certificate of a trusted "
                 "authority (fine for the simulator and tests)", cert_path);
    else if (count == 1)
        log_warn("max", "%s holds the server's certificate alone: MAX asks for the full chain (put the "
                 "intermediate certificates after it)", cert_path);
}

/* The certificate and the key: each parses, and they belong together. */
static mb_status check_pair(const char *cert_path, const char *cert, size_t cert_len, const char *key_path,
                            const char *key, size_t key_len, char *why, size_t why_size)
{
    gnutls_x509_crt_t *crts = NULL;
    unsigned count = 0;
    gnutls_x509_privkey_t pk = NULL;
    gnutls_datum_t data = {(unsigned char *)cert, (unsigned)cert_len};
    unsigned char cert_id[KEY_ID_MAX], key_id[KEY_ID_MAX];
    size_t cert_id_len = sizeof cert_id, key_id_len = sizeof key_id;
    mb_status rc = MB_ERR_INVALID;
    int err = gnutls_x509_crt_list_import2(&crts, &count, &data, GNUTLS_X509_FMT_PEM, 0);
    if (err < 0 || count == 0) {
        snprintf(why, why_size, "[max] webhook_cert %s holds no PEM certificate (%s)", cert_path,
                 err < 0 ? gnutls_strerror(err) : "none found");
        goto out;
    }
    data = (gnutls_datum_t){(unsigned char *)key, (unsigned)key_len};
    if (gnutls_x509_privkey_init(&pk) < 0) {
        snprintf(why, why_size, "out of memory reading [max] webhook_key %s", key_path);
        rc = MB_ERR_NOMEM;
        goto out;
    }
    err = gnutls_x509_privkey_import2(pk, &data, GNUTLS_X509_FMT_PEM, NULL, 0);
    if (err < 0) {
        snprintf(why, why_size, "[max] webhook_key %s is not an unencrypted PEM private key (%s)", key_path,
                 gnutls_strerror(err));
        goto out;
    }
    if (gnutls_x509_crt_get_key_id(crts[0], 0, cert_id, &cert_id_len) < 0 ||
        gnutls_x509_privkey_get_key_id(pk, 0, key_id, &key_id_len) < 0 || cert_id_len != key_id_len ||
        memcmp(cert_id, key_id, cert_id_len) != 0) {
        snprintf(why, why_size, "[max] webhook_key %s is not the key of the certificate in %s (the first "
                 "certificate of webhook_cert must be the server's own)", key_path, cert_path);
        goto out;
    }
    warn_about(cert_path, crts, count);
    rc = MB_OK;
out:
    for (unsigned i = 0; i < count; i++) gnutls_x509_crt_deinit(crts[i]);
    gnutls_free(crts);
    if (pk) gnutls_x509_privkey_deinit(pk);
    return rc;
}

mb_status max_tls_load(const char *cert_path, const char *key_path, max_tls_pem *out, char *why, size_t why_size)
{
    size_t cert_len = 0, key_len = 0;
    memset(out, 0, sizeof *out);
    char *cert = read_pem("webhook_cert", cert_path, &cert_len, why, why_size);
    if (!cert) return MB_ERR_INVALID;
    char *key = read_pem("webhook_key", key_path, &key_len, why, why_size);
    if (!key) {
        free(cert);
        return MB_ERR_INVALID;
    }
    mb_status rc = check_pair(cert_path, cert, cert_len, key_path, key, key_len, why, why_size);
    if (rc) {
        free(cert);
        wipe_free(key, key_len);
        return rc;
    }
    out->cert = cert;
    out->key = key;
    return MB_OK;
}

void max_tls_pem_free(max_tls_pem *p)
{
    if (!p) return;
    free(p->cert);
    wipe_free(p->key, p->key ? strlen(p->key) : 0);
    p->cert = p->key = NULL;
}

int max_tls_supported(void) { return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES; }
