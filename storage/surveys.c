#include "storage/surveys.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mb_status survey_instrument_latest(db *d, const char *key, int64_t *id, int *version)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id, version FROM instruments WHERE key = ?1 ORDER BY version DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        if (id) *id = sqlite3_column_int64(st, 0);
        if (version) *version = sqlite3_column_int(st, 1);
        rc = MB_OK;
    }
    sqlite3_reset(st);
    return rc;
}

mb_status survey_instrument_body(db *d, int64_t id, char **body, char *key, size_t key_size, int *version)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT body, key, version FROM instruments WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    *body = NULL;
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        *body = db_column_dup(st, 0);
        if (key) db_column_copy(st, 1, key, key_size);
        if (version) *version = sqlite3_column_int(st, 2);
        rc = *body ? MB_OK : MB_ERR_NOMEM;
    }
    sqlite3_reset(st);
    return rc;
}

mb_status survey_instrument_store(db *d, const char *key, const char *body, int64_t *id, int *version,
                                  int *created)
{
    int64_t latest_id = 0;
    int latest = 0;
    char *old = NULL;
    if (created) *created = 0;
    mb_status rc = survey_instrument_latest(d, key, &latest_id, &latest);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    if (rc == MB_OK && (rc = survey_instrument_body(d, latest_id, &old, NULL, 0, NULL))) return rc;
    if (old && strcmp(old, body) == 0) {
        free(old);
        if (id) *id = latest_id;
        if (version) *version = latest;
        return MB_OK;
    }
    free(old);
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO instruments(key, version, body, created_at) VALUES(?1, ?2, ?3, ?4)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, latest + 1);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    if ((rc = db_step_done(d, st))) return rc;
    if (id) *id = sqlite3_last_insert_rowid(db_handle(d));
    if (version) *version = latest + 1;
    if (created) *created = 1;
    return MB_OK;
}

mb_status survey_run_start(db *d, int64_t account_id, int64_t instrument_id, int64_t *run_id)
{
    return survey_run_start_wave(d, account_id, instrument_id, 0, run_id);
}

mb_status survey_run_start_wave(db *d, int64_t account_id, int64_t instrument_id, int64_t wave_id, int64_t *run_id)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO survey_runs(account_id, instrument_id, state, position, started_at,"
                                  " wave_id) VALUES(?1, ?2, 'open', NULL, ?3, NULLIF(?4, 0))");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_int64(st, 2, instrument_id);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    sqlite3_bind_int64(st, 4, wave_id);
    mb_status rc = db_step_done(d, st);
    if (!rc && run_id) *run_id = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

/* Columns read_run reads. */
#define RUN_COLUMNS \
    "id, account_id, instrument_id, state, position, started_at, COALESCE(finished_at, 0), COALESCE(wave_id, 0)"

static void read_run(sqlite3_stmt *st, void *row)
{
    survey_run *out = row;
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    out->account_id = sqlite3_column_int64(st, 1);
    out->instrument_id = sqlite3_column_int64(st, 2);
    db_column_copy(st, 3, out->state, sizeof out->state);
    db_column_copy(st, 4, out->position, sizeof out->position);
    out->started_at = sqlite3_column_int64(st, 5);
    out->finished_at = sqlite3_column_int64(st, 6);
    out->wave_id = sqlite3_column_int64(st, 7);
}

mb_status survey_run_load(db *d, int64_t run_id, survey_run *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " RUN_COLUMNS " FROM survey_runs WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, run_id);
    return db_first_row(d, st, read_run, out);
}

mb_status survey_run_latest(db *d, int64_t account_id, const char *state, survey_run *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " RUN_COLUMNS " FROM survey_runs WHERE account_id = ?1 AND state = ?2"
                                  " AND wave_id IS NULL ORDER BY id DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    return db_first_row(d, st, read_run, out);
}

mb_status survey_run_set_position(db *d, int64_t run_id, const char *position)
{
    if (position && strlen(position) >= SURVEY_POSITION_MAX) return MB_ERR_LIMIT;
    sqlite3_stmt *st = db_stmt(d, "UPDATE survey_runs SET position = ?2 WHERE id = ?1 AND state = 'open'");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, run_id);
    db_bind_text(st, 2, position);
    return db_step_done(d, st);
}

mb_status survey_run_finish(db *d, int64_t run_id)
{
    return db_run_with_ints(d, "UPDATE survey_runs SET state = 'done', position = NULL, finished_at = ?2"
                               " WHERE id = ?1", run_id, clock_now_ms());
}

mb_status survey_answer_store(db *d, int64_t run_id, const char *item, const char *value)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO survey_answers(run_id, item, value, seq, answered_at)"
                                  " VALUES(?1, ?2, ?3, (SELECT COALESCE(MAX(seq), 0) + 1 FROM survey_answers"
                                  " WHERE run_id = ?1), ?4)"
                                  " ON CONFLICT(run_id, item) DO UPDATE SET value = excluded.value,"
                                  " seq = excluded.seq, answered_at = excluded.answered_at");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    return db_step_done(d, st);
}

mb_status survey_answer_delete(db *d, int64_t run_id, const char *item)
{
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM survey_answers WHERE run_id = ?1 AND item = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
    return db_step_done(d, st);
}

cJSON *survey_answers_load(db *d, int64_t run_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT item, value FROM survey_answers WHERE run_id = ?1 ORDER BY seq");
    cJSON *out = cJSON_CreateObject();
    if (!st || !out) {
        cJSON_Delete(out);
        return NULL;
    }
    sqlite3_bind_int64(st, 1, run_id);
    int rc;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        const char *item = (const char *)sqlite3_column_text(st, 0), *value = (const char *)sqlite3_column_text(st, 1);
        if (!cJSON_AddStringToObject(out, item, value ? value : "")) rc = SQLITE_NOMEM;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

mb_status survey_answers_copy(db *d, int64_t from_run, int64_t to_run)
{
    return db_run_with_ints(d, "INSERT OR REPLACE INTO survey_answers(run_id, item, value, seq, answered_at)"
                               " SELECT ?2, item, value, seq, answered_at FROM survey_answers WHERE run_id = ?1",
                            from_run, to_run);
}

mb_status survey_answer_latest(db *d, int64_t account_id, const char *item, char **value)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT value FROM survey_answers WHERE item = ?2 AND run_id ="
                                  " (SELECT id FROM survey_runs WHERE account_id = ?1 AND state = 'done'"
                                  " AND wave_id IS NULL ORDER BY id DESC LIMIT 1)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, item, -1, SQLITE_STATIC);
    *value = NULL;
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        *value = db_column_dup(st, 0);
        rc = *value ? MB_OK : MB_ERR_NOMEM;
    }
    sqlite3_reset(st);
    return rc;
}
