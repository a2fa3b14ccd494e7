/*
 * Fuzz target: how the bot reads the answers to its own calls. The input is
 * the body of an HTTP answer; the Telegram sender (tg_classify), the
 * Telegram delivery check (tg_classify_check) and the VK sender
 * (vk_classify) each read it. Input that starts with a byte below 0x20 (no
 * real answer does) uses that byte to pick the row kinds, the step of a VK
 * file upload (a document's or a photo's) and the HTTP status; the rest is
 * the body.
 */
#include "fuzz/fuzz.h"

#include "bot/telegram/telegram.h"
#include "bot/vk/vk.h"
#include "storage/db.h"
#include "util/log.h"

#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static config cfg;
static bot_env env;
static char username[64];
static db *scratch_db;
static tg_client *tg;
static vk_client *vk;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(LOG_OFF);
    scratch_db = fuzz_open_db("send.db");
    config_defaults(&cfg);
    snprintf(cfg.tg_token, sizeof cfg.tg_token, "123456:FUZZ");
    snprintf(cfg.tg_api_base, sizeof cfg.tg_api_base, "http://tg.test");
    snprintf(cfg.vk_token, sizeof cfg.vk_token, "vk-fuzz");
    snprintf(cfg.vk_api_base, sizeof cfg.vk_api_base, "http://vk.test/method");
    cfg.vk_group_id = 1;
    env = (bot_env){.default_language = "ru", .consent_age = 14};
    tg = tg_new(ev_default_loop(0), NULL, scratch_db, &env, &cfg, username, (tg_hooks){0});
    vk = vk_new(ev_default_loop(0), NULL, scratch_db, &env, &cfg, (vk_hooks){0});
    if (!tg || !vk) abort();
    return 0;
}

static outbox_row row_of(const char *platform, const char *kind)
{
    outbox_row r;
    memset(&r, 0, sizeof r);
    r.id = 77;
    snprintf(r.platform, sizeof r.platform, "%s", platform);
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    r.chat_id = 4242;
    r.body = strcmp(kind, "document") == 0 ? "{\"path\":\"/nonexistent/report.csv\",\"filename\":\"r.csv\","
                                             "\"caption\":\"Отчёт\"}"
                                           : "{\"text\":\"Привет\",\"button_id\":\"1\",\"message_id\":5}";
    return r;
}

static void check_result(const send_result *out)
{
    if (out->outcome < SEND_OK || out->outcome > SEND_NEXT) abort();
    if (out->retry_after_ms < 0) abort();
    if (strnlen(out->description, sizeof out->description) == sizeof out->description) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const kinds[] = {"text", "edit", "answer", "document"};
    static const long statuses[] = {200, 400, 429, 502};
    int selector = size > 0 && data[0] < 0x20 ? data[0] : -1;
    if (selector >= 0) {
        data++;
        size--;
    }
    /* bits 0-1: Telegram row kind; 2-3: VK upload step; 4: VK row is a
     * file (else text), 0 then picks a picture on the photo chain (else a
     * document); 1-2 also pick the HTTP status. */
    const char *tg_kind = kinds[selector < 0 ? 0 : selector & 3];
    const char *vk_kind = selector >= 0 && (selector & 16) ? (selector & 1 ? "photo" : "document") : "text";
    int vk_step = selector < 0 ? 0 : (selector >> 2) & 3;
    long status = statuses[selector < 0 ? 0 : (selector >> 1) & 3];

    /* The body as libcurl hands it over: NUL-terminated. */
    char *body = fuzz_cstring(data, size);
    if (!body) return 0;
    http_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = status;
    resp.curl_code = CURLE_OK;
    resp.body = body;
    resp.body_len = size;
    resp.request_sent = 1;

    transport *tt = tg_transport(tg), *vt = vk_transport(vk);
    outbox_row row = row_of("tg", tg_kind);
    api_call call;
    memset(&call, 0, sizeof call);
    send_result out;
    tg_classify(tt, &row, &call, &resp, &out);
    check_result(&out);
    if (out.outcome == SEND_NEXT) abort();   /* Telegram sends in one call */

    int64_t wait = 0;
    char why[256];
    int64_t found = 0;
    check_outcome co = tg_classify_check(tt, NULL, &resp, &found, &wait, why, sizeof why);
    if (co < CHECK_FOUND || co > CHECK_INCONCLUSIVE || wait < 0) abort();

    row = row_of("vk", vk_kind);
    memset(&call, 0, sizeof call);
    call.step = vk_step;
    call.variant = strcmp(vk_kind, "photo") == 0;
    vk_classify(vt, &row, &call, &resp, &out);
    check_result(&out);
    if (out.outcome == SEND_NEXT && (strcmp(vk_kind, "text") == 0 || call.step != vk_step + 1)) abort();
    api_call_clear(&call);

    free(body);
    return 0;
}
