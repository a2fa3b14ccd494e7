/*
 * Counts a coordinator or curator reads about one organisation.
 */
#ifndef MB_OVERVIEW_H
#define MB_OVERVIEW_H

#include <stdint.h>

#include "storage/db.h"

typedef struct org_counts {
    int mentors;          /* active mentors */
    int mentees;          /* active mentees */
    int unmatched;        /* active mentees without an active mentorship */
    int mentorships;      /* active pairs and groups */
    int pending_consent;  /* pupils waiting for a parent */
} org_counts;

mb_status org_counts_load(db *d, int64_t org_id, org_counts *out);

#endif
