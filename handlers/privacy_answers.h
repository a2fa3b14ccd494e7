#ifndef MB_PRIVACY_ANSWERS_H
#define MB_PRIVACY_ANSWERS_H

#include <stdint.h>

#include "storage/db.h"

/* The answers of the person's latest survey (finished, or else the one in
 * progress), one "\n  — question answer" line each, in lang; caller frees.
 * NULL when there are none. */
char *privacy_answers_text(db *d, int64_t account_id, const char *lang);

#endif
