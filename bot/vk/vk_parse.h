/*
 * Reading VK API answers and Bots Long Poll events. Pure functions, like
 * bot/telegram/tg_parse.h, so the conformance corpus can drive them.
 *
 * VK's quirks handled here: ts arrives as a number or a string; events
 * before API 5.103 carry the message as the object itself, later ones as
 * object.message with object.client_info; a button's payload is a JSON
 * string in messages and an object (or string) in message_event; bodies
 * may start with a byte-order mark.
 */
#ifndef MB_VK_PARSE_H
#define MB_VK_PARSE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "handlers/event.h"
#include "util/status.h"

#define VK_BODY_MAX (16u * 1024 * 1024)
#define VK_PEER_CHAT_BASE 2000000000LL   /* peer ids above this are group chats */
#define VK_MESSAGE_ATTACHMENTS_MAX 10     /* attachments of one message */

typedef struct vk_reply {
    int ok;
    int error_code;             /* VK's error_code, 0 when ok */
    char error_msg[256];
    char captcha_sid[64];       /* error 14 */
    cJSON *root;                /* owned; free with vk_reply_free */
    const cJSON *response;      /* inside root */
} vk_reply;

/* Parses a method's answer: {"response": ...} or {"error": {...}}; an
 * execute answer with a null response takes the first execute error.
 * MB_ERR_PARSE when the body is not such an answer. */
mb_status vk_parse_reply(const char *body, size_t len, vk_reply *out);
void vk_reply_free(vk_reply *r);

/* The Long Poll server from groups.getLongPollServer's response. */
typedef struct vk_server {
    char key[128];
    char server[512];
    int64_t ts;
} vk_server;
mb_status vk_parse_server(const cJSON *response, vk_server *out);

/* An a_check answer. failed: 0, or 1 (take the new ts), 2 (new key, keep
 * ts), 3 (new key and ts). */
typedef struct vk_check {
    int failed;
    int has_ts;
    int64_t ts;
    cJSON *root;
    const cJSON *updates;       /* array; NULL when failed */
} vk_check;
mb_status vk_parse_check(const char *body, size_t len, vk_check *out);
void vk_check_free(vk_check *c);

/*
 * Turns one event into a normalised event. *key gets a positive 63-bit
 * number derived from event_id (or from the whole event when it has none),
 * the inbox's duplicate key. Strings in ev are borrowed from update, except
 * button data taken from a payload, which is kept in buf (buf_size bytes).
 */
mb_status vk_update_to_event(const cJSON *update, event *ev, int64_t *key, const char **kind, char *buf,
                             size_t buf_size);

#endif
