/*
 * Invite codes. A role invite binds whoever opens it to an organisation and
 * a role; a guardian invite lets a parent confirm a minor's participation.
 * Codes are 16 characters of a 32-letter alphabet (80 random bits).
 */
#ifndef MB_INVITES_H
#define MB_INVITES_H

#include <stdint.h>

#include "storage/db.h"

#define INVITE_CODE_LEN 16
#define INVITE_GUARDIAN_PREFIX "g_"   /* a guardian code as it appears after start= */

typedef struct invite {
    int64_t id;
    char code[INVITE_CODE_LEN + 1];
    char kind[12];        /* role | guardian */
    int64_t org_id;
    char role[16];
    int uses_limit;
    int uses;
    int64_t expires_at;   /* 0 = never */
    int64_t for_account;  /* guardian invites: the minor */
    int64_t revoked_at;
    int64_t territory_id; /* coordinator invites: the territory granted; 0 = none */
} invite;

/* Creates an invite; code_out receives INVITE_CODE_LEN+1 bytes. */
mb_status invite_create(db *d, const char *kind, int64_t org_id, const char *role, int max_uses,
                        int64_t expires_at, int64_t for_account, const char *created_by, char *code_out,
                        int64_t *id_out);

/* Looks an invite up by its id. MB_ERR_NOT_FOUND when there is none. */
mb_status invite_get(db *d, int64_t id, invite *out);

/* Looks a code up (exact match). MB_ERR_NOT_FOUND when there is none. */
mb_status invite_find(db *d, const char *code, invite *out);

/*
 * Uses and places. `uses` counts the people who completed what the invite
 * is for: a registration, a parent's answer, a linked messenger. Someone
 * still registering (account status 'registering') holds a place for
 * INVITE_RESERVE_MS after opening the invite, so two people cannot both
 * complete a one-use invite; a place is free when uses plus the places
 * held are below max_uses. Declining, switching to another invite or a
 * deleted account gives the place back at once.
 */
#define INVITE_RESERVE_MS (24LL * 3600 * 1000)

/*
 * Records that account takes the invite: a place held while the account is
 * still registering (invite_complete counts it later), a use at once
 * otherwise. Taking the same invite again by the same account is free (a
 * person who restarts registration is not charged twice). MB_ERR_EXPIRED
 * when it is past its time, revoked or has no free place.
 */
mb_status invite_redeem(db *d, const invite *inv, int64_t account_id);

/* invite_redeem for an account created in the same transaction: it is
 * registering and holds no place yet, so neither is read. */
mb_status invite_redeem_new(db *d, const invite *inv, int64_t account_id);

/*
 * Counts the use of the invite account holds a place on, at the end of its
 * registration (the caller moves the account out of 'registering' in the
 * same transaction, so its place stops counting as held). A place held longer than INVITE_RESERVE_MS counts only if
 * one is still free: MB_ERR_EXPIRED when others have taken them all
 * meanwhile, or when the invite was revoked meanwhile (a leaked link is
 * stopped before anyone finishes with it). MB_ERR_NOT_FOUND when account
 * holds no place on it.
 */
mb_status invite_complete(db *d, int64_t invite_id, int64_t account_id);

/* 1 when inv may still be used by account (see invite_redeem). A revoked or
 * expired invite is usable by nobody, not even by who used it before. */
int invite_usable(db *d, const invite *inv, int64_t account_id);

/* Gives back the use or the place account has on an invite (a
 * registration that starts over with another invite). No effect when it
 * has none. */
mb_status invite_release(db *d, int64_t invite_id, int64_t account_id);

/* An invite as a curator sees it in the list. */
typedef struct invite_view {
    invite inv;
    int held;             /* places held by people still registering */
    int64_t created_at;
} invite_view;

/* The role invites of an organisation, newest first, at most max of them
 * into out; returns how many were written (-1 on a database error). */
int invite_list_org(db *d, int64_t org_id, invite_view *out, int max);

/* Revokes a role invite of org_id: nobody can use it any more; who used it
 * stays registered. MB_ERR_NOT_FOUND when there is no such invite of that
 * organisation, MB_ERR_EXISTS when it was revoked already. */
mb_status invite_revoke(db *d, int64_t invite_id, int64_t org_id);

/* The open guardian invite of a minor's account. MB_ERR_NOT_FOUND if none. */
mb_status invite_find_guardian(db *d, int64_t account_id, invite *out);

#endif
