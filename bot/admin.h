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
int admin_holiday_cmd(app *a, int argc, char **argv);      /* admin_meeting.c */
int admin_reference_cmd(app *a, int argc, char **argv);    /* admin_indicators.c */
int admin_targets_cmd(app *a, int argc, char **argv);      /* admin_indicators.c */
int admin_report_cmd(app *a, int argc, char **argv);       /* admin_indicators.c */

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

#endif
