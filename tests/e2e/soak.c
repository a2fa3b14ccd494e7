/*
 * The pupils of the soak test: their script, what they do with each
 * message the bot shows them, the kills and the run loop (see soak.h).
 */
#include "tests/e2e/soak.h"
#include "tests/unit.h"
#include "util/strbuf.h"
#include "util/array.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SOAK_STUCK_MS 30000     /* a pupil waiting this long for the bot is stuck */
#define SOAK_POLL_MS 100        /* one wait of the sent log */
#define SOAK_DRAIN_MS 30000     /* for the outbox to empty after the last reply */
#define SOAK_DOWN_MAX_MS 300    /* longest time the bot stays dead after a kill */

/* consent_age 12: the pupils are born in 2013 and need no parent; info,
 * not the harness's debug, keeps the log of 2,000 pupils readable. */
#define SOAK_CONF "[bot]\nconsent_age = 12\nlog_level = info\n"

/* What a pupil does on seeing a message that contains the needle. */
typedef enum { ACT_PRESS, ACT_TICK, ACT_SAY, ACT_SAY_NAME, ACT_SAY_TOWN, ACT_DONE } act_kind;
typedef struct soak_step {
    const char *needle;
    act_kind act;
    const char *arg; /* the button label or the text */
} soak_step;

/* In conversation order; a message is matched against the first needle it
 * contains. ACT_TICK ticks one option of a multiple choice, then, once the
 * edited message shows it ticked, presses "Готово". */
static const soak_step steps[] = {
    {"Ваша роль — наставляемый", ACT_PRESS, "Школьник"},
    {"В каком ты классе?", ACT_PRESS, "7"},
    {"Теперь год рождения", ACT_SAY, "2013"},
    {"/forget", ACT_PRESS, "Даю согласие"},
    {"Как тебя зовут?", ACT_SAY_NAME, NULL},
    {"Следующий шаг — анкета", ACT_PRESS, "Начать анкету"},
    {"С чем тебе хотелось бы помощи?", ACT_TICK, "Выбрать профессию"},
    {"Кто тебе ближе как наставник?", ACT_PRESS, "Студент колледжа или вуза"},
    {"Как тебе удобнее заниматься?", ACT_PRESS, "Один на один"},
    {"Чем ты увлекаешься?", ACT_TICK, "Книги"},
    {"Сколько раз в месяц", ACT_SAY, "2"},
    {"Когда тебе удобно встречаться?", ACT_TICK, "Будни, вечером"},
    {"Как встречаться?", ACT_PRESS, "Онлайн"},
    {"Насколько ты ждёшь", ACT_PRESS, "9"},
    {"В каком городе", ACT_SAY_TOWN, NULL},
    {"Интересно узнать больше о профессиях", ACT_PRESS, "Да, интересно"},
    {"Анкета заполнена", ACT_DONE, NULL},
};
#define STEPS_COUNT ((int)(sizeof steps / sizeof *steps))

static const char *const first_names[] = {"Маша", "Петя", "Оля", "Коля", "Аня", "Ваня", "Лиза", "Дима"};
static const char *const surnames[] = {"Иванова", "Петров", "Сидорова", "Орлов", "Ким", "Волков"};
static const char *const towns[] = {"Томск", "Северск", "Асино", "Колпашево", "Стрежевой"};

static int on_vk(const soak_run *r) { return strcmp(r->c.transport, "vk") == 0; }

static void user_name(int i, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s", first_names[i % 8], surnames[(i / 8) % 6]);
}

/* Walks a message's buttons: with want NULL, writes their labels
 * "|"-joined into out; otherwise writes the data (Telegram's callback_data,
 * VK's payload) of the first button whose label contains want into out and
 * returns 1, or returns 0. Thread-safe, unlike the harness's lookups. */
