/*
 * VK's way of sending a file: docs.getMessagesUploadServer hands out a
 * one-time upload URL on the simulator itself, the file is POSTed there as
 * multipart (part "file") and answered with an opaque file string, and
 * docs.save turns that string, once, into a document that messages.send
 * can attach as doc<owner_id>_<id>. A photo or document a user sent the
 * community may be sent on too, named with its access key
 * (photo<owner_id>_<id>_<access_key>), as VK allows.
 */
#include "sim/vk_docs.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/files.h"
#include "sim/params.h"
#include "sim/state.h"
#include "sim/vk.h"
#include "sim/vk_methods.h"
#include "sim/vk_photos.h"
#include "sim/vk_world.h"
#include "util/clock.h"

#define VK_UPLOAD_TOKEN_HEX 32        /* characters of the token in an upload URL */
#define VK_FILE_HEX 40                /* characters of an uploaded file's string */
#define VK_UPLOAD_TYPE_MAX 16
#define VK_FILE_NAME_MAX 256          /* bytes of an uploaded file's name, as params.c keeps it */
#define VK_DOC_EXT_MAX 16             /* bytes of an extension, NUL included */
#define VK_ATTACHMENTS_MAX 10         /* attachments of one message, as in VK */
#define VK_ATTACHMENT_MAX 128         /* bytes of one item of `attachment` */
#define VK_DOC_URL_MAX 160
#define VK_DOC_TYPE_OTHER 8           /* VK's document type for an unknown extension */
#define VK_SHARED_MAX 1000            /* media users sent; the oldest half goes */

typedef struct upload_url {
    char token[VK_UPLOAD_TOKEN_HEX + 1];
    long long peer_id;
} upload_url;

typedef struct uploaded_file {
    char file[VK_FILE_HEX + 1];
    long long peer_id;
    char name[VK_FILE_NAME_MAX];
    size_t size;
} uploaded_file;

typedef struct saved_doc {
    long long id, owner_id, date;
    char title[VK_DOC_TITLE_MAX + 1];
    char ext[VK_DOC_EXT_MAX];
    char key[SIM_FILE_KEY_MAX];   /* where files.h keeps the bytes */
    size_t size;
    int type;
} saved_doc;

static upload_url *uploads;
static size_t uploads_len, uploads_cap;
static uploaded_file *uploaded;
static size_t uploaded_len, uploaded_cap;
static saved_doc *docs;
static size_t docs_len, docs_cap;
static long long next_doc_id = VK_DOC_ID_FIRST;

/* A user's photo or document, by the reference messages.send takes. */
typedef struct shared_media {
    char ref[VK_ATTACHMENT_MAX];
    char type[8];
} shared_media;

static shared_media *shared;
static size_t shared_len, shared_cap;

void vk_docs_reset(void) { uploads_len = uploaded_len = docs_len = shared_len = 0; }

void vk_docs_free(void)
{
    free(uploads);
    free(uploaded);
    free(docs);
    free(shared);
    uploads = NULL;
    uploaded = NULL;
    docs = NULL;
    shared = NULL;
    uploads_len = uploads_cap = uploaded_len = uploaded_cap = docs_len = docs_cap = 0;
    shared_len = shared_cap = 0;
    next_doc_id = VK_DOC_ID_FIRST;
}

static void file_key(const char *file, char key[SIM_FILE_KEY_MAX])
{
    snprintf(key, SIM_FILE_KEY_MAX, "vk:%s", file);
}

/* ---- docs.getMessagesUploadServer ---- */

/* VK serves messages uploads of these types; all are saved as documents here. */
static int upload_type_valid(const char *type)
{
    return strcmp(type, "doc") == 0 || strcmp(type, "audio_message") == 0 || strcmp(type, "graffiti") == 0;
}

void vk_docs_get_messages_upload_server(const cJSON *params, vk_outcome *out)
{
    const char *type = sim_param_string(params, "type");
    char url[VK_DOC_URL_MAX];
    if (vk_upload_peer(params, out)) return;
    if (type && type[0] && !upload_type_valid(type)) {
        vk_fail_param(out, "type is invalid");
        return;
    }
    if (vk_upload_gate(out)) return;
    if (sim_array_room((void **)&uploads, &uploads_len, &uploads_cap, VK_UPLOADS_MAX, sizeof *uploads) ||
        vk_random_hex(uploads[uploads_len].token, VK_UPLOAD_TOKEN_HEX)) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    upload_url *u = &uploads[uploads_len++];
    u->peer_id = out->peer_id;
    sim_limits_note(out->peer_id);
    snprintf(url, sizeof url, "http://%s%s/%s", sim_server_address(), VK_UPLOAD_PATH, u->token);
    out->response = cJSON_CreateObject();
    cJSON_AddStringToObject(out->response, "upload_url", url);
}

