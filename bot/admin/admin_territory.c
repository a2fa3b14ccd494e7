/*
 * Administration of territories: regions and their municipalities, with
 * the timezone organisations in them inherit. A territory is renamed or
 * moved in place, and removed only when nothing refers to it any more.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "storage/territories.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE_TERRITORY "usage: admin territory add --name NAME --kind region|municipality [--parent ID] [--tz ZONE]\n" \
                        "       admin territory rename ID --name NAME\n"                                   \
                        "       admin territory move ID --parent REGION_ID\n"                              \
                        "       admin territory remove ID\n"                                               \
                        "       admin territory tz ID ZONE|-\n"                                            \
                        "       admin territory list\n"

static int territory_add_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--name", "--kind", "--parent", "--tz", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *name = admin_opt(argc, argv, "--name"), *kind = admin_opt(argc, argv, "--kind");
    const char *parent_opt = admin_opt(argc, argv, "--parent"), *tz = admin_opt(argc, argv, "--tz");
    long long parent_id = 0;
    if (!name || !kind || (parent_opt && !admin_parse_long(parent_opt, 1, INT64_MAX, &parent_id))) {
        fprintf(stderr, USAGE_TERRITORY);
        return 2;
    }
    if (strcmp(kind, "region") && strcmp(kind, "municipality")) {
        fprintf(stderr, "--kind must be region or municipality, not \"%s\"\n", kind);
        return 2;
    }
    if (tz && !config_timezone_valid(tz)) {
        fprintf(stderr, "unknown timezone \"%s\" (expected a name like Asia/Tomsk)\n", tz);
        return 2;
    }
    if (parent_id && strcmp(kind, "region") == 0) {
        fprintf(stderr, "a region has no parent: leave out --parent\n");
        return 2;
    }
    territory parent;
    if (parent_id && territory_get(a->d, parent_id, &parent)) {
        fprintf(stderr, "there is no territory %lld (see `admin territory list`)\n", parent_id);
        return 1;
    }
    if (parent_id && strcmp(parent.kind, "region") != 0) {
        fprintf(stderr, "the parent of a municipality must be a region; territory %lld is a %s\n", parent_id,
                parent.kind);
        return 1;
    }
    char *clean = admin_clean_name(name, TERRITORY_NAME_MAX, "territory");
    if (!clean) return 2;
    int64_t id = 0;
    char subject[32], detail[AUDIT_DETAIL_MAX];
    mb_status rc = db_begin(a->d);
    if (!rc) rc = territory_add(a->d, clean, kind, parent_id, &id);
    if (!rc && tz) rc = territory_set_timezone(a->d, id, tz);
    if (rc == MB_ERR_EXISTS) {
        db_rollback(a->d);
        fprintf(stderr, "the %s \"%s\" exists already (id %lld)\n", kind, clean, (long long)id);
        free(clean);
        return 1;
    }
    snprintf(subject, sizeof subject, "territory:%lld", (long long)id);
    snprintf(detail, sizeof detail, "%s \"%s\", parent %lld, timezone %s", kind, clean, parent_id, tz ? tz : "-");
    free(clean);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "territory.add", subject, detail);
    if (admin_finish_change(a, rc, "add the territory")) return 1;
    printf("%lld\n", (long long)id);
    return 0;
}

static int print_territory(const territory *t, void *arg)
{
    (void)arg;
    char parent[24] = "-";
    if (t->parent_id) snprintf(parent, sizeof parent, "%lld", (long long)t->parent_id);
    /* The timezone goes last, and only when set, so the older four columns stay as they were. */
    printf("%lld\t%s\t%s\t%s%s%s\n", (long long)t->id, t->kind, parent, t->name, t->timezone[0] ? "\t" : "",
           t->timezone);
    return 0;
}

/* The territory argv names by id, after saying why not when it does not exist. */
static int territory_arg(app *a, const char *arg, territory *t)
{
    long long id;
    if (!admin_parse_long(arg, 1, INT64_MAX, &id)) {
        fprintf(stderr, USAGE_TERRITORY);
        return 0;
    }
    if (territory_get(a->d, id, t)) {
        fprintf(stderr, "there is no territory %lld (see `admin territory list`)\n", id);
        return 0;
    }
    return 1;
}

/* Writes one change and its audit row; 0 when it is in. */
static int territory_change(app *a, const territory *t, mb_status rc, const char *action, const char *detail,
                            const char *what)
{
    char subject[32];
    snprintf(subject, sizeof subject, "territory:%lld", (long long)t->id);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, action, subject, detail);
    return admin_finish_change(a, rc, what);
}

