/*
 * Administration of the programme's structure: territories, organisations
 * (one by one or from a CSV file), programmes and invites. Every change and
 * its audit row are one transaction.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "handlers/flows.h"
#include "util/platform.h"
#include "storage/invites.h"
#include "storage/territories.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE_ORG "usage: admin org add --name NAME [--type TYPE] [--territory ID] [--tz ZONE]\n" \
                  "       admin org list\n"                                                    \
                  "       admin org import FILE.csv   (header " ORG_IMPORT_HEADER "\n"    \
                  "                                    or " ORG_IMPORT_HEADER_RU ")\n"
#define USAGE_PROGRAM "usage: admin program create --org ID --year YYYY [--forms LIST]\n" \
                      "       admin program list [--org ID]\n"
#define USAGE_INVITE "usage: admin invite create --org ID --role curator|mentor|mentee [--uses N] [--days D]\n" \
                     "       admin invite create --territory ID --role coordinator [--uses N] [--days D]\n"

/* A cleaned single-line name of 1..max characters (malloc'd), or NULL after
 * saying what is wrong. */
char *admin_clean_name(const char *value, int max, const char *what)
{
    char *clean = text_clean_line(value, (size_t)max + 1);
    if (clean && *clean && text_codepoints(clean) <= (size_t)max) return clean;
    fprintf(stderr, "the %s name must be 1 to %d characters\n", what, max);
    free(clean);
    return NULL;
}

/* Commits when rc is MB_OK, otherwise rolls back; says what failed. */
int admin_finish_change(app *a, mb_status rc, const char *what)
{
    if (!rc) rc = db_commit(a->d);
    if (!rc) return 0;
    db_rollback(a->d);
    fprintf(stderr, "could not %s: %s\n", what, rc == MB_ERR_DB ? db_errmsg(a->d) : mb_status_str(rc));
    return 1;
}

/* ---- organisations ---- */

static int org_add_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--name", "--type", "--territory", "--tz", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *name = admin_opt(argc, argv, "--name"), *tz = admin_opt(argc, argv, "--tz");
    const char *type = admin_opt(argc, argv, "--type"), *territory_opt = admin_opt(argc, argv, "--territory");
    long long territory_id = 0;
    if (!name || (territory_opt && !admin_parse_long(territory_opt, 1, INT64_MAX, &territory_id))) {
        fprintf(stderr, USAGE_ORG);
        return 2;
    }
    if (!type) type = ORG_TYPE_DEFAULT;
    if (!org_type_valid(type)) {
        fprintf(stderr, "unknown organisation type \"%s\" (one of: %s)\n", type, ORG_TYPE_LIST);
        return 2;
    }
    if (tz && !config_timezone_valid(tz)) {
        fprintf(stderr, "unknown timezone \"%s\" (expected a name like Europe/Moscow)\n", tz);
        return 2;
    }
    territory t;
    if (territory_id && territory_get(a->d, territory_id, &t)) {
        fprintf(stderr, "there is no territory %lld (see `admin territory list`)\n", territory_id);
        return 1;
    }
    if (territory_id && strcmp(t.kind, "municipality") != 0) {
        fprintf(stderr, "territory %lld is a %s: an organisation belongs to a municipality\n", territory_id, t.kind);
        return 1;
    }
    char *clean = admin_clean_name(name, ORG_NAME_MAX, "organisation");
    if (!clean) return 2;
    if (!tz) tz = a->cfg.timezone;
    int64_t id = 0;
    char subject[32], detail[AUDIT_DETAIL_MAX];
    mb_status rc = db_begin(a->d);
    if (!rc) rc = org_add_full(a->d, clean, type, territory_id, tz, &id);
    snprintf(subject, sizeof subject, "org:%lld", (long long)id);
    snprintf(detail, sizeof detail, "\"%s\", type %s, territory %lld, timezone %s", clean, type, territory_id, tz);
    free(clean);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "org.add", subject, detail);
    if (admin_finish_change(a, rc, "add the organisation")) return 1;
    printf("%lld\n", (long long)id);
    return 0;
}

