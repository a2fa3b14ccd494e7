/*
 * The virtual users of the HTTP benchmark: their steps, what they do with
 * each message the bot shows them, and the loop that posts their updates
 * and reads the sent log (see http_load.h).
 */
#include "bench/http_load.h"
#include "tests/e2e/harness.h"
#include "util/strbuf.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Names the users write: first name and surname, varied so that the
 * bot stores different rows. */
static const char *const given_names[] = {"Алина", "Борис", "Вера", "Глеб", "Дарья", "Егор", "Зоя", "Илья", "Кира"};
static const char *const family_names[] = {"Смирнова", "Кузнецов", "Попова", "Лебедев", "Новикова", "Морозов", "Фролова"};

long long load_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void user_name(int index, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s", given_names[index % 9], family_names[(index / 9) % 7]);
}

/* One request over the run's kept-alive connection (a connection per
 * request would cost the simulator a thread each and measure that): a POST
 * of body as JSON, or a GET when body is NULL. Returns the JSON answer
 * (caller deletes) or NULL when there was none. */
static cJSON *sim_call(load_run *r, const char *path, const cJSON *body)
{
    char url[512];
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON *json = NULL;
    sb_reset(&r->answer);
    snprintf(url, sizeof url, "%s%s", r->sim_base, path);
    curl_easy_setopt(r->curl, CURLOPT_URL, url);
    if (text) {
        curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, r->json_headers);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, text);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(text));
    } else {
        curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt(r->curl, CURLOPT_HTTPGET, 1L);
    }
    if ((!body || text) && curl_easy_perform(r->curl) == CURLE_OK && !r->answer.failed)
        json = cJSON_ParseWithLength(sb_str(&r->answer), r->answer.len);
    free(text);
    return json;
}

static long long user_id(const load_run *r, const load_user *u) { return LOAD_FIRST_USER + (u - r->user); }

/* Posts the user's next update (body, deleted here) and starts its clock;
 * 0 when the simulator took it. */
static int post(load_run *r, load_user *u, const char *path, cJSON *body)
{
    long long before = load_now_us();
    cJSON *answer = sim_call(r, path, body);
    int ok = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(answer, r->vk ? "event" : "update_id"));
    cJSON_Delete(answer);
    cJSON_Delete(body);
    if (!ok) {
        fprintf(stderr, "  the simulator did not take an update of user %lld\n", user_id(r, u));
        return -1;
    }
    u->posted_us = before;
    u->waiting_since = before / 1000;
    r->updates++;
    return 0;
}

static int say(load_run *r, load_user *u, const char *text)
{
    cJSON *body = cJSON_CreateObject();
    if (r->vk) {
        cJSON_AddNumberToObject(body, "from_id", (double)user_id(r, u));
        cJSON_AddNumberToObject(body, "peer_id", (double)user_id(r, u));
        cJSON_AddStringToObject(body, "lang", "ru");
    } else {
        cJSON *from = cJSON_AddObjectToObject(body, "from");
        cJSON_AddNumberToObject(from, "id", (double)user_id(r, u));
        cJSON_AddStringToObject(from, "first_name", "Студент");
        cJSON_AddStringToObject(from, "language_code", "ru");
    }
    cJSON_AddStringToObject(body, "text", text);
    return post(r, u, r->vk ? "/sim/vk/message" : "/sim/tg/message", body);
}

/* Presses the button the user chose (u->data) under u->message_id. */
static int press(load_run *r, load_user *u)
{
    cJSON *body = cJSON_CreateObject();
    if (r->vk) {
        /* A VK button's payload is JSON text; the event carries it as an object. */
        cJSON *payload = cJSON_Parse(u->data);
        cJSON_AddNumberToObject(body, "user_id", (double)user_id(r, u));
        cJSON_AddNumberToObject(body, "peer_id", (double)user_id(r, u));
        cJSON_AddItemToObject(body, "payload", payload ? payload : cJSON_CreateString(u->data));
        cJSON_AddNumberToObject(body, "conversation_message_id", (double)u->message_id);
        return post(r, u, "/sim/vk/event", body);
    }
    cJSON *from = cJSON_AddObjectToObject(body, "from");
    cJSON_AddNumberToObject(from, "id", (double)user_id(r, u));
    cJSON_AddStringToObject(from, "first_name", "Студент");
    cJSON_AddStringToObject(from, "language_code", "ru");
    cJSON_AddNumberToObject(body, "message_id", (double)u->message_id);
    cJSON_AddStringToObject(body, "data", u->data);
    return post(r, u, "/sim/tg/callback", body);
}

/* The data of the button labelled exactly label in a call's keyboard
 * (Telegram's callback_data, VK's payload) into out; 1 when there is one. */
