/*
 * The curator's flows, split by seam (routes.c routes their buttons):
 * curator.c holds the menu entries and the typed text, curator_common.c the
 * helpers the screens share (and calls no screen),
 * curator_bases.c shows the bases and the unmatched queue,
 * curator_match.c proposes mentors and forms pairs and groups,
 * curator_pairs.c lists the mentorships and ends them, curator_stall.c
 * shows the stalled ones,
 * curator_program.c moves the programme's stage and sends announcements,
 * curator_export.c sends the pairs and the queue as a file, curator_tables.c
 * the bases and the survey answers, curator_people.c corrects a name or a grade,
 * curator_invites.c lists the organisation's invites and revokes them.
 *
 * Every action is reached only after routes.c checked that the sender is
 * an active curator; each one checks again that what it touches belongs to the
 * curator's organisation (curator_in_scope) and refuses anything else with
 * flow_refuse_button, which logs it.
 */
#ifndef MB_CURATOR_H
#define MB_CURATOR_H

#include "handlers/flows.h"
#include "handlers/payload.h"
#include "storage/mentorships.h"

#include <stdio.h>

#define CURATOR_PAGE 8              /* people or mentorships on one page */
#define CURATOR_PAGES_MAX 100000    /* highest page number a button may carry */
#define CURATOR_LABEL_NAME_MAX 28   /* characters of a name on a button */
#define CURATOR_LABEL_PAIR_MAX 60   /* characters of "mentor — mentees" on a button */

/* Dialog states of the announcement flow. */
#define CURATOR_STATE_ANNOUNCE_TEXT "cur_announce_text"
#define CURATOR_STATE_ANNOUNCE_CONFIRM "cur_announce_ok"
#define CURATOR_STATE_FIX_NAME "cur_fix_name"
#define CURATOR_STATE_FIX_EMPLOYER "cur_fix_employer"

/* A pair being confirmed, checked again at the moment of confirmation. */
typedef struct match_pairing {
    account mentee, mentor;
    mentorship_candidate mentee_c, mentor_c;
    int form;                 /* PROFILE_FORM_x the pair would have */
    int64_t program_id;       /* the organisation's programme, 0 = none */
} match_pairing;

/* Why a pair may not be formed; the chat and the admin CLI say it each in
 * their own words. */
typedef enum match_verdict {
    MATCH_PAIR_OK = 0,
    MATCH_PAIR_MENTEE_OUTSIDE,    /* no mentee of the organisation with that id */
    MATCH_PAIR_MENTOR_OUTSIDE,    /* no mentor of the organisation with that id */
    MATCH_PAIR_MENTEE_ERASED,
    MATCH_PAIR_MENTEE_GONE,       /* not active (registering, waiting for consent) */
    MATCH_PAIR_ALREADY_MATCHED,   /* the mentee is in an active mentorship */
    MATCH_PAIR_MENTOR_ERASED,
    MATCH_PAIR_MENTOR_GONE,
    MATCH_PAIR_NOT_ALLOWED,       /* no form of the programme fits the two */
    MATCH_PAIR_MENTOR_FULL,       /* no place left */
    MATCH_PAIR_FAILED             /* the database could not tell (*rc says why) */
} match_verdict;

/* Whether mentee may get a mentor now (erased, not active, matched
 * already); curator_confirm.c. */
match_verdict curator_mentee_available(db *d, const account *mentee, mb_status *rc);

/* Loads mentee and mentor of org_id into p and checks that they may form a
 * pair; curator_confirm.c. *rc is set only with MATCH_PAIR_FAILED. */
match_verdict curator_pair_check(db *d, int64_t org_id, int64_t mentee_id, int64_t mentor_id, match_pairing *p,
                                 mb_status *rc);

/* Queues the introduction each side of a new pair gets, in their own
 * language and variant; someone with no messenger left gets nothing. */
mb_status curator_pair_introduce(db *d, const bot_env *env, const account *mentee, const mentorship_candidate *mentee_c,
                                 const account *mentor, int form);

/* curator_common.c: what several screens share. */

/* 1 when the curator looks after org_id. One place, so wider scopes
 * (several organisations, territories) change only this. */
int curator_in_scope(const hctx *h, int64_t org_id);

/* Sends text (which it frees; NULL means out of memory) with kb (freed). */
mb_status curator_send(hctx *h, char *text, keyboard *kb);

/* "Школьник, 7 класс" / "Student" in lang. */
void curator_who(const i18n *t, const char *lang, const account *a, char *buf, size_t size);

/* Names of the topic bits in lang, joined with ", "; none_key's text when 0. */
void curator_topics(const i18n *t, const char *lang, uint32_t topics, char *buf, size_t size);

/* A text cut to chars_limit characters (whole characters, "…" when cut) for
 * a button; size at least 8. */
void curator_label(const char *text, int chars_limit, char *buf, size_t size);

