#include "sim/chat.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

#define CHAT_DEFAULT_SIM "http://127.0.0.1:8081"
#define CHAT_DEFAULT_USER 100001LL
#define CHAT_URL_MAX 256
#define CHAT_NAME_MAX 64
#define CHAT_BUTTONS_MAX 100
#define CHAT_RESPONSE_MAX (16u * 1024 * 1024)
#define CHAT_POLL_WAIT_MS 1000      /* how long one sent-log request waits */
#define CHAT_HTTP_TIMEOUT_MS 10000  /* on top of the wait */

typedef struct chat_button {
    char *text;
    char *data; /* callback_data, or NULL for a link button */
    char *url;
    int says_label;   /* MAX's message button: pressing it sends its label as text */
} chat_button;

typedef struct chat_session {
    int max;              /* 1: a MAX user (/sim/max/), 0: a Telegram user (/sim/tg/) */
    char base[CHAT_URL_MAX];
    long long user;
    char name[CHAT_NAME_MAX];
    char lang[8];
    long long seq;
    int done;
    pthread_mutex_t lock; /* guards the fields below and stdout */
    long long buttons_message;
    char buttons_mid[CHAT_NAME_MAX];   /* MAX: the mid of the message with the buttons */
    chat_button buttons[CHAT_BUTTONS_MAX];
    int button_count;
} chat_session;

/* One HTTP call to the simulator; returns the parsed JSON answer or NULL. */
static cJSON *chat_http(const chat_session *s, const char *path, const char *post_body,
                        long timeout_ms)
{
    char url[CHAT_URL_MAX * 2];
    strbuf body;
    cJSON *json = NULL;
    struct curl_slist *headers = NULL;
    CURL *curl = curl_easy_init();
    sb_init(&body, CHAT_RESPONSE_MAX);
    if (!curl) goto out;
    snprintf(url, sizeof url, "%s%s", s->base, path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (post_body) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body);
    }
    if (curl_easy_perform(curl) == CURLE_OK) json = cJSON_Parse(sb_str(&body));
out:
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    sb_free(&body);
    return json;
}

static void buttons_clear(chat_session *s)
{
    for (int i = 0; i < s->button_count; i++) {
        free(s->buttons[i].text);
        free(s->buttons[i].data);
        free(s->buttons[i].url);
    }
    s->button_count = 0;
    s->buttons_message = 0;
    s->buttons_mid[0] = 0;
}

static char *dup_or_null(const cJSON *item)
{
    return cJSON_IsString(item) ? strdup(item->valuestring) : NULL;
}

/* Prints the inline keyboard of message as "[1] text  [2] text" and
 * remembers it as the one a typed number presses. Lock held. */
static void show_buttons(chat_session *s, const cJSON *message)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(message, "message_id");
    const cJSON *keyboard = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(message, "reply_markup"), "inline_keyboard");
    const cJSON *row, *b;
    if (!cJSON_IsArray(keyboard)) {
        /* An edit that took the buttons away leaves nothing to press. */
        if (cJSON_IsNumber(id) && (long long)id->valuedouble == s->buttons_message) buttons_clear(s);
        return;
    }
    buttons_clear(s);
    s->buttons_message = cJSON_IsNumber(id) ? (long long)id->valuedouble : 0;
    cJSON_ArrayForEach(row, keyboard) {
        const char *gap = "    ";
        cJSON_ArrayForEach(b, row) {
            if (s->button_count >= CHAT_BUTTONS_MAX) break;
            chat_button *btn = &s->buttons[s->button_count++];
            btn->text = dup_or_null(cJSON_GetObjectItemCaseSensitive(b, "text"));
            btn->data = dup_or_null(cJSON_GetObjectItemCaseSensitive(b, "callback_data"));
            btn->url = dup_or_null(cJSON_GetObjectItemCaseSensitive(b, "url"));
            printf("%s[%d] %s%s", gap, s->button_count, btn->text ? btn->text : "?", btn->url ? " (link)" : "");
            gap = "  ";
        }
        printf("\n");
    }
}

