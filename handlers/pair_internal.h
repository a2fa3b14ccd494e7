/*
 * What the pair's screens (handlers/pair.c), their messages, problems and
 * contacts (handlers/pair_write.c) and meeting planning
 * (handlers/pair_plan.c) share, most of it in handlers/pair_common.c.
 * Nothing else includes it.
 */
#ifndef MB_PAIR_INTERNAL_H
#define MB_PAIR_INTERNAL_H

#include "handlers/context.h"
#include "handlers/pair.h"
#include "handlers/reply.h"
#include "storage/mentorships.h"

#include <time.h>

#define STATE_WRITE "pr_write"
#define STATE_PROBLEM "pr_problem"
#define STATE_PLAN "pr_plan"
#define MENTORSHIPS_SHOWN 10        /* a mentor's mentorships on the screen */
#define CONVERSATION_SHOWN 20       /* messages the curator reads at once */
#define CURATORS_TOLD_MAX 20
#define PLAN_DAYS 7                 /* days offered for a meeting */
#define DAY_MS (24LL * 3600 * 1000)
#define STATE_ACTIVITY "pr_activity"
#define STATE_DETAIL "pr_detail"         /* a meeting's place, link or topic */

typedef enum pair_role { PAIR_NONE, PAIR_MENTOR, PAIR_MENTEE, PAIR_CURATOR } pair_role;

/* pair_common.c */
int pair_is_active(const hctx *h);
/* Whether a mentee of the mentorship waits for a parent's consent (never
 * given, or withdrawn): until the curator decides, nobody writes to them
 * or plans meetings with them through the pair. */
int pair_paused(hctx *h, const mentorship *m);
/* Tells the sender the pair is paused and ends their dialog. */
mb_status pair_tell_paused(hctx *h);
/* The mentorship of a payload and the sender's part in it. */
pair_role pair_load_mine(hctx *h, long long id, mentorship *m);
int pair_in_mentorship(const mentorship *m, int64_t id);
mb_status pair_send_and_free(hctx *h, char *text, keyboard *kb);
mb_status pair_set_dialog(hctx *h, const char *state, int64_t ms, int64_t to);
/* Times the acting person types or picks are in their own zone. */
void pair_zone_of(hctx *h, int64_t org_id, char *buf, size_t size);

/* pair_write.c */
mb_status pair_ask_message(hctx *h, const mentorship *m, long long to);
mb_status pair_on_write_text(hctx *h, const char *text);
mb_status pair_on_write_attachment(hctx *h);
int pair_album_goes_on(const hctx *h);
mb_status pair_on_contacts(hctx *h, const mentorship *m);
mb_status pair_on_problem_text(hctx *h, const char *text);
mb_status pair_show_conversation(hctx *h, const mentorship *m);

/* pair_plan.c */
mb_status pair_ask_day(hctx *h, const mentorship *m);
int pair_ymd_parts(long long ymd, struct tm *out);
mb_status pair_ask_hour(hctx *h, const mentorship *m, long long ymd);
mb_status pair_plan_at(hctx *h, const mentorship *m, int64_t starts_at);
mb_status pair_on_plan_text(hctx *h, const char *text);
mb_status pair_show_upcoming(hctx *h);
mb_status pair_ask_activity_kind(hctx *h);
mb_status pair_ask_activity_time(hctx *h, long long kind);
mb_status pair_on_activity_text(hctx *h, const char *text);
mb_status pair_ask_detail(hctx *h, long long meeting_id, long long field);
mb_status pair_on_detail_text(hctx *h, const char *text);

#endif