/* Adds a button a row for each of the n accounts ids (those that load):
 * "name (who)", data prefix:id. */
void curator_people_buttons(hctx *h, keyboard *kb, const int64_t *ids, int n, const char *prefix);

/* Adds "previous / next" buttons for page of total items, data prefix:page. */
void curator_pager(hctx *h, keyboard *kb, const char *prefix, int page, int total);

/* The name of a form (PROFILE_FORM_x) in lang. */
const char *curator_form_text(const i18n *t, const char *lang, int form);

/* "account:ID" of the curator, for the audit log. */
void curator_actor(const hctx *h, char *buf, size_t size);

/* curator_pairs.c: cl cm ce cx, the list of mentorships and ending one */
mb_status curator_pairs_button(hctx *h, const char *action, const payload_field *f, int n);
/* The mentorship a curator's button names (id, its field): 1 with
 * *m when it is in the curator's organisations and still active; 0 with
 * *rc set otherwise (a refused press, or "already ended" told). The press
 * is answered either way. */
int curator_pair_of_button(hctx *h, long long id, mentorship *m, mb_status *rc);
/* Ends the active mentorship m, audited; its people are told, the curator
 * too (also when another curator ended it first). */
mb_status curator_pairs_end(hctx *h, const mentorship *m);

/* curator_stall.c: zl zo zr zy, the stalled pairs, one of them, re-matching its mentee */
mb_status curator_stall_button(hctx *h, const char *action, const payload_field *f, int n);
/* How many of the curator's organisation's mentorships have stalled. */
int curator_stall_count(hctx *h);

/* curator_polls.c: pw, the organisation's poll waves, launching and closing one, results */
mb_status curator_polls_button(hctx *h, const char *action, const payload_field *f, int n);

/* curator_invites.c: ci cd cj, the organisation's invites and revoking one */
mb_status curator_invites_button(hctx *h, const char *action, const payload_field *f, int n);

/* curator_export.c: cf, the pairs, groups and queue as a CSV file */
mb_status curator_export(hctx *h);
/* A date in the organisation's timezone ("" for 0), for exports. */
void curator_org_date(hctx *h, int64_t ms, char *buf, size_t size);
/* A new export file under files_dir named KIND-ORG-RANDOM.csv, its path in
 * path, a byte-order mark written; NULL (logged) when it cannot be made. */
FILE *curator_export_create(hctx *h, const char *kind, char *path, size_t size);
/* Closes an export; bad (or a failed close) removes it and gives MB_ERR_IO. */
mb_status curator_export_close(FILE *f, const char *path, int bad);
/* Sends the file under the name filename_key gives ({date}: today in the
 * organisation's timezone) with caption (NULL: out of memory); removes the
 * file when it could not be queued. */
mb_status curator_export_send(hctx *h, const char *path, const char *filename_key, const char *caption);

/* curator_people.c: cz, correcting a participant's name or grade */
mb_status curator_people_button(hctx *h, const char *action, const payload_field *f, int n);
mb_status curator_people_text(hctx *h, const char *text);

/* curator_outcomes.c: oc, a participant's outcome records from their card */
mb_status curator_outcomes_button(hctx *h, const char *action, const payload_field *f, int n);
int curator_outcomes_wants_text(const hctx *h);
mb_status curator_outcomes_text(hctx *h, const char *text);
/* The records of a (a participant the curator looks after) with a button
 * to add one and one to delete each; notice_key's text first when given. */
mb_status curator_outcomes_list(hctx *h, const account *a, const char *notice_key);

/* curator_pairs.c: dr, a mentorship's direction */
mb_status curator_direction_button(hctx *h, const char *action, const payload_field *f, int n);

/* curator_tables.c: cw, the mentor and mentee bases and the survey answers as CSV files */
mb_status curator_tables_button(hctx *h, const char *action, const payload_field *f, int n);

/* curator_bases.c */
/* cb:r:PAGE | cb:e:PAGE */
mb_status curator_show_base(hctx *h, const char *action, const payload_field *f, int n);
/* cq:PAGE */
mb_status curator_show_queue(hctx *h, const char *action, const payload_field *f, int n);

/* curator_match.c: cv cy cn cg cr cp */
mb_status curator_match_button(hctx *h, const char *action, const payload_field *f, int n);
/* The mentors proposed for a mentee of the curator's organisation, as cv
 * shows them; a mentee outside it is told as gone. */
mb_status curator_match_suggest(hctx *h, int64_t mentee_id);

/* curator_program.c: cs ct cu ca cc ck */
/* 1 when the organisation has no programme for the current school year. */
int curator_program_missing(hctx *h);
mb_status curator_program_button(hctx *h, const char *action, const payload_field *f, int n);
mb_status curator_program_text(hctx *h, const char *text);
/* The announcement the dialog holds (a text, or a photo or file with its
 * caption), as its recipients will see it, with Send and Cancel. */
mb_status curator_program_preview(hctx *h);

#endif
