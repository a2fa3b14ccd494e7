/*
 * The simulated VK: the API methods the bot uses, served under
 * /method/<name> (form, query or JSON parameters; any access_token), the
 * Bots Long Poll server at /vk-lp, and the VK part of the control API under
 * /sim/vk/. It sits beside the Telegram simulation (tg.h) with the same
 * shape and shares the core in state.h: the lock, faults, the sent log
 * (platform "vk"), rate limits and counters.
 */
#ifndef MB_SIM_VK_H
#define MB_SIM_VK_H

#include <cjson/cJSON.h>

#include "sim/server.h"

#define VK_LONG_POLL_PATH "/vk-lp"
#define VK_METHOD_PREFIX "/method/"
#define VK_UPLOAD_PATH "/vk-upload"   /* the upload server: /vk-upload/<token> */

/* Lock not held for init and free; held for reset and stats. */
void vk_init(void);
void vk_free(void);
void vk_reset(void);
/* Adds {"vk":{...}} with the VK world's counters to obj. */
void vk_stats_add_json(cJSON *obj);

/* Serves one API call (/method/<method>); takes the lock itself. */
void vk_method_api(const sim_request *req, const char *method, sim_reply *reply);

/* Serves one a_check on the Long Poll server; takes the lock itself and
 * blocks the calling thread while the poll is held. */
void vk_long_poll(const sim_request *req, sim_reply *reply);

/* Serves one upload to the upload server (POST /vk-upload/<token>, a
 * multipart body with the part "file"); takes the lock itself. */
void vk_upload(const sim_request *req, const char *token, sim_reply *reply);

/* Serves /sim/vk/<endpoint>; takes the lock itself. */
void vk_control(const sim_request *req, const char *endpoint, sim_reply *reply);

#endif
