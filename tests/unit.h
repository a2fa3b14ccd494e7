/*
 * A very small test harness. A test file defines test functions with TEST(),
 * lists them in main() with RUN(), and returns unit_summary(). Each CHECK
 * that fails prints file:line and the expression and marks the current test
 * failed; the test goes on so one run shows every broken expectation.
 */
#ifndef MB_UNIT_H
#define MB_UNIT_H

#include <stdio.h>
#include <string.h>

extern int unit_failed_checks;
extern int unit_passed, unit_failed, unit_skipped;
extern const char *unit_current;

#define TEST(name) static void name(void)
#define RUN(name) unit_run(#name, name)

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "  %s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, unit_current, #cond); \
    unit_failed_checks++; } } while (0)

#define CHECK_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); if (_a != _b) { \
    fprintf(stderr, "  %s:%d: %s: %s == %lld, expected %lld\n", __FILE__, __LINE__, unit_current, #a, _a, _b); \
    unit_failed_checks++; } } while (0)

#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); \
    if (!_a || !_b || strcmp(_a, _b) != 0) { \
    fprintf(stderr, "  %s:%d: %s: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, unit_current, #a, \
            _a ? _a : "(null)", _b ? _b : "(null)"); unit_failed_checks++; } } while (0)

#define CHECK_CONTAINS(hay, needle) do { const char *_h = (hay), *_n = (needle); \
    if (!_h || !strstr(_h, _n)) { \
    fprintf(stderr, "  %s:%d: %s: %s does not contain \"%s\": \"%s\"\n", __FILE__, __LINE__, unit_current, \
            #hay, _n, _h ? _h : "(null)"); unit_failed_checks++; } } while (0)

/* Marks the current test skipped with a reason and returns from it. */
#define SKIP(reason) do { unit_skip(reason); return; } while (0)

void unit_run(const char *name, void (*fn)(void));
void unit_skip(const char *reason);
int unit_summary(void);

/* Path of the shared/ folder beside the repository ("../shared" by default,
 * MENTORBOT_SHARED overrides). */
const char *unit_shared_dir(void);

/* Reads a whole file into a malloc'd NUL-terminated buffer; NULL on error. */
char *unit_read_file(const char *path, size_t *len);

/* The names of the files in dir (a corpus), sorted: those containing
 * `containing` (all but hidden ones when NULL). Their count, or -1 when dir
 * does not open (*names NULL then); free with unit_free_names. */
int unit_list_dir(const char *dir, const char *containing, char ***names);
void unit_free_names(char **names, int n);

/* A fresh temporary directory for this test binary (removed at exit). */
const char *unit_tmpdir(void);

/* Writes content into the file name in unit_tmpdir(), its path into path
 * (size bytes). 0, or -1 when it could not be written. */
int unit_write_tmp(const char *name, const char *content, char *path, size_t size);

/* The shipped catalogs in locales/ (ru, the default, and en), loaded as the
 * bot loads them; NULL, with the reason on stderr, when they do not load.
 * The caller frees with i18n_free(). */
struct i18n *unit_load_catalogs(void);

/* ---- probes of an SQLite database a test made (any schema) ---- */

struct sqlite3;

/* The first column of the first row sql answers, as an integer; arg is bound
 * to ?1 when sql has a parameter. -1 when sql does not prepare or answers no
 * row. */
long long unit_sql_int(struct sqlite3 *h, const char *sql, long long arg);

/* The first column of the first row sql answers, as text in a static buffer
 * (cut at 255 bytes, valid until the next call); "" for NULL or no row,
 * "(prepare failed)" when sql does not prepare. */
const char *unit_sql_text(struct sqlite3 *h, const char *sql);

/* 1 when PRAGMA integrity_check answers "ok", else 0. */
int unit_sql_integrity_ok(struct sqlite3 *h);

#define UNIT_ROWS_MAX 8

/* Rows of (kind, JSON body), the shape in which outgoing messages are stored. */
typedef struct unit_rows {
    int n;                          /* rows the query answered, those past UNIT_ROWS_MAX too */
    char kind[UNIT_ROWS_MAX][16];   /* the first column */
    char text[UNIT_ROWS_MAX][1024]; /* "text" of the JSON object in the second column, or "" */
} unit_rows;

/* Runs sql (arg bound to ?1 when it has a parameter) and keeps the first
 * UNIT_ROWS_MAX rows it answers in out. */
void unit_sql_rows(struct sqlite3 *h, const char *sql, long long arg, unit_rows *out);

#endif