static int print_org(const org *o, void *arg)
{
    (void)arg;
    char territory_text[24] = "-";
    if (o->territory_id) snprintf(territory_text, sizeof territory_text, "%lld", (long long)o->territory_id);
    printf("%lld\t%s\t%s\t%s\t%s\n", (long long)o->id, o->type, territory_text, o->timezone, o->name);
    return 0;
}

int admin_org_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) return org_add_cmd(a, argc - 1, argv + 1);
    if (argc == 1 && strcmp(argv[0], "list") == 0) return org_list(a->d, print_org, NULL) < 0;
    if (argc == 2 && strcmp(argv[0], "import") == 0) return admin_org_import(a, argv[1]);
    fprintf(stderr, USAGE_ORG);
    return 2;
}

/* ---- programmes ---- */

static int program_create_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--year", "--forms", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    long long org_id, year;
    const char *forms_opt = admin_opt(argc, argv, "--forms");
    if (!admin_parse_long(admin_opt(argc, argv, "--org"), 1, INT64_MAX, &org_id) || !admin_opt(argc, argv, "--year")) {
        fprintf(stderr, USAGE_PROGRAM);
        return 2;
    }
    if (!admin_parse_long(admin_opt(argc, argv, "--year"), PROGRAM_YEAR_MIN, PROGRAM_YEAR_MAX, &year)) {
        fprintf(stderr, "--year must be the year the school year starts, %d to %d\n", PROGRAM_YEAR_MIN,
                PROGRAM_YEAR_MAX);
        return 2;
    }
    uint32_t forms = PROGRAM_FORMS_DEFAULT;
    char bad[64], forms_text[PROGRAM_FORMS_LIST_MAX];
    if (forms_opt) {
        mb_status prc = program_forms_parse(forms_opt, &forms, bad, sizeof bad);
        if (prc) {
            program_forms_format((1u << PROFILE_FORM_COUNT) - 1, forms_text, sizeof forms_text);
            if (prc == MB_ERR_LIMIT) fprintf(stderr, "--forms is longer than %d bytes\n", PROGRAM_FORMS_LIST_MAX);
            else fprintf(stderr, "unknown form \"%s\" in --forms (comma-separated codes: %s)\n", bad, forms_text);
            return 2;
        }
    }
    org o;
    if (org_get(a->d, org_id, &o)) {
        fprintf(stderr, "there is no organisation %lld (see `admin org list`)\n", org_id);
        return 1;
    }
    if (!org_type_educational(o.type)) {
        fprintf(stderr, "organisation %lld is of type %s: programmes run in schools, additional-education "
                        "organisations and colleges\n", org_id, o.type);
        return 1;
    }
    program_forms_format(forms, forms_text, sizeof forms_text);
    int64_t id = 0;
    char subject[32], detail[AUDIT_DETAIL_MAX];
    mb_status rc = db_begin(a->d);
    if (!rc) rc = program_create(a->d, org_id, (int)year, forms, &id);
    if (rc == MB_ERR_EXISTS) {
        db_rollback(a->d);
        fprintf(stderr, "organisation %lld has a programme for %lld/%02lld already (id %lld)\n", org_id, year,
                (year + 1) % 100, (long long)id);
        return 1;
    }
    snprintf(subject, sizeof subject, "program:%lld", (long long)id);
    snprintf(detail, sizeof detail, "org %lld, year %lld, forms %s", org_id, year, forms_text);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "program.create", subject, detail);
    if (admin_finish_change(a, rc, "create the programme")) return 1;
    printf("%lld\n", (long long)id);
    return 0;
}

static int print_program(const program *p, void *arg)
{
    (void)arg;
    char forms[PROGRAM_FORMS_LIST_MAX];
    program_forms_format(p->forms, forms, sizeof forms);
    printf("%lld\t%lld\t%d\t%d %s\t%s\n", (long long)p->id, (long long)p->org_id, p->year, p->stage,
           program_stage_code(p->stage) ? program_stage_code(p->stage) : "?", forms);
    return 0;
}

