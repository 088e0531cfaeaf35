#include "CSQLiteShims.h"

#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int status = SQLITE_OK;

static void apply(void) {
    status = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int CSQLiteShims_applySettings(void) {
    pthread_once(&once, apply);
    return status;
}
