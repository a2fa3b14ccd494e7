/*
 * The Telegram transport: getUpdates long polling into the intake, and the
 * rendering and reading of outgoing calls for the sender.
 *
 * At start it asks getMe (learning the bot's username for invite links),
 * removes a webhook if one is set (getUpdates cannot work beside it),
 * publishes the command list, then polls with an explicit allowed_updates.
 * The offset is confirmed to Telegram only by the next getUpdates, which is
 * sent after the batch was committed.
 */
#ifndef MB_TELEGRAM_H
#define MB_TELEGRAM_H

#include <ev.h>

#include "bot/config.h"
#include "bot/http.h"
#include "bot/durable.h"
#include "bot/transport.h"
#include "bot/intake.h"
#include "handlers/context.h"
#include "util/platform.h"

#define TG_CONFLICT_WAITS 5   /* a 409 waits this many [bot] retry_first_ms before polling again */
#define TG_META_OFFSET "tg_offset"
#define TG_META_USERNAME "tg_username"
#define TG_POLL_LIMIT 100             /* updates per getUpdates */
#define TG_BACKOFF_MAX_S 30.0         /* longest wait between failed polls */
#define TG_DOCUMENT_MAX_BYTES (50LL * 1024 * 1024)   /* sendDocument for bots */
#define TG_PHOTO_MAX_BYTES (10LL * 1024 * 1024)      /* sendPhoto */

typedef struct tg_client tg_client;

typedef struct tg_hooks {
    void (*batch_committed)(void *arg);   /* replies were queued: wake the sender */
    void (*fatal)(void *arg, const char *why);  /* the token is refused */
    void *arg;
    durable *durable;   /* the next poll waits until a batch's commit is on disk (NULL: at once) */
} tg_hooks;

/* username_buf (64 bytes, owned by the caller) receives the bot's username
 * from getMe unless the config names one; the registration of "tg"
 * (util/platform.h) is renewed with it, for invite links. */
tg_client *tg_new(struct ev_loop *loop, http_client *http, db *d, const bot_env *env, const config *cfg,
                  char *username_buf, tg_hooks hooks);
void tg_start(tg_client *t);
/* Stops polling (the transport stays usable for sends in flight). */
void tg_stop(tg_client *t);
void tg_free(tg_client *t);

/* What Telegram can do, from [telegram] alone: limits, rates, and deep
 * links https://t.me/<username>?start=<payload> (a placeholder name when
 * username is NULL or empty). */
void tg_platform_describe(const config *cfg, const char *username, platform_info *out);

/* The sender's view of Telegram (owned by t). */
transport *tg_transport(tg_client *t);

/* Statistics for logs and the benchmark. */
typedef struct tg_stats {
    long polls, updates, handled, duplicates, failed, ignored, poll_errors;
} tg_stats;
const tg_stats *tg_get_stats(const tg_client *t);

/* The URL of a Bot API method (api_base/bot<token>/<method>). Never log it. */
void tg_method_url(const tg_client *t, const char *method, char *buf, size_t size);

/* Render and classify, exposed for tests. */
mb_status tg_render(transport *t, const outbox_row *row, api_call *call);
void tg_classify(transport *t, const outbox_row *row, api_call *call, const http_response *resp,
                 send_result *out);

mb_status tg_render_check(transport *t, const outbox_row *row, int64_t candidate, api_call *call);
check_outcome tg_classify_check(transport *t, const outbox_row *row, const http_response *resp, int64_t *found_id,
                                int64_t *retry_after_ms, char *why, size_t why_size);

/* Builds intake items from a getUpdates result array; returns the count and
 * the next offset (max update_id + 1, or *next_offset unchanged). */
int tg_items_from_result(const cJSON *result, intake_item *items, int max, int64_t *next_offset);

#endif
