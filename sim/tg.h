/*
 * The simulated Telegram: the Bot API methods the bot uses, served under
 * /bot<token>/<method>, and the Telegram part of the control API under
 * /sim/tg/. A VK simulation would sit beside it as vk.h with the same shape.
 */
#ifndef MB_SIM_TG_H
#define MB_SIM_TG_H

#include <cjson/cJSON.h>

#include "sim/server.h"

/* Lock not held for init and free; held for reset and stats. */
void tg_init(void);
void tg_free(void);
void tg_reset(void);
void tg_stats_add_json(cJSON *obj);

/* Serves one Bot API call; takes the lock itself. A getUpdates long poll
 * blocks the calling thread until it can answer. */
void tg_bot_api(const sim_request *req, const char *method, sim_reply *reply);

/* Serves /sim/tg/<endpoint>; takes the lock itself. */
void tg_control(const sim_request *req, const char *endpoint, sim_reply *reply);

/* Telegram's answers for a path that names no method and for a body over
 * SIM_BODY_MAX. No lock needed. */
void tg_not_found(sim_reply *reply);
void tg_too_large(sim_reply *reply);

#endif
