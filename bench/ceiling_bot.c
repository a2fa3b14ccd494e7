/*
 * The ceiling of the HTTP benchmark (bench/http_load.c): the least a bot
 * must do to look like Mentorbot to a registering user, and nothing more.
 * It long-polls getUpdates with the bot's own HTTP client (bot/http.c on
 * libev), keeps each user's step in memory (no storage, no outbox), and
 * answers every update with the calls the real bot makes at that step,
 * with the same texts and buttons from the same catalog:
 *
 *   /start CODE          -> sendMessage greeting with the category buttons
 *   a category button    -> answerCallbackQuery, sendMessage consent text
 *   «Даю согласие»       -> answerCallbackQuery, sendMessage «Как вас зовут?»
 *   the name             -> sendMessage «Готово, NAME!», the menu, the survey offer
 *
 * On VK the same with messages.send and messages.sendMessageEventAnswer
 * (bench/ceiling_vk.c). Like the real sender it keeps one message in
 * flight per chat (so a chat's messages arrive in order), sends the answer
 * to a button press beside them, and keeps at most SENDER_INFLIGHT_MAX
 * requests in flight in all.
 *
 *   bench_ceiling_bot --config FILE
 *
 * FILE is the bot's own configuration ([telegram] token, api_base,
 * poll_timeout; [vk] token, group_id, api_base, wait; [bot] locales), plus
 * [ceiling] org (the organisation the invite is for), survey (the
 * instrument offered after registration, default
 * locales/surveys/pupil_request.json) and store (a database file: the
 * durable floor of bench/ceiling_store.c; none by default). SIGTERM or
 * SIGINT ends it with exit 0, a poll that fails for good (the simulator
 * went away) with exit 1.
 */
#include "bench/ceiling.h"
#include "bot/sender.h"
#include "util/i18n.h"
#include "util/instrument.h"
#include "util/log.h"

#include <cjson/cJSON.h>
#include <ini.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CEILING_NAME_MAX 256       /* bytes of a user's name kept for the replies */
#define CEILING_POLL_LIMIT 100     /* updates per getUpdates, as the real bot asks */

static int on_conf_key(void *arg, const char *section, const char *key, const char *value)
{
    ceiling_conf *c = arg;
    char *dst = NULL;
    if (strcmp(section, "telegram") == 0 && strcmp(key, "token") == 0) dst = c->token;
    else if (strcmp(section, "telegram") == 0 && strcmp(key, "api_base") == 0) dst = c->api_base;
    else if (strcmp(section, "telegram") == 0 && strcmp(key, "poll_timeout") == 0) c->poll_timeout_s = atoi(value);
    else if (strcmp(section, "vk") == 0 && strcmp(key, "token") == 0) dst = c->vk_token;
    else if (strcmp(section, "vk") == 0 && strcmp(key, "api_base") == 0) dst = c->vk_api_base;
    else if (strcmp(section, "vk") == 0 && strcmp(key, "group_id") == 0) c->vk_group_id = atoll(value);
    else if (strcmp(section, "vk") == 0 && strcmp(key, "wait") == 0) c->vk_wait_s = atoi(value);
    else if (strcmp(section, "bot") == 0 && strcmp(key, "locales") == 0) dst = c->locales;
    else if (strcmp(section, "ceiling") == 0 && strcmp(key, "org") == 0) dst = c->org;
    else if (strcmp(section, "ceiling") == 0 && strcmp(key, "survey") == 0) dst = c->survey;
    else if (strcmp(section, "ceiling") == 0 && strcmp(key, "store") == 0) dst = c->store;
    if (dst && snprintf(dst, CEILING_VALUE_MAX, "%s", value) >= CEILING_VALUE_MAX) {
        fprintf(stderr, "[%s] %s is longer than %d bytes\n", section, key, CEILING_VALUE_MAX - 1);
        return 0;
    }
    return 1;
}

/* ---- the users, by chat id ---- */

