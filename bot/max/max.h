/*
 * The MAX transport: the long poll (GET /updates) into the intake, the
 * sender's transport of bot/max/max_send.h, and what MAX can do for the
 * handlers (util/platform.h).
 *
 * At start it asks GET /me (checking the token and learning the bot's name
 * for deep links, unless [max] username names it), then polls
 *   GET /updates?marker=M&timeout=T&limit=100&types=message_created,
 *       message_callback,bot_started,bot_stopped,message_edited
 * The marker of an answer is stored with the batch's effects in one
 * transaction (cursor "max_marker"), so a restart asks from the last
 * committed batch on, and the next poll leaves only once that commit is on
 * disk: MAX drops what it handed out before the marker asked for, as
 * Telegram does before the offset. An answer without a marker keeps the
 * stored one. A marker lower than the stored one (MAX started over) is
 * taken, with a warning: the inbox's keys come from what identifies each
 * event (max_parse.h), so an update read twice is applied once.
 *
 * After GET /me it puts the webhook subscriptions in order
 * (max_subs.h): GET /subscriptions, a DELETE /subscriptions?url= for each
 * one to remove (in polling mode all of them: MAX hands nothing to long
 * polling while one is set), each removal logged. In webhook mode
 * ([max] mode = webhook) it listens on webhook_listen (max_webhook.h, over
 * HTTPS with webhook_cert and webhook_key) and subscribes webhook_url with
 * the same types and the secret (POST /subscriptions) when its
 * subscription is missing or changed, instead of polling.
 *
 * Every call carries the token in the Authorization header, never in the
 * URL. A refused token (401, verify.token) stops the bot with the reason.
 */
#ifndef MB_MAX_H
#define MB_MAX_H

#include <ev.h>

#include "bot/config.h"
#include "bot/durable.h"
#include "bot/http.h"
#include "bot/intake.h"
#include "bot/max/max_send.h"
#include "util/platform.h"

#define MAX_META_MARKER "max_marker"
#define MAX_META_USERNAME "max_username"
#define MAX_POLL_LIMIT 100               /* updates asked for per GET /updates */
#define MAX_BACKOFF_MAX_S 30.0
#define MAX_POLL_TYPES "message_created,message_callback,bot_started,bot_stopped,message_edited"
#define MAX_BOT_NAME_MAX 64

typedef struct max_client max_client;

typedef struct max_hooks {
    void (*batch_committed)(void *arg);          /* replies were queued: wake the sender */
    void (*fatal)(void *arg, const char *why);   /* the token is refused */
    void *arg;
    durable *durable;   /* the next poll waits until a batch's commit is on disk (NULL: at once) */
} max_hooks;

/* NULL when out of memory or when [max] token cannot go into a header. */
max_client *max_new(struct ev_loop *loop, http_client *http, db *d, const bot_env *env, const config *cfg,
                    max_hooks hooks);
void max_start(max_client *m);
/* Stops polling (the transport stays usable for sends in flight); accepts NULL. */
void max_stop(max_client *m);
void max_free(max_client *m);
transport *max_transport(max_client *m);

/*
 * What MAX can do, from [max] alone: 4000 characters a text, callback
 * payloads (ours within 64 bytes), 128-character labels, deep links
 * https://max.ru/<username>?start=<payload> of up to 512 characters (no
 * deep link while username is NULL or empty), a contact button, files,
 * [max] rate_per_s (MAX takes 30 requests a second).
 */
void max_platform_describe(const config *cfg, const char *username, platform_info *out);

/*
 * Applies one GET /updates answer's updates through the intake, storing
 * marker under MAX_META_MARKER when has_marker. Items that are not an
 * update object are counted in *unreadable and skipped; the rest (unknown
 * types too) are recorded in the inbox. Returns the intake's status (a
 * storage fault: nothing kept, fetch again); *st may be NULL. Exposed for
 * tests.
 */
mb_status max_apply_updates(db *d, const bot_env *env, const cJSON *updates, int has_marker, int64_t marker,
                            intake_stats *st, int *unreadable);

#endif