/* ---- the upload server ---- */

/* Applies a fault queued for "vk-upload". 1 when it decided the answer
 * (a delay only holds the answer back). */
static int upload_fault(sim_reply *reply)
{
    sim_fault f = {0};
    int decided = 1;
    if (!sim_fault_take("vk-upload", &f)) return 0;
    if (f.kind == SIM_FAULT_DROP || f.kind == SIM_FAULT_DROP_AFTER) {
        reply->drop = 1; /* an upload that went unanswered is not kept */
    } else if (f.kind == SIM_FAULT_TRUNCATE) {
        decided = 0; /* upload answers are not cut */
    } else if (f.kind == SIM_FAULT_DELAY) {
        reply->delay_ms = f.delay_ms;
        decided = 0;
    } else if (cJSON_IsString(f.body)) {
        reply->status = f.status;
        reply->body = strdup(f.body->valuestring);
        reply->body_len = reply->body ? strlen(reply->body) : 0;
    } else if (f.body) {
        sim_reply_json(reply, f.status, f.body);
        f.body = NULL;
    } else {
        sim_reply_error(reply, f.status, "internal server error");
    }
    if (f.kind == SIM_FAULT_STATUS && f.status != 200) sim_stats_error(f.status);
    cJSON_Delete(f.body);
    return decided;
}

static size_t upload_find(const char *token)
{
    for (size_t i = uploads_len; i-- > 0;)
        if (strcmp(uploads[i].token, token) == 0) return i;
    return uploads_len;
}

/* Keeps the part's bytes as a new uploaded file; its string goes in file. */
static int upload_keep(const sim_file_part *part, const cJSON *described, long long peer_id,
                       char file[VK_FILE_HEX + 1])
{
    char key[SIM_FILE_KEY_MAX];
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(described, "file_name");
    if (sim_array_room((void **)&uploaded, &uploaded_len, &uploaded_cap, VK_UPLOADED_MAX, sizeof *uploaded) ||
        vk_random_hex(file, VK_FILE_HEX))
        return -1;
    file_key(file, key);
    if (sim_file_keep(key, part->data, part->len)) return -1;
    uploaded_file *f = &uploaded[uploaded_len++];
    memcpy(f->file, file, VK_FILE_HEX + 1);
    f->peer_id = peer_id;
    snprintf(f->name, sizeof f->name, "%s", cJSON_IsString(name) && name->valuestring[0] ? name->valuestring : "file");
    f->size = part->len;
    return 0;
}

/* Answers the way VK's upload servers do: HTTP 200 with {"file":"..."}, or
 * with {"error":"..."}. Only an upload that worked uses the URL up. */
void vk_upload(const sim_request *req, const char *token, sim_reply *reply)
{
    char file[VK_FILE_HEX + 1];
    sim_lock();
    sim_stats_call("vk-upload");
    if (upload_fault(reply)) goto out;
    if (strcmp(req->verb, "POST") != 0) {
        sim_reply_error(reply, 405, "use POST");
        goto out;
    }
    if (vk_photos_upload_owns(token)) {
        vk_photos_upload(req, token, reply);
        goto out;
    }
    size_t at = upload_find(token);
    const cJSON *described = cJSON_GetObjectItemCaseSensitive(req->params, "file");
    const sim_file_part *part = cJSON_IsObject(described) ? sim_file_part_find(req->files, "file") : NULL;
    if (at == uploads_len) {
        sim_reply_error(reply, 200, "invalid upload url: unknown, or used already");
    } else if (!part) {
        sim_reply_error(reply, 200, "no file");
    } else if (!part->len) {
        sim_reply_error(reply, 200, "empty file");
    } else if (part->len > SIM_FILE_MAX) {
        sim_reply_error(reply, 200, "file is too large");
    } else if (upload_keep(part, described, uploads[at].peer_id, file)) {
        sim_reply_error(reply, 500, "out of memory");
    } else {
        sim_array_remove(uploads, &uploads_len, at, sizeof *uploads);
        cJSON *json = cJSON_CreateObject();
        cJSON_AddStringToObject(json, "file", file);
        sim_reply_json(reply, 200, json);
    }
out:
    sim_unlock();
}

/* ---- docs.save ---- */

static uploaded_file *uploaded_find(const char *file)
{
    for (size_t i = uploaded_len; file && i-- > 0;)
        if (strcmp(uploaded[i].file, file) == 0) return &uploaded[i];
    return NULL;
}

long long vk_docs_file_peer(const char *file)
{
    uploaded_file *f = uploaded_find(file);
    return f ? f->peer_id : 0;
}

