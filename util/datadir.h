/*
 * Where the program's data folders are (message catalogs, indicator
 * definitions): the configured path, else beside the program, two or
 * three levels up for the binaries under build/, an installed share/,
 * and last the working directory.
 */
#ifndef MB_DATADIR_H
#define MB_DATADIR_H

#include <stddef.h>

/* Writes into out the folder rel ("locales", "data/indicators") holding
 * the file marker ("ru/messages.txt"), or configured when given; 1 when
 * the marker is there, 0 with the last place tried in out. */
int datadir_find(const char *configured, const char *rel, const char *marker, char *out, size_t size);

#endif
