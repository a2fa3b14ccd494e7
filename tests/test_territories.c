/*
 * The programme's structure and who may see it: territories, organisations
 * with types and municipalities, programmes per school year, and the scope
 * checks every curator and coordinator action goes through.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"

#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/invites.h"
#include "storage/records.h"
#include "storage/territories.h"

#include <stdlib.h>
#include <string.h>

/* An account that finished registration with the given role. */
static int64_t person(db *d, long long user_id, const char *role, const char *status)
{
    int64_t id = 0;
    account a;
    if (account_create(d, "tg", user_id, user_id, "ru", &id) || account_load(d, id, &a)) return 0;
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.status, sizeof a.status, "%s", status);
    snprintf(a.name, sizeof a.name, "Person %lld", user_id);
    return account_save(d, &a) ? 0 : id;
}

/* Two regions; Tomsk region has the city of Tomsk and Seversk; Omsk region
 * has the city of Omsk. One school in each municipality, one enterprise in
 * Tomsk. */
typedef struct world {
    int64_t tomsk_region, omsk_region, tomsk, seversk, omsk;
    int64_t school_tomsk, school_seversk, school_omsk, plant_tomsk;
} world;

static int build_world(db *d, world *w)
{
    return territory_add(d, "Томская область", "region", 0, &w->tomsk_region) ||
           territory_add(d, "Омская область", "region", 0, &w->omsk_region) ||
           territory_add(d, "Томск", "municipality", w->tomsk_region, &w->tomsk) ||
           territory_add(d, "Северск", "municipality", w->tomsk_region, &w->seversk) ||
           territory_add(d, "Омск", "municipality", w->omsk_region, &w->omsk) ||
           org_add_full(d, "Лицей №1", "school", w->tomsk, "Asia/Tomsk", &w->school_tomsk) ||
           org_add_full(d, "Школа №80", "school", w->seversk, "Asia/Tomsk", &w->school_seversk) ||
           org_add_full(d, "Гимназия №19", "school", w->omsk, "Asia/Omsk", &w->school_omsk) ||
           org_add_full(d, "Завод «Сибкабель»", "enterprise", w->tomsk, "Asia/Tomsk", &w->plant_tomsk);
}

/* A fresh database holding the world; NULL (a failed check) when it does
 * not open. */
static db *open_world(world *w)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (d) CHECK_INT(build_world(d, w), 0);
    return d;
}

TEST(territories_form_a_region_with_municipalities)
{
    world w;
    db *d = open_world(&w);
    if (!d) return;
    territory t;
    CHECK_INT(territory_get(d, w.seversk, &t), MB_OK);
    CHECK_STR(t.name, "Северск");
    CHECK_STR(t.kind, "municipality");
    CHECK_INT(t.parent_id, w.tomsk_region);
    CHECK_INT(territory_get(d, w.tomsk_region, &t), MB_OK);
    CHECK_INT(t.parent_id, 0);

    int64_t id = 0;
    /* a region has no parent; a municipality's parent is a region */
    CHECK_INT(territory_add(d, "Регион в регионе", "region", w.tomsk_region, &id), MB_ERR_INVALID);
    CHECK_INT(territory_add(d, "Район города", "municipality", w.tomsk, &id), MB_ERR_INVALID);
    CHECK_INT(territory_add(d, "Нигде", "municipality", 999, &id), MB_ERR_NOT_FOUND);
    CHECK_INT(territory_add(d, "Округ", "district", 0, &id), MB_ERR_INVALID);
    CHECK_INT(territory_add(d, "Томск", "municipality", w.tomsk_region, &id), MB_ERR_EXISTS);
    CHECK_INT(id, w.tomsk);
    /* the same name in another region is another municipality */
    CHECK_INT(territory_add(d, "Томск", "municipality", w.omsk_region, &id), MB_OK);
    CHECK(id != w.tomsk);

    CHECK_INT(territory_find_by_name(d, "municipality", "Северск", &t), MB_OK);
    CHECK_INT(t.id, w.seversk);
    CHECK_INT(territory_find_by_name(d, "municipality", "Кемерово", &t), MB_ERR_NOT_FOUND);
    CHECK_INT(territory_find_by_name(d, "municipality", "Томск", &t), MB_ERR_INVALID);   /* two now */
    CHECK_INT(territory_find_by_name(d, "region", "Северск", &t), MB_ERR_NOT_FOUND);
    db_close(d);
}

static int collect_territory(const territory *t, void *arg)
{
    char *out = arg;
    size_t n = strlen(out);
    snprintf(out + n, 512 - n, "%s;", t->name);
    return 0;
}