static size_t slot_of(ceiling_platform p, long long id, size_t cap)
{
    return (size_t)(((unsigned long long)id * 2 + p) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

/* The chat of id, made when new; NULL when out of memory. Chats are
 * allocated one by one (the ready queue and the requests in flight point
 * at them) and the table of pointers doubles at half full. */
static chat *chat_get(ceiling *c, ceiling_platform p, long long id)
{
    if ((c->nchats + 1) * 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16384;
        chat **grown = calloc(cap, sizeof *grown);
        if (!grown) return NULL;
        for (size_t i = 0; i < c->cap; i++) {
            if (!c->chats[i]) continue;
            size_t k = slot_of(c->chats[i]->platform, c->chats[i]->id, cap);
            while (grown[k]) k = (k + 1) & (cap - 1);
            grown[k] = c->chats[i];
        }
        free(c->chats);
        c->chats = grown;
        c->cap = cap;
    }
    size_t k = slot_of(p, id, c->cap);
    while (c->chats[k] && (c->chats[k]->id != id || c->chats[k]->platform != p)) k = (k + 1) & (c->cap - 1);
    if (!c->chats[k]) {
        if (!(c->chats[k] = calloc(1, sizeof *c->chats[k]))) return NULL;
        c->chats[k]->id = id;
        c->chats[k]->platform = p;
        c->nchats++;
    }
    return c->chats[k];
}

/* ---- sending, one call in flight per chat ---- */

static void pump(ceiling *c);

/* Puts a chat with calls and none in flight at the end of the ready queue. */
static void make_ready(ceiling *c, chat *ch)
{
    if (ch->queued || ch->inflight || !ch->head) return;
    ch->queued = 1;
    ch->next_ready = NULL;
    if (c->ready_tail) c->ready_tail->next_ready = ch;
    else c->ready_head = ch;
    c->ready_tail = ch;
}

/* Puts p at the end of the queue from *head to *tail. */
static void append_call(pending_call **head, pending_call **tail, pending_call *p)
{
    if (*tail) (*tail)->next = p;
    else *head = p;
    *tail = p;
}

typedef struct flight {
    ceiling *c;
    chat *ch;         /* NULL for a button answer, which keeps no place in the chat's line */
    long long row;    /* the floor's outbox row */
} flight;

static void on_answered(void *arg, const http_response *resp)
{
    flight *f = arg;
    ceiling *c = f->c;
    if (resp->status == 200) ceiling_store_sent(c, f->row);
    free(f);
    if (resp->status != 200) {
        c->calls_failed++;
        log_warn("ceiling", "a button answer answered %ld: %.200s", resp->status, resp->body ? resp->body : resp->error);
    }
    c->inflight--;
    pump(c);
}

/* Sends the answer to a button press at once, beside the chat's messages,
 * as the real sender does (it shows nothing in the chat); the floor holds
 * it until its batch is committed. */
static void post_answer(ceiling *c, chat *ch, const char *method, char *body, long long row)
{
    if (body && c->in_batch) {
        pending_call *p = calloc(1, sizeof *p);
        if (!p) {
            log_error("ceiling", "out of memory holding a button answer in chat %lld", ch->id);
            free(body);
            return;
        }
        p->method = method, p->body = body, p->ch = ch, p->row = row;
        append_call(&c->answers_head, &c->answers_tail, p);
        return;
    }
    flight *f = body ? malloc(sizeof *f) : NULL;
    if (!f) {
        log_error("ceiling", "out of memory answering a button in chat %lld", ch->id);
        free(body);
        return;
    }
    f->c = c;
    f->ch = NULL;
    f->row = row;
    char url[CEILING_VALUE_MAX * 2 + 64];
    if (ch->platform == CEILING_VK) ceiling_vk_method_url(c, method, url, sizeof url);
    else snprintf(url, sizeof url, "%s/bot%s/%s", c->conf.api_base, c->conf.token, method);
    c->inflight++;
    mb_status rc = ch->platform == CEILING_VK
                       ? http_post_form(c->http, url, body, CEILING_REQUEST_TIMEOUT_MS, CEILING_BODY_MAX, on_answered, f,
                                        NULL)
                       : http_post_json(c->http, url, body, CEILING_REQUEST_TIMEOUT_MS, CEILING_BODY_MAX, on_answered, f,
                                        NULL);
    free(body);
    if (rc != MB_OK) {
        http_response fake = {0};
        snprintf(fake.error, sizeof fake.error, "could not start the request");
        on_answered(f, &fake);
    }
}

static void on_sent(void *arg, const http_response *resp)
{
    flight *f = arg;
    ceiling *c = f->c;
    chat *ch = f->ch;
    if (resp->status == 200) ceiling_store_sent(c, f->row);
    free(f);
    if (resp->status != 200) {
        c->calls_failed++;
        log_warn("ceiling", "a call to chat %lld answered %ld: %.200s", ch->id, resp->status,
                 resp->body ? resp->body : resp->error);
    }
    pending_call *done = ch->head;
    ch->head = done->next;
    if (!ch->head) ch->tail = NULL;
    free(done->body);
    free(done);
    ch->inflight = 0;
    c->inflight--;
    make_ready(c, ch);
    pump(c);
}

/* Starts the head call of ready chats while fewer than
 * SENDER_INFLIGHT_MAX are in flight. */
static void pump(ceiling *c)
{
    if (c->in_batch) return;   /* the floor: nothing starts before its commit */
    while (c->inflight < SENDER_INFLIGHT_MAX && c->ready_head) {
        flight *f = malloc(sizeof *f);
        if (!f) {
            /* The chat stays first in the queue for the next answer's pump. */
            log_error("ceiling", "out of memory sending to chat %lld", c->ready_head->id);
            return;
        }
        chat *ch = c->ready_head;
        c->ready_head = ch->next_ready;
        if (!c->ready_head) c->ready_tail = NULL;
        ch->queued = 0;
        char url[CEILING_VALUE_MAX * 2 + 64];
        if (ch->platform == CEILING_VK) ceiling_vk_method_url(c, ch->head->method, url, sizeof url);
        else snprintf(url, sizeof url, "%s/bot%s/%s", c->conf.api_base, c->conf.token, ch->head->method);
        f->c = c;
        f->ch = ch;
        f->row = ch->head->row;
        ch->inflight = 1;
        c->inflight++;
        mb_status rc = ch->platform == CEILING_VK
                           ? http_post_form(c->http, url, ch->head->body, CEILING_REQUEST_TIMEOUT_MS, CEILING_BODY_MAX,
                                            on_sent, f, NULL)
                           : http_post_json(c->http, url, ch->head->body, CEILING_REQUEST_TIMEOUT_MS, CEILING_BODY_MAX,
                                            on_sent, f, NULL);
        if (rc != MB_OK) {
            http_response fake = {0};
            snprintf(fake.error, sizeof fake.error, "could not start the request");
            on_sent(f, &fake);
        }
    }
}

void ceiling_enqueue(ceiling *c, chat *ch, const char *method, char *body)
{
    pending_call *p = body ? calloc(1, sizeof *p) : NULL;
    if (!p) {
        log_error("ceiling", "out of memory queueing %s to chat %lld", method, ch->id);
        free(body);
        return;
    }
    p->method = method;
    p->body = body;
    p->row = ceiling_store_call(c, ch, method, body);
    append_call(&ch->head, &ch->tail, p);
    make_ready(c, ch);
    pump(c);
}

/* A message with, when kb is not -1, that keyboard: sendMessage or
 * messages.send. */
static void send_text(ceiling *c, chat *ch, const char *text, int kb)
{
    const char *markup = kb >= 0 ? c->markup[ch->platform][kb] : NULL;
    if (ch->platform == CEILING_VK) {
        ceiling_enqueue(c, ch, "messages.send", ceiling_vk_send_body(c, ch->id, text, markup));
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "chat_id", (double)ch->id);
    cJSON_AddStringToObject(body, "text", text);
    if (markup) cJSON_AddRawToObject(body, "reply_markup", markup);
    char *json = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    ceiling_enqueue(c, ch, "sendMessage", json);
}

static void answer_button(ceiling *c, chat *ch, const char *button_id)
{
    const char *method = ch->platform == CEILING_VK ? "messages.sendMessageEventAnswer" : "answerCallbackQuery";
    char *json = NULL;
    if (ch->platform == CEILING_VK) {
        json = ceiling_vk_answer_body(c, ch->id, button_id);
    } else {
        cJSON *body = cJSON_CreateObject();
        cJSON_AddStringToObject(body, "callback_query_id", button_id);
        json = cJSON_PrintUnformatted(body);
        cJSON_Delete(body);
    }
    post_answer(c, ch, method, json, json ? ceiling_store_call(c, ch, method, json) : 0);
}

void ceiling_release(ceiling *c)
{
    while (c->answers_head) {
        pending_call *p = c->answers_head;
        c->answers_head = p->next;
        post_answer(c, p->ch, p->method, p->body, p->row);
        free(p);
    }
    c->answers_tail = NULL;
    pump(c);
}

/* ---- the conversation ---- */

static void on_name(ceiling *c, chat *ch, const char *name)
{
    char kept[CEILING_NAME_MAX];
    snprintf(kept, sizeof kept, "%s", name);
    char *done = i18n_format(c->catalog, "ru", "reg.done", "name", kept, "org", c->conf.org, "role", c->role, NULL);
    char *menu = i18n_format(c->catalog, "ru", "menu.title", "name", kept, "role", c->role, "org", c->conf.org, NULL);
    if (done && menu) {
        send_text(c, ch, done, -1);
        send_text(c, ch, menu, KB_MENU);
        send_text(c, ch, c->offer, KB_OFFER);
        ch->step = STEP_DONE;
    }
    free(done);
    free(menu);
}

static chat *user_chat(ceiling *c, ceiling_platform p, long long user)
{
    chat *ch = chat_get(c, p, user);
    if (!ch) log_error("ceiling", "out of memory for user %lld", user);
    else c->updates++;
    return ch;
}

void ceiling_on_text(ceiling *c, ceiling_platform p, long long user, const char *text)
{
    chat *ch = user_chat(c, p, user);
    if (!ch) return;
    if (strncmp(text, "/start", 6) == 0) {
        send_text(c, ch, c->greeting, KB_GREETING);
        ch->step = STEP_GREETED;
    } else if (ch->step == STEP_NAME_ASKED) {
        on_name(c, ch, text);
    }
    ceiling_store_step(c, ch);
}

void ceiling_on_button(ceiling *c, ceiling_platform p, long long user, const char *button_id, const char *data)
{
    chat *ch = user_chat(c, p, user);
    if (!ch) return;
    answer_button(c, ch, button_id);
    if (data && strncmp(data, "cat:", 4) == 0 && ch->step == STEP_GREETED) {
        send_text(c, ch, c->consent, KB_CONSENT);
        ch->step = STEP_CONSENT_ASKED;
    } else if (data && strcmp(data, "consent:yes") == 0 && ch->step == STEP_CONSENT_ASKED) {
        send_text(c, ch, c->ask_name, -1);
        ch->step = STEP_NAME_ASKED;
    }
    ceiling_store_step(c, ch);
}

/* ---- Telegram ---- */

static void on_update(ceiling *c, const cJSON *u)
{
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(u, "message");
    const cJSON *query = cJSON_GetObjectItemCaseSensitive(u, "callback_query");
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(message ? message : query, "from");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(from, "id");
    if (!cJSON_IsNumber(id)) return;
    long long user = (long long)id->valuedouble;
    if (message) {
        const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(message, "text"));
        if (text) ceiling_on_text(c, CEILING_TG, user, text);
        return;
    }
    const char *query_id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(query, "id"));
    const char *data = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(query, "data"));
    if (query_id) ceiling_on_button(c, CEILING_TG, user, query_id, data);
}