static int button(const load_run *r, const cJSON *call, const char *label, char *out, size_t size)
{
    const cJSON *rows, *row, *b;
    cJSON *parsed = NULL;
    int found = 0;
    if (r->vk) {
        const cJSON *kb = sim_json_at(call, "params.keyboard");
        if (cJSON_IsString(kb)) kb = parsed = cJSON_Parse(kb->valuestring);
        rows = cJSON_GetObjectItemCaseSensitive(kb, "buttons");
    } else {
        rows = cJSON_GetObjectItemCaseSensitive(sim_json_at(call, "params.reply_markup"), "inline_keyboard");
    }
    cJSON_ArrayForEach(row, rows) {
        cJSON_ArrayForEach(b, row) {
            const char *text = sim_json_str(b, r->vk ? "action.label" : "text");
            const char *data = sim_json_str(b, r->vk ? "action.payload" : "callback_data");
            if (text && data && strcmp(text, label) == 0 && strlen(data) < size) {
                snprintf(out, size, "%s", data);
                found = 1;
                goto out;
            }
        }
    }
out:
    cJSON_Delete(parsed);
    return found;
}

/* The user acts when the message is the one its step waits for; anything
 * else (a message the real bot sends besides) is stepped over. */
static int act(load_run *r, load_user *u, const cJSON *call, const char *text)
{
    int index = (int)(u - r->user);
    char name[96];
    switch (u->step) {
    case 0:
    case 1:
        if (!button(r, call, u->step == 0 ? r->student_label : r->consent_label, u->data, sizeof u->data)) return 0;
        u->message_id = r->vk ? vk_call_message_id(call) : sim_json_num(call, "result.message_id");
        u->step++;
        return press(r, u);
    case 2:
        if (strcmp(text, r->ask_name) != 0) return 0;
        user_name(index, name, sizeof name);
        u->step++;
        return say(r, u, name);
    case 3: {
        user_name(index, name, sizeof name);
        char *done = i18n_format(r->catalog, "ru", "reg.done", "name", name, "org", r->org, "role", r->role, NULL);
        int is_done = done && strcmp(text, done) == 0;
        free(done);
        if (!is_done) return 0;
        u->step = LOAD_STEPS;
        r->active--;
        r->finished++;
        return 0;
    }
    default:
        return 0;
    }
}

/* Copies the start of text into buf, cut before a character that does
 * not fit whole. */
static void keep_text(char *buf, size_t size, const char *text)
{
    size_t len = strlen(text);
    if (len >= size) {
        len = size - 1;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) len--;
    }
    memcpy(buf, text, len);
    buf[len] = 0;
}

/* A message shown in the chat: a successful sendMessage or edit (on VK
 * messages.send that reached the user, not a repeated random_id). */