static int buttons(const soak_run *r, const cJSON *call, const char *want, char *out, size_t size)
{
    cJSON *parsed = NULL;
    const cJSON *rows, *row, *button;
    int found = 0;
    out[0] = 0;
    if (on_vk(r)) {
        const cJSON *kb = sim_json_at(call, "params.keyboard");
        if (cJSON_IsString(kb)) kb = parsed = cJSON_Parse(kb->valuestring);
        rows = cJSON_GetObjectItemCaseSensitive(kb, "buttons");
    } else {
        const cJSON *markup = sim_json_at(call, "result.reply_markup");
        if (!markup) markup = sim_json_at(call, "params.reply_markup");
        if (cJSON_IsString(markup)) markup = parsed = cJSON_Parse(markup->valuestring);
        rows = cJSON_GetObjectItemCaseSensitive(markup, "inline_keyboard");
    }
    cJSON_ArrayForEach(row, rows) {
        cJSON_ArrayForEach(button, row) {
            const char *label = sim_json_str(button, on_vk(r) ? "action.label" : "text");
            const char *data = sim_json_str(button, on_vk(r) ? "action.payload" : "callback_data");
            size_t len = strlen(out);
            if (!label) continue;
            if (!want) {
                snprintf(out + len, size - len, "%s|", label);
            } else if (data && strstr(label, want)) {
                snprintf(out, size, "%s", data);
                found = 1;
                goto done;
            }
        }
    }
done:
    cJSON_Delete(parsed);
    return found;
}

static int shows_in_chat(const soak_run *r, const cJSON *call)
{
    const char *method = sim_json_str(call, "method");
    const char *fault = sim_json_str(call, "fault");
    if (!method || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok"))) return 0;
    if (on_vk(r)) {
        if (fault && strcmp(fault, "random_id_repeat") == 0) return 0;
        if (strcmp(method, "messages.send") == 0) return !sim_json_at(call, "result.0.error");
        return strcmp(method, "messages.edit") == 0;
    }
    return strcmp(method, "sendMessage") == 0 || strcmp(method, "editMessageText") == 0 ||
           strcmp(method, "editMessageReplyMarkup") == 0 || strcmp(method, "sendDocument") == 0 ||
           strcmp(method, "sendPhoto") == 0;
}

static const char *call_text(const soak_run *r, const cJSON *call)
{
    return on_vk(r) ? vk_call_text(call) : tg_call_text(call);
}

/* One request to the simulator over the run's kept-alive connection (the
 * simulator starts a thread per connection, which under ASan costs more
 * than the request): a POST of body as JSON, or a GET when body is NULL.
 * Returns the JSON answer (caller deletes) or NULL. */
static cJSON *sim_call(soak_run *r, const char *path, const cJSON *body)
{
    char url[512];
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    strbuf answer;
    cJSON *json = NULL;
    sb_init(&answer, HARNESS_RESPONSE_MAX);
    snprintf(url, sizeof url, "%s%s", r->c.sim.base, path);
    curl_easy_setopt(r->curl, CURLOPT_URL, url);
    curl_easy_setopt(r->curl, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(r->curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(r->curl, CURLOPT_TIMEOUT_MS, (long)HARNESS_HTTP_TIMEOUT_MS);
    curl_easy_setopt(r->curl, CURLOPT_NOSIGNAL, 1L);
    if (text) {
        curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, r->json_headers);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDS, text);
        curl_easy_setopt(r->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(text));
    } else {
        curl_easy_setopt(r->curl, CURLOPT_HTTPHEADER, NULL);
        curl_easy_setopt(r->curl, CURLOPT_HTTPGET, 1L);
    }
    if ((!body || text) && curl_easy_perform(r->curl) == CURLE_OK) json = cJSON_Parse(sb_str(&answer));
    sb_free(&answer);
    free(text);
    return json;
}

/* Posts a user's message or button press (body, deleted here); 1 when the
 * simulator took it. */
static int post_update(soak_run *r, const char *path, cJSON *body)
{
    cJSON *answer = sim_call(r, path, body);
    int ok = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(answer, on_vk(r) ? "event" : "update_id"));
    cJSON_Delete(answer);
    cJSON_Delete(body);
    return ok;
}

