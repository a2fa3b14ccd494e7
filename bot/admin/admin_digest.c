/*
 * `admin digest send` queues the weekly digest now (to the curators of an
 * organisation, the coordinators of a territory, or one account) and
 * `admin digest preview` writes it into a folder without sending: the
 * text (with the chart's alt text), the PNG and the XLSX.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "handlers/digest.h"
#include "storage/territories.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE_DIGEST                                                                        \
    "usage: admin digest send --org ID | --territory ID [--to ACCOUNT]\n"                   \
    "       admin digest preview --org ID | --territory ID --out DIR [--lang ru|en]\n"
#define RECIPIENTS_MAX 200

/* The scope of --org or --territory (exactly one); 0 after saying why. */
static int scope_opt(app *a, int argc, char **argv, int *of_territory, int64_t *id)
{
    const char *o = admin_opt(argc, argv, "--org"), *t = admin_opt(argc, argv, "--territory");
    long long v;
    if (!o == !t) {
        fprintf(stderr, "give either --org ID or --territory ID\n%s", USAGE_DIGEST);
        return 0;
    }
    if (!admin_parse_long(o ? o : t, 1, INT64_MAX, &v)) {
        fprintf(stderr, "%s takes an id, not \"%s\"\n", o ? "--org" : "--territory", o ? o : t);
        return 0;
    }
    *of_territory = t != NULL;
    *id = v;
    if (o) {
        org x;
        if (org_get(a->d, v, &x)) {
            fprintf(stderr, "there is no organisation %lld (see `admin org list`)\n", v);
            return 0;
        }
    } else {
        territory x;
        if (territory_get(a->d, v, &x)) {
            fprintf(stderr, "there is no territory %lld (see `admin territory list`)\n", v);
            return 0;
        }
    }
    return 1;
}

/* The active curators of an organisation or coordinators of a territory. */
static int recipients_of(app *a, int of_territory, int64_t id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(a->d, of_territory
                                         ? "SELECT DISTINCT a.id FROM scopes s JOIN accounts a ON a.id = s.account_id"
                                           " WHERE s.territory_id = ?1 AND a.role = 'coordinator'"
                                           " AND a.status = 'active' ORDER BY a.id"
                                         : "SELECT a.id FROM accounts a WHERE a.org_id = ?1 AND a.role = 'curator'"
                                           " AND a.status = 'active' ORDER BY a.id");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    return db_step_ids(a->d, st, ids, max);
}

static int send_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--territory", "--to", NULL};
    if (!admin_check_opts(argc, argv, known)) {
        fputs(USAGE_DIGEST, stderr);
        return 2;
    }
    int of_territory;
    int64_t id, ids[RECIPIENTS_MAX];
    if (!scope_opt(a, argc, argv, &of_territory, &id)) return 2;
    int n;
    const char *to = admin_opt(argc, argv, "--to");
    if (to) {
        long long v;
        account acct;
        if (!admin_parse_long(to, 1, INT64_MAX, &v) || account_load(a->d, v, &acct)) {
            fprintf(stderr, "--to \"%s\" is no account's id\n", to);
            return 2;
        }
        ids[0] = v;
        n = 1;
    } else if ((n = recipients_of(a, of_territory, id, ids, RECIPIENTS_MAX)) <= 0) {
        fprintf(stderr, "%s %lld has no active %s to send to; name one with --to ACCOUNT\n",
                of_territory ? "territory" : "organisation", (long long)id, of_territory ? "coordinator" : "curator");
        return 1;
    }
    mb_status rc = db_begin(a->d);
    if (rc) return admin_finish_change(a, rc, "start the change");
    int64_t now = clock_now_ms();
    int sent = 0;
    for (int i = 0; i < n && !rc; i++) {
        mb_status one = digest_send(a->d, &a->env, ids[i], of_territory ? 0 : id, of_territory ? id : 0, now);
        if (one == MB_ERR_DENIED) printf("account %lld blocked the bot: skipped\n", (long long)ids[i]);
        else if (one == MB_ERR_NOT_FOUND) printf("account %lld has no messenger: skipped\n", (long long)ids[i]);
        else if (one == MB_ERR_LIMIT)
            fprintf(stderr, "account %lld: %d files wait to be sent already ([digest] files_max); try again later\n",
                    (long long)ids[i], a->env.digest ? a->env.digest->files_limit : DIGEST_FILES_MAX_DEFAULT);
        else if (one) rc = one;
        else {
            printf("queued the digest to account %lld\n", (long long)ids[i]);
            sent++;
        }
    }
    if (admin_finish_change(a, rc, "queue the digest")) return 1;
    printf("%d\n", sent);
    return sent ? 0 : 1;
}

static int preview_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--territory", "--out", "--lang", NULL};
    const char *out = admin_opt(argc, argv, "--out"), *lang = admin_opt(argc, argv, "--lang");
    if (!admin_check_opts(argc, argv, known) || !out || !*out) {
        fputs(USAGE_DIGEST, stderr);
        return 2;
    }
    if (lang && strcmp(lang, "ru") && strcmp(lang, "en")) {
        fprintf(stderr, "--lang must be ru or en, not \"%s\"\n", lang);
        return 2;
    }
    int of_territory;
    int64_t id;
    if (!scope_opt(a, argc, argv, &of_territory, &id)) return 2;
    mb_status rc = digest_preview(a->d, &a->env, of_territory, id, clock_now_ms(), lang ? lang : a->cfg.language, out);
    if (rc) {
        fprintf(stderr, "could not write the digest into %s: %s\n", out, mb_status_str(rc));
        return 1;
    }
    printf("%s/digest.txt\n%s/digest.png\n%s/digest.xlsx\n", out, out, out);
    return 0;
}

int admin_digest_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "send") == 0) return send_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "preview") == 0) return preview_cmd(a, argc - 1, argv + 1);
    fputs(USAGE_DIGEST, stderr);
    return 2;
}