TEST(territory_list_puts_municipalities_under_their_region)
{
    world w;
    db *d = open_world(&w);
    if (!d) return;
    int64_t id;
    CHECK_INT(territory_add(d, "Отдельный", "municipality", 0, &id), MB_OK);
    char out[512] = "";
    CHECK_INT(territory_list(d, collect_territory, out), 0);
    CHECK_STR(out, "Томская область;Северск;Томск;Омская область;Омск;Отдельный;");
    db_close(d);
}

static int count_org(const org *o, void *arg)
{
    (void)o;
    return ++*(int *)arg >= 2;   /* stops after two */
}

TEST(organisations_have_a_type_and_a_municipality)
{
    world w;
    db *d = open_world(&w);
    if (!d) return;
    org o;
    CHECK_INT(org_get(d, w.plant_tomsk, &o), MB_OK);
    CHECK_STR(o.type, "enterprise");
    CHECK_INT(o.territory_id, w.tomsk);
    CHECK_STR(o.timezone, "Asia/Tomsk");
    /* the old entry point still makes a school without a municipality */
    int64_t id;
    CHECK_INT(org_add(d, "Школа без района", "Europe/Moscow", &id), MB_OK);
    CHECK_INT(org_get(d, id, &o), MB_OK);
    CHECK_STR(o.type, "school");
    CHECK_INT(o.territory_id, 0);

    CHECK_INT(org_add_full(d, "Вуз", "academy", w.tomsk, "Asia/Tomsk", &id), MB_ERR_INVALID);
    CHECK_INT(org_add_full(d, "Вуз", "university", w.tomsk_region, "Asia/Tomsk", &id), MB_ERR_INVALID);
    CHECK_INT(org_add_full(d, "Вуз", "university", 999, "Asia/Tomsk", &id), MB_ERR_NOT_FOUND);
    CHECK_INT(org_add_full(d, "", "university", w.tomsk, "Asia/Tomsk", &id), MB_ERR_INVALID);

    const char *types[] = {"school", "additional", "college", "university", "enterprise", "entrepreneur", "ngo"};
    for (int i = 0; i < 7; i++) CHECK(org_type_valid(types[i]));
    CHECK(!org_type_valid("School"));
    CHECK(org_type_educational("college"));
    CHECK(!org_type_educational("ngo"));

    CHECK_INT(org_find(d, "Школа №80", w.seversk, &id), MB_OK);
    CHECK_INT(id, w.school_seversk);
    CHECK_INT(org_find(d, "Школа №80", w.tomsk, &id), MB_ERR_NOT_FOUND);
    int seen = 0;
    CHECK_INT(org_list(d, count_org, &seen), 1);
    CHECK_INT(seen, 2);
    db_close(d);
}

TEST(a_programme_per_organisation_and_school_year)
{
    world w;
    db *d = open_world(&w);
    if (!d) return;
    int64_t id = 0, again = 0;
    CHECK_INT(program_create(d, w.school_tomsk, 2025, PROGRAM_FORMS_DEFAULT, &id), MB_OK);
    program p;
    CHECK_INT(program_get(d, id, &p), MB_OK);
    CHECK_INT(p.org_id, w.school_tomsk);
    CHECK_INT(p.year, 2025);
    CHECK_INT(p.stage, 1);
    CHECK_INT(p.forms, PROGRAM_FORMS_DEFAULT);
    char forms[256];
    program_forms_format(p.forms, forms, sizeof forms);
    CHECK_STR(forms, "pupil_pupil,teacher_teacher,teacher_pupil,student_pupil,employer_pupil");

    CHECK_INT(program_create(d, w.school_tomsk, 2025, 1u << PROFILE_FORM_team_team, &again), MB_ERR_EXISTS);
    CHECK_INT(again, id);
    CHECK_INT(program_create(d, w.school_tomsk, 2026, 1u << PROFILE_FORM_team_team, &again), MB_OK);
    CHECK(again != id);
    CHECK_INT(program_create(d, w.plant_tomsk, 2025, PROGRAM_FORMS_DEFAULT, &again), MB_ERR_INVALID);
    CHECK_INT(program_create(d, 999, 2025, PROGRAM_FORMS_DEFAULT, &again), MB_ERR_NOT_FOUND);
    CHECK_INT(program_create(d, w.school_omsk, 1999, PROGRAM_FORMS_DEFAULT, &again), MB_ERR_INVALID);
    CHECK_INT(program_create(d, w.school_omsk, 2025, 0, &again), MB_ERR_INVALID);

    CHECK_INT(program_for_org_year(d, w.school_tomsk, 2026, &p), MB_OK);
    CHECK_INT(p.forms, 1u << PROFILE_FORM_team_team);
    CHECK_INT(program_for_org_year(d, w.school_omsk, 2026, &p), MB_ERR_NOT_FOUND);

    CHECK_INT(program_set_stage(d, id, 5), MB_OK);
    CHECK_INT(program_get(d, id, &p), MB_OK);
    CHECK_INT(p.stage, 5);
    CHECK_STR(program_stage_code(p.stage), "forming");
    CHECK_INT(program_set_stage(d, id, 8), MB_ERR_INVALID);
    CHECK_INT(program_set_stage(d, id, 0), MB_ERR_INVALID);
    CHECK_INT(program_set_stage(d, 999, 2), MB_ERR_NOT_FOUND);
    CHECK_INT(program_get(d, id, &p), MB_OK);
    CHECK_INT(p.stage, 5);
    db_close(d);
}