/* A Telegram update's body from the pupil. */
static cJSON *tg_body(const soak_user *u)
{
    cJSON *body = cJSON_CreateObject();
    cJSON *from = cJSON_AddObjectToObject(body, "from");
    cJSON_AddNumberToObject(from, "id", (double)u->id);
    cJSON_AddStringToObject(from, "first_name", "Ученик");
    cJSON_AddStringToObject(from, "language_code", "ru");
    return body;
}

static int say_text(soak_run *r, soak_user *u, const char *text)
{
    if (!on_vk(r)) {
        cJSON *body = tg_body(u);
        cJSON_AddStringToObject(body, "text", text);
        return post_update(r, "/sim/tg/message", body);
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "from_id", (double)u->id);
    cJSON_AddNumberToObject(body, "peer_id", (double)u->id);
    cJSON_AddStringToObject(body, "text", text);
    cJSON_AddStringToObject(body, "lang", "ru");
    return post_update(r, "/sim/vk/message", body);
}

/* Presses the button whose label contains label on the pupil's last
 * message with buttons; 0 when there is none or the simulator refused. */
static int press_label(soak_run *r, soak_user *u, const char *label)
{
    char data[512];
    if (!u->last || !buttons(r, u->last, label, data, sizeof data)) return 0;
    if (!on_vk(r)) {
        cJSON *body = tg_body(u);
        cJSON_AddNumberToObject(body, "message_id", (double)sim_json_num(u->last, "result.message_id"));
        cJSON_AddStringToObject(body, "data", data);
        return post_update(r, "/sim/tg/callback", body);
    }
    /* A VK button's payload is JSON text; the event carries it as an object. */
    cJSON *body = cJSON_CreateObject(), *payload = cJSON_Parse(data);
    cJSON_AddNumberToObject(body, "user_id", (double)u->id);
    cJSON_AddNumberToObject(body, "peer_id", (double)u->id);
    cJSON_AddItemToObject(body, "payload", payload ? payload : cJSON_CreateString(data));
    cJSON_AddNumberToObject(body, "conversation_message_id", (double)vk_call_message_id(u->last));
    return post_update(r, "/sim/vk/event", body);
}

/* A failed check from a run's own thread. */
static void fail(void) { __atomic_add_fetch(&unit_failed_checks, 1, __ATOMIC_SEQ_CST); }

/* The pupil acts on what the bot just showed: only on a step after the
 * last one acted on (an edit of a question already answered asks nothing),
 * except the second press of a multiple choice. */
static void act(soak_run *r, soak_user *u, const cJSON *call, const char *text)
{
    int i = 0;
    while (i < STEPS_COUNT && !strstr(text, steps[i].needle)) i++;
    if (i == STEPS_COUNT) return;
    const soak_step *s = &steps[i];
    int index = (int)(u - r->users);
    char buf[128];
    int ok = 1;
    if (s->act == ACT_TICK && i == u->step && u->ticked == 1) {
        char ticked[96];
        snprintf(ticked, sizeof ticked, "✓ %s", s->arg);
        char data[512];
        if (!buttons(r, call, ticked, data, sizeof data)) return;
        ok = press_label(r, u, "Готово");
        u->ticked = 2;
    } else if (i <= u->step) {
        return;
    } else {
        u->step = i;
        u->ticked = 0;
        switch (s->act) {
        case ACT_PRESS: ok = press_label(r, u, s->arg); break;
        case ACT_TICK: ok = press_label(r, u, s->arg); u->ticked = 1; break;
        case ACT_SAY: ok = say_text(r, u, s->arg); break;
        case ACT_SAY_NAME: user_name(index, buf, sizeof buf); ok = say_text(r, u, buf); break;
        case ACT_SAY_TOWN: ok = say_text(r, u, towns[index % 5]); break;
        case ACT_DONE: u->done = 1; r->active--; r->finished++; return;
        }
    }
    r->actions++;
    if (!ok) {
        fprintf(stderr, "  %s: pupil %lld could not act on \"%s\" (step %d)\n", r->label, u->id, text, i);
        fail();
    }
}

