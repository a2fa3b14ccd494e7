/*
 * A parent's consent for a pupil under the consent age: the school's list
 * of guardians' phones, and the requests of the people who open a pupil's
 * parent link (who they said they are, the phone they shared, what they
 * decided and who counted it).
 *
 * A request is one person's dialog on one messenger for one pupil:
 *   state open (step name -> relation -> phone -> decide)
 *     -> confirmed  consent counted (a listed phone, or the curator)
 *     -> waiting    consent given, the curator must confirm the person
 *          -> confirmed | rejected
 *     -> refused    the person said no (the link keeps working)
 *     -> closed     the pupil got consent another way, or a newer dialog
 *                   of the same person replaced this one
 *   confirmed -> withdrawn  the parent took the consent back (/privacy)
 */
#ifndef MB_GUARDIANS_H
#define MB_GUARDIANS_H

#include <stddef.h>
#include <stdint.h>

#include "storage/accounts.h"
#include "storage/db.h"

#define GUARDIAN_PHONE_DIGITS_MIN 10   /* a Russian number without its country code */
#define GUARDIAN_PHONE_DIGITS_MAX 15   /* E.164 */
#define GUARDIAN_PHONE_BYTES (GUARDIAN_PHONE_DIGITS_MAX + 1)
#define GUARDIAN_OPEN_DIALOG_MS (7LL * 24 * 3600 * 1000)  /* an unfinished dialog is forgotten after */

typedef struct consent_request {
    int64_t id;
    int64_t minor_id;
    int64_t invite_id;            /* the parent link it was opened with */
    char platform[8];
    int64_t user_id;
    int64_t chat_id;
    char language[8];
    char step[12];                /* name | relation | phone | decide */
    char state[12];               /* open | waiting | confirmed | rejected | refused | closed */
    char name[ACCOUNT_NAME_BYTES];
    char relation[12];            /* mother | father | guardian | other */
    char phone[GUARDIAN_PHONE_BYTES]; /* "" when none was shared */
    int phone_listed;             /* the phone is on the school's list */
    int64_t created_at;
    int64_t decided_at;
    char decided_by[32];          /* "phone-list" or "account:N" (the curator) */
} consent_request;

/*
 * Turns a phone as people write it ("+7 (916) 123-45-67", "8 916 1234567",
 * "79161234567") into digits with the country code: a Russian 11-digit
 * number starting with 8 becomes 7..., a 10-digit one gets 7 in front.
 * Returns 1 with out filled, or 0 with *why a sentence (static text).
 */
int guardian_phone_normalise(const char *in, char *out, size_t size, const char **why);

/* Adds a phone (normalised) to an organisation's list. MB_ERR_EXISTS when
 * it is there already (nothing changes). name may be NULL. */
mb_status guardian_phone_add(db *d, int64_t org_id, const char *phone, const char *name, const char *added_by);

/* 1 when the normalised phone is on the organisation's list. */
int guardian_phone_listed(db *d, int64_t org_id, const char *phone);

/* Phones on an organisation's list. */
int guardian_phone_count(db *d, int64_t org_id);

/* Starts a dialog: closes the sender's other open dialogs and creates an
 * open request at step "name". */
mb_status consent_request_start(db *d, int64_t minor_id, int64_t invite_id, const char *platform, int64_t user_id,
                                int64_t chat_id, const char *language, int64_t *id_out);

/* The sender's open dialog (not older than GUARDIAN_OPEN_DIALOG_MS since its
 * last step). MB_ERR_NOT_FOUND when none. */
mb_status consent_request_open_of(db *d, const char *platform, int64_t user_id, consent_request *out);

mb_status consent_request_load(db *d, int64_t id, consent_request *out);

/* The latest consent this messenger account gave that counted (state
 * confirmed). MB_ERR_NOT_FOUND when none. */
mb_status consent_request_given_by(db *d, const char *platform, int64_t user_id, consent_request *out);

/* Writes step, state, name, relation, phone, phone_listed, decided_at and
 * decided_by of r (by r->id). */
mb_status consent_request_save(db *d, const consent_request *r);

/* Closes the open and waiting requests of a pupil who has consent now. */
mb_status consent_request_close_for_minor(db *d, int64_t minor_id);

/* Requests waiting for a curator of the organisation, oldest first, at most
 * max ids; returns the count. */
int consent_request_list_waiting(db *d, int64_t org_id, int64_t *ids, int max);
int consent_request_count_waiting(db *d, int64_t org_id);

/* 1 when this sender has a request for the pupil waiting for the curator. */
int consent_request_sender_waiting(db *d, int64_t minor_id, const char *platform, int64_t user_id);

/*
 * Why a messenger account may not confirm for a pupil: 1 when it is or was
 * one of the pupil's own accounts, 2 when it is or was the account of
 * someone who registered as a pupil, 0 when neither.
 */
int consent_sender_excluded(db *d, int64_t minor_id, const char *platform, int64_t user_id);

/* 1 when the parent link (invite id) is neither revoked nor expired. */
int consent_link_open(db *d, int64_t invite_id);

/* Revokes every parent link of a pupil (a new one replaces them). */
mb_status consent_revoke_links(db *d, int64_t minor_id);

/* The names and phones the people answering a pupil's parent links gave,
 * each once, at most max of each (names[i] ACCOUNT_NAME_BYTES, phones[i]
 * GUARDIAN_PHONE_BYTES): what an erasure of the pupil looks for in the
 * messages others got about the consent. -1 on a storage error. */
int consent_people_of(db *d, int64_t minor_id, char (*names)[ACCOUNT_NAME_BYTES], int *nnames,
                      char (*phones)[GUARDIAN_PHONE_BYTES], int *nphones, int max);

/* Active curators of an organisation (their own or one in their scope), at
 * most max ids; returns the count. */
int consent_curators_of(db *d, int64_t org_id, int64_t *ids, int max);

#endif
