#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

const char *convo_transport = "tg";
const char *const *convo_sim_args;

static int on_vk(const convo *c) { return strcmp(c->transport, "vk") == 0; }
static int on_max(const convo *c) { return strcmp(c->transport, "max") == 0; }

/* The next message the bot shows user on the conversation's messenger. */
static cJSON *wait_call(convo *c, long long user, long long *seq, int ms)
{
    return on_vk(c) ? vk_wait_call(&c->sim, user, seq, ms) : on_max(c) ? max_wait_call(&c->sim, user, seq, ms)
                                                                        : tg_wait_call(&c->sim, user, seq, ms);
}

static const char *call_text(const convo *c, const cJSON *call)
{
    return on_vk(c) ? vk_call_text(call) : on_max(c) ? max_call_text(call) : tg_call_text(call);
}

const char *convo_send_method(const convo *c)
{
    return on_vk(c) ? "messages.send" : on_max(c) ? "max.messages" : "sendMessage";
}

/* The long polls the MAX simulator has taken so far; -1 when unknown. */
static long long max_polls(convo *c)
{
    long status = 0;
    cJSON *stats = sim_request(&c->sim, "GET", "/sim/stats", NULL, &status);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(stats, "max"), "polls");
    long long polls = status == 200 && cJSON_IsNumber(n) ? (long long)n->valuedouble : -1;
    cJSON_Delete(stats);
    return polls;
}

int convo_start(convo *c, const char *name, const char *extra_conf)
{
    memset(c, 0, sizeof *c);
    c->transport = convo_transport;
    if (sim_start_args(&c->sim, convo_sim_args)) return -1;
    char conf[2048] = "", dir_name[128];
    if (on_vk(c)) vk_conf(&c->sim, conf, sizeof conf);
    if (on_max(c)) max_conf(&c->sim, conf, sizeof conf);
    if (extra_conf) strncat(conf, extra_conf, sizeof conf - strlen(conf) - 1);
    snprintf(dir_name, sizeof dir_name, "%s-%s", name, c->transport);
    if (bot_setup(&c->bot, &c->sim, dir_name, conf) || bot_start(&c->bot)) return -1;
    /* VK hands out only events after the ts of the session the bot takes:
     * a user writing before that would not be heard, as in real VK. */
    if (on_vk(c)) {
        for (int waited = 0; waited < 10000 && !log_contains(&c->bot, "long poll session ready"); waited += 20)
            usleep(20 * 1000);
    }
    /* MAX's first long poll, without a marker, hands out only the newest
     * update, and a webhook gets only what comes after the subscription:
     * the bot must be listening before anyone writes. */
    if (on_max(c)) {
        for (int waited = 0; waited < 10000 && !log_contains(&c->bot, "long polling from") &&
                             !log_contains(&c->bot, "webhook subscribed");
             waited += 20)
            usleep(20 * 1000);
        /* The log line comes before the first poll reaches MAX: until the
         * simulator holds it, two updates written meanwhile would meet a
         * poll without a marker, which hands out the newest alone. */
        for (int waited = 0; waited < 10000 && log_contains(&c->bot, "long polling from") && max_polls(c) < 1;
             waited += 20)
            usleep(20 * 1000);
    }
    return 0;
}

void convo_stop(convo *c)
{
    bot_stop(&c->bot);
    sim_stop(&c->sim);
    for (int i = 0; i < c->nusers; i++) cJSON_Delete(c->users[i].last);
    c->nusers = 0;
}

int convo_restart_after(convo *c, long long offset_s)
{
    bot_stop(&c->bot);
    char offset[32];
    snprintf(offset, sizeof offset, "%lld", offset_s);
    setenv("MENTORBOT_CLOCK_OFFSET_S", offset, 1);
    int rc = bot_start(&c->bot);
    unsetenv("MENTORBOT_CLOCK_OFFSET_S");
    return rc;
}

int convo_restart_at(convo *c, long long utc_s)
{
    return convo_restart_after(c, utc_s - (long long)time(NULL));
}

