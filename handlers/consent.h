/*
 * A parent's consent for a pupil under the consent age.
 *
 * consent.c is the person who opens the pupil's parent link: they say who
 * they are (name, relation), share their own phone number where the
 * messenger offers a button for it (Telegram, MAX), and decide. Consent counts
 * at once when the phone is on the school's list of guardians' phones;
 * otherwise it waits for the curator. A refusal is recorded and told to the
 * curator but closes nothing: the real parent can still consent. No
 * messenger account that is or was the pupil's own, or that registered as
 * a pupil, can confirm.
 *
 * curator_consent.c is the curator's list: confirm or reject the people
 * waiting, and issue a new parent link.
 *
 * Every consent given or refused is written to the audit log with who gave
 * it, and told to the organisation's curators.
 */
#ifndef MB_CONSENT_H
#define MB_CONSENT_H

#include "handlers/flows.h"
#include "storage/guardians.h"

#define CONSENT_LINK_VALID_MS (30LL * 24 * 3600 * 1000)

#define CONSENT_CODE_BYTES 24   /* "g_" and an invite code, with room to spare */

/* Creates a parent link for the pupil and writes its code as it goes after
 * start= ("g_...") into code; flow_invite_link makes the address.
 * created_by as in the audit log ("system", "account:12"). */
mb_status consent_new_link(db *d, const account *minor, const char *created_by, char *code, size_t size);

/* The sender opened a parent link (code without its "g_" prefix). */
mb_status consent_open(hctx *h, const char *code);

/* The buttons of the person giving consent (gr gc gd), who may have no
 * account. */
mb_status consent_on_button(hctx *h, const char *action, const payload_field *f, int n);

/* 1 when the message (text or a shared contact) belongs to the sender's
 * consent dialog: it is open and the message is not a command other than
 * /cancel (a pasted invite code dispatch.c opens before asking). */
int consent_takes_message(hctx *h);
mb_status consent_on_message(hctx *h);

/* Makes the pupil active on r's consent, closes the pupil's other requests
 * and tells the pupil. r must be saved by the caller. */
mb_status consent_count(db *d, const bot_env *env, account *minor);

/* Queues text_key (formatted with the request's and the pupil's names) to
 * every curator of the pupil's organisation, each in their own language. */
mb_status consent_tell_curators(db *d, const bot_env *env, const account *minor, const consent_request *r,
                                const char *key);

/* Fills the names of a request for a message in lang: the relation
 * ("мама"), the messenger ("Telegram") and the phone ("+7...",
 * "номер не указан"). */
void consent_describe(const bot_env *env, const char *lang, const consent_request *r, char *relation,
                      size_t relation_size, char *messenger, size_t messenger_size, char *phone, size_t phone_size);

/* consent_withdraw.c: the parent who gave a consent through the link sees
 * it with /privacy and may withdraw it (buttons gw gwy gwn). */
/* 1 when the sender's messenger account gave a consent that counts. */
int consent_is_parent(hctx *h);
/* The parent's /privacy: whose consent, when, and the withdrawal button. */
mb_status consent_parent_privacy(hctx *h);
mb_status consent_withdraw_button(hctx *h, const char *action, const payload_field *f, int n);

/* curator_consent.c: kp ky kn kl */
mb_status curator_consent_button(hctx *h, const char *action, const payload_field *f, int n);
/* The menu entry with the count of people waiting. */
void curator_consent_menu_item(hctx *h, keyboard *kb);

#endif
