/*
 * Photos the simulated VK community sends in messages:
 * photos.getMessagesUploadServer hands out a one-time upload URL on the
 * upload server (/vk-upload/<token>, shared with documents), the picture
 * is POSTed there as multipart part "photo" and answered with
 * {"server","photo","hash"}, and photos.saveMessagesPhoto turns those, once,
 * into a photo messages.send attaches as photo<owner_id>_<id>_<access_key>.
 * Only a JPEG, PNG or GIF within VK's limits is taken. All of it lives
 * under the core lock; the bytes are kept in the core's file store.
 */
#ifndef MB_SIM_VK_PHOTOS_H
#define MB_SIM_VK_PHOTOS_H

#include <cjson/cJSON.h>

#include "sim/server.h"
#include "sim/vk_methods.h"

#define VK_PHOTO_UPLOADS_MAX 1000      /* photo upload URLs not used yet; the oldest half goes */
#define VK_PHOTO_UPLOADED_MAX 1000     /* uploaded photos not saved yet; the oldest half goes */
#define VK_PHOTOS_MAX 10000            /* saved photos; the oldest half goes */
#define VK_PHOTO_ID_FIRST 457239001LL  /* the id of the first saved photo */
#define VK_PHOTO_BYTES_MAX (50LL * 1024 * 1024)   /* VK's cap on a photo (the core keeps up to SIM_FILE_MAX) */
#define VK_PHOTO_SIDES_MAX 14000       /* pixels: width + height */
#define VK_PHOTO_RATIO_MAX 20          /* the longer side at most this many times the shorter */

/* Forgets upload URLs, uploads and photos (not the id counter). Lock held. */
void vk_photos_reset(void);
void vk_photos_free(void);

void vk_photos_get_messages_upload_server(const cJSON *params, vk_outcome *out);
void vk_photos_save_messages_photo(const cJSON *params, vk_outcome *out);

/* 1 when token is a photo upload URL's (then vk_photos_upload answers it). */
int vk_photos_upload_owns(const char *token);
/* Answers the POST of a picture to the photo upload URL token. Lock held. */
void vk_photos_upload(const sim_request *req, const char *token, sim_reply *reply);

/* The conversation an uploaded photo string was uploaded for, 0 when
 * unknown (for logging calls that did not run). */
long long vk_photos_upload_peer(const char *photo);

/* The saved photo one item of `attachment` names (n bytes at s, without
 * white space): photo<owner_id>_<id> or photo<owner_id>_<id>_<access_key>
 * with its own key. Its description for the sent log ({"id","owner_id",
 * "width","height","size","url"}), or NULL. Lock held. */
cJSON *vk_photos_attachment(const char *s, size_t n);

/* GET /sim/vk/photo/<owner_id>_<id>: the photo's bytes, or a 404. Lock held. */
void vk_photos_serve(const char *name, sim_reply *reply);

#endif