void convo_user_add(convo *c, long long id, const char *name, const char *lang)
{
    if (c->nusers == CONVO_USERS_MAX) {
        /* A test with more users talks to the simulator directly. */
        fprintf(stderr, "  %s: more than %d users in one conversation\n", unit_current, CONVO_USERS_MAX);
        unit_failed_checks++;
        return;
    }
    convo_user *u = &c->users[c->nusers++];
    memset(u, 0, sizeof *u);
    u->id = id;
    snprintf(u->name, sizeof u->name, "%s", name);
    snprintf(u->lang, sizeof u->lang, "%s", lang);
}

static convo_user *find(convo *c, long long id)
{
    for (int i = 0; i < c->nusers; i++)
        if (c->users[i].id == id) return &c->users[i];
    convo_user_add(c, id, "User", "ru");
    return &c->users[c->nusers - 1];
}

void say_at(convo *c, long long user, const char *text, const char *file, int line)
{
    convo_user *u = find(c, user);
    long long r;
    if (on_vk(c)) r = vk_say(&c->sim, u->id, strncmp(u->lang, "en", 2) == 0 ? "en" : "ru", text);
    /* A MAX user opens the invite link: the Start button hands its code
     * over as the payload of bot_started. */
    else if (on_max(c) && strncmp(text, "/start ", 7) == 0)
        r = max_start_bot(&c->sim, u->id, u->name, u->lang, text + 7);
    else if (on_max(c)) r = max_say(&c->sim, u->id, u->name, u->lang, text);
    else r = tg_say(&c->sim, u->id, u->name, u->lang, text);
    if (r < 0) {
        fprintf(stderr, "  %s:%d: %s: the simulator did not take \"%s\"\n", file, line, unit_current, text);
        unit_failed_checks++;
    }
}

/* One photo (n makes it unique) as the messenger describes it: a VK
 * attachment item, or Telegram's sizes of it; ref gets the reference the
 * bot must pass it on by. */
static cJSON *photo_of(const convo *c, const convo_user *u, int n, char *ref, size_t ref_size)
{
    if (on_vk(c)) {
        char key[32];
        snprintf(key, sizeof key, "k%dx%lld", n, u->id % 1000);
        cJSON *item = cJSON_CreateObject(), *media = cJSON_AddObjectToObject(item, "photo");
        cJSON_AddStringToObject(item, "type", "photo");
        cJSON_AddNumberToObject(media, "id", (double)(457239000LL + n));
        cJSON_AddNumberToObject(media, "owner_id", (double)u->id);
        cJSON_AddStringToObject(media, "access_key", key);
        snprintf(ref, ref_size, "photo%lld_%lld_%s", u->id, 457239000LL + n, key);
        return item;
    }
    cJSON *sizes = cJSON_CreateArray();
    static const int sides[] = {90, 1280, 320};
    for (int i = 0; i < 3; i++) {
        cJSON *size = cJSON_CreateObject();
        char id[48];
        snprintf(id, sizeof id, "AgPH%d-%lld-%d", n, u->id, sides[i]);
        cJSON_AddStringToObject(size, "file_id", id);
        cJSON_AddStringToObject(size, "file_unique_id", id + 2);
        cJSON_AddNumberToObject(size, "width", sides[i]);
        cJSON_AddNumberToObject(size, "height", sides[i] * 3 / 4);
        cJSON_AddNumberToObject(size, "file_size", sides[i] * 40);
        cJSON_AddItemToArray(sizes, size);
    }
    snprintf(ref, ref_size, "AgPH%d-%lld-1280", n, u->id);
    return sizes;
}

