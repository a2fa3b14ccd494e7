/*
 * The VK transport: Bots Long Poll into the intake, and messages.send and
 * friends for the sender.
 *
 * At start it pins the Long Poll settings (API 5.199, the four event types
 * the bot reads), asks for a server, then loops on a_check. failed 1 takes
 * the new ts; 2 asks for a new key and keeps ts; 3 asks for a new key and
 * ts. After 1 and 3, which lose events, the unanswered conversations are
 * read back from their history (vk_recover.h). The ts is stored with the events' effects in one transaction, so a
 * restart resumes after the last committed batch. The server key is
 * refreshed every [vk] session_refresh seconds (an hour by default) even
 * when nothing failed, so a quiet night does not end in a stale session.
 *
 * messages.send carries random_id = the outbox row id: VK drops a second
 * message with the same random_id, so a retry can never deliver twice, and
 * a row whose outcome is unknown is simply sent again. Files go through
 * VK's upload server (see vk_send.c).
 */
#ifndef MB_VK_H
#define MB_VK_H

#include <ev.h>

#include "bot/config.h"
#include "bot/http.h"
#include "bot/intake.h"
#include "bot/durable.h"
#include "bot/transport.h"
#include "util/platform.h"

#define VK_API_VERSION "5.199"
#define VK_META_TS "vk_ts"
#define VK_BACKOFF_MAX_S 30.0
#define VK_BATCH_MAX 1000            /* events handled from one a_check */
#define VK_CAPTCHA_PARK_MS (10 * 60 * 1000)   /* a call that hit a captcha waits this long */

typedef struct vk_client vk_client;

typedef struct vk_hooks {
    void (*batch_committed)(void *arg);
    void (*fatal)(void *arg, const char *why);
    void *arg;
    durable *durable;   /* the next long poll waits until a batch's commit is on disk (NULL: at once) */
} vk_hooks;

vk_client *vk_new(struct ev_loop *loop, http_client *http, db *d, const bot_env *env, const config *cfg,
                  vk_hooks hooks);
void vk_start(vk_client *v);
void vk_stop(vk_client *v);
void vk_free(vk_client *v);
transport *vk_transport(vk_client *v);

/* What VK can do, from [vk] alone: limits, rates, and deep links
 * https://vk.me/club<group_id>?ref=<payload>. */
void vk_platform_describe(const config *cfg, platform_info *out);

/* Exposed for tests. */
mb_status vk_render(transport *t, const outbox_row *row, api_call *call);
void vk_classify(transport *t, const outbox_row *row, api_call *call, const http_response *resp,
                 send_result *out);
/* method URL: <api_base>/<method>; the token and version travel in the body. */
void vk_method_url(const vk_client *v, const char *method, char *buf, size_t size);
/* "access_token=...&v=5.199" for a request body (never log it). */
const char *vk_auth_params(const vk_client *v);

#endif
