/*
 * Fuzz target: the VK Bots Long Poll parser. The input is taken as an
 * a_check answer (vk_parse_check, then every update), as a method answer
 * (vk_parse_reply, and vk_parse_server on its response) and as one bare
 * event (vk_update_to_event). It checks what the dispatcher relies on: an
 * event the bot acts on has a positive user id, button data fits, and the
 * duplicate key is positive.
 */
#include "fuzz/fuzz.h"

#include "bot/vk/vk_parse.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define EVENTS_MAX 256

static void one_event(const cJSON *update)
{
    event ev;
    int64_t key = 0;
    const char *kind;
    char buf[EVENT_BUTTON_DATA_MAX + 64];
    if (vk_update_to_event(update, &ev, &key, &kind, buf, sizeof buf) != MB_OK) return;
    if (key <= 0) abort();
    if (ev.kind == EVENT_NONE) {
        if (!ev.ignore_reason) abort();
        return;
    }
    if (ev.user_id <= 0) abort();
    if (ev.kind == EVENT_BUTTON && (!ev.button_data || strlen(ev.button_data) > EVENT_BUTTON_DATA_MAX)) abort();
    /* the reference is messages.send's list of exactly the items counted:
     * no access key smuggles in another */
    if (ev.attachment.kind != EVENT_ATTACHMENT_NONE) {
        int items = 1;
        for (const char *p = ev.attachment.ref; *p; p++) items += *p == ',';
        if (!ev.attachment.ref[0] || items != ev.attachment.count || items > VK_MESSAGE_ATTACHMENTS_MAX) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *body = (const char *)data;
    vk_check c;
    if (vk_parse_check(body, size, &c) == MB_OK) {
        if (c.failed < 0 || c.failed > 3) abort();
        const cJSON *u;
        int n = 0;
        cJSON_ArrayForEach(u, c.updates) {
            if (n++ == EVENTS_MAX) break;
            one_event(u);
        }
    }
    vk_check_free(&c);

    vk_reply r;
    if (vk_parse_reply(body, size, &r) == MB_OK) {
        if (r.ok) {
            vk_server s;
            if (vk_parse_server(r.response, &s) == MB_OK && strncmp(s.server, "http", 4) != 0) abort();
        }
    } else if (!r.error_msg[0]) {
        abort();   /* a refused answer always says why */
    }
    vk_reply_free(&r);

    cJSON *update = json_parse_limited(body, size, VK_BODY_MAX, NULL);
    if (update) {
        one_event(update);
        cJSON_Delete(update);
    }
    return 0;
}