static cJSON *document_of(const convo *c, const convo_user *u, int n, const char *name, char *ref, size_t ref_size)
{
    cJSON *doc = cJSON_CreateObject();
    if (on_vk(c)) {
        char key[32];
        snprintf(key, sizeof key, "d%dx%lld", n, u->id % 1000);
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "type", "doc");
        cJSON_AddNumberToObject(doc, "id", (double)(600000LL + n));
        cJSON_AddNumberToObject(doc, "owner_id", (double)u->id);
        cJSON_AddStringToObject(doc, "title", name);
        cJSON_AddNumberToObject(doc, "size", 2048);
        cJSON_AddStringToObject(doc, "access_key", key);
        cJSON_AddItemToObject(item, "doc", doc);
        snprintf(ref, ref_size, "doc%lld_%lld_%s", u->id, 600000LL + n, key);
        return item;
    }
    snprintf(ref, ref_size, "BQDOC%d-%lld", n, u->id);
    cJSON_AddStringToObject(doc, "file_id", ref);
    cJSON_AddStringToObject(doc, "file_unique_id", ref + 2);
    cJSON_AddStringToObject(doc, "file_name", name);
    cJSON_AddStringToObject(doc, "mime_type", "application/octet-stream");
    cJSON_AddNumberToObject(doc, "file_size", 2048);
    return doc;
}

static int media_sent;   /* makes every photo and file of a run its own */

static void media_failed(long long r, const char *what, const char *file, int line)
{
    if (r >= 0) return;
    fprintf(stderr, "  %s:%d: %s: the simulator did not take the %s\n", file, line, unit_current, what);
    unit_failed_checks++;
}

void say_media_at(convo *c, long long user, const char *kind, const char *name, const char *caption, char *ref,
                  size_t ref_size, const char *file, int line)
{
    convo_user *u = find(c, user);
    int photo = strcmp(kind, "photo") == 0, n = ++media_sent;
    if (on_max(c)) {
        /* MAX names a user's media by a token the simulator hands out. */
        cJSON *list = cJSON_CreateArray(), *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "type", photo ? "image" : "file");
        if (!photo) {
            cJSON_AddStringToObject(item, "filename", name);
            cJSON_AddNumberToObject(item, "size", 2048);
        }
        cJSON_AddItemToArray(list, item);
        media_failed(max_say_media(&c->sim, u->id, u->name, u->lang, caption, list, ref, ref_size), kind, file, line);
        return;
    }
    cJSON *media = photo ? photo_of(c, u, n, ref, ref_size) : document_of(c, u, n, name, ref, ref_size);
    long long r;
    if (on_vk(c)) {
        cJSON *list = cJSON_CreateArray();
        cJSON_AddItemToArray(list, media);
        r = vk_say_media(&c->sim, u->id, strncmp(u->lang, "en", 2) == 0 ? "en" : "ru", caption, list);
    } else {
        r = tg_say_media(&c->sim, u->id, u->name, u->lang, caption, photo ? "photo" : "document", media, NULL);
    }
    media_failed(r, kind, file, line);
}

void say_photos_at(convo *c, long long user, int count, const char *caption, char *refs, size_t refs_size,
                   const char *file, int line)
{
    convo_user *u = find(c, user);
    if (on_max(c)) {   /* one message with them all, as on VK */
        cJSON *list = cJSON_CreateArray();
        for (int i = 0; i < count; i++) {
            cJSON *item = cJSON_CreateObject();
            cJSON_AddStringToObject(item, "type", "image");
            cJSON_AddItemToArray(list, item);
        }
        media_sent += count;
        media_failed(max_say_media(&c->sim, u->id, u->name, u->lang, caption, list, refs, refs_size), "photos", file,
                     line);
        return;
    }
    cJSON *list = cJSON_CreateArray();
    char album[32];
    size_t used = 0;
    refs[0] = 0;
    snprintf(album, sizeof album, "album%d", media_sent + 1);
    for (int i = 0; i < count; i++) {
        char ref[128];
        cJSON *media = photo_of(c, u, ++media_sent, ref, sizeof ref);
        int w = snprintf(refs + used, refs_size - used, "%s%s", used ? "," : "", ref);
        if (w > 0 && (size_t)w < refs_size - used) used += (size_t)w;
        if (on_vk(c)) cJSON_AddItemToArray(list, media);
        else media_failed(tg_say_media(&c->sim, u->id, u->name, u->lang, i ? NULL : caption, "photo", media, album),
                          "album", file, line);
    }
    if (on_vk(c)) media_failed(vk_say_media(&c->sim, u->id, strncmp(u->lang, "en", 2) == 0 ? "en" : "ru", caption, list),
                               "photos", file, line);
    else cJSON_Delete(list);
}

