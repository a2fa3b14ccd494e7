/*
 * Reading MAX Bot API answers, long-poll batches and webhook bodies. Pure
 * functions like bot/telegram/tg_parse.h and bot/vk/vk_parse.h: no network, no
 * database, so the conformance corpus (tests/conformance/max) and the
 * fuzzer can drive them.
 *
 * MAX's quirks handled here: an update has no id of its own (the long-poll
 * answer carries one "marker" for the whole batch, the role Telegram's
 * offset plays, and a webhook body none at all), so the inbox's duplicate
 * key is derived from what identifies the event (the message's mid, the
 * press's callback_id); message ids are strings ("mid.<hex>") beside a
 * numeric "seq"; a dialog has a chat_id of its own, different from the
 * user's id; the start payload of a deep link arrives in bot_started, not
 * as a message; errors are {"code":"<key>","message":"..."} with an HTTP
 * status, and success answers have no envelope at all.
 *
 * Message ids: MAX names a message by its mid, a string, and its seq
 * passes 2^53, so cJSON (which reads numbers as doubles) cannot carry it
 * exactly. A press's event names the message its button was on by that mid
 * (event.button_message; a handler's edit goes back to PUT
 * /messages?message_id=<mid>); event.message_id, a number the delivery
 * check's floor needs, is the update's timestamp (ms), and
 * event.platform_chat_id the dialog's own chat_id (recipient.chat_id, or
 * bot_started's chat_id), which GET /messages lists a dialog by.
 *
 * Chat ids handed to the handlers: in a dialog the user's id (as on
 * Telegram, where a private chat's id is the user's), so replies go to
 * POST /messages?user_id=; a group chat keeps its own id, which MAX makes
 * negative, and replies go to ?chat_id=.
 */
#ifndef MB_MAX_PARSE_H
#define MB_MAX_PARSE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "handlers/event.h"
#include "util/status.h"

#define MAX_API_BODY_MAX (16u * 1024 * 1024)    /* largest API answer or webhook body we read */
#define MAX_MARKER_MAX 9007199254740991LL        /* 2^53 - 1: a marker a JSON number carries exactly */
#define MAX_START_PAYLOAD_MAX 512                /* characters of a deep link's start payload */
#define MAX_CALLBACK_PAYLOAD_MAX 1024            /* bytes of a callback button's payload */
#define MAX_WEBHOOK_SECRET_MIN 5                 /* the secret of POST /subscriptions: [A-Za-z0-9_-]{5,256} */
#define MAX_WEBHOOK_SECRET_MAX 256
#define MAX_MESSAGE_ATTACHMENTS_MAX 10           /* photos and files of one message the event names */

/* An API answer. MAX has no envelope: success is HTTP 2xx with the
 * method's object, an error any status with {"code","message"}. */
typedef struct max_reply {
    int ok;                    /* 2xx and no error body; SimpleQueryResult success=false counts as refused */
    int http_status;
    char code[64];             /* the error key ("verify.token"), "" when none */
    char message[256];         /* the server's words, or why the body could not be read */
    cJSON *root;               /* owned; free with max_reply_free */
} max_reply;

/*
 * Parses the answer to an API call. MB_ERR_PARSE when the body is not a JSON
 * object (a proxy's HTML page, a cut body); out->message then says why and
 * out->http_status keeps the status. A refused SimpleQueryResult
 * ({"success":false,"message":...}) is an error whose code is
 * "success.false".
 */
mb_status max_parse_reply(const char *body, size_t len, long http_status, max_reply *out);
void max_reply_free(max_reply *r);

/* What an error answer says, by MAX's key or, without one, the status:
 * too many requests (wait and ask again); the user or chat refuses the
 * bot (chat.denied, a blocked user, 403). */
int max_reply_rate_limited(const max_reply *r);
int max_reply_denied(const max_reply *r);

/* A GET /updates answer: {"updates":[...],"marker":N}. */
typedef struct max_update_list {
    int has_marker;            /* marker was a number in range; null or missing keeps the old one */
    int64_t marker;            /* the next request's marker (commit it with the batch's effects) */
    cJSON *root;               /* owned; free with max_update_list_free */
    const cJSON *updates;      /* array inside root */
} max_update_list;

/* MB_ERR_PARSE when the body is not such an answer or the marker is out of
 * range (negative, or beyond MAX_MARKER_MAX). */
mb_status max_parse_updates(const char *body, size_t len, max_update_list *out);
void max_update_list_free(max_update_list *l);

/*
 * One webhook request (the body MAX POSTs: a single Update). *update gets
 * the parsed object, owned by the caller (cJSON_Delete). MB_ERR_PARSE with
 * the reason in why when it is not a JSON object with an update_type.
 */
mb_status max_parse_webhook(const char *body, size_t len, cJSON **update, char *why, size_t why_size);

/* 1 when secret may be given to POST /subscriptions ([A-Za-z0-9_-], 5 to
 * 256 characters). */
int max_webhook_secret_valid(const char *secret);

/* 1 when the X-Max-Bot-Api-Secret header value matches the configured
 * secret, compared in time independent of where they differ. An empty or
 * NULL expected secret accepts every request (no secret was subscribed);
 * a missing header never matches a set secret. */
int max_webhook_secret_matches(const char *expected, const char *header);

/* What an event borrows beyond the update itself: text made from a start
 * payload and the phone number of a shared contact. */
typedef struct max_event_storage {
    char text[8 + MAX_START_PAYLOAD_MAX * 4 + 1];   /* "/start <payload>" */
    char phone[32];
} max_event_storage;

/*
 * Turns one Update into an event. *key gets the inbox's duplicate key, a
 * positive 63-bit number derived from what identifies the event, so a
 * webhook delivered twice (MAX repeats until it gets 200) or an update seen
 * again after a restart is applied once. *kind gets a static name of the
 * update type. Strings in ev are borrowed from update and from storage.
 *
 * bot_started becomes the message "/start <payload>" (or "/start" without
 * a payload), the shape the handlers read an invite code in; bot_stopped
 * marks the user unreachable (EVENT_BLOCKED). A button press whose payload
 * is longer than EVENT_BUTTON_DATA_MAX was not made by this bot and is
 * ignored. MB_ERR_PARSE only when update is not an object with an
 * update_type; anything else the bot does not act on is an EVENT_NONE with
 * ignore_reason set.
 */
mb_status max_update_to_event(const cJSON *update, event *ev, int64_t *key, const char **kind,
                              max_event_storage *storage);

#endif
