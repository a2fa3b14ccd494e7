/*
 * One status type for the whole project. Every function that can fail
 * returns an mb_status; MB_OK is zero so `if (rc)` reads as "if it failed".
 */
#ifndef MB_STATUS_H
#define MB_STATUS_H

typedef enum mb_status {
    MB_OK = 0,
    MB_ERR_NOMEM,     /* an allocation failed */
    MB_ERR_IO,        /* a file or socket operation failed */
    MB_ERR_DB,        /* SQLite reported an error */
    MB_ERR_PARSE,     /* input was not well-formed (JSON, INI, CSV, number) */
    MB_ERR_INVALID,   /* well-formed input with a value we refuse */
    MB_ERR_NOT_FOUND, /* the thing asked for does not exist */
    MB_ERR_EXISTS,    /* the thing to create exists already (e.g. a duplicate update) */
    MB_ERR_DENIED,    /* the actor may not do this */
    MB_ERR_LIMIT,     /* a named size or count limit was exceeded */
    MB_ERR_BUSY,      /* another process holds a lock we need */
    MB_ERR_EXPIRED,   /* an invite or code is past its time or out of uses */
    MB_ERR_TOO_NEW,   /* the database schema is newer than this binary */
    MB_ERR_REMOTE     /* a platform API answered with an error */
} mb_status;

/* A short English name for a status, for logs. Never NULL; static storage. */
const char *mb_status_str(mb_status rc);

#endif
