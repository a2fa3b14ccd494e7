/*
 * The admin CLI's pieces: each command family is one file, sharing these
 * argument helpers. Commands print what they made on their last line and
 * write every change to the audit log as ADMIN_ACTOR.
 */
#ifndef MB_ADMIN_H
#define MB_ADMIN_H

#include "bot/app.h"
#include "util/csv.h"

#define ADMIN_ACTOR "admin:cli"
#define INVITE_DEFAULT_DAYS 30
#define INVITE_MAX_USES 100000
#define AUDIT_DETAIL_MAX 1200    /* bytes of an audit detail: a name of 200 characters fits */
#define ORG_IMPORT_HEADER "name,type,municipality,timezone"
#define ORG_IMPORT_HEADER_RU "название,тип,муниципалитет,часовой пояс"

/* The value after --name in argv, or NULL. */
const char *admin_opt(int argc, char **argv, const char *name);
/* 1 when argv is only known --options each followed by a value; otherwise
 * prints what is wrong and returns 0. */
int admin_check_opts(int argc, char **argv, const char *const *known);
/* Parses a whole number within [min, max]; 0 when s is not one. */
int admin_parse_long(const char *s, long long min, long long max, long long *out);
/* A cleaned single-line name of 1..max characters (malloc'd), or NULL after
 * saying on stderr what is wrong; what names the thing ("territory"). */
char *admin_clean_name(const char *value, int max, const char *what);
/* Commits when rc is MB_OK, otherwise rolls back and says what failed;
 * 0 when the change is in. */
int admin_finish_change(app *a, mb_status rc, const char *what);
/* Learns the bot's username from getMe when the config and database lack it. */
void admin_learn_username(app *a);

int admin_org_cmd(app *a, int argc, char **argv);          /* admin_org.c */
int admin_territory_cmd(app *a, int argc, char **argv);    /* admin_territory.c */
int admin_org_import(app *a, const char *path);            /* admin_import.c */
int admin_program_cmd(app *a, int argc, char **argv);      /* admin_org.c */
int admin_invite_cmd(app *a, int argc, char **argv);       /* admin_org.c */
int admin_match_cmd(app *a, int argc, char **argv);        /* admin_match.c */
int admin_guardians_cmd(app *a, int argc, char **argv);    /* admin_guardians.c */
int admin_meeting_cmd(app *a, int argc, char **argv);      /* admin_meeting.c */
int admin_import_cmd(app *a, int argc, char **argv);       /* admin_people.c: import people | mentorships */
int admin_import_mentorships(app *a, const char *path);    /* admin_mentorships.c */
int admin_invite_people(app *a, int argc, char **argv);    /* admin_people.c: invite people --org ID --out FILE */
int admin_outcomes_cmd(app *a, int argc, char **argv);     /* admin_outcomes.c */
int admin_holiday_cmd(app *a, int argc, char **argv);      /* admin_meeting.c */
int admin_reference_cmd(app *a, int argc, char **argv);    /* admin_indicators.c */
int admin_targets_cmd(app *a, int argc, char **argv);      /* admin_indicators.c */
int admin_report_cmd(app *a, int argc, char **argv);       /* admin_indicators.c */
int admin_digest_cmd(app *a, int argc, char **argv);       /* admin_digest.c: send | preview */

#define ADMIN_IMPORT_FILE_MAX (4 * 1024 * 1024) /* bytes of a CSV file to import */

/* The whole import file at path in a malloc'd buffer (NUL not added) of at
 * most ADMIN_IMPORT_FILE_MAX bytes, its length in *len; NULL after saying
 * on stderr why not (cannot open, cannot read, too large). */
char *admin_read_import_file(const char *path, size_t *len);

/* Trims spaces and tabs at both ends, in place; returns the new start. */
char *admin_trim(char *s);

/*
 * An all-or-nothing CSV import: the file is read, its delimiter taken from
 * the header line (spreadsheets with a Russian locale save with ';'),
 * header() checks the header (saying on stderr why it is wrong), and every
 * later record goes to row() inside one transaction. A bad line is told
 * with admin_import_bad() ("FILE:LINE: why", the first ADMIN_IMPORT_SHOWN
 * of them, then "and N more"); once one is bad, later lines are only
 * checked. admin_import_run() returns 0 with the transaction still open
 * when every line was good (the caller audits and commits it), 1 after
 * saying why not with nothing kept.
 */
#define ADMIN_IMPORT_SHOWN 20
typedef struct admin_import {
    app *a;
    const char *path;
    const char *header_text;    /* the expected header, for an empty file */
    const char *rows_name;      /* "organisations": "more than N organisations in one file" */
    int rows_max;
    int errors;                 /* bad lines so far */
    int (*header)(struct admin_import *im, csv_reader *r);
    mb_status (*row)(struct admin_import *im, csv_reader *r);
} admin_import;

void admin_import_bad(admin_import *im, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int admin_import_run(admin_import *im);

/* ---- admin_columns.c: what the imports of people, mentorships and
 * outcome records share ---- */

#define ADMIN_MENTORSHIPS_HEADER "org,form,mentor,mentees,direction,started,ended"

/* A column of an import's header: its names (English first, then Russian;
 * compared lower-cased), and 1 when the file must have it. */
#define ADMIN_COLUMN_NAMES 4
typedef struct admin_column {
    const char *names[ADMIN_COLUMN_NAMES];
    int required;
} admin_column;

/* Maps the header's fields to ncols columns: col[c] is the field of
 * column c, -1 when absent; other columns are allowed and ignored. 0 after
 * saying on stderr what is wrong (a column twice, a required one missing,
 * naming the header expected). *fields gets the header's field count. */
int admin_import_columns(admin_import *im, csv_reader *r, const admin_column *cols, int ncols, int *col,
                         int *fields);

/* admin_import_bad for one cell: "FILE:LINE: column NAME: why". */
void admin_import_bad_cell(admin_import *im, long line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The trimmed text of column c of the current record ("" when the file
 * has no such column). */
char *admin_import_cell(csv_reader *r, const int *col, int c);

/* A date cell, YYYY-MM-DD or DD.MM.YYYY, into YYYYMMDD; 0 when it is not
 * a date that exists. */
int admin_parse_date(const char *s);

/* 1 when the record has the header's fields, all UTF-8; else the line is
 * reported and 0. */
int admin_import_shape_ok(admin_import *im, csv_reader *r, int fields);

/* The organisation an org cell names (its name or id) into *org_id; 0
 * after reporting the cell when it names none or several. */
int admin_import_org(admin_import *im, long line, const char *cell, int64_t *org_id);

/* A cell's word as a code: one of codes (NULL-terminated) or the code of
 * one of the n words, compared lower-cased; NULL when unknown. */
typedef struct admin_word { const char *word, *code; } admin_word;
const char *admin_word_code(const char *cell, const admin_word *words, size_t n, const char *const *codes);

/* The line at which each id (an account, a mentorship) was first met in a
 * file, so a repeat names it: *admin_line_slot is 0 the first time, and the
 * caller stores the line there. A table for one file (calloc it). */
#define ADMIN_LINE_SLOTS 65536      /* a power of two above twice the rows of a file */
typedef struct admin_line_map {
    int64_t keys[ADMIN_LINE_SLOTS];
    long lines[ADMIN_LINE_SLOTS];
} admin_line_map;
long *admin_line_slot(admin_line_map *m, int64_t key);

#endif
