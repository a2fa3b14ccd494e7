/*
 * Administration of the programme's structure: territories, organisations,
 * programmes and invites.
 */
#include "bot/admin.h"
#include "bot/app.h"
#include "handlers/flows.h"
#include "storage/invites.h"
#include "util/clock.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int org_add_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--name", "--tz", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *name = admin_opt(argc, argv, "--name"), *tz = admin_opt(argc, argv, "--tz");
    if (!name) {
        fprintf(stderr, "usage: admin org add --name NAME [--tz ZONE]\n");
        return 2;
    }
    char *clean = text_clean_line(name, ORG_NAME_MAX + 1);
    if (!clean || !*clean || text_codepoints(clean) > ORG_NAME_MAX) {
        fprintf(stderr, "the organisation name must be 1 to %d characters\n", ORG_NAME_MAX);
        free(clean);
        return 2;
    }
    if (tz) {
        if (!config_timezone_valid(tz)) {
            fprintf(stderr, "unknown timezone \"%s\" (expected a name like Europe/Moscow)\n", tz);
            free(clean);
            return 2;
        }
    }
    int64_t id = 0;
    char detail[320];
    snprintf(detail, sizeof detail, "%s", clean);
    char subject[32];
    mb_status rc = db_begin(a->d);
    if (!rc) rc = org_add(a->d, clean, tz ? tz : a->cfg.timezone, &id);
    snprintf(subject, sizeof subject, "org:%lld", (long long)id);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "org.add", subject, detail);
    if (!rc) rc = db_commit(a->d);
    free(clean);
    if (rc) {
        db_rollback(a->d);
        fprintf(stderr, "could not add the organisation: %s\n", db_errmsg(a->d));
        return 1;
    }
    printf("%lld\n", (long long)id);
    return 0;
}

static int invite_create_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--role", "--uses", "--days", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *role = admin_opt(argc, argv, "--role");
    long long org_id, uses = 1, days = INVITE_DEFAULT_DAYS;
    if (!admin_parse_long(admin_opt(argc, argv, "--org"), 1, INT64_MAX, &org_id) || !role ||
        (strcmp(role, "curator") && strcmp(role, "mentor") && strcmp(role, "mentee"))) {
        fprintf(stderr, "usage: admin invite create --org ID --role curator|mentor|mentee [--uses N] [--days D]\n");
        return 2;
    }
    if (admin_opt(argc, argv, "--uses") && !admin_parse_long(admin_opt(argc, argv, "--uses"), 1, INVITE_MAX_USES, &uses)) {
        fprintf(stderr, "--uses must be a whole number from 1 to %d\n", INVITE_MAX_USES);
        return 2;
    }
    if (admin_opt(argc, argv, "--days") && !admin_parse_long(admin_opt(argc, argv, "--days"), 1, 3650, &days)) {
        fprintf(stderr, "--days must be a whole number from 1 to 3650\n");
        return 2;
    }
    org o;
    if (org_get(a->d, org_id, &o)) {
        fprintf(stderr, "there is no organisation %lld (see the id printed by `admin org add`)\n", org_id);
        return 1;
    }
    char code[INVITE_CODE_LEN + 1], subject[32], detail[96];
    int64_t id = 0;
    mb_status rc = db_begin(a->d);
    if (!rc) rc = invite_create(a->d, "role", org_id, role, (int)uses, clock_now_ms() + days * 86400000LL, 0,
                                ADMIN_ACTOR, code, &id);
    snprintf(subject, sizeof subject, "invite:%lld", (long long)id);
    snprintf(detail, sizeof detail, "role %s, org %lld, uses %lld, days %lld", role, org_id, uses, days);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "invite.create", subject, detail);
    if (!rc) rc = db_commit(a->d);
    if (rc) {
        db_rollback(a->d);
        fprintf(stderr, "could not create the invite: %s\n", db_errmsg(a->d));
        return 1;
    }
    admin_learn_username(a);
    if (!a->username[0])
        fprintf(stderr, "warning: the bot's username is not known yet (start the service once or set "
                        "[telegram] username); the link below uses a placeholder\n");
    char link[256];
    flow_invite_link(&a->env, "tg", code, link, sizeof link);
    printf("invite for %s in \"%s\", %lld use(s), valid %lld day(s):\n%s\n", role, o.name, uses, days, link);
    return 0;
}

int admin_org_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) return org_add_cmd(a, argc - 1, argv + 1);
    fprintf(stderr, "usage: admin org add --name NAME [--tz ZONE]\n");
    return 2;
}

int admin_invite_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "create") == 0) return invite_create_cmd(a, argc - 1, argv + 1);
    fprintf(stderr, "usage: admin invite create --org ID --role curator|mentor|mentee [--uses N] [--days D]\n");
    return 2;
}

int admin_territory_cmd(app *a, int argc, char **argv)
{
    fprintf(stderr, "territories are not available yet\n");
    return 2;
}

int admin_program_cmd(app *a, int argc, char **argv)
{
    fprintf(stderr, "programmes are not available yet\n");
    return 2;
}