int convo_photos_in_one_message(const convo *c) { return on_vk(c) || on_max(c); }

const char *convo_media_ref(const convo *c, const cJSON *call)
{
    if (on_max(c)) return max_call_media_ref(call);
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(call, "params");
    static const char *const fields[] = {"photo", "document", "attachment"};
    for (int i = on_vk(c) ? 2 : 0; i < (on_vk(c) ? 3 : 2); i++) {
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(params, fields[i]));
        if (v) return v;
    }
    return "";
}

const cJSON *convo_last(convo *c, long long user) { return find(c, user)->last; }

int press_at(convo *c, long long user, const char *label, const char *file, int line)
{
    convo_user *u = find(c, user);
    if (on_max(c)) {
        const char *payload = u->last ? max_button_payload(u->last, label) : NULL;
        if (!payload) {
            fprintf(stderr, "  %s:%d: %s: no button \"%s\" on the last message to %lld: %s\n", file, line,
                    unit_current, label, user, u->last ? max_call_text(u->last) : "(none)");
            unit_failed_checks++;
            return 0;
        }
        char copy[1100], mid[128];
        snprintf(copy, sizeof copy, "%s", payload);
        snprintf(mid, sizeof mid, "%s", max_call_mid(u->last) ? max_call_mid(u->last) : "");
        if (max_press(&c->sim, u->id, mid, copy) < 0) {
            fprintf(stderr, "  %s:%d: %s: the simulator did not take the press\n", file, line, unit_current);
            unit_failed_checks++;
            return 0;
        }
        return 1;
    }
    if (on_vk(c)) {
        const char *payload = u->last ? vk_button_payload(u->last, label) : NULL;
        if (!payload) {
            fprintf(stderr, "  %s:%d: %s: no button \"%s\" on the last message to %lld: %s\n", file, line,
                    unit_current, label, user, u->last ? vk_call_text(u->last) : "(none)");
            unit_failed_checks++;
            return 0;
        }
        char copy[256];
        snprintf(copy, sizeof copy, "%s", payload);
        if (vk_press(&c->sim, u->id, vk_call_message_id(u->last), copy) < 0) {
            fprintf(stderr, "  %s:%d: %s: the simulator did not take the press\n", file, line, unit_current);
            unit_failed_checks++;
            return 0;
        }
        return 1;
    }
    const char *data = u->last ? tg_button_data(u->last, label) : NULL;
    if (!data) {
        fprintf(stderr, "  %s:%d: %s: no button \"%s\" on the last message to %lld: %s\n", file, line,
                unit_current, label, user, u->last ? tg_call_text(u->last) : "(none)");
        unit_failed_checks++;
        return 0;
    }
    char copy[128];
    snprintf(copy, sizeof copy, "%s", data);
    long long mid = (long long)cJSON_GetNumberValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(u->last, "result"), "message_id"));
    if (tg_press(&c->sim, u->id, u->name, u->lang, mid, copy) < 0) {
        fprintf(stderr, "  %s:%d: %s: the simulator did not take the press\n", file, line, unit_current);
        unit_failed_checks++;
        return 0;
    }
    return 1;
}

const char *answer_until_consent_at(convo *c, long long user, const char *category, const char *grade,
                                    const char *year, const char *file, int line)
{
    int en = strncmp(find(c, user)->lang, "en", 2) == 0;
    if (!press_at(c, user, category, file, line)) return NULL;
    if (grade) {
        expect_at(c, user, en ? "Which grade" : "В каком ты классе?", file, line);
        press_at(c, user, grade, file, line);
        expect_at(c, user, en ? "year" : "год рождения", file, line);
        say_at(c, user, year, file, line);
    }
    /* every wording of the consent question names /forget */
    return expect_at(c, user, "/forget", file, line);
}

