/*
 * What a pair writes through the bot: kept in order for the curator's
 * view, limited to the latest, refused for an unknown kind, and removed
 * with a person who is forgotten, in both directions.
 */
#include "tests/unit.h"

#include "storage/accounts.h"
#include "storage/mentorships.h"
#include "storage/pair_messages.h"
#include "storage/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long scalar(db *d, const char *sql) { return atoll(unit_sql_text(db_handle(d), sql)); }

TEST(messages_are_kept_in_order_and_go_with_a_forgotten_person)
{
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/pair.db", unit_tmpdir());
    db *d = NULL;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) SKIP("the database did not open");
    int64_t org_id = 0, mentor = 0, mentee = 0, other = 0, ms = 0;
    CHECK_INT(org_add(d, "Школа", "Asia/Tomsk", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 1, 1, "ru", &mentor), MB_OK);
    CHECK_INT(account_create(d, "tg", 2, 2, "ru", &mentee), MB_OK);
    CHECK_INT(account_create(d, "tg", 3, 3, "ru", &other), MB_OK);
    db_exec(d, "UPDATE accounts SET status = 'active', org_id = 1");
    db_exec(d, "UPDATE accounts SET role = 'mentor' WHERE id = 1");
    db_exec(d, "UPDATE accounts SET role = 'mentee' WHERE id IN (2, 3)");
    db_exec(d, "INSERT INTO profiles(account_id, capacity, updated_at) VALUES(1, 2, 1)");
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &mentee, 1, 0, &ms), MB_OK);
    for (int i = 0; i < 5; i++) {
        char text[32];
        snprintf(text, sizeof text, "сообщение %d", i);
        CHECK_INT(pair_message_add(d, ms, i % 2 ? mentor : mentee, i % 2 ? mentee : mentor, "message", text, 1000 + i),
                  MB_OK);
    }
    CHECK_INT(pair_message_add(d, ms, mentee, 0, "problem", "не приходит", 2000), MB_OK);
    CHECK(pair_message_add(d, ms, mentee, mentor, "gossip", "x", 2001) != MB_OK);
    pair_message *list = NULL;
    int n = 0;
    CHECK_INT(pair_message_list(d, ms, 3, &list, &n), MB_OK);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(list[0].text, "сообщение 3");
        CHECK_STR(list[2].text, "не приходит");
        CHECK_STR(list[2].kind, "problem");
        CHECK_INT(list[2].to_account, 0);
    }
    pair_messages_free(list, n);
    CHECK_INT(account_forget(d, mentee), MB_OK);
    CHECK_INT(scalar(d, "SELECT COUNT(*) FROM pair_messages"), 0);
    db_close(d);
}

int main(void)
{
    RUN(messages_are_kept_in_order_and_go_with_a_forgotten_person);
    return unit_summary();
}
