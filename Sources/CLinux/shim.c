#define _GNU_SOURCE
#include "CLinux.h"

#include <fcntl.h>
#include <unistd.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/timex.h>

int CLinux_accept4(int socket, int flags) {
    return accept4(socket, NULL, NULL, flags);
}

int CLinux_memfdCreate(const char *name) {
    return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

int CLinux_memfdSealAll(int descriptor) {
    return fcntl(descriptor, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
}

int CLinux_clockSynchronized(void) {
    struct timex state = {0};
    if (adjtimex(&state) < 0) {
        return -1;
    }
    return state.maxerror < 16000000 ? 1 : 0;
}

int CLinux_pipe2(int descriptors[2], int flags) {
    return pipe2(descriptors, flags);
}
