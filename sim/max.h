/*
 * The simulated MAX: the Bot API calls the bot makes, served under /max
 * (the bot's api_base is http://HOST:PORT/max), the upload host at
 * /max-upload/<id>, and the MAX part of the control API under /sim/max/.
 * It sits beside the Telegram and VK simulations with the same shape and
 * shares the core in state.h: the lock, faults (method names
 * "max.updates", "max.messages", "max.messages.edit", "max.answers",
 * "max.uploads", "max.upload", "max.me"), the sent log (platform "max";
 * a dialog's calls filed under the user's id, a group's under its chat_id),
 * rate limits and counters.
 *
 * Every API call must carry the token in the Authorization header (any
 * non-empty token); without it the answer is 401 verify.token, as MAX
 * answers a missing token. Errors are MAX's {"code","message"} bodies.
 */
#ifndef MB_SIM_MAX_H
#define MB_SIM_MAX_H

#include <cjson/cJSON.h>

#include "sim/server.h"

#define MAX_SIM_API_PREFIX "/max"
#define MAX_SIM_UPLOAD_PATH "/max-upload"   /* the upload host: /max-upload/<id> */

/* Lock not held for init and free; held for reset and stats. */
void max_sim_init(void);
void max_sim_free(void);
void max_sim_reset(void);
/* Adds {"max":{...}} with the MAX world's counters to obj. */
void max_sim_stats_add_json(cJSON *obj);

/* Serves one API call; path is what follows MAX_SIM_API_PREFIX
 * ("/messages"). Takes the lock itself; GET /updates blocks the calling
 * thread while the long poll is held. */
void max_sim_api(const sim_request *req, const char *path, sim_reply *reply);

/* Serves one upload (POST /max-upload/<id>, multipart with the part
 * "data"); takes the lock itself. */
void max_sim_upload(const sim_request *req, const char *id, sim_reply *reply);

/* Serves /sim/max/<endpoint>; takes the lock itself. */
void max_sim_control(const sim_request *req, const char *endpoint, sim_reply *reply);

#endif
