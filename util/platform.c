#include "util/platform.h"

#include <stdio.h>
#include <string.h>

static platform_info registry[PLATFORMS_MAX];
static int registered;

static int name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= PLATFORM_NAME_MAX) return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) return 0;
    return 1;
}

mb_status platform_register(const platform_info *info)
{
    if (!info || !name_valid(info->name)) return MB_ERR_INVALID;
    for (int i = 0; i < registered; i++) {
        if (strcmp(registry[i].name, info->name) == 0) {
            registry[i] = *info;
            return MB_OK;
        }
    }
    if (registered == PLATFORMS_MAX) return MB_ERR_LIMIT;
    registry[registered++] = *info;
    return MB_OK;
}

void platform_clear(void)
{
    memset(registry, 0, sizeof registry);
    registered = 0;
}

int platform_count(void) { return registered; }

const platform_info *platform_at(int i) { return i >= 0 && i < registered ? &registry[i] : NULL; }

const platform_info *platform_find(const char *name)
{
    for (int i = 0; name && i < registered; i++)
        if (strcmp(registry[i].name, name) == 0) return &registry[i];
    return NULL;
}

const char *platform_display_name(const char *name)
{
    const platform_info *p = platform_find(name);
    return p && p->display_name[0] ? p->display_name : name ? name : "";
}

int platform_deep_link(const char *name, const char *payload, char *buf, size_t size)
{
    const platform_info *p = platform_find(name);
    int ok = p && p->link_prefix[0] && strlen(payload) <= p->link_payload_limit;
    int n = ok ? snprintf(buf, size, "%s%s", p->link_prefix, payload) : -1;
    if (n >= 0 && (size_t)n < size) return 0;
    snprintf(buf, size, "%s", payload);
    return -1;
}