static int is_edit(const char *method)
{
    return strcmp(method, "editMessageText") == 0 || strcmp(method, "editMessageReplyMarkup") == 0 ||
           strcmp(method, "messages.edit") == 0;
}

/* One message shown to a pupil: kept for the comparison, then acted on.
 * An edit into exactly what the message already shows changes nothing the
 * pupil sees (VK accepts it where Telegram answers "message is not
 * modified"), so it is counted apart and not as a reply. */
static void take(soak_run *r, soak_user *u, cJSON *call)
{
    char labels[1024], *entry = NULL, *shown = NULL;
    const char *text = call_text(r, call), *method = sim_json_str(call, "method");
    long long id = on_vk(r) ? vk_call_message_id(call) : sim_json_num(call, "result.message_id");
    buttons(r, call, NULL, labels, sizeof labels);
    if (asprintf(&shown, "%s [%s]", text, labels) < 0) shown = NULL;
    if (is_edit(method) && id == u->shown_id && shown && u->shown && strcmp(shown, u->shown) == 0) {
        r->same_edits++;
        free(shown);
        return;
    }
    free(u->shown);
    u->shown = shown;
    u->shown_id = id;
    if (asprintf(&entry, "%s: %s", method, shown ? shown : text) < 0) entry = NULL;
    if (array_grow(&u->replies, &u->cap, (size_t)u->nreplies, sizeof *u->replies, 32)) {
        fprintf(stderr, "  %s: out of memory keeping pupil %lld's replies\n", r->label, u->id);
        fail();
        free(entry);
        return;
    }
    u->replies[u->nreplies++] = entry;
    snprintf(u->last_text, sizeof u->last_text, "%s", text);
    u->last_ms = harness_now_ms();
    r->replies++;
    if (labels[0]) {
        cJSON_Delete(u->last);
        u->last = cJSON_Duplicate(call, 1);
    }
    if (!u->done) act(r, u, call, text);
}

/* Reads what the bot sent since the last read (waiting up to wait_ms for
 * something new) and hands each message to its pupil. */
static void read_sent(soak_run *r, int wait_ms)
{
    char path[128];
    snprintf(path, sizeof path, "/sim/%s/sent?after=%lld&wait_ms=%d", r->c.transport, r->seq, wait_ms);
    cJSON *answer = sim_call(r, path, NULL);
    cJSON *call;
    cJSON_ArrayForEach(call, cJSON_GetObjectItemCaseSensitive(answer, "calls")) {
        long long seq = sim_json_num(call, "seq"), chat = sim_json_num(call, "chat_id");
        if (seq > r->seq) r->seq = seq;
        if (chat < SOAK_FIRST_USER || chat >= SOAK_FIRST_USER + r->opts.users || !shows_in_chat(r, call)) continue;
        take(r, &r->users[chat - SOAK_FIRST_USER], call);
    }
    if (!answer) usleep(20 * 1000);
    cJSON_Delete(answer);
}

/* Kills the bot when the next planned point is passed (at least one new
 * reply since the last kill, so kills are spread), and starts it again
 * after a random pause. */
static void kill_or_restart(soak_run *r)
{
    long long now = harness_now_ms();
    if (r->c.bot.pid == 0) {
        if (now >= r->up_at && bot_start(&r->c.bot) != 0) {
            fprintf(stderr, "  %s: the bot did not start again after kill %d\n", r->label, r->kills_done);
            r->up_at = now + 1000;
            fail();
        }
        return;
    }
    if (r->kills_done >= r->kills_planned || r->actions < r->kill_at[r->kills_done] ||
        r->replies <= r->replies_at_last_kill)
        return;
    bot_kill(&r->c.bot, SIGKILL);
    r->up_at = now + r->down_ms[r->kills_done++];
    r->replies_at_last_kill = r->replies;
}

static void start_users(soak_run *r, const char *start_cmd)
{
    while (r->next_user < r->opts.users && r->active < r->opts.concurrent) {
        soak_user *u = &r->users[r->next_user++];
        u->started = 1;
        u->last_ms = harness_now_ms();
        r->active++;
        r->actions++;
        if (!say_text(r, u, start_cmd)) {
            fprintf(stderr, "  %s: the simulator did not take pupil %lld's /start\n", r->label, u->id);
            fail();
        }
    }
}