static void poll_updates(ceiling *c);

static void on_updates(void *arg, const http_response *resp)
{
    ceiling *c = arg;
    cJSON *answer = resp->status == 200 && resp->body ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(answer, "result"), *u;
    if (!cJSON_IsArray(result)) {
        /* The simulator answers every poll: a failure means it went away,
         * and polling again at once would only spin. */
        log_error("ceiling", "getUpdates answered %ld: %.200s", resp->status, resp->body ? resp->body : resp->error);
        cJSON_Delete(answer);
        c->failed = 1;
        ev_break(c->loop, EVBREAK_ALL);
        return;
    }
    ceiling_batch_begin(c);
    cJSON_ArrayForEach(u, result) {
        const cJSON *update_id = cJSON_GetObjectItemCaseSensitive(u, "update_id");
        char key[32] = "";
        if (cJSON_IsNumber(update_id)) {
            snprintf(key, sizeof key, "tg:%lld", (long long)update_id->valuedouble);
            if ((long long)update_id->valuedouble >= c->offset) c->offset = (long long)update_id->valuedouble + 1;
        }
        if (ceiling_batch_update(c, key[0] ? key : NULL)) on_update(c, u);
    }
    ceiling_batch_end(c, CEILING_TG, c->offset);
    cJSON_Delete(answer);
    poll_updates(c);
}

