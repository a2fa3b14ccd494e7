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

/* A fresh temporary directory for this test binary (removed at exit). */
const char *unit_tmpdir(void);

#endif
