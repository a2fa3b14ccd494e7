/*
 * Fuzz target: the Telegram update parser. The input is taken as a
 * getUpdates answer (tg_parse_reply, then every update through
 * tg_items_from_result) and as one bare Update object (tg_update_to_event).
 * Besides "no crash, no leak" it checks what the dispatcher relies on: an
 * event the bot acts on has a positive user id, and button data is present
 * and within Telegram's 64 bytes.
 */
#include "fuzz/fuzz.h"

#include "bot/intake.h"
#include "bot/telegram/telegram.h"
#include "bot/telegram/tg_parse.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define ITEMS_MAX 128

static void check_event(const event *ev)
{
    if (ev->kind == EVENT_NONE) {
        if (!ev->ignore_reason) abort();
        return;
    }
    if (ev->user_id <= 0) abort();
    if (ev->kind == EVENT_BUTTON && (!ev->button_data || strlen(ev->button_data) > EVENT_BUTTON_DATA_MAX)) abort();
    /* an attachment always has a reference, a document name only on a document */
    if (ev->attachment.kind != EVENT_ATTACHMENT_NONE && !ev->attachment.ref[0]) abort();
    if (ev->attachment.file_name && ev->attachment.kind != EVENT_ATTACHMENT_DOCUMENT) abort();
    if (ev->attachment.file_size < 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    tg_reply r;
    if (tg_parse_reply(body, size, 200, &r) == MB_OK) {
        if (r.ok && cJSON_IsArray(r.result)) {
            static intake_item items[ITEMS_MAX];
            int64_t next = 0;
            int n = tg_items_from_result(r.result, items, ITEMS_MAX, &next);
            for (int i = 0; i < n; i++) {
                check_event(&items[i].ev);
                if (items[i].update_id < 0 || next <= items[i].update_id) abort();
            }
        }
        /* A 429 always yields a wait (0 is "at once"), read or assumed. */
        if (!r.ok && r.error_code == 429 && r.retry_after_s < 0) abort();
    } else if (!r.description[0]) {
        abort();   /* a refused answer always says why */
    }
    tg_reply_free(&r);

    cJSON *update = json_parse_limited(body, size, TG_BODY_MAX, NULL);
    if (update) {
        event ev;
        int64_t update_id;
        const char *kind;
        if (tg_update_to_event(update, &ev, &update_id, &kind) == MB_OK) check_event(&ev);
        cJSON_Delete(update);
    }
    return 0;
}
