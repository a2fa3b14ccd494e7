/*
 * The pupils of the soak test (tests/e2e/test_soak.c). A run is a
 * simulator and a bot with an organisation and an invite; its pupils
 * register by the invite and fill in the request survey, all at once, each
 * acting on what the bot actually showed and only then, over one
 * kept-alive connection to the simulator. A run with kills kills the bot
 * with SIGKILL at points planned from rand() when it starts and starts it
 * again after a short random pause. Every message a pupil was shown is
 * kept for the comparison of two runs.
 */
#ifndef MB_E2E_SOAK_H
#define MB_E2E_SOAK_H

#include "tests/e2e/convo.h"

#include <curl/curl.h>

#define SOAK_FIRST_USER 700000LL  /* pupil i has the messenger id SOAK_FIRST_USER + i */
#define SOAK_REPORT_MAX 10        /* stuck or differing pupils named in a failure */

typedef struct soak_opts {
    int users, kills, concurrent, timeout_s;
    unsigned seed;
} soak_opts;

typedef struct soak_user {
    long long id;
    int started, done;
    int step;              /* index in steps of the last step acted on, -1 before */
    int ticked;            /* on an ACT_TICK step: 1 after the tick, 2 after "Готово" */
    cJSON *last;           /* the last message with buttons */
    char last_text[200];   /* the last message, for a failure report */
    long long last_ms;     /* when the pupil last heard from the bot or acted */
    char **replies;        /* every message shown, as "method: text [buttons]" */
    char *shown;           /* "text [buttons]" of the message last shown or edited */
    long long shown_id;    /* and its message id */
    int nreplies;
    size_t cap;
} soak_user;

typedef struct soak_run {
    const char *label;
    soak_opts opts;
    convo c;
    soak_user *users;
    long long seq;         /* the sent log read up to here */
    long long replies;     /* messages shown to the pupils so far */
    long long actions;     /* things the pupils said or pressed so far */
    long long same_edits;  /* edits that left a message as it was */
    int active, finished, next_user;
    /* kills: after kill_at[k] actions of the pupils the bot dies, and comes
     * back down_ms[k] later (at up_at) */
    long long *kill_at, *down_ms;
    int kills_planned, kills_done;
    long long up_at, replies_at_last_kill;
    char start_cmd[96];
    int failed_run;        /* a pupil got stuck or the deadline passed */
    int not_started;       /* the simulator, the bot or the invite failed */
    CURL *curl;            /* the kept-alive connection to the simulator */
    struct curl_slist *json_headers;
    long long started_ms;
} soak_run;

/* Prepares a run (label names the bot's folder): its pupils and its kills
 * (0 for none), planned from rand(), so in one thread. No process starts
 * yet. 0 on success; -1 when out of memory (soak_run_free cleans up). */
int soak_run_plan(soak_run *r, const char *label, const soak_opts *opts, int kills);

/* A thread's entry (arg is the soak_run; two runs may play at once once
 * unit_tmpdir() and curl_global_init() were called before). Starts the
 * simulator and the bot and makes the organisation and the invite (sets
 * not_started when that fails), plays every pupil's conversation to its
 * end, waits for the outbox to drain, reads the sent log once more after a
 * pause in which a late duplicate would show, and stops both processes
 * (their files stay for the checks). Sets failed_run, with the waiting
 * pupils and their last messages on stderr, when a pupil waited 30 s for
 * the bot or the run passed opts.timeout_s. */
void *soak_play(void *arg);

/* Outbox rows of the run's bot that are not sent (-1 on error). */
int soak_outbox_open_rows(soak_run *r);

/* Frees what the run kept. */
void soak_run_free(soak_run *r);

#endif
