/*
 * Unit tests register the messengers the way the bot does (bot/app.c):
 * each transport describes itself from its config section with the
 * defaults, here with the names links are made of.
 */
#ifndef MB_UNIT_MESSENGERS_H
#define MB_UNIT_MESSENGERS_H

#include <stdio.h>

#include "bot/config.h"
#include "bot/max/max.h"
#include "bot/telegram/telegram.h"
#include "bot/vk/vk.h"
#include "util/platform.h"

/* Registers Telegram with tg_username, and VK (group vk_group_id) and MAX
 * (max_username) when given (0 / NULL: not running). */
static inline void unit_register_messengers(const char *tg_username, long long vk_group_id, const char *max_username)
{
    static config cfg;
    platform_info p;
    config_defaults(&cfg);
    platform_clear();
    tg_platform_describe(&cfg, tg_username, &p);
    platform_register(&p);
    if (vk_group_id) {
        cfg.vk_group_id = vk_group_id;
        vk_platform_describe(&cfg, &p);
        platform_register(&p);
    }
    if (max_username) {
        max_platform_describe(&cfg, max_username, &p);
        platform_register(&p);
    }
}

#endif
