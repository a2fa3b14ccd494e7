/*
 * MAX's webhook mode: an HTTP endpoint (libmicrohttpd) that MAX POSTs each
 * update to, one Update a request, with the secret given to
 * POST /subscriptions in the X-Max-Bot-Api-Secret header. With [max]
 * webhook_cert and webhook_key it speaks HTTPS (max_tls.h checks both
 * files first), otherwise plain HTTP behind the operator's HTTPS proxy
 * (logged once at start).
 *
 * A request with the wrong secret is refused (403) and logged; a body
 * that is not an Update is answered 400 and logged. An update is applied
 * through the intake on the loop, like a long poll's, and answered 200
 * only after its commit is on disk: MAX repeats an update until it gets
 * 200, and the inbox's key (max_parse.h) makes a repeat harmless. A
 * storage fault answers 503, so MAX delivers it again. Requests run on
 * libmicrohttpd's threads and wait there; the database is touched on the
 * loop only.
 */
#ifndef MB_MAX_WEBHOOK_H
#define MB_MAX_WEBHOOK_H

#include <ev.h>

#include "bot/config.h"
#include "bot/max/max.h"

#define MAX_WEBHOOK_CONNECTIONS 64   /* requests MAX may have open at once */

typedef struct max_webhook max_webhook;

/*
 * Listens on cfg->max_webhook_listen (an IPv4 host:port), over HTTPS when
 * cfg->max_webhook_cert is set. NULL with the reason in why when the
 * address cannot be used, the certificate or key cannot (the message names
 * the file), or memory runs out.
 */
max_webhook *max_webhook_new(struct ev_loop *loop, db *d, const bot_env *env, const config *cfg, max_hooks hooks,
                             char *why, size_t why_size);

/* Commits reached the disk: answers the requests that waited for them.
 * On the loop (the MAX transport's durable listener calls it). */
void max_webhook_on_durable(max_webhook *w);

/* Answers every waiting request 503 and stops listening; accepts NULL. */
void max_webhook_free(max_webhook *w);

#endif
