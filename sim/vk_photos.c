#include "sim/vk_photos.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/files.h"
#include "sim/params.h"
#include "sim/state.h"
#include "sim/vk.h"
#include "sim/vk_world.h"
#include "util/clock.h"
#include "util/image.h"

#define TOKEN_HEX 32                 /* characters of the token in an upload URL */
#define PHOTO_HEX 40                 /* characters naming an uploaded photo */
#define HASH_HEX 32                  /* characters of an upload's hash */
#define KEY_HEX 18                   /* characters of a saved photo's access_key */
#define PHOTO_FIELD_MAX 64           /* bytes of the "photo" string of an upload's answer */
#define UPLOAD_SERVER 836421         /* the "server" of every upload's answer */
#define MESSAGES_ALBUM (-3)          /* VK's album of photos sent in messages */
#define URL_MAX 160

typedef struct photo_upload_url {
    char token[TOKEN_HEX + 1];
    long long peer_id;
} photo_upload_url;

typedef struct uploaded_photo {
    char photo[PHOTO_FIELD_MAX];     /* the string the upload answered, as saveMessagesPhoto gets it */
    char hash[HASH_HEX + 1];
    char key[SIM_FILE_KEY_MAX];      /* where files.h keeps the bytes */
    long long peer_id;
    long width, height;
    size_t size;
} uploaded_photo;

typedef struct saved_photo {
    long long id, owner_id, date;
    char access_key[KEY_HEX + 1];
    char key[SIM_FILE_KEY_MAX];
    long width, height;
    size_t size;
} saved_photo;

static photo_upload_url *urls;
static size_t urls_len, urls_cap;
static uploaded_photo *uploaded;
static size_t uploaded_len, uploaded_cap;
static saved_photo *photos;
static size_t photos_len, photos_cap;
static long long next_photo_id = VK_PHOTO_ID_FIRST;

void vk_photos_reset(void) { urls_len = uploaded_len = photos_len = 0; }

void vk_photos_free(void)
{
    free(urls);
    free(uploaded);
    free(photos);
    urls = NULL;
    uploaded = NULL;
    photos = NULL;
    urls_len = urls_cap = uploaded_len = uploaded_cap = photos_len = photos_cap = 0;
    next_photo_id = VK_PHOTO_ID_FIRST;
}

/* ---- photos.getMessagesUploadServer ---- */

void vk_photos_get_messages_upload_server(const cJSON *params, vk_outcome *out)
{
    char url[URL_MAX];
    if (vk_upload_peer(params, out) || vk_upload_gate(out)) return;
    if (sim_array_room((void **)&urls, &urls_len, &urls_cap, VK_PHOTO_UPLOADS_MAX, sizeof *urls) ||
        vk_random_hex(urls[urls_len].token, TOKEN_HEX)) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    photo_upload_url *u = &urls[urls_len++];
    u->peer_id = out->peer_id;
    sim_limits_note(out->peer_id);
    snprintf(url, sizeof url, "http://%s%s/%s", sim_server_address(), VK_UPLOAD_PATH, u->token);
    out->response = cJSON_CreateObject();
    cJSON_AddNumberToObject(out->response, "album_id", MESSAGES_ALBUM);
    cJSON_AddStringToObject(out->response, "upload_url", url);
    cJSON_AddNumberToObject(out->response, "user_id", 0);
    cJSON_AddNumberToObject(out->response, "group_id", (double)vk.group_id);
}

/* ---- the upload server ---- */

static size_t url_find(const char *token)
{
    for (size_t i = urls_len; i-- > 0;)
        if (strcmp(urls[i].token, token) == 0) return i;
    return urls_len;
}

int vk_photos_upload_owns(const char *token) { return url_find(token) < urls_len; }

/* Why VK would not take these bytes as a photo, or NULL when it would;
 * the picture's size into img. */
