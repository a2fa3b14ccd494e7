/*
 * storage/guardians: phones as people write them, the school's list, and
 * which messenger accounts may never confirm for a pupil (the pupil's own,
 * now or before, and pupils'), and what /forget leaves of it.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"

#include "bot/telegram/tg_parse.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/guardians.h"
#include "storage/records.h"

#include <stdlib.h>
#include <string.h>

static const char *normalised(const char *in)
{
    static char out[GUARDIAN_PHONE_BYTES];
    const char *why = NULL;
    if (!guardian_phone_normalise(in, out, sizeof out, &why)) snprintf(out, sizeof out, "bad");
    return out;
}

TEST(phones_as_people_write_them)
{
    CHECK_STR(normalised("+7 (916) 123-45-67"), "79161234567");
    CHECK_STR(normalised("8 916 123 45 67"), "79161234567");
    CHECK_STR(normalised("9161234567"), "79161234567");
    CHECK_STR(normalised("79161234567"), "79161234567");
    CHECK_STR(normalised("+375 29 123-45-67"), "375291234567");
    CHECK_STR(normalised("+8 916 123 45 67"), "89161234567");   /* a + means the code is written out */
    CHECK_STR(normalised("12345"), "bad");
    CHECK_STR(normalised(""), "bad");
    CHECK_STR(normalised("+7 916 123 45 67 доб. 2"), "bad");
    CHECK_STR(normalised("7916+1234567"), "bad");
    CHECK_STR(normalised("1234567890123456"), "bad");
    const char *why = NULL;
    char out[GUARDIAN_PHONE_BYTES];
    CHECK(!guardian_phone_normalise("мама", out, sizeof out, &why));
    CHECK(why && strstr(why, "only digits"));
}

/* A database with two schools. */
static db *two_schools(int64_t *school, int64_t *other)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return NULL;
    CHECK_INT(org_add(d, "Школа №1", "Asia/Tomsk", school), MB_OK);
    CHECK_INT(org_add(d, "Школа №2", "Asia/Tomsk", other), MB_OK);
    return d;
}

TEST(the_school_list_holds_each_phone_once)
{
    int64_t school, other;
    db *d = two_schools(&school, &other);
    if (!d) return;
    CHECK_INT(guardian_phone_add(d, school, "79161234567", "Ольга", "admin:cli"), MB_OK);
    CHECK_INT(guardian_phone_add(d, school, "79161234567", NULL, "admin:cli"), MB_ERR_EXISTS);
    CHECK(guardian_phone_listed(d, school, "79161234567"));
    CHECK(!guardian_phone_listed(d, other, "79161234567"));
    CHECK(!guardian_phone_listed(d, school, ""));
    CHECK_INT(guardian_phone_count(d, school), 1);
    db_close(d);
}

TEST(accounts_once_the_pupils_never_confirm)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return;
    int64_t pupil, other_pupil, teacher;
    CHECK_INT(account_create(d, "tg", 1002, 1002, "ru", &pupil), MB_OK);
    CHECK_INT(account_create(d, "tg", 1004, 1004, "ru", &other_pupil), MB_OK);
    CHECK_INT(account_create(d, "tg", 1001, 1001, "ru", &teacher), MB_OK);
    account a;
    CHECK_INT(account_load(d, other_pupil, &a), MB_OK);
    snprintf(a.category, sizeof a.category, "pupil");
    CHECK_INT(account_save(d, &a), MB_OK);
    CHECK_INT(account_load(d, pupil, &a), MB_OK);
    snprintf(a.category, sizeof a.category, "pupil");
    CHECK_INT(account_save(d, &a), MB_OK);
    CHECK_INT(account_load(d, teacher, &a), MB_OK);
    snprintf(a.category, sizeof a.category, "teacher");
    CHECK_INT(account_save(d, &a), MB_OK);
    CHECK_INT(identity_add(d, "vk", 555, 555, pupil), MB_OK);

    CHECK_INT(consent_sender_excluded(d, pupil, "tg", 1002), 1);
    CHECK_INT(consent_sender_excluded(d, pupil, "vk", 555), 1);
    CHECK_INT(consent_sender_excluded(d, pupil, "tg", 1004), 2);
    CHECK_INT(consent_sender_excluded(d, pupil, "tg", 1001), 0);
    CHECK_INT(consent_sender_excluded(d, pupil, "tg", 7777), 0);
    /* a messenger account taken off the pupil stays the pupil's */
    CHECK_INT(db_exec(d, "DELETE FROM identities WHERE platform = 'vk' AND user_id = 555"), MB_OK);
    CHECK_INT(consent_sender_excluded(d, pupil, "vk", 555), 1);

    /* /forget takes the history with the identities */
    CHECK_INT(account_forget(d, other_pupil), MB_OK);
    CHECK_INT(consent_sender_excluded(d, pupil, "tg", 1004), 0);
    db_close(d);
}

