/*
 * What the simulator's VK test scripts share: one simulator, two users of
 * the community, short names for reading answers, and the calls the
 * scripts make most. Included by test_sim_vk*.c only.
 */
#ifndef MB_E2E_SIM_VK_SCRIPT_H
#define MB_E2E_SIM_VK_SCRIPT_H

#include "tests/e2e/harness.h"
#include "tests/unit.h"

#define USER 7001LL
#define OTHER_USER 7002LL
#define GROUP "229000001"

static sim_proc sim;
static int sim_up;

#define get sim_json_at
#define num sim_json_num
#define str sim_json_str

#define lp_server(key, ts) vk_long_poll_server(&sim, key, 64, ts)
#define a_check(key, ts, wait_s) vk_a_check(&sim, key, ts, wait_s)
#define send_text(peer, random_id, text, keyboard) vk_send_text(&sim, peer, random_id, text, keyboard)
#define error_of vk_error_code

/* messages.send of text; the answer's error_code (0 when it went). */
static inline long long send_code(long long peer, long long random_id, const char *text, const char *keyboard)
{
    cJSON *r = send_text(peer, random_id, text, keyboard);
    long long code = error_of(r);
    cJSON_Delete(r);
    return code;
}

TEST(simulator_exits_cleanly)
{
    CHECK(sim_up);
    /* A leak or sanitizer report in the simulator makes its exit code nonzero. */
    CHECK_INT(sim_stop_checked(&sim), 0);
}

#endif
