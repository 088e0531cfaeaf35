#ifndef CLINUX_H
#define CLINUX_H

// Linux interfaces Swift's Glibc module does not carry: epoll, eventfd, glibc's malloc tuning, and two GNU
// functions that need _GNU_SOURCE, wrapped in shim.c (as SwiftNIO's CNIOLinux does).

#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

/// accept4(2) with no peer address: a connection from `socket`, with `flags` (SOCK_CLOEXEC, ...) set on it.
int CLinux_accept4(int socket, int flags);

/// memfd_create(2) with MFD_CLOEXEC and MFD_ALLOW_SEALING: an unnamed file in memory, `name` shown in /proc only.
int CLinux_memfdCreate(const char *name);

/// Seals a memfd against every change (write, grow, shrink, further seals): 0, or -1 with errno.
int CLinux_memfdSealAll(int descriptor);

/// Whether the kernel holds the system clock synchronised, as systemd's timedated judges it (`adjtimex`: maximum
/// error under 16 s): 1 yes, 0 no, -1 when the kernel cannot be asked.
int CLinux_clockSynchronized(void);

/// pipe2(2): a pipe whose two ends get `flags` (O_CLOEXEC) atomically, so that no child spawned by another thread
/// meanwhile inherits them.
int CLinux_pipe2(int descriptors[2], int flags);

#endif
