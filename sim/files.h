/*
 * The bytes of files the bot uploaded, kept in memory so tests can read
 * back a report the bot sent: Telegram's sendDocument and sendPhoto, VK's
 * upload server. Each file is kept under a key the platform chooses
 * ("tg:<file_id>", "vk:<file string>"). Past the total caps the oldest
 * files go first, so a long test run cannot grow the simulator without
 * bound. Every function must be called with the core lock held.
 */
#ifndef MB_SIM_FILES_H
#define MB_SIM_FILES_H

#include <stddef.h>

#include "util/status.h"

#define SIM_FILE_MAX (10u * 1024 * 1024)         /* bytes of one kept file */
#define SIM_FILES_BYTES_MAX (64u * 1024 * 1024)  /* bytes kept over all files */
#define SIM_FILES_COUNT_MAX 10000                /* files kept */
#define SIM_FILE_KEY_MAX 96                      /* bytes of a key, NUL included */

/* Keeps a copy of len bytes under key, replacing an earlier file with that
 * key and dropping the oldest files to stay within the caps. MB_ERR_LIMIT
 * when len is over SIM_FILE_MAX or the key too long, MB_ERR_NOMEM. */
mb_status sim_file_keep(const char *key, const char *data, size_t len);

/* The bytes kept under key (owned by the store, valid until the next
 * sim_file_keep or sim_files_clear) with their length in *len; NULL when
 * nothing is kept under it. */
const char *sim_file_get(const char *key, size_t *len);

/* Forgets every file (for /sim/reset and at exit). */
void sim_files_clear(void);

#endif
