/*
 * The administrator's command line: `mentorbot --config FILE admin ...`.
 * Each command prints what it made on its last line, so scripts can take it
 * with `tail -n 1`. Every change is written to the audit log as admin:cli.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "bot/telegram/telegram.h"
#include "bot/telegram/tg_parse.h"
#include "handlers/flows.h"
#include "storage/attempts.h"
#include "storage/invites.h"
#include "storage/outbox.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


const char *admin_opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return NULL;
}

/* Every argument must be a known --option followed by a value. */
int admin_check_opts(int argc, char **argv, const char *const *known)
{
    for (int i = 0; i < argc; i += 2) {
        int ok = 0;
        for (int k = 0; known[k]; k++)
            if (strcmp(argv[i], known[k]) == 0) ok = 1;
        if (!ok) {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s needs a value\n", argv[i]);
            return 0;
        }
    }
    return 1;
}

int admin_parse_long(const char *s, long long min, long long max, long long *out)
{
    char *end;
    if (!s || !*s) return 0;
    long long v = strtoll(s, &end, 10);
    if (*end || v < min || v > max) return 0;
    *out = v;
    return 1;
}

/* Asks getMe once (blocking is fine in the CLI) to learn the username. */
void admin_learn_username(app *a)
{
    if (a->username[0] || !a->cfg.tg_token[0]) return;
    char url[600];
    snprintf(url, sizeof url, "%s/bot%s/getMe", a->cfg.tg_api_base, a->cfg.tg_token);
    CURL *c = curl_easy_init();
    if (!c) return;
    strbuf body;
    sb_init(&body, 64 * 1024);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        tg_reply r;
        if (!tg_parse_reply(sb_str(&body), body.len, status, &r) && r.ok) {
            const char *name = json_str(r.result, "username");
            if (name) {
                snprintf(a->username, sizeof a->username, "%s", name);
                db_meta_set(a->d, TG_META_USERNAME, name);
            }
        }
        tg_reply_free(&r);
    }
    curl_easy_cleanup(c);
    sb_free(&body);
}

static int outbox_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "retry") == 0) {
        long long id;
        if (argc != 2 || !admin_parse_long(argv[1], 1, INT64_MAX, &id)) {
            fprintf(stderr, "usage: admin outbox retry ID\n");
            return 2;
        }
        mb_status rc = outbox_requeue(a->d, id);
        if (rc == MB_ERR_NOT_FOUND) {
            fprintf(stderr, "message %lld is not in state unknown or failed\n", id);
            return 1;
        }
        if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "outbox.retry", argv[1], NULL);
        if (rc) return 1;
        printf("message %lld queued again\n", id);
        return 0;
    }
    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        static const char *const known[] = {"--state", NULL};
        if (!admin_check_opts(argc - 1, argv + 1, known)) return 2;
        const char *state = admin_opt(argc - 1, argv + 1, "--state");
        sqlite3_stmt *st = db_stmt(a->d, "SELECT id, platform, chat_id, kind, state, attempts, http_status,"
                                         " error FROM outbox WHERE (?1 IS NULL OR state = ?1) ORDER BY id");
        if (!st) return 1;
        db_bind_text(st, 1, state);
        while (sqlite3_step(st) == SQLITE_ROW) {
            const unsigned char *err = sqlite3_column_text(st, 7);
            printf("%lld\t%s\t%lld\t%s\t%s\t%d\t%d\t%s\n", (long long)sqlite3_column_int64(st, 0),
                   sqlite3_column_text(st, 1), (long long)sqlite3_column_int64(st, 2), sqlite3_column_text(st, 3),
                   sqlite3_column_text(st, 4), sqlite3_column_int(st, 5), sqlite3_column_int(st, 6),
                   err ? (const char *)err : "");
        }
        sqlite3_reset(st);
        return 0;
    }
    fprintf(stderr, "usage: admin outbox list [--state pending|sending|sent|failed|unknown] | admin outbox retry ID\n");
    return 2;
}

