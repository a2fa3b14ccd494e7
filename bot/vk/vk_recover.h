/*
 * Reading back what a VK Long Poll `failed: 3` lost. VK then hands out a
 * new ts and the events it had not delivered are gone; a pupil who wrote
 * in that moment would never be answered. After such a new session the
 * transport asks messages.getConversations (filter=unanswered) which
 * conversations end in a message of the user, reads each one's latest
 * messages with messages.getHistory, and turns the user's messages after
 * the community's last message into the message_new events the Long Poll
 * would have given. Pure functions; the calls live in vk.c.
 *
 * A message_new's inbox key is derived from its conversation and
 * conversation_message_id (vk_message_key), for Long Poll events and
 * recovered ones alike, so a message read both ways is handled once.
 */
#ifndef MB_VK_RECOVER_H
#define MB_VK_RECOVER_H

#include <cjson/cJSON.h>
#include <stdint.h>

#define VK_RECOVER_PEERS_MAX 200     /* conversations read back after one loss (getConversations' count) */
#define VK_RECOVER_HISTORY_COUNT 20        /* latest messages read per conversation */
#define VK_RECOVER_ATTEMPTS 5        /* failed calls in a row before the read-back is given up */

/* The inbox key of message cmid in conversation peer: a positive 63-bit
 * number. */
int64_t vk_message_key(int64_t peer, int64_t cmid);

/* The private conversations (peer ids of users) in a getConversations
 * response, at most max of them. */
int vk_recover_peers(const cJSON *response, int64_t *peers, int max);

/* From a getHistory response (newest first, as VK gives it) for peer: the
 * user's messages after the community's last message and numbered above
 * known (the highest conversation_message_id the bot already knows there),
 * oldest first, as message_new events {"type","group_id","object":
 * {"message":...}} appended to events. Returns how many were added. */
int vk_recover_events(const cJSON *response, int64_t peer, int64_t group_id, int64_t known, cJSON *events);

#endif