int admin_program_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "create") == 0) return program_create_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        static const char *const known[] = {"--org", NULL};
        long long org_id = 0;
        if (!admin_check_opts(argc - 1, argv + 1, known)) return 2;
        const char *org_opt = admin_opt(argc - 1, argv + 1, "--org");
        if (org_opt && !admin_parse_long(org_opt, 1, INT64_MAX, &org_id)) {
            fprintf(stderr, USAGE_PROGRAM);
            return 2;
        }
        return program_list(a->d, org_id, print_program, NULL) < 0;
    }
    fprintf(stderr, USAGE_PROGRAM);
    return 2;
}

/* ---- invites ---- */

static int invite_create_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--territory", "--role", "--uses", "--days", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *role = admin_opt(argc, argv, "--role");
    const char *org_opt = admin_opt(argc, argv, "--org"), *territory_opt = admin_opt(argc, argv, "--territory");
    long long org_id = 0, territory_id = 0, uses = 1, days = INVITE_DEFAULT_DAYS;
    int coordinator = role && strcmp(role, "coordinator") == 0;
    int bad = !role || (!coordinator && strcmp(role, "curator") && strcmp(role, "mentor") && strcmp(role, "mentee"));
    if (!bad && coordinator)
        bad = org_opt || !admin_parse_long(territory_opt, 1, INT64_MAX, &territory_id);
    else if (!bad)
        bad = territory_opt || !admin_parse_long(org_opt, 1, INT64_MAX, &org_id);
    if (bad) {
        if (coordinator && org_opt) fprintf(stderr, "a coordinator invite binds a territory: use --territory ID, not --org\n");
        else if (role && !coordinator && territory_opt)
            fprintf(stderr, "only a coordinator invite binds a territory; a %s invite needs --org ID\n", role);
        fprintf(stderr, USAGE_INVITE);
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
    territory t;
    if (org_id && org_get(a->d, org_id, &o)) {
        fprintf(stderr, "there is no organisation %lld (see the id printed by `admin org add`)\n", org_id);
        return 1;
    }
    if (territory_id && territory_get(a->d, territory_id, &t)) {
        fprintf(stderr, "there is no territory %lld (see `admin territory list`)\n", territory_id);
        return 1;
    }
    char code[INVITE_CODE_LEN + 1], subject[32], detail[160];
    int64_t id = 0;
    mb_status rc = db_begin(a->d);
    if (!rc) rc = invite_create(a->d, "role", org_id, role, (int)uses, clock_now_ms() + days * 86400000LL, 0,
                                ADMIN_ACTOR, code, &id);
    if (!rc && territory_id) rc = scope_invite_bind_territory(a->d, id, territory_id);
    snprintf(subject, sizeof subject, "invite:%lld", (long long)id);
    if (coordinator)
        snprintf(detail, sizeof detail, "role %s, territory %lld, uses %lld, days %lld", role, territory_id, uses, days);
    else
        snprintf(detail, sizeof detail, "role %s, org %lld, uses %lld, days %lld", role, org_id, uses, days);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "invite.create", subject, detail);
    if (admin_finish_change(a, rc, "create the invite")) return 1;
    admin_learn_username(a);
    /* An operator may prepare invites before the token is set, with the
     * username alone: the link uses it even then. */
    if (a->username[0]) app_register_platforms(a);
    if (!a->username[0])
        fprintf(stderr, "warning: the bot's username is not known yet (start the service once or set "
                        "[telegram] username); the link below uses a placeholder\n");
    char link[256];
    printf("invite for %s in \"%s\", %lld use(s), valid %lld day(s):\n", role, coordinator ? t.name : o.name, uses,
           days);
    /* The same code works in every messenger the bot runs on; the Telegram
     * link stays on the last line, where scripts read it. */
    for (int i = 0; i < platform_count(); i++) {
        if (strcmp(platform_at(i)->name, "tg") == 0) continue;
        flow_invite_link(&a->env, platform_at(i)->name, code, link, sizeof link);
        printf("%s\n", link);
    }
    if (platform_find("tg") || platform_count() == 0) {
        flow_invite_link(&a->env, "tg", code, link, sizeof link);
        printf("%s\n", link);
    }
    return 0;
}

int admin_invite_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "create") == 0) return invite_create_cmd(a, argc - 1, argv + 1);
    fprintf(stderr, USAGE_INVITE);
    return 2;
}