/* Names the pupils who waited longest (those past SOAK_STUCK_MS first)
 * with their last message, and counts the others. */
static void report_stuck(soak_run *r, long long now)
{
    int waiting = 0, stuck = 0;
    for (int i = 0; i < r->opts.users; i++) {
        soak_user *u = &r->users[i];
        if (!u->started || u->done) continue;
        waiting++;
        stuck += now - u->last_ms > SOAK_STUCK_MS;
    }
    long long floor = stuck ? SOAK_STUCK_MS : 0;
    for (int i = 0, named = 0; i < r->opts.users && named < SOAK_REPORT_MAX; i++) {
        soak_user *u = &r->users[i];
        if (!u->started || u->done || now - u->last_ms <= floor) continue;
        named++;
        fprintf(stderr, "    pupil %lld, waiting %lld ms after step %d; last message: \"%.150s\"\n", u->id,
                now - u->last_ms, u->step, u->last_text[0] ? u->last_text : "(none yet)");
    }
    fprintf(stderr, "  %s: %d pupil(s) stuck over %d s, %d more waiting, %d finished, %d never started; "
            "%d of %d kills done\n", r->label, stuck, SOAK_STUCK_MS / 1000, waiting - stuck, r->finished,
            r->opts.users - r->next_user, r->kills_done, r->kills_planned);
    fail();
}

/* Plays every pupil's conversation to its end. 0 when all finished, -1
 * (with the stuck pupils named) when one waited SOAK_STUCK_MS or the run
 * passed its deadline. */
static int play(soak_run *r, long long deadline)
{
    while (r->finished < r->opts.users) {
        start_users(r, r->start_cmd);
        read_sent(r, SOAK_POLL_MS);
        kill_or_restart(r);
        long long now = harness_now_ms(), oldest = now;
        for (int i = 0; i < r->opts.users; i++)
            if (r->users[i].started && !r->users[i].done && r->users[i].last_ms < oldest) oldest = r->users[i].last_ms;
        if (now - oldest > SOAK_STUCK_MS || now > deadline) {
            fprintf(stderr, "  %s: %s\n", r->label, now > deadline ? "the run passed its deadline"
                                                                     : "a pupil waited too long for the bot");
            report_stuck(r, now);
            return -1;
        }
    }
    /* Points the conversations ended before (two of them close together
     * at the very end): those kills hit the bot while it empties the
     * outbox. The bot is running again afterwards. */
    for (;;) {
        if (r->c.bot.pid == 0 && bot_start(&r->c.bot) != 0) {
            fprintf(stderr, "  %s: the bot did not start again after kill %d\n", r->label, r->kills_done);
            fail();
            return -1;
        }
        if (r->kills_done == r->kills_planned) return 0;
        bot_kill(&r->c.bot, SIGKILL);
        r->kills_done++;
    }
}

