/*
 * People and mentorships imported from an organisation's own lists
 * (bot/admin/admin_people.c reads the files), and how an imported person joins
 * the bot.
 *
 * An imported person is an account in status 'imported' with the list's
 * person_id as external_id, unique within the organisation. A personal
 * invite (kind person, one use, for_account = the row) lets them join: the
 * messenger account that opens it is attached to that row, which goes on
 * through the usual registration (consent, a parent's consent for a young
 * pupil) with the role, organisation, category, grade and name of the row.
 */
#ifndef MB_PEOPLE_H
#define MB_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/employers.h"
#include "storage/invites.h"
#include "storage/mentorships.h"

#define PEOPLE_EXTERNAL_MAX 64   /* characters of a person_id */
#define PEOPLE_EXTERNAL_BYTES 257

/* A row of the people list. */
typedef struct people_row {
    int64_t org_id;
    char external_id[PEOPLE_EXTERNAL_BYTES];
    char name[ACCOUNT_NAME_BYTES];
    char category[20];
    int grade;                  /* 0 for adults */
    char role[16];              /* mentor | mentee */
    char employer[EMPLOYER_NAME_BYTES];  /* "" = none */
} people_row;

/* The organisation a cell names: its id, or its exact name when one
 * organisation has it. MB_ERR_NOT_FOUND when none, MB_ERR_EXISTS when
 * several have that name. */
mb_status people_find_org(db *d, const char *text, int64_t *id_out);

/* The account of (org_id, external_id); MB_ERR_NOT_FOUND when none. */
mb_status people_find(db *d, int64_t org_id, const char *external_id, account *out);

/* The list's person_id of an account into buf ("" when it was not
 * imported). */
void people_external_id(db *d, int64_t account_id, char *buf, size_t size);

/* Adds the row as an account in status 'imported', or, when (org_id,
 * external_id) exists, writes the row's values over it. *changed is 1
 * when anything was written. The caller decides first what may change for
 * someone who has joined (bot/admin/admin_people.c). */
mb_status people_upsert(db *d, const people_row *row, int64_t *id_out, int *changed);

/* The open personal invite of an imported account, made when it has none
 * (one use, no expiry); code_out gets INVITE_CODE_LEN + 1 bytes. */
mb_status people_invite(db *d, int64_t account_id, const char *created_by, char *code_out);

/* Attaches a messenger account to the imported account inv names (a
 * personal invite): the account goes from 'imported' to 'registering' in
 * the given language. MB_ERR_EXPIRED when the row is no longer waiting
 * (someone joined it already, or it was erased), MB_ERR_EXISTS when the
 * messenger account belongs to someone. */
mb_status people_join(db *d, const invite *inv, const char *platform, int64_t user_id, int64_t chat_id,
                      const char *language);

/* 1 when the account came from an imported list. */
int people_is_imported(db *d, int64_t account_id);

/* An imported person who declines the privacy terms while joining: the
 * messenger accounts go, the row is 'imported' again with its list data,
 * and the personal invite can be opened again. */
mb_status people_unjoin(db *d, int64_t account_id);

/* An imported mentorship: its dates (ended_at 0 = still active), its
 * direction ("" = none). The mentor and mentees are accounts of org_id in
 * any status but 'forgotten'. */
typedef struct people_mentorship {
    int64_t org_id;
    char form[MENTORSHIP_FORM_MAX];
    char direction[16];
    int64_t mentor_id;
    int64_t mentees[MENTORSHIP_GROUP_MAX];
    int nmentees;
    int64_t started_at, ended_at;
} people_mentorship;

/* Adds m with its members (joined at its start, left at its end) under the
 * organisation's latest programme. MB_ERR_EXISTS when a mentee of an
 * active one is in another active mentorship (nothing written). When the
 * same mentorship (mentor, form, start and mentees) exists already, *id_out
 * is its id and *existed is 1. */
mb_status people_add_mentorship(db *d, const people_mentorship *m, int64_t *id_out, int *existed);

/* The id of the same mentorship imported before (mentor, form, start and
 * every mentee), 0 when none. */
int64_t people_same_mentorship(db *d, const people_mentorship *m);

/* The active mentorship of a mentee, 0 when none. */
int64_t people_active_mentorship(db *d, int64_t mentee_id);

#endif