static const char *photo_refusal(const sim_file_part *part, image_info *img)
{
    if ((long long)part->len > VK_PHOTO_BYTES_MAX || part->len > SIM_FILE_MAX)
        return "ERR_UPLOAD_FILE_TOO_BIG: the photo is larger than 50 MB";
    if (image_probe(part->data, part->len, img) == IMAGE_NONE)
        return "ERR_UPLOAD_INVALID_IMAGE: not a JPEG, PNG or GIF picture";
    long longer = img->width > img->height ? img->width : img->height;
    long shorter = img->width > img->height ? img->height : img->width;
    if (shorter <= 0 || img->width + img->height > VK_PHOTO_SIDES_MAX || longer > VK_PHOTO_RATIO_MAX * shorter)
        return "ERR_UPLOAD_BAD_IMAGE_SIZE: width + height must be at most 14000 pixels and the sides at most 1:20";
    return NULL;
}

static void reply_upload_error(sim_reply *reply, const char *error)
{
    cJSON *json = cJSON_CreateObject();
    cJSON_AddStringToObject(json, "error", error);
    sim_reply_json(reply, 200, json);
}

/* VK's answer when the request held no part "photo": nothing was kept,
 * which it says with an empty list. */
static void reply_nothing_kept(sim_reply *reply)
{
    char hash[HASH_HEX + 1];
    if (vk_random_hex(hash, HASH_HEX)) hash[0] = 0;
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "server", UPLOAD_SERVER);
    cJSON_AddStringToObject(json, "photo", "[]");
    cJSON_AddStringToObject(json, "hash", hash);
    sim_reply_json(reply, 200, json);
}

void vk_photos_upload(const sim_request *req, const char *token, sim_reply *reply)
{
    size_t at = url_find(token);
    const sim_file_part *part = sim_file_part_find(req->files, "photo");
    image_info img;
    const char *refusal = NULL;
    char name[PHOTO_HEX + 1];
    if (at == urls_len) {
        reply_upload_error(reply, "invalid upload url: unknown, or used already");
        return;
    }
    if (!part || !part->len) {
        reply_nothing_kept(reply);
        return;
    }
    if ((refusal = photo_refusal(part, &img))) {
        reply_upload_error(reply, refusal);
        return;
    }
    if (sim_array_room((void **)&uploaded, &uploaded_len, &uploaded_cap, VK_PHOTO_UPLOADED_MAX, sizeof *uploaded) ||
        vk_random_hex(name, PHOTO_HEX)) {
        sim_reply_error(reply, 500, "out of memory");
        return;
    }
    uploaded_photo *p = &uploaded[uploaded_len];
    memset(p, 0, sizeof *p);
    /* VK's "photo" is a JSON text of its own; only its identity matters here. */
    snprintf(p->photo, sizeof p->photo, "[{\"photo\":\"%s\"}]", name);
    snprintf(p->key, sizeof p->key, "vkphoto:%s", name);
    if (vk_random_hex(p->hash, HASH_HEX) || sim_file_keep(p->key, part->data, part->len)) {
        sim_reply_error(reply, 500, "out of memory");
        return;
    }
    p->peer_id = urls[at].peer_id;
    p->width = img.width;
    p->height = img.height;
    p->size = part->len;
    uploaded_len++;
    sim_array_remove(urls, &urls_len, at, sizeof *urls);
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "server", UPLOAD_SERVER);
    cJSON_AddStringToObject(json, "photo", p->photo);
    cJSON_AddStringToObject(json, "hash", p->hash);
    sim_reply_json(reply, 200, json);
}

/* ---- photos.saveMessagesPhoto ---- */

static uploaded_photo *uploaded_find(const char *photo)
{
    for (size_t i = uploaded_len; photo && i-- > 0;)
        if (strcmp(uploaded[i].photo, photo) == 0) return &uploaded[i];
    return NULL;
}

long long vk_photos_upload_peer(const char *photo)
{
    uploaded_photo *p = uploaded_find(photo);
    return p ? p->peer_id : 0;
}

static cJSON *photo_json(const saved_photo *p, int full)
{
    char url[URL_MAX];
    snprintf(url, sizeof url, "http://%s/sim/vk/photo/%lld_%lld", sim_server_address(), p->owner_id, p->id);
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "id", (double)p->id);
    cJSON_AddNumberToObject(json, "owner_id", (double)p->owner_id);
    if (full) {
        cJSON_AddNumberToObject(json, "album_id", MESSAGES_ALBUM);
        cJSON_AddNumberToObject(json, "date", (double)p->date);
        cJSON_AddStringToObject(json, "access_key", p->access_key);
        cJSON_AddStringToObject(json, "text", "");
        cJSON *sizes = cJSON_AddArrayToObject(json, "sizes"), *size = cJSON_CreateObject();
        cJSON_AddStringToObject(size, "type", "w");
        cJSON_AddStringToObject(size, "url", url);
        cJSON_AddNumberToObject(size, "width", (double)p->width);
        cJSON_AddNumberToObject(size, "height", (double)p->height);
        cJSON_AddItemToArray(sizes, size);
        return json;
    }
    cJSON_AddNumberToObject(json, "width", (double)p->width);
    cJSON_AddNumberToObject(json, "height", (double)p->height);
    cJSON_AddNumberToObject(json, "size", (double)p->size);
    cJSON_AddStringToObject(json, "url", url);
    return json;
}