void answer_registration_at(convo *c, long long user, const char *category, const char *grade, const char *year,
                            const char *name, const char *file, int line)
{
    int en = strncmp(find(c, user)->lang, "en", 2) == 0;
    if (!answer_until_consent_at(c, user, category, grade, year, file, line)) return;
    press_at(c, user, en ? "I consent" : "Даю согласие", file, line);
    expect_at(c, user, en ? "your name?" : "зовут?", file, line);
    say_at(c, user, name, file, line);
}

const char *expect_at(convo *c, long long user, const char *needle, const char *file, int line)
{
    convo_user *u = find(c, user);
    cJSON *call = wait_call(c, u->id, &u->seq, CONVO_WAIT_MS);
    if (!call) {
        fprintf(stderr, "  %s:%d: %s: no message to %lld within %d ms (expected \"%s\")\n", file, line,
                unit_current, user, CONVO_WAIT_MS, needle);
        unit_failed_checks++;
        return NULL;
    }
    const char *text = call_text(c, call);
    if (!strstr(text, needle)) {
        fprintf(stderr, "  %s:%d: %s: message to %lld lacks \"%s\": \"%s\"\n", file, line, unit_current, user,
                needle, text);
        unit_failed_checks++;
    }
    cJSON_Delete(u->last);
    u->last = call;
    return call_text(c, call);
}

/* The message a call made or edited, written out ("" when none), and
 * whether the call edited it. */
static int call_message(const convo *c, const cJSON *call, char *buf, size_t size)
{
    const char *method = sim_json_str(call, "method");
    int edit = method && strstr(method, "edit") != NULL;
    buf[0] = 0;
    if (on_max(c)) {
        const char *mid = max_call_mid(call);
        snprintf(buf, size, "%s", mid ? mid : "");
    } else {
        long long id = on_vk(c) ? vk_call_message_id(call)
                       : edit   ? sim_json_num(call, "params.message_id")
                                : sim_json_num(call, "result.message_id");
        if (id > 0) snprintf(buf, size, "%lld", id);
    }
    return edit;
}

const char *expect_edit_at(convo *c, long long user, const char *needle, const char *file, int line)
{
    convo_user *u = find(c, user);
    char before[128], after[128];
    if (u->last) call_message(c, u->last, before, sizeof before);
    else before[0] = 0;
    const char *text = expect_at(c, user, needle, file, line);
    if (!text) return NULL;
    int edit = call_message(c, u->last, after, sizeof after);
    if (!edit || !before[0] || strcmp(before, after) != 0) {
        fprintf(stderr, "  %s:%d: %s: the message to %lld was not edited in place (%s of \"%s\", shown before as "
                "\"%s\")\n", file, line, unit_current, user, edit ? "an edit" : "a new message", after, before);
        unit_failed_checks++;
    }
    return text;
}

void press_data_at(convo *c, long long user, const char *data, const char *file, int line)
{
    convo_user *u = find(c, user);
    long long r;
    if (on_vk(c)) {
        cJSON *payload = cJSON_CreateObject();
        cJSON_AddStringToObject(payload, "b", data);
        char *json = cJSON_PrintUnformatted(payload);
        r = json ? vk_press(&c->sim, u->id, 1, json) : -1;
        free(json);
        cJSON_Delete(payload);
    } else if (on_max(c)) {
        r = max_press(&c->sim, u->id, NULL, data);
    } else {
        r = tg_press(&c->sim, u->id, u->name, u->lang, 1, data);
    }
    if (r < 0) {
        fprintf(stderr, "  %s:%d: %s: the simulator did not take the press \"%s\"\n", file, line, unit_current,
                data);
        unit_failed_checks++;
    }
}

void expect_silence_at(convo *c, long long user, int ms, const char *file, int line)
{
    convo_user *u = find(c, user);
    long long seq = u->seq;
    cJSON *call = wait_call(c, u->id, &seq, ms);
    if (call) {
        fprintf(stderr, "  %s:%d: %s: unexpected message to %lld: \"%s\"\n", file, line, unit_current, user,
                call_text(c, call));
        unit_failed_checks++;
        cJSON_Delete(call);
    }
}