TEST(a_request_is_one_dialog_per_person)
{
    db *d = unit_db_open(NULL, 0);
    CHECK(d != NULL);
    if (!d) return;
    int64_t pupil, first, second;
    CHECK_INT(account_create(d, "tg", 1002, 1002, "ru", &pupil), MB_OK);
    CHECK_INT(consent_request_start(d, pupil, 1, "tg", 1003, 1003, "ru", &first), MB_OK);
    CHECK_INT(consent_request_start(d, pupil, 1, "tg", 1003, 1003, "ru", &second), MB_OK);
    consent_request r;
    CHECK_INT(consent_request_open_of(d, "tg", 1003, &r), MB_OK);
    CHECK(r.id == second);
    CHECK_STR(r.step, "name");
    CHECK_INT(consent_request_load(d, first, &r), MB_OK);
    CHECK_STR(r.state, "closed");
    CHECK_INT(consent_request_open_of(d, "vk", 1003, &r), MB_ERR_NOT_FOUND);
    db_close(d);
}

/* A phone shared with Telegram's button arrives as message.contact. */
TEST(a_shared_contact_reaches_the_handlers)
{
    static const char *const updates[] = {
        "{\"update_id\":1,\"message\":{\"message_id\":5,\"from\":{\"id\":1003,\"first_name\":\"Ольга\"},"
        "\"chat\":{\"id\":1003,\"type\":\"private\"},\"date\":0,"
        "\"contact\":{\"phone_number\":\"+79161234567\",\"first_name\":\"Ольга\",\"user_id\":1003}}}",
        "{\"update_id\":2,\"message\":{\"message_id\":6,\"from\":{\"id\":1003,\"first_name\":\"Ольга\"},"
        "\"chat\":{\"id\":1003,\"type\":\"private\"},\"date\":0,"
        "\"contact\":{\"phone_number\":\"89160000000\",\"first_name\":\"Сосед\"}}}",
    };
    for (int i = 0; i < 2; i++) {
        cJSON *u = cJSON_Parse(updates[i]);
        event ev;
        int64_t id;
        const char *kind;
        CHECK_INT(tg_update_to_event(u, &ev, &id, &kind), MB_OK);
        CHECK_INT(ev.kind, EVENT_MESSAGE);
        CHECK(ev.text == NULL);
        CHECK_STR(ev.contact_phone, i == 0 ? "+79161234567" : "89160000000");
        CHECK(ev.contact_user_id == (i == 0 ? 1003 : 0));
        cJSON_Delete(u);
    }
}

/* Who hears of a pupil's parent's request: the school's own active
 * curators and those of other schools scoped to it, each once, in id
 * order and up to the number asked for; nobody else. */
TEST(the_curators_told_are_the_schools_and_those_scoped_to_it)
{
    int64_t school, other;
    db *d = two_schools(&school, &other);
    if (!d) return;
    static const struct { int own; const char *role, *status; int scoped; } people[] = {
        {1, "curator", "active", 0},   /* told */
        {0, "curator", "active", 1},   /* told: another school's, scoped to this one too */
        {1, "curator", "active", 1},   /* told once, though also scoped */
        {0, "curator", "active", 0},   /* another school's */
        {1, "curator", "forgotten", 0},
        {1, "mentor", "active", 0},
        {0, "coordinator", "active", 1},
    };
    int64_t id[sizeof people / sizeof people[0]];
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "INSERT INTO accounts(status, role, org_id, created_at, updated_at)"
                                  " VALUES ('%s', '%s', %lld, 0, 0)", people[i].status, people[i].role,
                 (long long)(people[i].own ? school : other));
        CHECK_INT(db_exec(d, sql), MB_OK);
        id[i] = sqlite3_last_insert_rowid(db_handle(d));
        if (!people[i].scoped) continue;
        snprintf(sql, sizeof sql, "INSERT INTO scopes(account_id, org_id) VALUES (%lld, %lld)", (long long)id[i],
                 (long long)school);
        CHECK_INT(db_exec(d, sql), MB_OK);
    }
    int64_t told[8];
    CHECK_INT(consent_curators_of(d, school, told, 8), 3);
    CHECK(told[0] == id[0] && told[1] == id[1] && told[2] == id[2]);
    CHECK_INT(consent_curators_of(d, school, told, 2), 2);
    CHECK(told[0] == id[0] && told[1] == id[1]);
    CHECK_INT(consent_curators_of(d, other, told, 8), 2);   /* its own two */
    CHECK(told[0] == id[1] && told[1] == id[3]);
    db_close(d);
}

int main(void)
{
    RUN(a_shared_contact_reaches_the_handlers);
    RUN(phones_as_people_write_them);
    RUN(the_school_list_holds_each_phone_once);
    RUN(accounts_once_the_pupils_never_confirm);
    RUN(a_request_is_one_dialog_per_person);
    RUN(the_curators_told_are_the_schools_and_those_scoped_to_it);
    return unit_summary();
}
