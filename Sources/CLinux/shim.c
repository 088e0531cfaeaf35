#define _GNU_SOURCE
#include "CLinux.h"

#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/timex.h>

int CLinux_accept4(int socket, int flags) {
    return accept4(socket, NULL, NULL, flags);
}

int CLinux_memfdCreate(const char *name) {
    return memfd_create(name, MFD_CLOEXEC);
}

int CLinux_clockSynchronized(void) {
    struct timex state = {0};
    if (adjtimex(&state) < 0) {
        return -1;
    }
    return state.maxerror < 16000000 ? 1 : 0;
}