const char *admin_at(convo *c, const char *file, int line, const char *fmt, ...)
{
    static char last[1024];
    char args[1024], err[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    int code = bot_admin(&c->bot, last, sizeof last, err, sizeof err, "%s", args);
    if (code != 0) {
        fprintf(stderr, "  %s:%d: %s: admin %s exited %d: %s\n", file, line, unit_current, args, code, err);
        unit_failed_checks++;
        last[0] = 0;
    }
    return last;
}

const char *code_of(const char *link)
{
    static char code[64];
    const char *p = strstr(link, "start=");
    const char *r = strstr(link, "ref=");
    snprintf(code, sizeof code, "%s", p ? p + 6 : r ? r + 4 : "");
    char *end = strpbrk(code, " \n");
    if (end) *end = 0;
    return code;
}

long long db_query_int(const char *db_path, const char *sql)
{
    sqlite3 *db;
    long long v = -1;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    } else {
        fprintf(stderr, "  query failed: %s: %s\n", sql, sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    return v;
}

/* The file carried by a call, when it carries one: where the simulator
 * serves its bytes, its name and its caption, and whether it came as a
 * photo (Telegram's sendPhoto, a VK photo, a MAX image) rather than a document. */
static int call_file(const convo *c, const cJSON *call, char *path, size_t path_size, const char **name,
                     const char **caption, int *photo)
{
    const char *method = cJSON_GetStringValue(cJSON_GetObjectItem(call, "method"));
    const cJSON *params = cJSON_GetObjectItem(call, "params");
    if (!method) return 0;
    if (on_max(c)) return max_call_file(call, path, path_size, name, caption, photo);
    if (!on_vk(c)) {
        /* a photo has one size in the simulator */
        *photo = strcmp(method, "sendPhoto") == 0;
        const char *id = sim_json_str(call, *photo ? "result.photo.0.file_id" : "result.document.file_id");
        if ((!*photo && strcmp(method, "sendDocument") != 0) || !id) return 0;
        snprintf(path, path_size, "/sim/tg/file?file_id=%s", id);
        *name = sim_json_str(call, "result.document.file_name");
        *caption = cJSON_GetStringValue(cJSON_GetObjectItem(params, "caption"));
        return 1;
    }
    const cJSON *pic = cJSON_GetArrayItem(cJSON_GetObjectItem(call, "photos"), 0);
    const cJSON *doc = pic ? pic : cJSON_GetArrayItem(cJSON_GetObjectItem(call, "docs"), 0);
    const char *url = cJSON_GetStringValue(cJSON_GetObjectItem(doc, "url"));
    const char *at = url ? strstr(url, pic ? "/sim/vk/photo/" : "/sim/vk/doc/") : NULL;
    if (strcmp(method, "messages.send") != 0 || !at) return 0;
    *photo = pic != NULL;
    snprintf(path, path_size, "%s", at);
    *name = pic ? NULL : cJSON_GetStringValue(cJSON_GetObjectItem(doc, "title"));
    *caption = cJSON_GetStringValue(cJSON_GetObjectItem(params, "message"));
    return 1;
}

char *expect_document_at(convo *c, long long user, char *name, size_t name_size, char *caption, size_t caption_size,
                         const char *file, int line)
{
    size_t len;
    return expect_file_at(c, user, name, name_size, caption, caption_size, &len, file, line);
}

/* The next file to user; with want_photo it must have come as a photo. */
static char *next_file(convo *c, long long user, char *name, size_t name_size, char *caption, size_t caption_size,
                       size_t *len, int want_photo, const char *file, int line)
{
    convo_user *u = find(c, user);
    for (int tries = 0; tries < 12; tries++) {
        cJSON *call = convo_wait(c, u->id, &u->seq, CONVO_WAIT_MS);
        if (!call) break;
        char path[512];
        const char *shown = NULL, *said = NULL;
        int photo = 0;
        if (call_file(c, call, path, sizeof path, &shown, &said, &photo)) {
            if (name_size) snprintf(name, name_size, "%s", shown ? shown : "");
            snprintf(caption, caption_size, "%s", said ? said : "");
            if (want_photo && !photo) {
                fprintf(stderr, "  %s:%d: %s: the file came to %lld as a document, not as a photo\n", file, line,
                        unit_current, user);
                unit_failed_checks++;
            }
            *len = 0;
            char *bytes = sim_fetch(&c->sim, path, len);
            cJSON_Delete(call);
            if (!bytes) {
                fprintf(stderr, "  %s:%d: %s: the simulator has no bytes for the file sent to %lld\n", file, line,
                        unit_current, user);
                unit_failed_checks++;
            }
            return bytes;
        }
        cJSON_Delete(u->last);
        u->last = call;
    }
    fprintf(stderr, "  %s:%d: %s: no file came to %lld\n", file, line, unit_current, user);
    unit_failed_checks++;
    return NULL;
}

char *expect_file_at(convo *c, long long user, char *name, size_t name_size, char *caption, size_t caption_size,
                     size_t *len, const char *file, int line)
{
    return next_file(c, user, name, name_size, caption, caption_size, len, 0, file, line);
}

char *expect_photo_at(convo *c, long long user, char *caption, size_t caption_size, size_t *len, const char *file,
                      int line)
{
    return next_file(c, user, NULL, 0, caption, caption_size, len, 1, file, line);
}

int convo_files_left(convo *c)
{
    char dir[sizeof c->bot.db + 8];
    snprintf(dir, sizeof dir, "%s.files", c->bot.db);
    int left = 0;
    for (int tries = 0; tries < 50; tries++) {
        DIR *d = opendir(dir);
        struct dirent *e;
        left = 0;
        while (d && (e = readdir(d)))
            if (e->d_name[0] != '.') left++;
        if (d) closedir(d);
        if (left == 0) break;
        usleep(100 * 1000);
    }
    return left;
}

void db_exec(const char *db_path, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;
    if (sqlite3_open(db_path, &db) != SQLITE_OK) {
        CHECK(!"the bot's database opens");
        sqlite3_close(db);
        return;
    }
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "  %s: %s\n", sql, err ? err : "?");
        unit_failed_checks++;
    }
    sqlite3_free(err);
    sqlite3_close(db);
}

