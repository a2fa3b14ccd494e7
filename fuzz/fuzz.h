/*
 * What the fuzz targets share. Each target in fuzz/ is one file defining
 * LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when it needs set-up);
 * it is linked either with libFuzzer (`make fuzz`) or with fuzz/replay.c,
 * which feeds it the files of its corpus under the test build's sanitizers
 * (`make test`). A target frees everything it allocates for one input.
 */
#ifndef MB_FUZZ_H
#define MB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The set-up before the first input. fuzz_util.c has the one a target
 * without its own takes: the log goes silent (a parser that logs what it
 * rejects would otherwise print a line per input). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A malloc'd NUL-terminated copy of data[0..size) (a NUL inside cuts the
 * string for functions that take one); NULL when out of memory. */
char *fuzz_cstring(const uint8_t *data, size_t size);

/* Writes data[0..size) to this process's scratch file (one per name, in a
 * private temporary directory removed at exit) and returns its path, or
 * NULL when it cannot be written. For functions that read only files. */
const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size);

/* The private temporary directory (created on first use, in /dev/shm when
 * TMPDIR is not set and it is writable). */
const char *fuzz_tmpdir(void);

struct db;

/* Opens a fresh database with the whole schema as name in fuzz_tmpdir();
 * aborts, saying why, when it does not open (a target cannot run then). */
struct db *fuzz_open_db(const char *name);

#endif