TEST(form_lists_accept_the_form_codes_only)
{
    uint32_t forms = 0;
    char bad[64];
    CHECK_INT(program_forms_parse("pupil_pupil, teacher_teacher", &forms, bad, sizeof bad), MB_OK);
    CHECK_INT(forms, (1u << PROFILE_FORM_pupil_pupil) | (1u << PROFILE_FORM_teacher_teacher));
    CHECK_INT(program_forms_parse("team_team,pupil_pupi", &forms, bad, sizeof bad), MB_ERR_INVALID);
    CHECK_STR(bad, "pupil_pupi");
    CHECK_INT(program_forms_parse("team_team,,pupil_pupil", &forms, bad, sizeof bad), MB_ERR_INVALID);
    CHECK_STR(bad, "");
    CHECK_INT(program_forms_parse("", &forms, bad, sizeof bad), MB_ERR_INVALID);
    char long_list[PROGRAM_FORMS_LIST_MAX + 20];
    memset(long_list, ' ', sizeof long_list - 1);
    long_list[sizeof long_list - 1] = 0;
    CHECK_INT(program_forms_parse(long_list, &forms, bad, sizeof bad), MB_ERR_LIMIT);
}

TEST(a_curator_changes_only_their_own_organisations)
{
    world w;
    db *d = open_world(&w);
    if (!d) return;
    int64_t curator = person(d, 1, "curator", "active");
    CHECK_INT(scope_add_org(d, curator, w.school_tomsk), MB_OK);
    CHECK_INT(scope_add_org(d, curator, w.school_tomsk), MB_OK);   /* twice is once */
    CHECK_INT(scope_add_org(d, curator, 999), MB_ERR_NOT_FOUND);

    CHECK(scope_can_change_org(d, curator, w.school_tomsk));
    CHECK(scope_can_read_org(d, curator, w.school_tomsk));
    CHECK(!scope_can_change_org(d, curator, w.school_seversk));
    CHECK(!scope_can_read_org(d, curator, w.school_seversk));
    int64_t ids[4];
    CHECK_INT(scope_org_ids(d, curator, ids, 4), 1);
    CHECK_INT(ids[0], w.school_tomsk);

    /* a second organisation for the same curator */
    CHECK_INT(scope_add_org(d, curator, w.school_omsk), MB_OK);
    CHECK(scope_can_change_org(d, curator, w.school_omsk));
    CHECK_INT(scope_org_ids(d, curator, ids, 1), 2);   /* the count, though only one fits */
    CHECK_INT(ids[0], w.school_tomsk);

    /* a mentor of the organisation has no scope at all */
    int64_t mentor = person(d, 2, "mentor", "active");
    CHECK(!scope_can_change_org(d, mentor, w.school_tomsk));
    CHECK(!scope_can_read_org(d, mentor, w.school_tomsk));
    CHECK_INT(scope_org_ids(d, mentor, ids, 4), 0);
    db_close(d);
}

TEST(a_scope_holds_only_for_an_active_account_of_its_role)
{
    world w;
    db *d = open_world(&w);
    if (!d) return;
    int64_t registering = person(d, 1, "curator", "registering");
    CHECK_INT(scope_add_org(d, registering, w.school_tomsk), MB_OK);
    CHECK(!scope_can_change_org(d, registering, w.school_tomsk));
    CHECK(!scope_can_read_org(d, registering, w.school_tomsk));

    int64_t curator = person(d, 2, "curator", "active");
    CHECK_INT(scope_add_org(d, curator, w.school_tomsk), MB_OK);
    CHECK(scope_can_change_org(d, curator, w.school_tomsk));
    CHECK_INT(account_forget(d, curator), MB_OK);
    CHECK(!scope_can_change_org(d, curator, w.school_tomsk));

    /* a scope row left from a former role grants nothing in the new one */
    int64_t former = person(d, 3, "mentor", "active");
    CHECK_INT(scope_add_org(d, former, w.school_tomsk), MB_OK);
    CHECK(!scope_can_change_org(d, former, w.school_tomsk));
    db_close(d);
}