/* What the operator checks first: messages that need a look, and whether
 * someone is guessing codes. The verdict is the last line. */
static int status_cmd(app *a, int argc)
{
    if (argc != 0) {
        fprintf(stderr, "usage: admin status\n");
        return 2;
    }
    sqlite3_stmt *st = db_stmt(a->d, "SELECT state, COUNT(*) FROM outbox WHERE state IN ('pending', 'unknown', 'failed')"
                                     " GROUP BY state ORDER BY state");
    if (!st) return 1;
    printf("outbox:");
    int any = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        printf(" %s %d", sqlite3_column_text(st, 0), sqlite3_column_int(st, 1));
        any = 1;
    }
    sqlite3_reset(st);
    printf("%s\n", any ? "" : " nothing waiting");
    int people = 0;
    int wrong = attempts_recent(a->d, &people);
    long long minutes = ATTEMPTS_ALERT_WINDOW_MS / 60000;
    printf("wrong codes in the last %lld minutes: %d from %d people\n", minutes, wrong, people);
    if (wrong >= ATTEMPTS_ALERT_COUNT)
        printf("warning: %d wrong codes in the last %lld minutes from %d people; someone may be guessing invite or"
               " link codes\n", wrong, minutes, people);
    else
        printf("ok\n");
    return 0;
}

int admin_main(app *a, int argc, char **argv)
{
    if (app_open(a)) return 1;
    if (argc >= 1 && strcmp(argv[0], "org") == 0) return admin_org_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "territory") == 0) return admin_territory_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "program") == 0) return admin_program_cmd(a, argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[0], "invite") == 0 || strcmp(argv[0], "invites") == 0) &&
        strcmp(argv[1], "people") == 0)
        return admin_invite_people(a, argc - 2, argv + 2);
    if (argc >= 1 && strcmp(argv[0], "invite") == 0) return admin_invite_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "import") == 0) return admin_import_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "outcomes") == 0) return admin_outcomes_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "match") == 0) return admin_match_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "outbox") == 0) return outbox_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "guardians") == 0) return admin_guardians_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "meeting") == 0) return admin_meeting_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "holiday") == 0) return admin_holiday_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "digest") == 0) return admin_digest_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "status") == 0) return status_cmd(a, argc - 1);
    if (argc >= 1 && strcmp(argv[0], "reference") == 0) return admin_reference_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "targets") == 0) return admin_targets_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "report") == 0) return admin_report_cmd(a, argc - 1, argv + 1);
    fprintf(stderr, "admin commands:\n"
                    "  territory add --name NAME --kind region|municipality [--parent ID]\n"
                    "  territory list\n"
                    "  org add --name NAME [--type TYPE] [--territory ID] [--tz ZONE]\n"
                    "  org list\n"
                    "  org import FILE.csv\n"
                    "  program create --org ID --year YYYY [--forms LIST]\n"
                    "  program list [--org ID]\n"
                    "  invite create --org ID --role curator|mentor|mentee [--uses N] [--days D]\n"
                    "  invite create --territory ID --role coordinator [--uses N] [--days D]\n"
                    "  import people FILE.csv | import mentorships FILE.csv   (docs/import.md)\n"
                    "  invite people --org ID --out FILE.csv   (personal invites of imported people)\n"
                    "  outcomes import FILE.csv | outcomes list --org ID   (docs/records.md)\n"
                    "  digest send --org ID | --territory ID [--to ACCOUNT]   (docs/digest.md)\n"
                    "  digest preview --org ID | --territory ID --out DIR [--lang ru|en]\n"
                    "  match suggest --org ID | match list --org ID\n"
                    "  match confirm --org ID --mentor ACCOUNT --mentee ACCOUNT[,ACCOUNT...] [--form FORM]\n"
                    "  meeting add --mentorship ID --at \"YYYY-MM-DD HH:MM\" [--kind KIND] [--minutes N]\n"
                    "              [--topic TEXT] [--place TEXT | --link URL] [--repeat weekly [--until DATE]]\n"
                    "  meeting list --org ID [--from DATE] [--to DATE]\n"
                    "  meeting cancel ID\n"
                    "  holiday add --org ID --date YYYY-MM-DD [--name TEXT]\n"
                    "  holiday list --org ID | holiday remove --org ID --date YYYY-MM-DD\n"
                    "  outbox list [--state STATE]\n"
                    "  outbox retry ID\n"
                    "  guardians import ORG FILE.csv   (header phone,name)\n"
                    "  guardians count ORG\n"
                    "  status\n"
                    "  reference set --territory ID|--org ID --year YYYY --key KEY --value N --source TEXT\n"
                    "  reference list [--territory ID|--org ID]\n"
                    "  targets import FILE.csv   (header code,year,target[,scope][,persons][,source])\n"
                    "  report indicators --set 000|001|003|004 --scope org:ID|territory:ID --period P\n"
                    "                    [--format text|csv|xlsx] [--out FILE] [--rounding RULE] [--recompute]\n");
    return 2;
}

