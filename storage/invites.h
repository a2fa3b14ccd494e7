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
    int max_uses;
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

/* Looks a code up (exact match). MB_ERR_NOT_FOUND when there is none. */
mb_status invite_find(db *d, const char *code, invite *out);

/*
 * Records that account used the invite. Using the same invite again by the
 * same account is free (a person who restarts registration is not charged a
 * second use). MB_ERR_EXPIRED when it is past its time, revoked or used up.
 */
mb_status invite_redeem(db *d, const invite *inv, int64_t account_id);

/* 1 when inv may still be used by account (see invite_redeem). A revoked or
 * expired invite is usable by nobody, not even by who used it before. */
int invite_usable(db *d, const invite *inv, int64_t account_id);

/* Gives back the use account made of an invite (a registration that starts
 * over with another invite). No effect when it made none. */
mb_status invite_release(db *d, int64_t invite_id, int64_t account_id);

/* The open guardian invite of a minor's account. MB_ERR_NOT_FOUND if none. */
mb_status invite_find_guardian(db *d, int64_t account_id, invite *out);

#endif
