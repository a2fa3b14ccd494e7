/*
 * The messages of each VK conversation, the user's and the community's, as
 * VK's message objects, so the bot can read a conversation back after the
 * Long Poll lost events (failed 3): messages.getConversations and
 * messages.getHistory. Lives under the core lock like the rest of the VK
 * world.
 */
#ifndef MB_SIM_VK_HISTORY_H
#define MB_SIM_VK_HISTORY_H

#include <cjson/cJSON.h>

#include "sim/vk_methods.h"

#define VK_HISTORY_MAX 200000        /* messages kept; the oldest half goes past it */
#define VK_HISTORY_COUNT_DEFAULT 20  /* getConversations and getHistory without count */
#define VK_HISTORY_COUNT_MAX 200     /* the largest count VK takes */

/* Keeps a copy of message (a VK message object with peer_id,
 * conversation_message_id and out) in its conversation's history. */
void vk_history_add(const cJSON *message);

/* Keeps the community's message: from_id = -group_id, out = 1. */
void vk_history_add_bot(long long peer_id, long long cmid, long long message_id, long long random_id,
                        const char *text);

/* Forgets every conversation's messages (reset; free at exit). */
void vk_history_clear(void);

void vk_messages_get_conversations(const cJSON *params, vk_outcome *out);
void vk_messages_get_history(const cJSON *params, vk_outcome *out);

#endif