/* The extension of a file name, lower case, "" when it has none. */
static void ext_of(const char *name, char ext[VK_DOC_EXT_MAX])
{
    const char *dot = strrchr(name, '.');
    size_t n = 0;
    if (dot && dot != name && !strchr(dot, '/'))
        for (dot++; dot[n] && n + 1 < VK_DOC_EXT_MAX; n++) ext[n] = (char)tolower((unsigned char)dot[n]);
    ext[n] = 0;
}

/* VK's document type: 1 text, 2 archive, 3 gif, 4 image, 5 audio, 6 video,
 * 7 e-book, 8 anything else. */
static int doc_type(const char *ext)
{
    static const struct { const char *ext; int type; } TYPES[] = {
        {"txt", 1}, {"csv", 1}, {"pdf", 1}, {"doc", 1}, {"docx", 1}, {"rtf", 1}, {"odt", 1},
        {"xls", 1}, {"xlsx", 1}, {"ods", 1}, {"zip", 2}, {"rar", 2}, {"7z", 2}, {"gz", 2},
        {"tar", 2}, {"gif", 3}, {"jpg", 4}, {"jpeg", 4}, {"png", 4}, {"bmp", 4}, {"mp3", 5},
        {"ogg", 5}, {"wav", 5}, {"mp4", 6}, {"avi", 6}, {"mkv", 6}, {"epub", 7}, {"fb2", 7},
    };
    for (size_t i = 0; i < sizeof TYPES / sizeof *TYPES; i++)
        if (strcmp(TYPES[i].ext, ext) == 0) return TYPES[i].type;
    return VK_DOC_TYPE_OTHER;
}

/* A document as docs.save answers it (full) or as the sent log shows an
 * attachment: {"id","owner_id","title","size","ext","url"}. */
static cJSON *doc_json(const saved_doc *d, int full)
{
    char url[VK_DOC_URL_MAX];
    cJSON *json = cJSON_CreateObject();
    snprintf(url, sizeof url, "http://%s/sim/vk/doc/%lld_%lld", sim_server_address(), d->owner_id, d->id);
    cJSON_AddNumberToObject(json, "id", (double)d->id);
    cJSON_AddNumberToObject(json, "owner_id", (double)d->owner_id);
    cJSON_AddStringToObject(json, "title", d->title);
    cJSON_AddNumberToObject(json, "size", (double)d->size);
    cJSON_AddStringToObject(json, "ext", d->ext);
    if (full) {
        cJSON_AddNumberToObject(json, "date", (double)d->date);
        cJSON_AddNumberToObject(json, "type", d->type);
    }
    cJSON_AddStringToObject(json, "url", url);
    return json;
}

void vk_docs_save(const cJSON *params, vk_outcome *out)
{
    const char *title = sim_param_string(params, "title");
    uploaded_file *f = uploaded_find(sim_param_string(params, "file"));
    if (!f) {
        vk_fail_param(out, "file is invalid");
        return;
    }
    out->peer_id = f->peer_id;
    if (title && strlen(title) > VK_DOC_TITLE_MAX) {
        vk_fail_param(out, "title is too long");
        return;
    }
    size_t at = (size_t)(f - uploaded);
    if (sim_array_room((void **)&docs, &docs_len, &docs_cap, VK_DOCS_MAX, sizeof *docs)) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    saved_doc *d = &docs[docs_len++];
    memset(d, 0, sizeof *d);
    d->id = next_doc_id++;
    /* A community's documents belong to it: owner_id is minus the group id. */
    d->owner_id = vk.group_id > 0 ? -vk.group_id : f->peer_id;
    d->date = clock_now_ms() / 1000;
    snprintf(d->title, sizeof d->title, "%s", title && title[0] ? title : f->name);
    ext_of(f->name, d->ext);
    d->type = doc_type(d->ext);
    file_key(f->file, d->key);
    d->size = f->size;
    sim_array_remove(uploaded, &uploaded_len, at, sizeof *uploaded);
    out->response = cJSON_CreateObject();
    cJSON_AddStringToObject(out->response, "type", "doc");
    cJSON_AddItemToObject(out->response, "doc", doc_json(d, 1));
}

/* ---- attachments and downloads ---- */

static saved_doc *doc_find(long long owner_id, long long id)
{
    for (size_t i = docs_len; i-- > 0;)
        if (docs[i].owner_id == owner_id && docs[i].id == id) return &docs[i];
    return NULL;
}

/* Reads "<owner_id>_<id>" at s; *end gets what follows. 0 when it is one. */
static int doc_ref_read(const char *s, long long *owner_id, long long *id, const char **end)
{
    char *e;
    errno = 0;
    *owner_id = strtoll(s, &e, 10);
    if (errno || e == s || *e != '_' || !isdigit((unsigned char)e[1])) return -1;
    s = e + 1;
    *id = strtoll(s, &e, 10);
    if (errno || *id <= 0) return -1;
    *end = e;
    return 0;
}

/* The saved document one item of `attachment` names (n bytes at s, white
 * space around it allowed), or NULL. */
