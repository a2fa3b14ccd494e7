/*
 * What the simulator's VK test scripts share: one simulator, two users of
 * the community, short names for reading answers, and the calls the
 * scripts make most. Included by test_sim_vk*.c only.
 */
#ifndef MB_E2E_SIM_VK_SCRIPT_H
#define MB_E2E_SIM_VK_SCRIPT_H

#include <curl/curl.h>

#include "tests/e2e/harness.h"
#include "tests/unit.h"
#include "util/strbuf.h"

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

/* POSTs a multipart body to url the way a bot uploads a file: the part
 * `field` with file_name (a plain field when file_name is NULL) holding len
 * bytes of data. Returns the JSON answer; *status the HTTP status. */
static inline cJSON *upload(const char *url, const char *field, const char *file_name, const char *data, size_t len,
                     long *status)
{
    strbuf body;
    sb_init(&body, 0);
    *status = 0;
    CURL *curl = curl_easy_init();
    curl_mime *mime = curl_mime_init(curl);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_name(part, field);
    if (file_name) curl_mime_filename(part, file_name);
    curl_mime_data(part, data, len);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    curl_mime_free(mime);
    curl_easy_cleanup(curl);
    cJSON *json = cJSON_Parse(sb_str(&body));
    sb_free(&body);
    return json;
}

TEST(simulator_exits_cleanly)
{
    CHECK(sim_up);
    /* A leak or sanitizer report in the simulator makes its exit code nonzero. */
    CHECK_INT(sim_stop_checked(&sim), 0);
}

#endif