static const char *str_field(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_field(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* MAX: the inline_keyboard attachment of a message's parameters, as
 * "[1] text  [2] text", remembered like Telegram's. Lock held. */
static void show_max_buttons(chat_session *s, const cJSON *params, const char *mid)
{
    const cJSON *a, *row, *b, *keyboard = NULL;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(params, "attachments")) {
        const char *type = str_field(a, "type");
        if (type && strcmp(type, "inline_keyboard") == 0)
            keyboard = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(a, "payload"), "buttons");
    }
    if (!cJSON_IsArray(keyboard)) return;
    buttons_clear(s);
    snprintf(s->buttons_mid, sizeof s->buttons_mid, "%s", mid ? mid : "");
    cJSON_ArrayForEach(row, keyboard) {
        const char *gap = "    ";
        cJSON_ArrayForEach(b, row) {
            if (s->button_count >= CHAT_BUTTONS_MAX) break;
            const char *type = str_field(b, "type");
            chat_button *btn = &s->buttons[s->button_count++];
            btn->text = dup_or_null(cJSON_GetObjectItemCaseSensitive(b, "text"));
            /* A message button sends its label as the user's text. */
            btn->data = type && strcmp(type, "callback") == 0 ? dup_or_null(cJSON_GetObjectItemCaseSensitive(b, "payload"))
                                                               : NULL;
            btn->url = type && strcmp(type, "link") == 0 ? dup_or_null(cJSON_GetObjectItemCaseSensitive(b, "url")) : NULL;
            btn->says_label = type && strcmp(type, "message") == 0;
            printf("%s[%d] %s%s", gap, s->button_count, btn->text ? btn->text : "?",
                   btn->url ? " (link)" : type && strcmp(type, "request_contact") == 0 ? " (shares your contact)" : "");
            gap = "  ";
        }
        printf("\n");
    }
}

/* A MAX call from the sent log, shown the way a chat window would. */
static void show_max_call(chat_session *s, const cJSON *call, const char *method)
{
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(call, "params");
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(call, "result"), "message"), "body");
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok"))) {
        printf("(the bot's %s failed)\n", method);
        return;
    }
    const char *text = str_field(params, "text");
    if (strcmp(method, "max.messages") == 0) {
        const cJSON *a;
        cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(params, "attachments")) {
            const char *type = str_field(a, "type");
            if (type && (strcmp(type, "file") == 0 || strcmp(type, "image") == 0))
                printf("bot sent a %s\n", strcmp(type, "file") == 0 ? "file" : "picture");
        }
        if (text) printf("bot: %s\n", text);
        show_max_buttons(s, params, str_field(body, "mid"));
    } else if (strcmp(method, "max.messages.edit") == 0) {
        printf("bot (edited a message): %s\n", text ? text : "");
        show_max_buttons(s, params, str_field(params, "message_id"));
    } else if (strcmp(method, "max.answers") == 0) {
        const char *note = str_field(params, "notification");
        if (note && *note) printf("bot (notice): %s\n", note);
    }
}

/* Prints one call from the sent log the way a chat window would show it. */
static void show_call(chat_session *s, const cJSON *call)
{
    const char *method = str_field(call, "method");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(call, "result");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(call, "params");
    if (!method) return;
    if (s->max) {
        show_max_call(s, call, method);
        return;
    }
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok"))) {
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(call, "error");
        printf("(the bot's %s failed: %.0f %s)\n", method, num_field(err, "error_code"),
               str_field(err, "description") ? str_field(err, "description") : "no answer");
        return;
    }
    if (strcmp(method, "sendMessage") == 0) {
        printf("bot: %s\n", str_field(result, "text") ? str_field(result, "text") : "");
    } else if (strcmp(method, "editMessageText") == 0) {
        printf("bot (edited message %.0f): %s\n", num_field(result, "message_id"),
               str_field(result, "text") ? str_field(result, "text") : "");
    } else if (strcmp(method, "editMessageReplyMarkup") == 0) {
        printf("bot (changed the buttons of message %.0f)\n", num_field(result, "message_id"));
    } else if (strcmp(method, "answerCallbackQuery") == 0) {
        const char *text = str_field(params, "text");
        if (text && *text) printf("bot (%s): %s\n", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(params, "show_alert")) ? "alert" : "notice", text);
        return;
    } else if (strcmp(method, "sendDocument") == 0) {
        const cJSON *doc = cJSON_GetObjectItemCaseSensitive(result, "document");
        printf("bot sent a document: %s (%.0f bytes)\n", str_field(doc, "file_name") ? str_field(doc, "file_name") : "?",
               num_field(doc, "file_size"));
        /* The simulator keeps what the bot uploaded; say where to get it. */
        if (str_field(doc, "file_id") && num_field(doc, "file_size") > 0)
            printf("    (download: %s/sim/tg/file?file_id=%s)\n", s->base, str_field(doc, "file_id"));
    } else if (strcmp(method, "sendPhoto") == 0) {
        const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(result, "photo");
        printf("bot sent a photo (%.0f bytes)\n", num_field(cJSON_GetArrayItem(sizes, 0), "file_size"));
    } else {
        return;
    }
    if (str_field(result, "caption")) printf("    %s\n", str_field(result, "caption"));
    show_buttons(s, result);
}

