#include "sim/files.h"

#include <stdlib.h>
#include <string.h>

#include "sim/state.h"

typedef struct kept_file {
    char key[SIM_FILE_KEY_MAX];
    char *data;
    size_t len;
} kept_file;

/* Oldest first; looked up newest first, since a test reads back what was
 * sent last. */
static kept_file *files;
static size_t files_len, files_cap, files_bytes;

static void drop_oldest(size_t n)
{
    for (size_t i = 0; i < n; i++) {
        files_bytes -= files[i].len;
        free(files[i].data);
    }
    sim_array_drop_front(files, &files_len, n, sizeof *files);
}

static kept_file *find(const char *key)
{
    for (size_t i = files_len; i-- > 0;)
        if (strcmp(files[i].key, key) == 0) return &files[i];
    return NULL;
}

mb_status sim_file_keep(const char *key, const char *data, size_t len)
{
    if (len > SIM_FILE_MAX || strlen(key) >= SIM_FILE_KEY_MAX) return MB_ERR_LIMIT;
    char *copy = malloc(len + 1);
    if (!copy) return MB_ERR_NOMEM;
    if (len) memcpy(copy, data, len);
    kept_file *old = find(key);
    if (old) {
        /* The same key again (a file_id sent twice): the newer bytes win. */
        size_t at = (size_t)(old - files);
        files_bytes -= old->len;
        free(old->data);
        memmove(old, old + 1, (files_len - at - 1) * sizeof *files);
        files_len--;
    }
    size_t n = 0;
    size_t bytes = files_bytes;
    while (n < files_len && (files_len - n >= SIM_FILES_COUNT_MAX || bytes + len > SIM_FILES_BYTES_MAX))
        bytes -= files[n++].len;
    drop_oldest(n);
    if (array_grow(&files, &files_cap, files_len, sizeof *files, 64)) {
        free(copy);
        return MB_ERR_NOMEM;
    }
    kept_file *f = &files[files_len++];
    memset(f->key, 0, sizeof f->key);
    memcpy(f->key, key, strlen(key));
    f->data = copy;
    f->len = len;
    files_bytes += len;
    return MB_OK;
}

const char *sim_file_get(const char *key, size_t *len)
{
    kept_file *f = key ? find(key) : NULL;
    if (!f) return NULL;
    *len = f->len;
    return f->data;
}

void sim_files_clear(void)
{
    drop_oldest(files_len);
    free(files);
    files = NULL;
    files_cap = 0;
    files_bytes = 0;
}