int log_contains(const bot_proc *b, const char *needle)
{
    char *text = unit_read_file(b->log, NULL);
    int found = text && strstr(text, needle);
    free(text);
    return found;
}

int log_count(const bot_proc *b, const char *needle)
{
    char *text = unit_read_file(b->log, NULL);
    int n = 0;
    for (const char *p = text; p && (p = strstr(p, needle)); p += strlen(needle)) n++;
    free(text);
    return n;
}

int bot_wait_exit(bot_proc *b, int timeout_ms)
{
    for (int waited = 0; b->pid > 0 && waited < timeout_ms; waited += 10) {
        int status;
        pid_t r = waitpid(b->pid, &status, WNOHANG);
        if (r == b->pid) {
            b->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        usleep(10 * 1000);
    }
    bot_kill(b, SIGKILL);
    return -1;
}

cJSON *convo_wait(convo *c, long long user, long long *seq, int ms) { return wait_call(c, user, seq, ms); }

const char *convo_text(const convo *c, const cJSON *call) { return call_text(c, call); }

void convo_each_transport(int argc, char **argv, void (*run_all)(void))
{
    /* MAX runs only when asked for by name: the suite runs the
     * conversations the issue names on it (MAX_E2E in the Makefile). */
    static const char *const transports[] = {"tg", "vk", "max"};
    for (int i = 0; i < 3; i++) {
        if (argc > 1 ? strcmp(argv[1], transports[i]) != 0 : strcmp(transports[i], "max") == 0) continue;
        convo_transport = transports[i];
        fprintf(stderr, "-- on %s\n", convo_transport);
        run_all();
    }
}

const char *expect_some_at(convo *c, long long user, const char *needle, const char *file, int line)
{
    convo_user *u = NULL;
    for (int i = 0; i < c->nusers; i++)
        if (c->users[i].id == user) u = &c->users[i];
    for (int tries = 0; u && tries < CONVO_SKIP_MAX; tries++) {
        cJSON *call = convo_wait(c, u->id, &u->seq, CONVO_WAIT_MS);
        if (!call) break;
        cJSON_Delete(u->last);
        u->last = call;
        if (strstr(convo_text(c, call), needle)) return convo_text(c, call);
    }
    fprintf(stderr, "  %s:%d: %s: no message to %lld containing \"%s\"\n", file, line, unit_current, user, needle);
    unit_failed_checks++;
    return NULL;
}

void convo_drain(convo *c, long long user, int ms)
{
    for (int i = 0; i < c->nusers; i++) {
        convo_user *u = &c->users[i];
        if (u->id != user) continue;
        cJSON *call;
        while ((call = convo_wait(c, u->id, &u->seq, ms))) {
            cJSON_Delete(u->last);
            u->last = call;
        }
    }
}

long long convo_cpu_ms(const bot_proc *b) { return convo_pid_cpu_ms(b->pid); }

long long convo_pid_cpu_ms(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* Fields after the command name (which may hold spaces) start past ')';
     * utime and stime are fields 14 and 15, the 12th and 13th after it. */
    const char *p = strrchr(buf, ')');
    if (!p) return -1;
    unsigned long long utime = 0, stime = 0;
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
    long ticks = sysconf(_SC_CLK_TCK);
    return ticks > 0 ? (long long)((utime + stime) * 1000ULL / (unsigned long long)ticks) : -1;
}

void convo_busy_start(convo_busy *w, const bot_proc *b)
{
    w->wall_ms = harness_now_ms();
    w->cpu_ms = convo_cpu_ms(b);
}

int convo_busy_check_at(const convo_busy *w, const bot_proc *b, const char *file, int line)
{
    long long wall = harness_now_ms() - w->wall_ms, cpu = convo_cpu_ms(b) - w->cpu_ms;
    if (w->cpu_ms < 0 || cpu < 0 || cpu * 5 > wall) {
        fprintf(stderr, "  %s:%d: %s: the bot used %lld ms of CPU in %lld ms of wall time (more than 20%%)\n", file,
                line, unit_current, cpu, wall);
        unit_failed_checks++;
        return 0;
    }
    return 1;
}

int convo_outbox_list(convo *c, const char *state, char *out, size_t size)
{
    return harness_run(out, size, "%s/mentorbot --config %s admin outbox list --state %s", harness_bin_dir(),
                       c->bot.conf, state);
}

int convo_wait_count(convo *c, long long want, int ms, const char *sql)
{
    for (int waited = 0;; waited += 20) {
        if (db_query_int(c->bot.db, sql) >= want) return 1;
        if (waited >= ms) return 0;
        usleep(20 * 1000);
    }
}

void convo_greeted_at(convo *c, long long user, const char *shown, const char *file, int line)
{
    convo_user_add(c, user, shown, "ru");
    say_at(c, user, "/start", file, line);
    expect_at(c, user, "ссылку-приглашение", file, line);
}

long long convo_seed_person(convo *c, const char *org, long long user, const char *role, const char *category,
                            const char *name)
{
    char sql[1200];
    snprintf(sql, sizeof sql,
             "INSERT INTO accounts(status, role, org_id, name, category, grade, language, consent_at, created_at,"
             " updated_at) VALUES('active', '%s', %s, '%s', '%s', %s, 'ru', 1, 1, 1);"
             "INSERT INTO identities(platform, user_id, account_id, chat_id) VALUES('%s', %lld, last_insert_rowid(),"
             " %lld);"
             "INSERT INTO profiles(account_id, capacity, updated_at) SELECT account_id, 2, 1 FROM identities"
             " WHERE user_id = %lld;",
             role, org, name, category, strcmp(category, "pupil") == 0 ? "8" : "NULL", c->transport, user, user, user);
    db_exec(c->bot.db, sql);
    snprintf(sql, sizeof sql, "SELECT account_id FROM identities WHERE user_id = %lld", user);
    return db_query_int(c->bot.db, sql);
}

void convo_local_day(long utc_offset_s, int days, char *buf, size_t size)
{
    time_t t = time(NULL) + utc_offset_s + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d", &tm);
}