TEST(a_coordinator_reads_their_territory_and_changes_nothing)
{
    world w;
    db *d = open_world(&w);
    if (!d) return;
    int64_t city = person(d, 1, "coordinator", "active");     /* the city of Tomsk */
    int64_t region = person(d, 2, "coordinator", "active");   /* the Tomsk region */
    CHECK_INT(scope_add_territory(d, city, w.tomsk), MB_OK);
    CHECK_INT(scope_add_territory(d, region, w.tomsk_region), MB_OK);
    CHECK_INT(scope_add_territory(d, region, 999), MB_ERR_NOT_FOUND);

    CHECK(scope_can_read_org(d, city, w.school_tomsk));
    CHECK(scope_can_read_org(d, city, w.plant_tomsk));
    CHECK(!scope_can_read_org(d, city, w.school_seversk));   /* another municipality */
    CHECK(!scope_can_read_org(d, city, w.school_omsk));

    CHECK(scope_can_read_org(d, region, w.school_tomsk));
    CHECK(scope_can_read_org(d, region, w.school_seversk));
    CHECK(!scope_can_read_org(d, region, w.school_omsk));    /* another region */

    int64_t ids[8];
    CHECK_INT(scope_readable_org_ids(d, region, ids, 8), 3);
    CHECK_INT(ids[0], w.school_tomsk);
    CHECK_INT(ids[1], w.school_seversk);
    CHECK_INT(ids[2], w.plant_tomsk);
    CHECK_INT(scope_readable_org_ids(d, city, ids, 8), 2);

    const int64_t all[] = {w.school_tomsk, w.school_seversk, w.school_omsk, w.plant_tomsk};
    for (int i = 0; i < 4; i++) {
        CHECK(!scope_can_change_org(d, city, all[i]));
        CHECK(!scope_can_change_org(d, region, all[i]));
    }
    CHECK_INT(scope_org_ids(d, region, ids, 8), 0);

    /* an organisation without a municipality is outside every territory */
    int64_t lone;
    CHECK_INT(org_add(d, "Школа без района", "Asia/Tomsk", &lone), MB_OK);
    CHECK(!scope_can_read_org(d, region, lone));
    db_close(d);
}

TEST(an_invite_grants_the_scope_of_its_role)
{
    world w;
    db *d = open_world(&w);
    if (!d) return;
    char code[INVITE_CODE_LEN + 1];
    int64_t invite_id, territory_id = -1;
    CHECK_INT(invite_create(d, "role", 0, "coordinator", 1, 0, 0, "admin:cli", code, &invite_id), MB_OK);
    CHECK_INT(scope_invite_territory(d, invite_id, &territory_id), MB_OK);
    CHECK_INT(territory_id, 0);
    CHECK_INT(scope_invite_bind_territory(d, invite_id, w.seversk), MB_OK);
    CHECK_INT(scope_invite_territory(d, invite_id, &territory_id), MB_OK);
    CHECK_INT(territory_id, w.seversk);
    CHECK_INT(scope_invite_bind_territory(d, invite_id, 999), MB_ERR_NOT_FOUND);
    CHECK_INT(scope_invite_bind_territory(d, 999, w.seversk), MB_ERR_NOT_FOUND);

    int64_t coordinator = person(d, 1, "coordinator", "active");
    CHECK_INT(scope_grant_for_invite(d, coordinator, "coordinator", 0, territory_id), MB_OK);
    CHECK(scope_can_read_org(d, coordinator, w.school_seversk));
    CHECK(!scope_can_read_org(d, coordinator, w.school_tomsk));

    int64_t curator = person(d, 2, "curator", "active");
    CHECK_INT(scope_grant_for_invite(d, curator, "curator", w.school_omsk, 0), MB_OK);
    CHECK(scope_can_change_org(d, curator, w.school_omsk));

    int64_t mentee = person(d, 3, "mentee", "active");
    CHECK_INT(scope_grant_for_invite(d, mentee, "mentee", w.school_omsk, 0), MB_OK);
    CHECK_INT(db_scalar(d, "SELECT COUNT(*) FROM scopes", -1), 2);

    CHECK_INT(scope_grant_for_invite(d, curator, "curator", 0, 0), MB_ERR_INVALID);
    CHECK_INT(scope_grant_for_invite(d, coordinator, "coordinator", 0, 0), MB_ERR_INVALID);
    db_close(d);
}

int main(void)
{
    RUN(territories_form_a_region_with_municipalities);
    RUN(territory_list_puts_municipalities_under_their_region);
    RUN(organisations_have_a_type_and_a_municipality);
    RUN(a_programme_per_organisation_and_school_year);
    RUN(form_lists_accept_the_form_codes_only);
    RUN(a_curator_changes_only_their_own_organisations);
    RUN(a_scope_holds_only_for_an_active_account_of_its_role);
    RUN(a_coordinator_reads_their_territory_and_changes_nothing);
    RUN(an_invite_grants_the_scope_of_its_role);
    return unit_summary();
}
