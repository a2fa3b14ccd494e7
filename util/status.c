#include "util/status.h"

const char *mb_status_str(mb_status rc)
{
    switch (rc) {
    case MB_OK: return "ok";
    case MB_ERR_NOMEM: return "out of memory";
    case MB_ERR_IO: return "input/output error";
    case MB_ERR_DB: return "database error";
    case MB_ERR_PARSE: return "malformed input";
    case MB_ERR_INVALID: return "invalid value";
    case MB_ERR_NOT_FOUND: return "not found";
    case MB_ERR_EXISTS: return "already exists";
    case MB_ERR_DENIED: return "not allowed";
    case MB_ERR_LIMIT: return "over a size limit";
    case MB_ERR_BUSY: return "busy";
    case MB_ERR_EXPIRED: return "expired";
    case MB_ERR_TOO_NEW: return "database newer than this program";
    case MB_ERR_REMOTE: return "remote API error";
    }
    return "unknown status";
}
