/*
 * The registry of messengers (util/platform.h): each transport's own
 * description, what a deep link carries, and what a handler gets for a
 * messenger no transport registered.
 */
#include "tests/unit.h"
#include "tests/unit_messengers.h"

#include "handlers/reply.h"

#include <string.h>

TEST(each_transport_describes_itself)
{
    unit_register_messengers("school_bot", 229000001, "school_max_bot");
    CHECK_INT(platform_count(), 3);
    CHECK_STR(platform_at(0)->name, "tg");
    CHECK_STR(platform_display_name("vk"), "VK");
    CHECK_STR(platform_display_name("max"), "MAX");
    CHECK_STR(platform_display_name("icq"), "icq");
    CHECK(platform_find("tg")->shares_phone && !platform_find("vk")->shares_phone && platform_find("max")->shares_phone);
    CHECK_INT(platform_caps_for("max")->text_units_limit, 4000);
    CHECK_INT(platform_caps_for("max")->link_payload_limit, 512);
    CHECK_INT(platform_caps_for("tg")->text_units_limit, 4096);
    /* unknown: the narrowest limits, so nothing queued is refused for its size */
    CHECK(platform_caps_for("icq")->text_units_limit <= 4000 && platform_caps_for("icq")->buttons_limit <= 30);

    char link[256];
    CHECK_INT(platform_deep_link("tg", "abc", link, sizeof link), 0);
    CHECK_STR(link, "https://t.me/school_bot?start=abc");
    CHECK_INT(platform_deep_link("vk", "abc", link, sizeof link), 0);
    CHECK_STR(link, "https://vk.me/club229000001?ref=abc");
    CHECK_INT(platform_deep_link("max", "abc", link, sizeof link), 0);
    CHECK_STR(link, "https://max.ru/school_max_bot?start=abc");
}

TEST(what_a_link_cannot_carry_leaves_the_code_alone)
{
    unit_register_messengers("school_bot", 0, "");   /* MAX without a known name: no deep link */
    char link[256], payload[600];
    memset(payload, 'a', 599);
    payload[599] = 0;
    CHECK_INT(platform_deep_link("max", "abc", link, sizeof link), -1);
    CHECK_STR(link, "abc");
    CHECK_INT(platform_deep_link("tg", payload, link, sizeof link), -1);   /* past Telegram's 64 */
    CHECK_INT(platform_deep_link("vk", "abc", link, sizeof link), -1);     /* not registered */
    CHECK_STR(link, "abc");
    char small[20];
    CHECK_INT(platform_deep_link("tg", "abc", small, sizeof small), -1);   /* does not fit */
    CHECK_STR(small, "abc");
}

TEST(registrations_replace_and_refuse_bad_names)
{
    platform_clear();
    platform_info p = {.name = "tg", .display_name = "Telegram"};
    CHECK_INT(platform_register(&p), MB_OK);
    snprintf(p.display_name, sizeof p.display_name, "Телеграм");
    CHECK_INT(platform_register(&p), MB_OK);
    CHECK_INT(platform_count(), 1);
    CHECK_STR(platform_display_name("tg"), "Телеграм");
    platform_info bad = {.name = "T G"};
    CHECK_INT(platform_register(&bad), MB_ERR_INVALID);
    bad.name[0] = 0;
    CHECK_INT(platform_register(&bad), MB_ERR_INVALID);
    for (int i = 0; i < PLATFORMS_MAX; i++) {
        platform_info more = {0};
        more.name[0] = 'm';
        more.name[1] = (char)('a' + i);
        mb_status rc = platform_register(&more);
        CHECK_INT(rc, i < PLATFORMS_MAX - 1 ? MB_OK : MB_ERR_LIMIT);
    }
    CHECK(platform_at(PLATFORMS_MAX) == NULL && platform_at(-1) == NULL);
    platform_clear();
    CHECK_INT(platform_count(), 0);
    CHECK(platform_find("tg") == NULL);
}

int main(void)
{
    RUN(each_transport_describes_itself);
    RUN(what_a_link_cannot_carry_leaves_the_code_alone);
    RUN(registrations_replace_and_refuse_bad_names);
    return unit_summary();
}
