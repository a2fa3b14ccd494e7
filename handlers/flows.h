/*
 * The dialog flows, reached through the route table (routes.c). Each
 * returns MB_OK when the event was handled (including a polite refusal)
 * and an error only when the update must be rolled back and recorded as
 * failed.
 */
#ifndef MB_FLOWS_H
#define MB_FLOWS_H

#include "handlers/context.h"
#include "handlers/reply.h"

#define GRADE_FIRST 1    /* the school grades a pupil may be in */
#define GRADE_LAST 11

/* registration.c */
mb_status reg_start(hctx *h, const char *code);
mb_status reg_on_text(hctx *h, const char *text);         /* a typed answer during registration */
mb_status reg_on_button(hctx *h, const char *action, const payload_field *f, int n);
/* rs:yes|no (reg_switch.h) */
mb_status reg_switch_button(hctx *h, const char *action, const payload_field *f, int n);
mb_status reg_resume(hctx *h);                            /* re-ask the current question */
int reg_in_progress(const hctx *h);                      /* context.c: a predicate every flow may ask */
int reg_looks_like_code(const char *text);

/* menu.c */
mb_status menu_show(hctx *h);
mb_status menu_help(hctx *h);
mb_status menu_cancel(hctx *h);
mb_status menu_language(hctx *h);
mb_status menu_privacy(hctx *h);
mb_status menu_forget(hctx *h);
/* Buttons of the menu (see routes.c): lang, forget, m; the curator's inv
 * and uses, paper, paperyes and paperno. */
mb_status menu_language_button(hctx *h, const char *action, const payload_field *f, int n);
mb_status menu_forget_button(hctx *h, const char *action, const payload_field *f, int n);
mb_status menu_item_button(hctx *h, const char *action, const payload_field *f, int n);
mb_status menu_invite_button(hctx *h, const char *action, const payload_field *f, int n);
mb_status menu_paper_button(hctx *h, const char *action, const payload_field *f, int n);
mb_status menu_on_text(hctx *h, const char *text);

/* survey.c: request and competence surveys. A survey in progress owns
 * typed answers and "sv:" buttons. */
int survey_in_progress(const hctx *h);
/* *taken 0 (the dialog cleared) when the survey is gone: the text is the
 * menu's to answer. */
mb_status survey_on_text(hctx *h, const char *text, int *taken);
mb_status survey_on_button(hctx *h, const char *action, const payload_field *f, int n);
/* Offers the survey a just-registered mentor or mentee should fill in. */
mb_status survey_after_registration(hctx *h);
/* Adds the participant's survey buttons to their menu. */
void survey_menu_items(hctx *h, keyboard *kb);
/* /back during a survey. */
mb_status survey_back(hctx *h);

/* curator.c: bases, matching, mentorships, stages, announcements. */
void curator_menu_items(hctx *h, keyboard *kb);
/* A curator's typed text while a curator flow waits for one (an announcement). */
int curator_wants_text(const hctx *h);
mb_status curator_on_text(hctx *h, const char *text);

/* link.c: one person on two messengers. */
#define LINK_PREFIX "l_"   /* a link code as it appears after start= */
mb_status link_start(hctx *h);
mb_status link_redeem(hctx *h, const char *code);
/* pref:PLATFORM */
mb_status link_on_button(hctx *h, const char *action, const payload_field *f, int n);
/* lk:y|n:REQUEST, pressed by the owner */
mb_status link_on_confirm(hctx *h, const char *action, const payload_field *f, int n);
/* ul:PLATFORM from /privacy */
mb_status link_on_unlink(hctx *h, const char *action, const payload_field *f, int n);
/* The person's messenger accounts for /privacy: lines into text (caller
 * frees) and an unlink button for each when there are several. */
char *link_privacy_list(hctx *h, keyboard *kb);

/* curator_indicators.c: the «Показатели» button of curators and
 * coordinators (ix, ix:SET), the report of their own scope. */
void indicators_menu_item(hctx *h, keyboard *kb);
mb_status indicators_on_button(hctx *h, const char *action, const payload_field *f, int n);

/* scope.c: curators of several organisations, coordinators' overview. */
void scope_menu_items(hctx *h, keyboard *kb);
mb_status scope_on_button(hctx *h, const char *action, const payload_field *f, int n);
/* An active curator opening another organisation's curator invite takes
 * that organisation on too. Returns 1 (with *rc) when the code was such an
 * invite, 0 to let registration answer as usual. */
int scope_take_invite(hctx *h, const char *code, mb_status *rc);

/* context.c: what every flow uses; it calls no flow. */

/* Refuses a button that does not fit the dialog or the sender's role, and
 * logs it (a forged or stale press): the spinner stops with "this button no
 * longer works"; the router then asks a registration's question again. */
mb_status flow_refuse_button(hctx *h, const char *why);

/* Answers a button from an old message that nothing the sender can do now
 * takes (logged): "this button is out of date"; the router then shows the
 * menu, or the current registration question. */
mb_status flow_outdated_button(hctx *h, const char *why);

/* Ends a flow at the menu: dispatch.c shows it once the flow returns, so a
 * flow below the menu need not call up into it. Returns MB_OK. */
mb_status flow_menu_next(hctx *h);

/* Dates as the reader writes them: 24.11.2026 in Russian, 2026-11-24 in English. */
void flow_format_date(const char *lang, int64_t ms, char *buf, size_t size);

/* The invite link for a code in the messenger of platform, as its transport
 * registered it (util/platform.h): https://t.me/<bot>?start=<code> and
 * the like; another messenger's link when that one has none. */
void flow_invite_link(const bot_env *env, const char *platform, const char *code, char *buf, size_t size);

/* Jobs the handlers schedule. */
#define JOB_REGISTRATION_NUDGE "registration_nudge"
#define JOB_GUARDIAN_REMINDER "guardian_reminder"
mb_status reg_run_job(db *d, const bot_env *env, const char *kind, const char *payload);
/* After /forget: the farewell and other messages to the person's chats
 * and their parents' go once delivered, unless someone is reached there
 * again (menu.c; {"listed": true}: the chats erase_list_chats listed,
 * "{}": every chat of nobody, as an earlier version queued it). */
#define JOB_ERASE_SWEEP "erase_sweep"
#define ERASE_SWEEP_AFTER_MS (60LL * 60 * 1000)
mb_status menu_run_erase_sweep(db *d, const char *payload);

#endif
