/*
 * What a VK API method produced, and the methods that put something in a
 * conversation (vk_send.c) or handle documents (vk_docs.c), shared with
 * the dispatcher (vk.c). Every method runs with the core lock held. VK
 * answers every API error with HTTP 200 and
 * {"error":{"error_code","error_msg","request_params"}}.
 */
#ifndef MB_SIM_VK_METHODS_H
#define MB_SIM_VK_METHODS_H

#include <cjson/cJSON.h>

#define VK_ERROR_MSG_MAX 256

/* VK's error codes the simulator gives. */
#define VK_ERR_UNKNOWN_METHOD 3
#define VK_ERR_AUTH 5
#define VK_ERR_TOO_MANY 6
#define VK_ERR_INVALID_REQUEST 8
#define VK_ERR_INTERNAL 10
#define VK_ERR_PARAM 100
#define VK_ERR_INVALID_HASH 121
#define VK_ERR_NO_PERMISSION 901
#define VK_ERR_KEYBOARD 911
#define VK_ERR_TOO_LONG 914

#define VK_MSG_NO_PERMISSION "Can't send messages for users without permission"

typedef struct vk_outcome {
    int error_code;                 /* 0 on success */
    char error_msg[VK_ERROR_MSG_MAX];
    cJSON *response;                /* on success; NULL means 1 */
    long long peer_id;              /* the conversation the call concerned, for the sent log */
    const char *note;               /* for the sent log's "fault": "random_id_repeat" */
    cJSON *log_fields;              /* NULL, or fields added to the sent-log entry (sim_sent_extend) */
} vk_outcome;

typedef void (*vk_method_fn)(const cJSON *params, vk_outcome *out);

/* Sets an error answer. */
void vk_fail(vk_outcome *out, int error_code, const char *error_msg);

/* Sets VK's error 100 for a parameter, what saying which and why. */
void vk_fail_param(vk_outcome *out, const char *what);

/* Checks the rate limits for one more sending call to peer_id; on excess
 * sets error 6, counts the violation and returns -1. */
int vk_rate_gate(long long peer_id, vk_outcome *out);

/* The checks before VK hands out an upload URL: params name a peer_id
 * (kept in out), which vk_upload_gate then requires to be a conversation
 * the community may write to, under the rate limits. Each sets the error
 * and returns -1 when its check fails. */
int vk_upload_peer(const cJSON *params, vk_outcome *out);
int vk_upload_gate(vk_outcome *out);

/* Adds value (ownership taken) as field name of the call's sent-log entry. */
void vk_log_field(vk_outcome *out, const char *name, cJSON *value);

void vk_messages_send(const cJSON *params, vk_outcome *out);
void vk_messages_edit(const cJSON *params, vk_outcome *out);
void vk_messages_send_message_event_answer(const cJSON *params, vk_outcome *out);
void vk_docs_get_messages_upload_server(const cJSON *params, vk_outcome *out);
void vk_docs_save(const cJSON *params, vk_outcome *out);

/* Reads messages.send's (or messages.edit's) `attachment`: a comma-separated
 * list of documents, doc<owner_id>_<id> or doc<owner_id>_<id>_<access_key>,
 * each a document docs.save made (or one a user sent), and photos
 * photo<owner_id>_<id>_<access_key> that photos.saveMessagesPhoto made.
 * 0 with *docs a new array of the documents' (and users' media)
 * descriptions for the sent log ({"id","owner_id","title","size","ext",
 * "url"}) and *photos one of the photos' ({"id","owner_id","width",
 * "height","size","url"}), each NULL when there is none; -1 with error 100
 * set otherwise. */
int vk_docs_attachment(const cJSON *params, cJSON **docs, cJSON **photos, vk_outcome *out);

/* The conversation an uploaded file string was uploaded for, 0 when unknown
 * (for logging docs.save calls that did not run). */
long long vk_docs_file_peer(const char *file);

#endif
