/*
 * The numbered schema migrations. Migration N brings a database from
 * user_version N-1 to N; a migration is never edited once released, only
 * followed by a new one.
 */
#ifndef MB_SCHEMA_H
#define MB_SCHEMA_H

/* How many migrations this binary knows (= the latest schema version). */
int schema_count(void);

/* The SQL of migration v (1-based); NULL when out of range. */
const char *schema_migration(int v);

#endif
