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

#endif
