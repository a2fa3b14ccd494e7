#include "sim/max_media.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/max_world.h"
#include "sim/params.h"
#include "sim/server.h"

/* The upload token an attachment request names: payload.token, or for a
 * picture just uploaded the token of payload.photos' first version (every
 * version names the same upload here). NULL when neither. */
const char *max_attachment_token(const cJSON *payload)
{
    const char *token = sim_param_string(payload, "token");
    const cJSON *photos = cJSON_GetObjectItemCaseSensitive(payload, "photos");
    if (token || !cJSON_IsObject(photos) || !photos->child) return token;
    return sim_param_string(photos->child, "token");
}

/* The attachments of a sent message as MAX shows them in the Message: a
 * picture or file carries its url and token, a file also its name and
 * size (FileAttachment). The url is where /sim/max/file/ serves the bytes
 * the bot uploaded, so a test reads what the user would open. */
cJSON *max_attachments_shown(const cJSON *atts)
{
    cJSON *out = cJSON_Duplicate(atts, 1), *a;
    cJSON_ArrayForEach(a, out) {
        const char *type = sim_param_string(a, "type");
        cJSON *payload = cJSON_GetObjectItemCaseSensitive(a, "payload");
        const char *given = max_attachment_token(payload);
        char token[MAX_SIM_ID_MAX], url[256];
        long long size = 0;
        const char *name = given ? max_token_name(given, &size) : NULL;
        if (!type || !name || (strcmp(type, "file") != 0 && strcmp(type, "image") != 0)) continue;
        snprintf(token, sizeof token, "%s", given);
        snprintf(url, sizeof url, "http://%s/sim/max/file/%s", sim_server_address(), token);
        /* the shown payload: {url, token}, a picture's with its photo_id */
        cJSON_DeleteItemFromObjectCaseSensitive(a, "payload");
        payload = cJSON_AddObjectToObject(a, "payload");
        if (strcmp(type, "image") == 0) {   /* a number of its own: 12 hex digits of the token */
            char digits[13];
            snprintf(digits, sizeof digits, "%.12s", strlen(token) > 2 ? token + 2 : "0");
            cJSON_AddNumberToObject(payload, "photo_id", (double)strtoll(digits, NULL, 16));
        }
        cJSON_AddStringToObject(payload, "url", url);
        cJSON_AddStringToObject(payload, "token", token);
        if (strcmp(type, "file") == 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(a, "filename");
            cJSON_DeleteItemFromObjectCaseSensitive(a, "size");
            cJSON_AddStringToObject(a, "filename", name);
            cJSON_AddNumberToObject(a, "size", (double)size);
        }
    }
    return out;
}

/* The upload host's answer: {"token"} for a file (video, audio), and for
 * a picture {"photos": {"<id>": {"token"}}}, the map of its versions. */
cJSON *max_upload_answer(const char *type, const char *token)
{
    cJSON *answer = cJSON_CreateObject();
    if (strcmp(type, "image") != 0) {
        cJSON_AddStringToObject(answer, "token", token);
        return answer;
    }
    char id[MAX_SIM_ID_MAX + 8];
    snprintf(id, sizeof id, "ph_%s", token + 2);   /* the photo's id in the map, from the token's hex */
    cJSON *photo = cJSON_AddObjectToObject(cJSON_AddObjectToObject(answer, "photos"), id);
    cJSON_AddStringToObject(photo, "token", token);
    return answer;
}