static void poll_updates(ceiling *c)
{
    char url[CEILING_VALUE_MAX * 2 + 64], body[256];
    snprintf(url, sizeof url, "%s/bot%s/getUpdates", c->conf.api_base, c->conf.token);
    snprintf(body, sizeof body,
             "{\"offset\":%lld,\"limit\":%d,\"timeout\":%d,"
             "\"allowed_updates\":[\"message\",\"edited_message\",\"callback_query\",\"my_chat_member\"]}",
             c->offset, CEILING_POLL_LIMIT, c->conf.poll_timeout_s);
    if (http_post_json(c->http, url, body, (c->conf.poll_timeout_s + 15) * 1000L, CEILING_BODY_MAX, on_updates, c,
                       NULL) != MB_OK) {
        log_error("ceiling", "could not start getUpdates");
        c->failed = 1;
        ev_break(c->loop, EVBREAK_ALL);
    }
}

/* ---- texts and buttons ---- */

/* One inline button: its label's catalog key, its callback data and the
 * row it goes on (rows in order, from 0). */
typedef struct button_spec {
    const char *key, *data;
    int row;
} button_spec;

/* An inline keyboard of n buttons as JSON text (caller frees). */
static char *keyboard(const ceiling *c, const button_spec *spec, int n)
{
    cJSON *markup = cJSON_CreateObject();
    cJSON *rows = cJSON_AddArrayToObject(markup, "inline_keyboard"), *row = NULL;
    for (int i = 0; i < n; i++) {
        if (i == 0 || spec[i].row != spec[i - 1].row) {
            row = cJSON_CreateArray();
            cJSON_AddItemToArray(rows, row);
        }
        cJSON *button = cJSON_CreateObject();
        cJSON_AddStringToObject(button, "text", i18n_text(c->catalog, "ru", spec[i].key));
        cJSON_AddStringToObject(button, "callback_data", spec[i].data);
        cJSON_AddItemToArray(row, button);
    }
    char *json = cJSON_PrintUnformatted(markup);
    cJSON_Delete(markup);
    return json;
}