static void *poll_thread(void *arg)
{
    chat_session *s = arg;
    char path[160];
    int warned = 0;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        int done = s->done;
        snprintf(path, sizeof path, "/sim/%s/sent?chat_id=%lld&after=%lld&wait_ms=%d", s->max ? "max" : "tg",
                 s->user, s->seq, CHAT_POLL_WAIT_MS);
        pthread_mutex_unlock(&s->lock);
        if (done) break;
        cJSON *answer = chat_http(s, path, NULL, CHAT_POLL_WAIT_MS + CHAT_HTTP_TIMEOUT_MS);
        const cJSON *calls = cJSON_GetObjectItemCaseSensitive(answer, "calls"), *call;
        pthread_mutex_lock(&s->lock);
        if (!answer && !warned) printf("(cannot reach the simulator at %s; still trying)\n", s->base);
        warned = !answer;
        cJSON_ArrayForEach(call, calls) {
            s->seq = (long long)num_field(call, "seq");
            show_call(s, call);
        }
        fflush(stdout);
        pthread_mutex_unlock(&s->lock);
        cJSON_Delete(answer);
        if (!answer) {
            struct timespec pause = {1, 0};
            nanosleep(&pause, NULL);
        }
    }
    return NULL;
}

/* The body of a MAX control call by this user. */
static cJSON *max_user_body(const chat_session *s)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "user_id", (double)s->user);
    cJSON_AddStringToObject(body, "name", s->name);
    cJSON_AddStringToObject(body, "lang", strcmp(s->lang, "en") == 0 ? "en-US" : "ru-RU");
    return body;
}

static cJSON *user_json(const chat_session *s)
{
    cJSON *from = cJSON_CreateObject();
    cJSON_AddNumberToObject(from, "id", (double)s->user);
    cJSON_AddStringToObject(from, "first_name", s->name);
    cJSON_AddStringToObject(from, "language_code", s->lang);
    return from;
}

static void post_json(chat_session *s, const char *path, cJSON *body)
{
    char *text = cJSON_PrintUnformatted(body);
    cJSON *answer = text ? chat_http(s, path, text, CHAT_HTTP_TIMEOUT_MS) : NULL;
    if (!answer || !cJSON_GetObjectItemCaseSensitive(answer, s->max ? "update" : "update_id")) {
        const char *err = str_field(answer, "error");
        pthread_mutex_lock(&s->lock);
        printf("(the simulator did not take it: %s)\n", err ? err : "no answer");
        pthread_mutex_unlock(&s->lock);
    }
    cJSON_Delete(answer);
    cJSON_Delete(body);
    free(text);
}

/* A bare number presses that button; returns 0 when the line was one. */
static int press(chat_session *s, const char *line)
{
    if (!line[0] || strspn(line, "0123456789") != strlen(line) || strlen(line) > 3) return -1;
    int n = atoi(line);
    cJSON *body = NULL;
    pthread_mutex_lock(&s->lock);
    if (n < 1 || n > s->button_count) {
        int none = s->button_count == 0;
        if (!none) printf("(no button %d; the latest buttons are 1..%d)\n", n, s->button_count);
        pthread_mutex_unlock(&s->lock);
        return none ? -1 : 0; /* without buttons a number is just a message */
    }
    const chat_button *b = &s->buttons[n - 1];
    const char *path = s->max ? "/sim/max/callback" : "/sim/tg/callback";
    if (b->says_label && b->text) {
        body = max_user_body(s);
        cJSON_AddStringToObject(body, "text", b->text);
        path = "/sim/max/message";
        printf("(pressed [%d] %s)\n", n, b->text);
    } else if (!b->data) {
        printf("(button %d opens %s; there is nothing to press here)\n", n, b->url ? b->url : "something else");
    } else if (s->max) {
        body = max_user_body(s);
        cJSON_AddStringToObject(body, "payload", b->data);
        if (s->buttons_mid[0]) cJSON_AddStringToObject(body, "mid", s->buttons_mid);
        printf("(pressed [%d] %s)\n", n, b->text ? b->text : "");
    } else {
        body = cJSON_CreateObject();
        cJSON_AddItemToObject(body, "from", user_json(s));
        cJSON_AddNumberToObject(body, "message_id", (double)s->buttons_message);
        cJSON_AddStringToObject(body, "data", b->data);
        printf("(pressed [%d] %s)\n", n, b->text ? b->text : "");
    }
    pthread_mutex_unlock(&s->lock);
    if (body) post_json(s, path, body);
    return 0;
}

