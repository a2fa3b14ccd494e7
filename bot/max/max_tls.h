/*
 * The webhook endpoint's certificate and key ([max] webhook_cert and
 * webhook_key, PEM files), read and checked at start: a file that is
 * missing, unreadable, not PEM, an encrypted key or a key that is not the
 * certificate's stops the bot with a message naming the file, rather than
 * leaving an endpoint nobody can reach.
 *
 * MAX delivers only over HTTPS on port 443 to a certificate of a trusted
 * authority, with the full chain, whose name matches the webhook's address
 * (schema, POST /subscriptions, "Требования к Webhook-endpoint"). A
 * self-signed certificate, a chain of one certificate that is not
 * self-signed, and an expired certificate are logged as warnings: the bot
 * still starts (the simulator, a test CA, a renewal under way).
 */
#ifndef MB_MAX_TLS_H
#define MB_MAX_TLS_H

#include <stddef.h>

#include "util/status.h"

#define MAX_TLS_FILE_MAX (1u << 20)   /* bytes of a PEM file we read */

typedef struct max_tls_pem {
    char *cert;   /* the certificate chain as PEM text, NUL-terminated */
    char *key;    /* the private key as PEM text; wiped when freed */
} max_tls_pem;

/* Reads and checks both files into out (free with max_tls_pem_free).
 * MB_ERR_INVALID (or MB_ERR_NOMEM) with the reason, naming the file and
 * its [max] key, in why; out is then empty. */
mb_status max_tls_load(const char *cert_path, const char *key_path, max_tls_pem *out, char *why, size_t why_size);

/* Wipes the key and frees; accepts NULL fields. */
void max_tls_pem_free(max_tls_pem *p);

/* 1 when the libmicrohttpd in use can serve HTTPS. */
int max_tls_supported(void);

#endif