static int shows_in_chat(const load_run *r, const cJSON *call)
{
    const char *method = sim_json_str(call, "method"), *fault = sim_json_str(call, "fault");
    if (!method || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok"))) return 0;
    if (!r->vk) return strcmp(method, "sendMessage") == 0 || strcmp(method, "editMessageText") == 0;
    if (fault && strcmp(fault, "random_id_repeat") == 0) return 0;
    if (strcmp(method, "messages.send") == 0) return !sim_json_at(call, "result.0.error");
    return strcmp(method, "messages.edit") == 0;
}

/* A line of the first user's transcript: what a user could tell two bots
 * apart by (an answerCallbackQuery's id is the simulator's, so not that),
 * with the text as JSON so that its line breaks stay on the line. */
static void note_call(load_run *r, const cJSON *call)
{
    const char *method = sim_json_str(call, "method");
    char *text = cJSON_PrintUnformatted(sim_json_at(call, r->vk ? "params.message" : "params.text"));
    char *markup = cJSON_PrintUnformatted(sim_json_at(call, r->vk ? "params.keyboard" : "params.reply_markup"));
    sb_printf(&r->transcript, "%s: %s %s\n", method ? method : "?", text ? text : "", markup ? markup : "");
    free(text);
    free(markup);
}

/* Reads what the bot sent since the last read (waiting up to wait_ms for
 * something new) and hands each message to its user. -1 when the
 * simulator did not answer or a user could not act. */
static int read_sent(load_run *r, int wait_ms)
{
    char path[128];
    int rc = 0;
    snprintf(path, sizeof path, "/sim/%s/sent?after=%lld&wait_ms=%d", r->vk ? "vk" : "tg", r->seq, wait_ms);
    cJSON *answer = sim_call(r, path, NULL), *call;
    long long seen_us = load_now_us();
    if (!answer) return -1;
    cJSON_ArrayForEach(call, cJSON_GetObjectItemCaseSensitive(answer, "calls")) {
        long long seq = sim_json_num(call, "seq"), chat = sim_json_num(call, "chat_id");
        if (seq > r->seq) r->seq = seq;
        r->calls++;
        if (chat < LOAD_FIRST_USER || chat >= LOAD_FIRST_USER + r->users) {
            r->other_calls++;
            continue;
        }
        load_user *u = &r->user[chat - LOAD_FIRST_USER];
        u->calls++;
        if (u == r->user) note_call(r, call);
        if (!shows_in_chat(r, call)) continue;
        const char *text = sim_json_str(call, r->vk ? "params.message" : "params.text");
        keep_text(u->last_text, sizeof u->last_text, text ? text : "");
        u->waiting_since = seen_us / 1000;
        if (u->posted_us) {
            r->latency_us[r->nlatency++] = seen_us - u->posted_us;
            u->posted_us = 0;
        }
        if (u->step < LOAD_STEPS && act(r, u, call, text ? text : "") != 0) rc = -1;
    }
    cJSON_Delete(answer);
    return rc;
}

static int start_users(load_run *r)
{
    while (r->next_user < r->users && r->active < r->concurrent) {
        load_user *u = &r->user[r->next_user++];
        r->active++;
        if (say(r, u, r->start_cmd) != 0) return -1;
    }
    return 0;
}

/* Names up to ten users still waiting, with the last message each saw. */
static void report_waiting(const load_run *r)
{
    long long now = load_now_us() / 1000;
    int named = 0, waiting = 0;
    for (int i = 0; i < r->next_user; i++) {
        const load_user *u = &r->user[i];
        if (u->step == LOAD_STEPS) continue;
        waiting++;
        if (named++ < 10)
            fprintf(stderr, "    user %lld waits %lld ms at step %d; last message: \"%.120s\"\n", LOAD_FIRST_USER + i,
                    now - u->waiting_since, u->step, u->last_text[0] ? u->last_text : "(none yet)");
    }
    fprintf(stderr, "  %d user(s) waiting, %d finished, %d not started\n", waiting, r->finished,
            r->users - r->next_user);
}

/* At the deadline: each step still waiting counts with its wait so far. */
static void censor_waiting(load_run *r, long long now_us)
{
    for (int i = 0; i < r->next_user; i++) {
        load_user *u = &r->user[i];
        if (u->step == LOAD_STEPS || !u->posted_us) continue;
        r->latency_us[r->nlatency++] = now_us - u->posted_us;
        r->censored++;
        u->posted_us = 0;
    }
}

int load_play(load_run *r)
{
    r->started_us = load_now_us();
    while (r->finished < r->users) {
        if (r->deadline_us && load_now_us() >= r->deadline_us) {
            r->finished_us = load_now_us();
            censor_waiting(r, r->finished_us);
            return 1;
        }
        if (start_users(r) != 0 || read_sent(r, LOAD_POLL_MS) != 0) {
            report_waiting(r);
            return -1;
        }
        long long now = load_now_us() / 1000, oldest = now;
        for (int i = 0; i < r->next_user; i++)
            if (r->user[i].step < LOAD_STEPS && r->user[i].waiting_since < oldest) oldest = r->user[i].waiting_since;
        if (now - oldest > LOAD_STUCK_MS) {
            fprintf(stderr, "  a user waited over %d s for the bot\n", LOAD_STUCK_MS / 1000);
            report_waiting(r);
            return -1;
        }
    }
    r->finished_us = load_now_us();
    return 0;
}

void load_settle(load_run *r, int quiet_ms, int max_ms)
{
    long long until = load_now_us() / 1000 + max_ms;
    while (load_now_us() / 1000 < until) {
        long long before = r->calls;
        if (read_sent(r, quiet_ms) != 0 || r->calls == before) return;
    }
}

static int compare_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

double load_percentile_ms(load_run *r, double p)
{
    if (r->nlatency == 0) return -1;
    qsort(r->latency_us, (size_t)r->nlatency, sizeof *r->latency_us, compare_ll);
    long long k = (long long)(p / 100.0 * (double)(r->nlatency - 1) + 0.5);
    return (double)r->latency_us[k] / 1000.0;
}

int load_run_init(load_run *r, const char *sim_base, int users, int concurrent, const i18n *catalog, const char *org)
{
    memset(r, 0, sizeof *r);
    r->sim_base = sim_base;
    r->users = users;
    r->concurrent = concurrent;
    r->catalog = catalog;
    r->org = org;
    r->student_label = i18n_text(catalog, "ru", "category.student");
    r->consent_label = i18n_text(catalog, "ru", "reg.consent_yes");
    r->ask_name = i18n_text(catalog, "ru", "reg.ask_name");
    r->role = i18n_text(catalog, "ru", "role.mentee");
    r->user = calloc((size_t)users, sizeof *r->user);
    r->latency_us = calloc((size_t)users * LOAD_STEPS, sizeof *r->latency_us);
    sb_init(&r->answer, HARNESS_RESPONSE_MAX);
    sb_init(&r->transcript, 0);
    r->curl = curl_easy_init();
    if (r->curl) {
        curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, sb_collect);
        curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, &r->answer);
        curl_easy_setopt(r->curl, CURLOPT_TIMEOUT_MS, (long)HARNESS_HTTP_TIMEOUT_MS);
        curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
    }
    r->json_headers = curl_slist_append(curl_slist_append(NULL, "Expect:"), "Content-Type: application/json");
    return r->user && r->latency_us && r->curl && r->json_headers ? 0 : -1;
}

void load_run_free(load_run *r)
{
    free(r->user);
    free(r->latency_us);
    sb_free(&r->answer);
    sb_free(&r->transcript);
    if (r->curl) curl_easy_cleanup(r->curl);
    curl_slist_free_all(r->json_headers);
    memset(r, 0, sizeof *r);
}
