/*
 * What the statements of report/counts.c and report/surveys.c share: the
 * organisations of the scope as a CTE, and its parameters.
 */
#ifndef MB_REPORT_COUNTS_INTERNAL_H
#define MB_REPORT_COUNTS_INTERNAL_H

#include "report/counts.h"

/* The organisations of the scope: one organisation (?2), or every one in a
 * territory (?1) and the territories under it. The statements start from
 * them and reach the large tables by their org_id indexes, so one
 * organisation's report reads only its own rows (a whole region reads
 * some tables in one pass instead, ind_bind.whole). */
#define SCOPE_ORGS \
    "WITH RECURSIVE tt(id) AS MATERIALIZED (SELECT id FROM territories WHERE id = ?1" \
    "  UNION SELECT t.id FROM territories t JOIN tt ON t.parent_id = tt.id)," \
    " so(id) AS MATERIALIZED (SELECT id FROM orgs WHERE id = ?2 OR territory_id IN (SELECT id FROM tt))"

/* A mentorship m active at some time in the period. */
#define ACTIVE_M "m.created_at <= ?4 AND (m.ended_at IS NULL OR m.ended_at >= ?3)"

/* Binds ?1..?6 of a statement that starts with SCOPE_ORGS. */
void ind_bind_scope(sqlite3_stmt *st, const ind_bind *b);

#endif
