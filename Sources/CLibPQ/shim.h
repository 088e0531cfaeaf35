#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H

// libpq, PostgreSQL's C client (Debian: libpq-dev); Sources/CheckDomain/Inventory/PostgreSQL/PostgreSQLConnection.swift
// makes every call of it.
#include <libpq-fe.h>

#endif
