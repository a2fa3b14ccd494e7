/*
 * Fuzz target: `admin org import FILE.csv`. The command reads only files,
 * so the input is written to a scratch file and imported into a scratch
 * database that has a few municipalities (one name shared by two regions,
 * to reach the "ambiguous" path). After each input the organisations and
 * audit rows an import made are deleted, so every input starts from the
 * same database. An import that fails must leave no organisation behind.
 */
#include "fuzz/fuzz.h"

#include "bot/admin/admin.h"
#include "storage/territories.h"
#include "util/log.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static app the_app;

static long long org_count(void)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db_handle(the_app.d), "SELECT COUNT(*) FROM orgs", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    memset(&the_app, 0, sizeof the_app);
    the_app.lock_fd = -1;
    log_set_level(LOG_OFF);
    config_defaults(&the_app.cfg);
    the_app.d = fuzz_open_db("import.db");
    int64_t tomsk_region, omsk_region, id;
    if (territory_add(the_app.d, "Томская область", "region", 0, &tomsk_region) ||
        territory_add(the_app.d, "Омская область", "region", 0, &omsk_region) ||
        territory_add(the_app.d, "Томск", "municipality", tomsk_region, &id) ||
        territory_add(the_app.d, "Северск", "municipality", tomsk_region, &id) ||
        territory_add(the_app.d, "Omsk", "municipality", omsk_region, &id) ||
        territory_add(the_app.d, "Северск", "municipality", omsk_region, &id))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_file("orgs.csv", data, size);
    if (!path) return 0;
    char file[512];
    snprintf(file, sizeof file, "%s", path);
    char cmd[] = "import";
    char *argv[] = {cmd, file, NULL};
    int code = admin_org_cmd(&the_app, 2, argv);
    long long orgs = org_count();
    if (code != 0 && orgs != 0) abort();   /* all or nothing */
    if (orgs != 0 && db_exec(the_app.d, "DELETE FROM orgs; DELETE FROM audit;") != MB_OK) abort();
    return 0;
}
