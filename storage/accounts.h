/*
 * People and their messenger identities.
 *
 * An account is a person in one role in one organisation. Identities link
 * messenger accounts (platform + user id) to it; a person may have one per
 * platform. Personal fields are name and birth year; /forget erases them,
 * the identities and everything the person answered, leaving role,
 * organisation, category and grade for counts.
 */
#ifndef MB_ACCOUNTS_H
#define MB_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define ACCOUNT_NAME_MAX 64      /* characters a name may have */
#define ACCOUNT_NAME_BYTES 257   /* 64 characters of up to 4 bytes, plus NUL */

typedef struct account {
    int64_t id;
    char status[20];            /* registering | pending_consent | active | forgotten */
    char role[16];              /* curator | mentor | mentee, "" before an invite binds one */
    int64_t org_id;             /* 0 = none */
    char name[ACCOUNT_NAME_BYTES];
    char category[20];          /* pupil | teacher | student | employee | entrepreneur | alumnus | staff */
    int grade;                  /* 0 = none */
    int birth_year;             /* 0 = not given */
    char language[8];
    int64_t consent_at;         /* 0 = no consent yet */
    char guardian_consent[12];  /* "" | parent | paper */
    int64_t guardian_consent_at;
    int64_t created_at;
    /* The indexed fields as they were read (account_load and
     * account_find_by_identity set them, loaded = 1), so account_save
     * writes them only when changed; never set by callers. */
    int loaded;
    char loaded_status[20];
    char loaded_role[16];
    int64_t loaded_org_id;
} account;

typedef struct identity {
    char platform[8];
    int64_t user_id;
    int64_t chat_id;
    int64_t account_id;
    int64_t unreachable_at;     /* 0 = reachable */
    char display_name[ACCOUNT_NAME_BYTES]; /* the name the messenger shows, "" when unknown */
    /* Set by account_find_by_identity only, for identity_use_stale: */
    int64_t last_used_at;       /* 0 = never noted */
    int has_others;             /* the person has another messenger account too */
} identity;

/* The person's own timezone (IANA name) into buf, "" when they follow their
 * organisation's; account_zone_set stores one ("" to follow again). */
void account_zone_get(db *d, int64_t id, char *buf, size_t size);
mb_status account_zone_set(db *d, int64_t id, const char *zone);

/* Finds the account of a messenger user. MB_ERR_NOT_FOUND when unknown. */
mb_status account_find_by_identity(db *d, const char *platform, int64_t user_id, account *out,
                                   identity *id_out);

/* account_find_by_identity, with the account's dialog read in the same
 * statement as dialog_get reads it: its state into state
 * (DIALOG_STATE_MAX bytes, "" without a row) and its data, malloc'd or
 * NULL, into *data. state and data may be NULL. */
mb_status account_find_sender(db *d, const char *platform, int64_t user_id, account *out, identity *id_out,
                              char *state, char **data);

/* Creates an account in status registering with one identity. */
mb_status account_create(db *d, const char *platform, int64_t user_id, int64_t chat_id,
                         const char *language, int64_t *id_out);

/* account_create for someone writing from the identity now (last_used_at
 * set, and display_name to shown unless NULL or ""), with out set to the
 * new account as account_load would read it. */
mb_status account_create_loaded(db *d, const char *platform, int64_t user_id, int64_t chat_id,
                                const char *language, const char *shown, account *out);

mb_status account_load(db *d, int64_t id, account *out);

/* Writes the mutable fields of a (by a->id) and stamps updated_at. Status,
 * role and organisation, which the indexes and triggers of accounts read,
 * are written only when they differ from what was read into a or last
 * saved from it (all of them when a was neither read by account_load or
 * account_find_by_identity nor saved). */
mb_status account_save(db *d, account *a);

/* A registration that starts over with another invite: clears role,
 * organisation, the answers given and consent, and drops any scope the
 * earlier invite granted. Only for accounts still registering. */
mb_status account_restart_registration(db *d, int64_t id);

/* Removes an account that never consented: nothing about it remains. */
mb_status account_delete(db *d, int64_t id);

/* Erases personal data, the messenger identities, the survey answers and
 * profile, the messages to the person's chats (but those in flight) and the
 * messenger ids the audit holds about them; keeps anonymous fields (role,
 * organisation, category, grade) for the programme's counts. The name in
 * other people's messages and in report files is erase_name_everywhere's
 * (storage/erase.h): read it before calling this. */
mb_status account_forget(db *d, int64_t id);

/* The audit about an erased account keeps only internal ids: the messenger
 * ids of the parents who answered for it are dropped. */
mb_status account_forget_audit(db *d, int64_t id);

/* The identity to write to for an account on platform (any when NULL):
 * a reachable one first, the person's preferred messenger first among
 * those, then the one they wrote from last. MB_ERR_NOT_FOUND when it has
 * none. */
mb_status identity_for_account(db *d, int64_t account_id, const char *platform, identity *out);

/* Adds a messenger account to a person (linking a second messenger).
 * MB_ERR_EXISTS when that messenger account belongs to someone already. */
mb_status identity_add(db *d, const char *platform, int64_t user_id, int64_t chat_id, int64_t account_id);

/* Stores the name the messenger shows for a messenger account, so the
 * person can tell their linked accounts apart in /privacy. */
mb_status identity_set_display_name(db *d, const char *platform, int64_t user_id, const char *name);

/* The messenger accounts of a person, at most max into out (platform order);
 * returns how many there are (may exceed max), -1 on error. */
int identity_list(db *d, int64_t account_id, identity *out, int max);

/* Removes one messenger account from a person. MB_ERR_NOT_FOUND when the
 * person has no account on that platform. */
mb_status identity_remove(db *d, int64_t account_id, const char *platform);

/* Counts the messenger accounts of a person. */
int identity_count(db *d, int64_t account_id);

/* Sets the messenger a person wants reminders in ("tg", "vk"). */
mb_status account_set_preferred(db *d, int64_t account_id, const char *platform);

#define IDENTITY_USED_GRANULARITY_MS (10LL * 60 * 1000)   /* last_used_at is kept to this precision */

/* Records that the person wrote from this messenger account now (to within
 * IDENTITY_USED_GRANULARITY_MS), for identity_for_account's choice. */
mb_status identity_note_used(db *d, const char *platform, int64_t user_id);

/* 1 when identity_note_used would change the row of id, as
 * account_find_by_identity read it, at time now; 0 when it may be left
 * out. */
int identity_use_stale(const identity *id, int64_t now);

/* Marks a messenger user unreachable (blocked the bot, deleted) or back. */
mb_status identity_set_unreachable(db *d, const char *platform, int64_t user_id, const char *reason);
mb_status identity_set_reachable(db *d, const char *platform, int64_t user_id);

/* The first territory a coordinator's scope names; 0 when none. */
int64_t account_coordinated_territory(db *d, int64_t account_id);

/* Accounts of an organisation with a given status (e.g. pending_consent),
 * at most max ids into ids; returns the count. */
int account_list_by_status(db *d, int64_t org_id, const char *status, int64_t *ids, int max);

#endif
