/*
 * The control API under /sim/: the platform-independent endpoints (faults,
 * rate limits, counters, reset) and the hand-over of /sim/tg/... and
 * /sim/vk/... to the Telegram and VK simulations. Tests drive the simulator
 * only through here.
 */
#ifndef MB_SIM_CONTROL_H
#define MB_SIM_CONTROL_H

#include "sim/server.h"

/* Serves one request whose path starts with "/sim/"; takes the lock itself. */
void sim_control(const sim_request *req, sim_reply *reply);

#endif
