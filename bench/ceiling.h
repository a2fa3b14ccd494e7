/*
 * The ceiling bot of the HTTP benchmark (see bench/ceiling_bot.c): its
 * state, shared by the conversation and Telegram (ceiling_bot.c) and VK
 * (ceiling_vk.c).
 */
#ifndef MB_BENCH_CEILING_H
#define MB_BENCH_CEILING_H

#include "bot/http.h"
#include "util/i18n.h"

#include <cjson/cJSON.h>

#define CEILING_VALUE_MAX 512      /* bytes of one configuration value */
#define CEILING_REQUEST_TIMEOUT_MS 30000
#define CEILING_BODY_MAX (8u * 1024 * 1024)
#define CEILING_STARTED_LINE "ceiling bot started"

typedef enum { CEILING_TG = 0, CEILING_VK = 1 } ceiling_platform;

typedef struct ceiling_conf {
    char token[CEILING_VALUE_MAX], api_base[CEILING_VALUE_MAX];
    char vk_token[CEILING_VALUE_MAX], vk_api_base[CEILING_VALUE_MAX];
    long long vk_group_id;
    int poll_timeout_s, vk_wait_s;
    char locales[CEILING_VALUE_MAX], org[CEILING_VALUE_MAX], survey[CEILING_VALUE_MAX];
    char store[CEILING_VALUE_MAX];   /* [ceiling] store: the floor's database; empty for none */
} ceiling_conf;

/* One call waiting for its chat's turn: the method and its body (JSON for
 * Telegram, a form for VK). */
typedef struct pending_call {
    const char *method;
    char *body;
    struct chat *ch;           /* a button answer's chat (held until its commit) */
    long long row;             /* the floor's outbox row; 0 without a store */
    struct pending_call *next;
} pending_call;

typedef enum { STEP_NEW = 0, STEP_GREETED, STEP_CONSENT_ASKED, STEP_NAME_ASKED, STEP_DONE } user_step;

typedef struct chat {
    long long id;
    ceiling_platform platform;
    user_step step;
    pending_call *head, *tail;
    int inflight, queued;
    struct chat *next_ready;   /* in the ready queue while it has calls and none in flight */
} chat;

/* The texts and buttons of a registration, formatted once. */
enum { KB_GREETING, KB_CONSENT, KB_MENU, KB_OFFER, KB_COUNT };

typedef struct ceiling {
    struct ev_loop *loop;
    http_client *http;
    ceiling_conf conf;
    i18n *catalog;
    char *markup[2][KB_COUNT];   /* [platform][keyboard]: reply_markup (Telegram), keyboard (VK) */
    char *greeting, *consent, *ask_name, *offer;
    const char *role;
    chat **chats;                /* open addressing by platform and id; NULL is a free slot */
    size_t nchats, cap;
    chat *ready_head, *ready_tail;
    int inflight;
    long long offset;            /* getUpdates: the next update id wanted */
    long long updates, calls_failed, next_random_id;
    int pollers_ready, pollers;  /* the started line is written once every poller is ready */
    int failed;                  /* a poll failed for good: the exit code says so */
    struct vk_poller *vk;
    ev_signal sigterm, sigint;
    struct ceiling_store *store;   /* the floor's storage; NULL for the ceiling */
    int in_batch;                  /* the floor: calls wait for the batch's commit */
    pending_call *answers_head, *answers_tail;   /* button answers waiting for it */
} ceiling;

typedef struct ceiling_store ceiling_store;

/* ---- the conversation (ceiling_bot.c) ---- */

/* The user wrote text. */
void ceiling_on_text(ceiling *c, ceiling_platform p, long long user, const char *text);
/* The user pressed a button carrying data; button_id is what the answer
 * to the press names (Telegram's callback_query_id, VK's event_id). */
void ceiling_on_button(ceiling *c, ceiling_platform p, long long user, const char *button_id, const char *data);
/* Queues a call for the chat (body taken over) and starts what may start. */
void ceiling_enqueue(ceiling *c, chat *ch, const char *method, char *body);
/* A poller is ready for users: once all are, the started line is logged. */
void ceiling_poller_ready(ceiling *c);
/* Starts the calls a batch held back (its commit is on disk). */
void ceiling_release(ceiling *c);

/* ---- the durable floor (ceiling_store.c): without a store, no-ops ---- */

/* Opens or makes the floor's database at path; 0, or -1 with a message. */
int ceiling_store_open(ceiling *c, const char *path);
void ceiling_store_close(ceiling *c);
/* An answer of getUpdates or a_check: one transaction from begin to end,
 * whose calls start once it is committed. */
void ceiling_batch_begin(ceiling *c);
/* An update of the batch by its id: 1 when new, 0 when delivered before. */
int ceiling_batch_update(ceiling *c, const char *key);
/* The user's step, the call (returns its row), and the batch's end with
 * the poller's cursor (commits, then releases the calls). */
void ceiling_store_step(ceiling *c, const chat *ch);
long long ceiling_store_call(ceiling *c, const chat *ch, const char *method, const char *body);
void ceiling_batch_end(ceiling *c, ceiling_platform p, long long cursor);
/* A call was answered: its mark goes with the next commit. */
void ceiling_store_sent(ceiling *c, long long row);

/* ---- VK (ceiling_vk.c) ---- */

/* Starts the Long Poll of the community in c->conf; 0 on success. */
int ceiling_vk_start(ceiling *c);
void ceiling_vk_free(ceiling *c);
/* The bodies of the VK calls the real bot makes (caller frees). */
char *ceiling_vk_send_body(ceiling *c, long long peer, const char *text, const char *keyboard);
char *ceiling_vk_answer_body(ceiling *c, long long user, const char *event_id);
/* The URL of a VK method. */
void ceiling_vk_method_url(const ceiling *c, const char *method, char *buf, size_t size);
/* A VK inline keyboard of callback buttons with the same labels and data
 * as the Telegram reply_markup given (JSON text); caller frees. */
char *ceiling_vk_keyboard(const char *tg_markup);

#endif