static int parse_args(chat_session *s, int argc, char **argv)
{
    for (int i = 1; i < argc; i += 2) {   /* --option value pairs, and --max */
        if (strcmp(argv[i], "--max") == 0) {
            s->max = 1;
            i--;
            continue;
        }
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return -1;
        if (strcmp(argv[i], "--sim") == 0 && strlen(v) < sizeof s->base) snprintf(s->base, sizeof s->base, "%s", v);
        else if (strcmp(argv[i], "--user") == 0 && atoll(v) > 0) s->user = atoll(v);
        else if (strcmp(argv[i], "--name") == 0 && strlen(v) < sizeof s->name) snprintf(s->name, sizeof s->name, "%s", v);
        else if (strcmp(argv[i], "--lang") == 0 && (strcmp(v, "ru") == 0 || strcmp(v, "en") == 0)) snprintf(s->lang, sizeof s->lang, "%s", v);
        else return -1;
    }
    size_t n = strlen(s->base);
    if (n && s->base[n - 1] == '/') s->base[n - 1] = 0;
    return 0;
}

int sim_chat_main(int argc, char **argv)
{
    static chat_session s;
    char *line = NULL;
    size_t cap = 0;
    pthread_t poller;
    int rc = 0, started = 0;
    snprintf(s.base, sizeof s.base, "%s", CHAT_DEFAULT_SIM);
    snprintf(s.name, sizeof s.name, "Tester");
    snprintf(s.lang, sizeof s.lang, "ru");
    s.user = CHAT_DEFAULT_USER;
    if (parse_args(&s, argc, argv)) {
        fprintf(stderr, "usage: mentorbot-sim chat [--max] [--sim URL] [--user ID] [--name NAME] [--lang ru|en]\n");
        return 2;
    }
    pthread_mutex_init(&s.lock, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    /* Start after what the bot already sent, so only new messages show. */
    cJSON *now = chat_http(&s, s.max ? "/sim/max/sent?after=9000000000000000000" : "/sim/tg/sent?after=9000000000000000000",
                           NULL, CHAT_HTTP_TIMEOUT_MS);
    if (!now) {
        fprintf(stderr, "cannot reach the simulator at %s (start it with: mentorbot-sim)\n", s.base);
        rc = 1;
        goto out;
    }
    s.seq = (long long)num_field(now, "last_seq");
    cJSON_Delete(now);
    printf("Chatting with the bot through %s as %s user %lld (%s, %s).\n"
           "Type a message and press Enter; a bare number presses that button; /quit ends.\n",
           s.base, s.max ? "MAX" : "Telegram", s.user, s.name, s.lang);
    fflush(stdout);
    if (pthread_create(&poller, NULL, poll_thread, &s) != 0) {
        rc = 1;
        goto out;
    }
    started = 1;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len) continue;
        if (strcmp(line, "/quit") == 0) break;
        if (press(&s, line) == 0) continue;
        if (s.max) {
            /* "/start CODE" is what opening the invite link does in MAX:
             * the Start button, with the code as the payload. */
            cJSON *body = max_user_body(&s);
            int start = strncmp(line, "/start ", 7) == 0;
            cJSON_AddStringToObject(body, start ? "payload" : "text", start ? line + 7 : line);
            post_json(&s, start ? "/sim/max/start" : "/sim/max/message", body);
            continue;
        }
        cJSON *body = cJSON_CreateObject();
        cJSON_AddItemToObject(body, "from", user_json(&s));
        cJSON_AddStringToObject(body, "text", line);
        post_json(&s, "/sim/tg/message", body);
    }
out:
    if (started) {
        pthread_mutex_lock(&s.lock);
        s.done = 1;
        pthread_mutex_unlock(&s.lock);
        pthread_join(poller, NULL);
    }
    buttons_clear(&s);
    free(line);
    curl_global_cleanup();
    pthread_mutex_destroy(&s.lock);
    return rc;
}