/* The survey's title from its instrument file, into out. */
static int survey_title(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "rb");
    char *text = f ? malloc(INSTRUMENT_BODY_MAX + 1) : NULL, err[256];
    size_t len = text ? fread(text, 1, INSTRUMENT_BODY_MAX, f) : 0;
    instrument *ins = NULL;
    int ok = 0;
    if (text && instrument_parse(text, len, path, &ins, err, sizeof err) == MB_OK) {
        snprintf(out, size, "%s", instrument_text(ins->title, "ru"));
        ok = 1;
    } else {
        fprintf(stderr, "cannot read the survey %s: %s\n", path, text ? err : "no such file");
    }
    instrument_free(ins);
    free(text);
    if (f) fclose(f);
    return ok;
}

static int prepare_texts(ceiling *c)
{
    /* The buttons the real bot shows a mentee of an organisation's invite
     * (handlers/registration.c, handlers/menu.c, handlers/survey.c). */
    static const button_spec greeting[] = {
        {"category.pupil", "cat:pupil", 0}, {"category.student", "cat:student", 0}, {"category.teacher", "cat:teacher", 1}};
    static const button_spec consent[] = {{"reg.consent_yes", "consent:yes", 0}, {"reg.consent_no", "consent:no", 1}};
    static const button_spec menu[] = {{"survey.menu_fill", "sv:start", 0}, {"menu.privacy", "m:privacy", 1},
                                       {"menu.language", "m:language", 1}, {"tz.menu", "tz:ask", 1},
                                       {"menu.help", "m:help", 2}};
    static const button_spec offer[] = {{"survey.start", "sv:start", 0}, {"survey.later", "sv:later", 0}};
#define BUTTONS(a) a, (int)(sizeof a / sizeof *a)
    char title[INSTRUMENT_TITLE_MAX * 4 + 1];
    if (!survey_title(c->conf.survey, title, sizeof title)) return -1;
    c->role = i18n_text(c->catalog, "ru", "role.mentee");
    c->greeting = i18n_format(c->catalog, "ru", "reg.welcome", "org", c->conf.org, "role", c->role, NULL);
    c->consent = i18n_format(c->catalog, "ru", "reg.privacy", NULL);
    c->ask_name = i18n_format(c->catalog, "ru", "reg.ask_name", NULL);
    c->offer = i18n_format(c->catalog, "ru", "survey.offer", "title", title, NULL);
    c->markup[CEILING_TG][KB_GREETING] = keyboard(c, BUTTONS(greeting));
    c->markup[CEILING_TG][KB_CONSENT] = keyboard(c, BUTTONS(consent));
    c->markup[CEILING_TG][KB_MENU] = keyboard(c, BUTTONS(menu));
    c->markup[CEILING_TG][KB_OFFER] = keyboard(c, BUTTONS(offer));
#undef BUTTONS
    for (int k = 0; k < KB_COUNT; k++) {
        if (!c->markup[CEILING_TG][k] || !(c->markup[CEILING_VK][k] = ceiling_vk_keyboard(c->markup[CEILING_TG][k])))
            return -1;
    }
    return c->greeting && c->consent && c->ask_name && c->offer ? 0 : -1;
}