int soak_outbox_open_rows(soak_run *r)
{
    return (int)db_query_int(r->c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'");
}

/* Waits for the outbox to drain, then reads the sent log once more after
 * a pause in which a late duplicate would show. */
static void settle(soak_run *r)
{
    long long until = harness_now_ms() + SOAK_DRAIN_MS;
    while (soak_outbox_open_rows(r) != 0 && harness_now_ms() < until) read_sent(r, SOAK_POLL_MS);
    usleep(1000 * 1000);
    read_sent(r, 0);
}

/* Things a pupil says or presses in a whole conversation, /start included. */
static int actions_per_user(void)
{
    int n = 1;
    for (int i = 0; i < STEPS_COUNT; i++) n += steps[i].act == ACT_TICK ? 2 : steps[i].act == ACT_DONE ? 0 : 1;
    return n;
}

/* A simulator and a bot with an organisation and an invite for every
 * pupil; with kills, the points where the bot dies, drawn from the seed:
 * uniform over the pupils' actions, sorted. */
int soak_run_plan(soak_run *r, const char *label, const soak_opts *opts, int kills)
{
    memset(r, 0, sizeof *r);
    r->label = label;
    r->opts = *opts;
    r->users = calloc((size_t)r->opts.users, sizeof *r->users);
    r->kill_at = calloc((size_t)kills + 1, sizeof *r->kill_at);
    r->down_ms = calloc((size_t)kills + 1, sizeof *r->down_ms);
    r->kills_planned = kills;
    if (!r->users || !r->kill_at || !r->down_ms) return -1;
    for (int i = 0; i < r->opts.users; i++) {
        r->users[i].id = SOAK_FIRST_USER + i;
        r->users[i].step = -1;
    }
    long long total = (long long)r->opts.users * actions_per_user();
    for (int k = 0; k < kills; k++) {
        r->kill_at[k] = 1 + (long long)((double)rand() / RAND_MAX * (double)(total - 1));
        r->down_ms[k] = rand() % (SOAK_DOWN_MAX_MS + 1);
        for (int j = k; j > 0 && r->kill_at[j] < r->kill_at[j - 1]; j--) {
            long long t = r->kill_at[j];
            r->kill_at[j] = r->kill_at[j - 1];
            r->kill_at[j - 1] = t;
        }
    }
    r->curl = curl_easy_init();
    r->json_headers = curl_slist_append(curl_slist_append(NULL, "Expect:"), "Content-Type: application/json");
    return r->curl && r->json_headers ? 0 : -1;
}

/* The simulator, the bot, an organisation and an invite for every pupil,
 * with the /start command into r->start_cmd; the convo helpers' admin()
 * and code_of() keep static buffers, so this thread has its own. */
static int setup(soak_run *r)
{
    char org[64], link[512], err[1024];
    if (convo_start(&r->c, r->label, SOAK_CONF)) return -1;
    if (bot_admin(&r->c.bot, org, sizeof org, err, sizeof err, "org add --name \"Школа №9\"") != 0 ||
        bot_admin(&r->c.bot, link, sizeof link, err, sizeof err, "invite create --org %s --role mentee --uses %d",
                  org, r->opts.users) != 0) {
        fprintf(stderr, "  %s: the organisation or the invite was not made: %s\n", r->label, err);
        return -1;
    }
    const char *code = strstr(link, "start=") ? strstr(link, "start=") + 6 : strstr(link, "ref=") ? strstr(link, "ref=") + 4 : "";
    snprintf(r->start_cmd, sizeof r->start_cmd, "/start %.*s", (int)strcspn(code, " \n"), code);
    return 0;
}

void soak_run_free(soak_run *r)
{
    for (int i = 0; r->users && i < r->opts.users; i++) {
        for (int k = 0; k < r->users[i].nreplies; k++) free(r->users[i].replies[k]);
        free(r->users[i].replies);
        free(r->users[i].shown);
        cJSON_Delete(r->users[i].last);
    }
    free(r->users);
    free(r->kill_at);
    free(r->down_ms);
    curl_easy_cleanup(r->curl);
    curl_slist_free_all(r->json_headers);
}

/* One run's conversations, in a thread of its own: the run without kills
 * and the one with them go side by side. */
void *soak_play(void *arg)
{
    soak_run *r = arg;
    if (setup(r) != 0) {
        r->not_started = 1;
        convo_stop(&r->c);
        return NULL;
    }
    r->started_ms = harness_now_ms();
    int rc = play(r, r->started_ms + (long long)r->opts.timeout_s * 1000);
    if (rc == 0) settle(r);
    fprintf(stderr, "  %s: %d pupils, %d kills, %lld messages shown (and %lld edits that changed nothing), "
            "%lld calls in the sent log, %.1f s\n", r->label, r->opts.users, r->kills_done, r->replies, r->same_edits,
            r->seq, (harness_now_ms() - r->started_ms) / 1000.0);
    r->failed_run = rc != 0;
    convo_stop(&r->c);
    return NULL;
}