char *admin_read_import_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(ADMIN_IMPORT_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, ADMIN_IMPORT_FILE_MAX + 1, f) : 0;
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed || n > ADMIN_IMPORT_FILE_MAX) {
        if (failed) fprintf(stderr, "%s: cannot read the file\n", path);
        else fprintf(stderr, "%s: the file is larger than %d bytes; split it\n", path, ADMIN_IMPORT_FILE_MAX);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

char *admin_trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
    return s;
}

void admin_import_bad(admin_import *im, long line, const char *fmt, ...)
{
    if (im->errors++ >= ADMIN_IMPORT_SHOWN) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%ld: ", im->path, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int admin_import_run(admin_import *im)
{
    size_t len;
    char *data = admin_read_import_file(im->path, &len);
    if (!data) return 1;
    csv_reader *r = malloc(sizeof *r);
    int failed = 1, begun = 0, got;
    mb_status rc = MB_OK;
    if (!r) {
        fprintf(stderr, "%s: out of memory\n", im->path);
        goto out;
    }
    const char *eol = memchr(data, '\n', len);
    size_t first = eol ? (size_t)(eol - data) : len;
    csv_init(r, data, len, memchr(data, ';', first) && !memchr(data, ',', first) ? ';' : ',');
    if ((got = csv_next(r)) <= 0) {
        if (got < 0) fprintf(stderr, "%s:%ld: %s\n", im->path, r->line, r->error);
        else fprintf(stderr, "%s: the file is empty (expected the header %s)\n", im->path, im->header_text);
        goto out;
    }
    if (!im->header(im, r) || (rc = db_begin(im->a->d))) goto out;
    begun = 1;
    int rows = 0;
    while (!rc && (got = csv_next(r)) > 0) {
        if (++rows > im->rows_max) {
            admin_import_bad(im, r->line, "more than %d %s in one file; split it", im->rows_max, im->rows_name);
            break;
        }
        rc = im->row(im, r);
    }
    if (got < 0) admin_import_bad(im, r->line, "%s", r->error);
    if (rc) goto out;
    if (im->errors) {
        if (im->errors > ADMIN_IMPORT_SHOWN)
            fprintf(stderr, "%s: and %d more bad lines\n", im->path, im->errors - ADMIN_IMPORT_SHOWN);
        fprintf(stderr, "%s: nothing imported; correct the lines above and run the import again\n", im->path);
        goto out;
    }
    failed = begun = 0;
out:
    if (rc) fprintf(stderr, "%s: could not import: %s\n", im->path,
                    rc == MB_ERR_DB ? db_errmsg(im->a->d) : mb_status_str(rc));
    if (begun) db_rollback(im->a->d);
    free(r);
    free(data);
    return failed;
}