void ceiling_poller_ready(ceiling *c)
{
    if (++c->pollers_ready == c->pollers) log_info("ceiling", CEILING_STARTED_LINE);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents) { ev_break(loop, EVBREAK_ALL); }

static void ceiling_free(ceiling *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        if (!c->chats[i]) continue;
        pending_call *p = c->chats[i]->head;
        while (p) {
            pending_call *next = p->next;
            free(p->body);
            free(p);
            p = next;
        }
        free(c->chats[i]);
    }
    free(c->chats);
    http_client_free(c->http);
    i18n_free(c->catalog);
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < KB_COUNT; k++) free(c->markup[p][k]);
    while (c->answers_head) {
        pending_call *p = c->answers_head;
        c->answers_head = p->next;
        free(p->body);
        free(p);
    }
    ceiling_store_close(c);
    ceiling_vk_free(c);
    free(c->greeting), free(c->consent), free(c->ask_name), free(c->offer);
}

int main(int argc, char **argv)
{
    static ceiling c;
    static const char *const langs[] = {"ru", "en", NULL};
    char err[512];
    int rc = 1;
    if (argc != 3 || strcmp(argv[1], "--config") != 0) {
        fprintf(stderr, "usage: %s --config FILE\n", argv[0]);
        return 2;
    }
    snprintf(c.conf.locales, sizeof c.conf.locales, "locales");
    snprintf(c.conf.survey, sizeof c.conf.survey, "locales/surveys/pupil_request.json");
    c.conf.poll_timeout_s = 25;
    int bad_line = ini_parse(argv[2], on_conf_key, &c.conf);
    if (bad_line != 0) {
        fprintf(stderr, "%s: %s\n", argv[2], bad_line < 0 ? "cannot read it" : "a line is wrong (see above)");
        return 1;
    }
    int tg = c.conf.api_base[0] && c.conf.token[0], vk = c.conf.vk_api_base[0] && c.conf.vk_token[0];
    if ((!tg && !vk) || !c.conf.org[0]) {
        fprintf(stderr, "%s: [telegram] or [vk] token and api_base, and [ceiling] org are needed\n", argv[2]);
        return 1;
    }
    if (!(c.catalog = i18n_load(c.conf.locales, langs, err, sizeof err))) {
        fprintf(stderr, "cannot load the message catalogs: %s\n", err);
        goto out;
    }
    if (prepare_texts(&c) != 0) goto out;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    c.loop = EV_DEFAULT;
    if (!(c.http = http_client_new(c.loop))) goto out;
    if (c.conf.store[0] && ceiling_store_open(&c, c.conf.store) != 0) goto out;
    ev_signal_init(&c.sigterm, on_signal, SIGTERM);
    ev_signal_init(&c.sigint, on_signal, SIGINT);
    ev_signal_start(c.loop, &c.sigterm);
    ev_signal_start(c.loop, &c.sigint);
    c.pollers = tg + vk;
    if (tg) {
        poll_updates(&c);
        ceiling_poller_ready(&c);
    }
    if (vk && ceiling_vk_start(&c) != 0) goto out;
    ev_run(c.loop, 0);
    log_info("ceiling", "stopped after %lld updates (%lld calls failed)", c.updates, c.calls_failed);
    rc = c.failed ? 1 : 0;
out:
    ceiling_free(&c);
    return rc;
}