static int territory_rename_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--name", NULL};
    territory t;
    if (argc < 1 || !territory_arg(a, argv[0], &t)) return argc < 1 ? (fprintf(stderr, USAGE_TERRITORY), 2) : 1;
    if (!admin_check_opts(argc - 1, argv + 1, known)) return 2;
    const char *name = admin_opt(argc - 1, argv + 1, "--name");
    if (!name) {
        fprintf(stderr, USAGE_TERRITORY);
        return 2;
    }
    char *clean = admin_clean_name(name, TERRITORY_NAME_MAX, "territory");
    if (!clean) return 2;
    char detail[AUDIT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "\"%s\" -> \"%s\"", t.name, clean);
    mb_status rc = db_begin(a->d);
    if (!rc) rc = territory_rename(a->d, t.id, clean);
    if (rc == MB_ERR_EXISTS) {
        db_rollback(a->d);
        fprintf(stderr, "another %s under the same parent is named \"%s\" already\n", t.kind, clean);
        free(clean);
        return 1;
    }
    free(clean);
    if (territory_change(a, &t, rc, "territory.rename", detail, "rename the territory")) return 1;
    printf("%lld\n", (long long)t.id);
    return 0;
}

static int territory_move_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--parent", NULL};
    territory t, parent;
    if (argc < 1) return fprintf(stderr, USAGE_TERRITORY), 2;
    if (!territory_arg(a, argv[0], &t)) return 1;
    if (!admin_check_opts(argc - 1, argv + 1, known)) return 2;
    const char *parent_opt = admin_opt(argc - 1, argv + 1, "--parent");
    if (!parent_opt) return fprintf(stderr, USAGE_TERRITORY), 2;
    if (strcmp(t.kind, "municipality") != 0) {
        fprintf(stderr, "territory %lld is a region: only a municipality moves to another region\n", (long long)t.id);
        return 1;
    }
    if (!territory_arg(a, parent_opt, &parent)) return 1;
    if (strcmp(parent.kind, "region") != 0) {
        fprintf(stderr, "the parent of a municipality must be a region; territory %lld is a %s\n",
                (long long)parent.id, parent.kind);
        return 1;
    }
    char detail[AUDIT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "\"%s\": parent %lld -> %lld", t.name, (long long)t.parent_id,
             (long long)parent.id);
    mb_status rc = db_begin(a->d);
    if (!rc) rc = territory_move(a->d, t.id, parent.id);
    if (rc == MB_ERR_EXISTS) {
        db_rollback(a->d);
        fprintf(stderr, "the region \"%s\" has a municipality \"%s\" already\n", parent.name, t.name);
        return 1;
    }
    if (territory_change(a, &t, rc, "territory.move", detail, "move the territory")) return 1;
    printf("%lld\n", (long long)t.id);
    return 0;
}

static int territory_remove_cmd(app *a, int argc, char **argv)
{
    territory t;
    if (argc != 1) return fprintf(stderr, USAGE_TERRITORY), 2;
    if (!territory_arg(a, argv[0], &t)) return 1;
    territory_refs refs;
    char detail[AUDIT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%s \"%s\"", t.kind, t.name);
    mb_status rc = db_begin(a->d);
    if (!rc) rc = territory_remove(a->d, t.id, &refs);
    if (rc == MB_ERR_EXISTS) {
        db_rollback(a->d);
        fprintf(stderr, "territory %lld \"%s\" is still in use: %d municipalities, %d organisations, %d coordinator"
                        " scopes, %d invites refer to it; move or remove them first\n",
                (long long)t.id, t.name, refs.municipalities, refs.orgs, refs.scopes, refs.invites);
        return 1;
    }
    if (territory_change(a, &t, rc, "territory.remove", detail, "remove the territory")) return 1;
    printf("removed %lld\n", (long long)t.id);
    return 0;
}

static int territory_tz_cmd(app *a, int argc, char **argv)
{
    territory t;
    if (argc != 2) return fprintf(stderr, USAGE_TERRITORY), 2;
    if (!territory_arg(a, argv[0], &t)) return 1;
    const char *tz = strcmp(argv[1], "-") == 0 ? "" : argv[1];
    if (*tz && !config_timezone_valid(tz)) {
        fprintf(stderr, "unknown timezone \"%s\" (expected a name like Asia/Tomsk, or - for none)\n", tz);
        return 2;
    }
    char detail[AUDIT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "\"%s\": timezone \"%s\" -> \"%s\"", t.name, t.timezone, tz);
    mb_status rc = db_begin(a->d);
    if (!rc) rc = territory_set_timezone(a->d, t.id, tz);
    if (territory_change(a, &t, rc, "territory.timezone", detail, "set the timezone")) return 1;
    printf("%lld\n", (long long)t.id);
    return 0;
}

int admin_territory_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) return territory_add_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "rename") == 0) return territory_rename_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "move") == 0) return territory_move_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "remove") == 0) return territory_remove_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "tz") == 0) return territory_tz_cmd(a, argc - 1, argv + 1);
    if (argc == 1 && strcmp(argv[0], "list") == 0) return territory_list(a->d, print_territory, NULL) < 0;
    fprintf(stderr, USAGE_TERRITORY);
    return 2;
}

