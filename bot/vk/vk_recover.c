#include "bot/vk/vk_recover.h"
#include "bot/vk/vk_parse.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

int64_t vk_message_key(int64_t peer, int64_t cmid)
{
    char text[64];
    snprintf(text, sizeof text, "vk-message:%lld:%lld", (long long)peer, (long long)cmid);
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (const char *s = text; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    int64_t k = (int64_t)(h & 0x7FFFFFFFFFFFFFFFull);
    return k ? k : 1;
}

int vk_recover_peers(const cJSON *response, int64_t *peers, int max)
{
    int n = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(response, "items")) {
        if (n >= max) break;
        const cJSON *peer = json_obj(json_obj(item, "conversation"), "peer");
        int have;
        int64_t id = json_int(peer, "id", &have);
        /* Only private conversations: the bot talks with pupils one to one. */
        if (have && id > 0 && id < VK_PEER_CHAT_BASE) peers[n++] = id;
    }
    return n;
}

int vk_recover_events(const cJSON *response, int64_t peer, int64_t group_id, int64_t known, cJSON *events)
{
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(response, "items");
    if (!cJSON_IsArray(items)) return 0;
    int count = cJSON_GetArraySize(items), first_answered = count;
    /* Newest first: the tail after the community's last message ends at
     * the first outgoing message. */
    for (int i = 0; i < count; i++) {
        const cJSON *m = cJSON_GetArrayItem(items, i);
        if (json_int(m, "out", NULL) != 0 || json_int(m, "from_id", NULL) != peer) {
            first_answered = i;
            break;
        }
    }
    int added = 0;
    for (int i = first_answered - 1; i >= 0; i--) {
        const cJSON *m = cJSON_GetArrayItem(items, i);
        /* What the inbox already has (handled, or older) is not read back. */
        if (json_int(m, "peer_id", NULL) != peer || json_int(m, "conversation_message_id", NULL) <= known) continue;
        cJSON *ev = cJSON_CreateObject(), *object = cJSON_AddObjectToObject(ev, "object");
        cJSON_AddNumberToObject(ev, "group_id", (double)group_id);
        cJSON_AddStringToObject(ev, "type", "message_new");
        cJSON_AddItemToObject(object, "message", cJSON_Duplicate(m, 1));
        cJSON_AddItemToArray(events, ev);
        added++;
    }
    return added;
}
