/*
 * What a Bot API method produced, and the methods themselves, shared by the
 * dispatcher (tg.c) and the sending methods (tg_send.c). Every method runs
 * with the core lock held.
 */
#ifndef MB_SIM_TG_METHODS_H
#define MB_SIM_TG_METHODS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "sim/params.h"

#define TG_DESCRIPTION_MAX 256

typedef struct tg_outcome {
    int status;                 /* 200, or the error_code */
    cJSON *result;              /* on 200: the result (NULL means true) */
    char description[TG_DESCRIPTION_MAX];
    int retry_after;            /* 429: parameters.retry_after */
    long long chat_id;          /* the chat the call concerned, for the sent log */
    char *raw;                  /* when set: the verbatim body of a 200 answer */
    size_t raw_len;
    const sim_file_parts *files; /* in: the request's file parts, for sendDocument and sendPhoto */
} tg_outcome;

typedef void (*tg_method_fn)(const cJSON *params, tg_outcome *out);

/* Sets an error answer. */
void tg_fail(tg_outcome *out, int status, const char *description);

/* Checks the rate limits for one more sending call to chat_id; on excess
 * fills a 429 and returns -1. */
int tg_rate_gate(long long chat_id, tg_outcome *out);

void tg_send_message(const cJSON *params, tg_outcome *out);
void tg_edit_message_text(const cJSON *params, tg_outcome *out);
void tg_edit_message_reply_markup(const cJSON *params, tg_outcome *out);
void tg_answer_callback_query(const cJSON *params, tg_outcome *out);
void tg_send_document(const cJSON *params, tg_outcome *out);
void tg_send_photo(const cJSON *params, tg_outcome *out);
void tg_send_chat_action(const cJSON *params, tg_outcome *out);

#endif
