#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H

// libpq, PostgreSQL's C client (Debian: libpq-dev for this header, libpq5 at run time), loaded when a PostgreSQL
// inventory is first used rather than linked: libpq and what it links (OpenSSL, GnuTLS, Kerberos, LDAP) are 5 MiB of
// resident memory in every process, and most serve the embedded SQLite inventory. The functions are called through
// the table below, whose types are libpq-fe.h's own; Sources/CheckDomain/Inventory/PostgreSQL/PostgreSQLConnection.swift
// makes every call. (The library is not linked, so a direct call of a PQ function does not link: none can slip in.)
#include <dlfcn.h>
#include <stddef.h>
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>  // Debian's place for it, which pkg-config would add to the search path
#endif

#define CLIBPQ_FUNCTIONS(X) \
    X(PQconnectdbParams) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQhost) X(PQport) X(PQexec) \
    X(PQexecParams) X(PQprepare) X(PQexecPrepared) X(PQresultStatus) X(PQresultErrorMessage) \
    X(PQresultErrorField) X(PQclear) X(PQconninfoParse) X(PQconninfoFree) X(PQfreemem) X(PQntuples) \
    X(PQcmdTuples) X(PQgetisnull) X(PQgetvalue) X(PQgetlength)

/// libpq's functions, each with its own type.
typedef struct CLibPQFunctions {
#define CLIBPQ_MEMBER(name) __typeof__(name) *name;
    CLIBPQ_FUNCTIONS(CLIBPQ_MEMBER)
#undef CLIBPQ_MEMBER
} CLibPQFunctions;

/// Loads libpq (libpq.so.5, the ABI every libpq since PostgreSQL 8.2 keeps) and fills `functions`.
/// Returns NULL, or what went wrong (dlerror's text).
static inline const char *clibpq_load(CLibPQFunctions *functions) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return dlerror();
#define CLIBPQ_LOAD(name) \
    functions->name = (__typeof__(name) *)dlsym(library, #name); \
    if (functions->name == NULL) return "libpq.so.5 lacks " #name;
    CLIBPQ_FUNCTIONS(CLIBPQ_LOAD)
#undef CLIBPQ_LOAD
    return NULL;
}

#endif
