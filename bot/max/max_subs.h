/*
 * The webhook subscriptions a MAX bot has, and what to do about them at
 * start. Pure functions: no network, no database.
 *
 * GET /subscriptions answers GetSubscriptionsResult
 *   {"subscriptions":[{"url","time","update_types"}]}
 * (update_types may be null); it does not show the secret. MAX hands
 * nothing to long polling while a subscription is set ("При активной
 * подписке Long Polling не работает", POST /subscriptions), and
 * DELETE /subscriptions?url= removes one, after which long polling works
 * again.
 *
 * What the bot does with them (the config is the truth, and one bot's
 * updates have one reader):
 * - polling: every subscription is removed, whatever its address, or the
 *   bot would poll for nothing;
 * - webhook: a subscription to another address is removed (an address
 *   the bot had before: left, MAX would go on posting there); ours is
 *   made again (POST /subscriptions) only when it is missing, its types
 *   differ from the ones the bot reads, or the fingerprint of address,
 *   types and secret stored at the last subscription differs from the
 *   config's (a new secret would otherwise go unnoticed: MAX does not show
 *   it).
 */
#ifndef MB_MAX_SUBS_H
#define MB_MAX_SUBS_H

#include <cjson/cJSON.h>

#include "util/status.h"

#define MAX_SUBSCRIPTIONS_MAX 16          /* subscriptions of one answer acted on */
#define MAX_SUBS_FINGERPRINT_LEN 16       /* hex digits of max_subs_fingerprint */
#define MAX_META_WEBHOOK_FINGERPRINT "max_webhook_fingerprint"

typedef struct max_subs_plan {
    int found;                            /* subscriptions in the answer */
    int ours;                             /* one of them is to want_url */
    int subscribe;                        /* POST /subscriptions is needed */
    const char *why;                      /* why (static text), NULL when not */
    int nremove;
    char *remove[MAX_SUBSCRIPTIONS_MAX];  /* addresses to DELETE, owned */
} max_subs_plan;

/*
 * Reads a GET /subscriptions answer (its parsed body) and decides. want_url
 * NULL means long polling (remove them all); otherwise the address the bot
 * subscribes with types (comma-separated) and the fingerprint it would
 * store now (same_fingerprint: 1 when the stored one equals it).
 * MB_ERR_PARSE when root is not a GetSubscriptionsResult; items that are
 * not subscriptions (no url string) are skipped. Free with
 * max_subs_plan_free.
 */
mb_status max_subs_plan_make(const cJSON *root, const char *want_url, const char *types, int same_fingerprint,
                             max_subs_plan *out);
void max_subs_plan_free(max_subs_plan *p);

/* A 64-bit digest (FNV-1a, in hex) of the address, the types and the
 * secret, stored after a subscription: it tells whether the config changed
 * since, without keeping the secret. */
void max_subs_fingerprint(const char *url, const char *types, const char *secret,
                          char out[MAX_SUBS_FINGERPRINT_LEN + 1]);

#endif
