/*
 * Fuzz target: the MAX parser. The input is taken as a GET /updates answer
 * (max_parse_updates, then every update), as a webhook body
 * (max_parse_webhook, then its update), and as an API answer
 * (max_parse_reply). It checks what the dispatcher relies on: an event the
 * bot acts on has a positive user id and a chat, button data fits, a start
 * command is what the text says, attachment references list exactly the
 * items counted, and the duplicate key and marker are in range.
 */
#include "fuzz/fuzz.h"

#include "bot/max/max_parse.h"

#include <stdlib.h>
#include <string.h>

#define UPDATES_MAX 256

static void one_update(const cJSON *update)
{
    event ev;
    int64_t key = 0;
    const char *kind;
    max_event_storage storage;
    if (max_update_to_event(update, &ev, &key, &kind, &storage) != MB_OK) return;
    if (key <= 0 || !kind) abort();
    if (ev.kind == EVENT_NONE) {
        if (!ev.ignore_reason) abort();
        return;
    }
    if (ev.user_id <= 0 || ev.chat_id == 0) abort();
    if (ev.kind == EVENT_BUTTON && (!ev.button_data || !ev.button_id || strlen(ev.button_data) > EVENT_BUTTON_DATA_MAX))
        abort();
    if (ev.text == storage.text && strncmp(ev.text, "/start", 6) != 0) abort();
    if (ev.attachment.kind != EVENT_ATTACHMENT_NONE) {
        int items = 1;
        for (const char *p = ev.attachment.ref; *p; p++) items += *p == ',';
        if (items != ev.attachment.count || items > MAX_MESSAGE_ATTACHMENTS_MAX) abort();
        if (strncmp(ev.attachment.ref, "file:", 5) != 0 && strncmp(ev.attachment.ref, "image:", 6) != 0) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    max_update_list l;
    if (max_parse_updates(body, size, &l) == MB_OK) {
        if (l.has_marker && (l.marker < 0 || l.marker > MAX_MARKER_MAX)) abort();
        const cJSON *u;
        int n = 0;
        cJSON_ArrayForEach(u, l.updates) {
            if (n++ == UPDATES_MAX) break;
            one_update(u);
        }
    }
    max_update_list_free(&l);

    cJSON *update = NULL;
    char why[128];
    if (max_parse_webhook(body, size, &update, why, sizeof why) == MB_OK) one_update(update);
    else if (update || !why[0]) abort();   /* a refused body is never kept and always says why */
    cJSON_Delete(update);

    max_reply r;
    if (max_parse_reply(body, size, 400, &r) != MB_OK && !r.message[0]) abort();
    if (r.ok) abort();   /* an HTTP 400 is never a success */
    max_reply_free(&r);
    return 0;
}