void vk_photos_save_messages_photo(const cJSON *params, vk_outcome *out)
{
    const char *photo = sim_param_string(params, "photo"), *hash = sim_param_string(params, "hash");
    long long server = 0;
    if (!photo || !photo[0] || strcmp(photo, "[]") == 0) {
        vk_fail_param(out, "photo is undefined");
        return;
    }
    uploaded_photo *p = uploaded_find(photo);
    if (!p || sim_param_int64(params, "server", &server) != SIM_PARAM_OK || server != UPLOAD_SERVER) {
        vk_fail_param(out, "photo is invalid");
        return;
    }
    out->peer_id = p->peer_id;
    if (!hash || strcmp(hash, p->hash) != 0) {
        vk_fail(out, VK_ERR_INVALID_HASH, "Invalid hash");
        return;
    }
    if (sim_array_room((void **)&photos, &photos_len, &photos_cap, VK_PHOTOS_MAX, sizeof *photos)) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    saved_photo *s = &photos[photos_len];
    memset(s, 0, sizeof *s);
    if (vk_random_hex(s->access_key, KEY_HEX)) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    photos_len++;
    s->id = next_photo_id++;
    /* A community's photos belong to it: owner_id is minus the group id. */
    s->owner_id = vk.group_id > 0 ? -vk.group_id : p->peer_id;
    s->date = clock_now_ms() / 1000;
    snprintf(s->key, sizeof s->key, "%s", p->key);
    s->width = p->width;
    s->height = p->height;
    s->size = p->size;
    sim_array_remove(uploaded, &uploaded_len, (size_t)(p - uploaded), sizeof *uploaded);
    out->response = cJSON_CreateArray();
    cJSON_AddItemToArray(out->response, photo_json(s, 1));
}

/* ---- attachments and downloads ---- */

static saved_photo *photo_find(long long owner_id, long long id)
{
    for (size_t i = photos_len; i-- > 0;)
        if (photos[i].owner_id == owner_id && photos[i].id == id) return &photos[i];
    return NULL;
}

/* Reads "<owner_id>_<id>" at s; *end gets what follows. 0 when it is one. */
static int ref_read(const char *s, long long *owner_id, long long *id, const char **end)
{
    char *e;
    errno = 0;
    *owner_id = strtoll(s, &e, 10);
    if (errno || e == s || *e != '_' || !isdigit((unsigned char)e[1])) return -1;
    *id = strtoll(e + 1, &e, 10);
    if (errno || *id <= 0) return -1;
    *end = e;
    return 0;
}

cJSON *vk_photos_attachment(const char *s, size_t n)
{
    char item[128];
    long long owner_id, id;
    const char *end;
    if (n < 6 || n >= sizeof item || strncmp(s, "photo", 5) != 0) return NULL;
    memcpy(item, s, n);
    item[n] = 0;
    if (ref_read(item + 5, &owner_id, &id, &end)) return NULL;
    saved_photo *p = photo_find(owner_id, id);
    if (!p || (*end && (*end != '_' || strcmp(end + 1, p->access_key) != 0))) return NULL;
    return photo_json(p, 0);
}

void vk_photos_serve(const char *name, sim_reply *reply)
{
    long long owner_id, id;
    const char *end, *bytes = NULL;
    size_t len = 0;
    saved_photo *p = ref_read(name, &owner_id, &id, &end) || *end ? NULL : photo_find(owner_id, id);
    if (p) bytes = sim_file_get(p->key, &len);
    if (bytes) sim_reply_bytes(reply, bytes, len);
    else sim_reply_error(reply, 404, "no such photo");
}