static saved_doc *attachment_doc(const char *s, size_t n)
{
    char item[VK_ATTACHMENT_MAX];
    long long owner_id, id;
    const char *end;
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (n < 4 || n >= sizeof item || strncmp(s, "doc", 3) != 0) return NULL;
    memcpy(item, s, n);
    item[n] = 0;
    if (doc_ref_read(item + 3, &owner_id, &id, &end)) return NULL;
    /* An access key may follow: doc<owner>_<id>_<key>. */
    if (*end == '_') {
        if (!end[1]) return NULL;
        for (end++; *end; end++)
            if (!isalnum((unsigned char)*end)) return NULL;
    }
    return *end ? NULL : doc_find(owner_id, id);
}

int vk_docs_share(const cJSON *attachment)
{
    const char *type = sim_param_string(attachment, "type");
    if (!type || (strcmp(type, "photo") != 0 && strcmp(type, "doc") != 0)) return 0;
    const cJSON *media = cJSON_GetObjectItemCaseSensitive(attachment, type);
    const char *key = sim_param_string(media, "access_key");
    long long owner_id, id;
    if (sim_param_int64(media, "owner_id", &owner_id) != SIM_PARAM_OK ||
        sim_param_int64(media, "id", &id) != SIM_PARAM_OK)
        return -1;
    if (sim_array_room((void **)&shared, &shared_len, &shared_cap, VK_SHARED_MAX, sizeof *shared)) return -1;
    shared_media *m = &shared[shared_len];
    int n = snprintf(m->ref, sizeof m->ref, "%s%lld_%lld%s%s", type, owner_id, id, key && *key ? "_" : "",
                     key && *key ? key : "");
    if (n < 0 || (size_t)n >= sizeof m->ref) return -1;
    snprintf(m->type, sizeof m->type, "%s", type);
    shared_len++;
    return 0;
}

/* A user's media one item of `attachment` names exactly (access key and
 * all), described for the sent log, or NULL. */
static cJSON *attachment_shared(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) s++, n--;
    while (n && isspace((unsigned char)s[n - 1])) n--;
    for (size_t i = 0; i < shared_len; i++) {
        if (strlen(shared[i].ref) != n || strncmp(shared[i].ref, s, n) != 0) continue;
        cJSON *json = cJSON_CreateObject();
        cJSON_AddStringToObject(json, "type", shared[i].type);
        cJSON_AddStringToObject(json, "ref", shared[i].ref);
        return json;
    }
    return NULL;
}

int vk_docs_attachment(const cJSON *params, cJSON **found, cJSON **photos, vk_outcome *out)
{
    const char *list = sim_param_string(params, "attachment");
    int count = 0;
    *found = *photos = NULL;
    if (!list || !list[0]) return 0;
    cJSON *descriptions = cJSON_CreateArray(), *pictures = cJSON_CreateArray();
    for (const char *p = list; descriptions && pictures;) {
        size_t n = strcspn(p, ","), trimmed = n;
        const char *item = p;
        while (trimmed && isspace((unsigned char)*item)) item++, trimmed--;
        while (trimmed && isspace((unsigned char)item[trimmed - 1])) trimmed--;
        int within = ++count <= VK_ATTACHMENTS_MAX;
        saved_doc *d = within ? attachment_doc(p, n) : NULL;
        cJSON *media = d || !within ? NULL : attachment_shared(p, n);
        cJSON *photo = d || media || !within ? NULL : vk_photos_attachment(item, trimmed);
        if (!d && !media && !photo) {
            cJSON_Delete(descriptions);
            cJSON_Delete(pictures);
            vk_fail_param(out, "attachment is invalid");
            return -1;
        }
        if (photo) cJSON_AddItemToArray(pictures, photo);
        else cJSON_AddItemToArray(descriptions, d ? doc_json(d, 0) : media);
        if (!p[n]) break;
        p += n + 1;
    }
    if (!descriptions || !pictures) {
        cJSON_Delete(descriptions);
        cJSON_Delete(pictures);
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return -1;
    }
    if (cJSON_GetArraySize(descriptions)) *found = descriptions;
    else cJSON_Delete(descriptions);
    if (cJSON_GetArraySize(pictures)) *photos = pictures;
    else cJSON_Delete(pictures);
    return 0;
}

void vk_docs_serve(const char *name, sim_reply *reply)
{
    long long owner_id, id;
    const char *end, *bytes = NULL;
    size_t len = 0;
    saved_doc *d = doc_ref_read(name, &owner_id, &id, &end) || *end ? NULL : doc_find(owner_id, id);
    if (d) bytes = sim_file_get(d->key, &len);
    if (bytes) sim_reply_bytes(reply, bytes, len);
    else sim_reply_error(reply, 404, "no such document");
}
