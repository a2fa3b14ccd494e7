/*
 * Pictures and files in the simulated MAX: the token an attachment request
 * names, how a sent message shows an uploaded file or picture (its url on
 * /sim/max/file/, a file's name and size), and the upload host's answer.
 * Called with the core lock held (sim_lock).
 */
#ifndef MB_SIM_MAX_MEDIA_H
#define MB_SIM_MAX_MEDIA_H

#include <cjson/cJSON.h>

/* The upload token an attachment request's payload names: payload.token,
 * or for a picture just uploaded the token of payload.photos' first
 * version. NULL when neither; owned by payload. */
const char *max_attachment_token(const cJSON *payload);

/* A copy of a sent message's attachments as the Message shows them
 * (caller deletes): an uploaded picture's payload {photo_id, url, token},
 * a file's {url, token} with its filename and size. */
cJSON *max_attachments_shown(const cJSON *atts);

/* The upload host's answer for an upload of type under token (caller
 * deletes): {"token"}, or for an image {"photos": {"<id>": {"token"}}}. */
cJSON *max_upload_answer(const char *type, const char *token);

#endif
