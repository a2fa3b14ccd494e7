/*
 * The organisations mentors work for ("enterprises that gave mentors" in
 * the indicators). A name is written many ways (ООО «Ромашка», ООО
 * "Ромашка", ооо  ромашка); each is folded to one key, and the first
 * spelling seen is the one shown. A mentor's employer comes from the
 * competence survey, the people import or the curator's correction, and
 * is kept in accounts.employer_id.
 */
#ifndef MB_EMPLOYERS_H
#define MB_EMPLOYERS_H

#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define EMPLOYER_NAME_MAX 200     /* characters of an employer's name */
#define EMPLOYER_NAME_BYTES 804   /* 200 characters of up to 4 bytes, plus NUL */

/* The folded key of a name: lower case, the quotes «»„“”"' and ‘’ read as
 * spaces, runs of spaces squeezed, trimmed. Legal forms (ООО, АО, ПАО,
 * ИП, ОГАУ ...) stay part of the name. 1 with key filled; 0 when the name
 * has nothing but quotes and spaces, or the key does not fit size. */
int employer_name_key(const char *name, char *key, size_t size);

/* The employer a name folds to, added when new; *id_out its id.
 * MB_ERR_INVALID for a name that is empty once folded, or longer than
 * EMPLOYER_NAME_MAX characters. */
mb_status employer_fold(db *d, const char *name, int64_t *id_out);

/* Sets the employer of an account from a name ("" or NULL clears it);
 * MB_ERR_INVALID as employer_fold. */
mb_status employer_set_for_account(db *d, int64_t account_id, const char *name);

/* The employer's name of an account into buf ("" when none) and its id
 * into *id_out when not NULL (0 when none). MB_OK either way, an error
 * when the database cannot tell. */
mb_status employer_of_account(db *d, int64_t account_id, char *buf, size_t size, int64_t *id_out);

#endif
