/*
 * The control API under /sim/: the platform-independent endpoints (faults,
 * rate limits, counters, reset) and the hand-over of /sim/tg/...,
 * /sim/vk/... and /sim/max/... to the Telegram, VK and MAX simulations. Tests drive the simulator
 * only through here.
 */
#ifndef MB_SIM_CONTROL_H
#define MB_SIM_CONTROL_H

#include "sim/server.h"

#define SIM_SENT_WAIT_MAX_MS 30000   /* longest hold of GET /sim/<platform>/sent?wait_ms= */

/* Serves one request whose path starts with "/sim/"; takes the lock itself. */
void sim_control(const sim_request *req, sim_reply *reply);

/* ---- pieces the platforms' control APIs (tg_control.c, vk_control.c) share ---- */

/* What an endpoint under /sim/tg/ or /sim/vk/ accepts. */
typedef enum sim_endpoint_kind {
    SIM_ENDPOINT_ANY,   /* any verb: the reads */
    SIM_ENDPOINT_BODY,  /* POST; reads the raw body, which need not be JSON */
    SIM_ENDPOINT_JSON,  /* POST whose body parsed into req->params */
} sim_endpoint_kind;

typedef struct sim_endpoint {
    const char *name;
    sim_endpoint_kind kind;
    void (*serve)(const sim_request *req, sim_reply *reply); /* called with the lock held */
} sim_endpoint;

/* Serves endpoint from table under the lock. The checks run in this order:
 * an ANY endpoint, 405 for a verb other than POST, a BODY endpoint, 400 for
 * a body that is not valid JSON, a JSON endpoint, 404 for the rest. */
void sim_control_route(const sim_endpoint *table, size_t count, const sim_request *req,
                       const char *endpoint, sim_reply *reply);

/* GET /sim/<platform>/sent: the calls the bot made on platform after
 * `after`, only to the conversation chat_param names when given, held up
 * to wait_ms (at most SIM_SENT_WAIT_MAX_MS) until there is one. Lock held. */
void sim_control_sent(const sim_request *req, sim_reply *reply, const char *platform,
                      const char *chat_param);

/* POST /sim/<platform>/raw: keeps a copy of the body in *raw_next (freeing
 * the one before) for the platform's next poll to answer verbatim. 0 when
 * kept; -1 with a 500 set when out of memory. Lock held. */
int sim_control_raw(const sim_request *req, sim_reply *reply, char **raw_next, size_t *raw_next_len);

#endif
