/*
 * Reading Telegram Bot API answers and updates. Pure functions: no network,
 * no database, so the conformance corpus and fuzzers can drive them.
 */
#ifndef MB_TG_PARSE_H
#define MB_TG_PARSE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "handlers/event.h"
#include "util/status.h"

#define TG_BODY_MAX (16u * 1024 * 1024)   /* largest API answer we read */
#define TG_LEGACY_RETRY_S 5               /* wait when a 429 gives no number */
#define TG_UPDATE_ID_MAX 9007199254740991LL  /* 2^53 - 1: the largest id a JSON number carries exactly */
#define TG_RETRY_AFTER_MAX_S (24 * 3600)  /* longer waits are taken as this (and stay far from overflow in ms) */

typedef struct tg_reply {
    int ok;
    int error_code;            /* Telegram's error_code, or the HTTP status when absent */
    char description[256];
    int64_t retry_after_s;     /* -1 when the answer names no wait */
    int64_t migrate_to_chat_id;
    cJSON *root;               /* owned; free with tg_reply_free */
    const cJSON *result;       /* inside root */
} tg_reply;

/*
 * Parses an API answer. An answer that is a bare JSON array is taken as a
 * getUpdates result. MB_ERR_PARSE when the body is not JSON or not an API
 * answer; out->description then says why. Legacy 429 answers that carry the
 * wait only in the description ("retry after 3") are understood.
 */
mb_status tg_parse_reply(const char *body, size_t len, long http_status, tg_reply *out);
void tg_reply_free(tg_reply *r);

/*
 * Turns one Update object into an event. *update_id gets its id and *kind a
 * static name ("message", "callback_query", ...). The event borrows strings
 * from update. MB_ERR_PARSE when it has no usable update_id (0 to
 * TG_UPDATE_ID_MAX, so the next offset never overflows); an update the
 * bot does not act on gives an EVENT_NONE with ignore_reason set.
 */
mb_status tg_update_to_event(const cJSON *update, event *ev, int64_t *update_id, const char **kind);

#endif
