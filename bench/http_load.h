/*
 * The virtual users of the HTTP benchmark (bench/http_load.c): each one
 * registers by an invite through the simulator's control API, closed-loop,
 * one step outstanding at a time, acting only on what the bot showed:
 *
 *   /start CODE  -> the greeting with the category buttons  -> presses «Студент»
 *                -> the consent text                        -> presses «Даю согласие»
 *                -> «Как вас зовут? ...»                     -> writes a name
 *                -> «Готово, NAME! ...»                      -> done
 *
 * The labels and texts a user waits for come from the message catalog,
 * so a bot that answers with other texts leaves its users waiting (and the
 * run fails, naming them). One thread posts the users' updates and reads
 * the sent log for all of them (GET /sim/tg/sent?after=SEQ&wait_ms=...),
 * over one kept-alive connection, as the soak test does. On VK the same
 * through /sim/vk/message, /sim/vk/event and /sim/vk/sent.
 */
#ifndef MB_BENCH_HTTP_LOAD_H
#define MB_BENCH_HTTP_LOAD_H

#include <curl/curl.h>

#include "util/i18n.h"
#include "util/strbuf.h"

#define LOAD_FIRST_USER 800000LL  /* user i has the messenger id LOAD_FIRST_USER + i */
#define LOAD_STEPS 4              /* updates a user posts: /start, two buttons, the name */
#define LOAD_STUCK_MS 60000       /* a user waiting this long for the bot fails the run */
#define LOAD_POLL_MS 200          /* longest hold of one read of the sent log */
#define LOAD_TEXT_MAX 160         /* bytes of a user's last message kept for a failure report */

typedef struct load_user {
    int step;                 /* the step whose answer the user waits for; LOAD_STEPS when done */
    long long posted_us;      /* when that step's update was posted; 0 once its first reply came */
    long long waiting_since;  /* ms: when the user last acted or heard from the bot */
    long long message_id;     /* of the last message with buttons */
    char data[72];            /* callback_data of the button the user will press */
    int calls;                /* calls to the user's chat in the sent log, of any method */
    char last_text[LOAD_TEXT_MAX];
} load_user;

typedef struct load_run {
    /* set by the caller */
    const char *sim_base;     /* "http://127.0.0.1:PORT" */
    int vk;                   /* the users are on VK, not Telegram */
    char start_cmd[96];       /* "/start CODE" */
    int users, concurrent;
    long long deadline_us;    /* load_now_us() at which the run stops unfinished; 0: none */
    const i18n *catalog;
    const char *org;          /* the organisation's name, as the bot names it */
    /* what the users wait for, from the catalog (load_run_init) */
    const char *student_label, *consent_label, *ask_name, *role;
    /* the run */
    load_user *user;
    long long *latency_us;    /* one per posted update whose first reply came */
    long long nlatency;
    long long censored;       /* of them, steps still waiting at the deadline (their wait so far) */
    long long seq, updates, calls, other_calls;
    int active, finished, next_user;
    long long started_us, finished_us;
    strbuf transcript;        /* every call to the first user: "method: "text" reply_markup" lines */
    CURL *curl;
    struct curl_slist *json_headers;
    strbuf answer;            /* the last answer's bytes, reused */
} load_run;

/* Prepares a run of users (concurrent at a time) against the simulator at
 * sim_base; start_cmd is left to the caller. 0 on success, -1 when out of
 * memory (load_run_free cleans up either way). */
int load_run_init(load_run *r, const char *sim_base, int users, int concurrent, const i18n *catalog,
                  const char *org);

/* Plays every user's registration to «Готово». 0 when all finished, 1
 * when the deadline came first (the steps still waiting then count with
 * the wait so far, so the percentiles are not flattered); -1 (with the
 * waiting users on stderr) when one waited LOAD_STUCK_MS or the simulator
 * stopped answering. */
int load_play(load_run *r);

/* After load_play: reads the sent log until no call came for quiet_ms (at
 * most max_ms), so the replies that follow «Готово» are counted and their
 * CPU is in the figures. */
void load_settle(load_run *r, int quiet_ms, int max_ms);

/* Latency percentile p (0..100) of the run's steps, in ms; -1 without any. */
double load_percentile_ms(load_run *r, double p);

void load_run_free(load_run *r);

/* Microseconds on the monotonic clock. */
long long load_now_us(void);

#endif
