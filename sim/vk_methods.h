/*
 * What a VK API method produced, and the methods that put something in a
 * conversation (vk_send.c), shared with the dispatcher (vk.c). Every method
 * runs with the core lock held. VK answers every API error with HTTP 200
 * and {"error":{"error_code","error_msg","request_params"}}.
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
#define VK_ERR_NO_PERMISSION 901
#define VK_ERR_KEYBOARD 911
#define VK_ERR_TOO_LONG 914

typedef struct vk_outcome {
    int error_code;                 /* 0 on success */
    char error_msg[VK_ERROR_MSG_MAX];
    cJSON *response;                /* on success; NULL means 1 */
    long long peer_id;              /* the conversation the call concerned, for the sent log */
    const char *note;               /* for the sent log's "fault": "random_id_repeat" */
} vk_outcome;

typedef void (*vk_method_fn)(const cJSON *params, vk_outcome *out);

/* Sets an error answer. */
void vk_fail(vk_outcome *out, int error_code, const char *error_msg);

void vk_messages_send(const cJSON *params, vk_outcome *out);
void vk_messages_edit(const cJSON *params, vk_outcome *out);
void vk_messages_send_message_event_answer(const cJSON *params, vk_outcome *out);

#endif
