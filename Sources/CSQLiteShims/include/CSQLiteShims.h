#ifndef CSQLITESHIMS_H
#define CSQLITESHIMS_H

#include <sqlite3.h>

// What fcgi-check needs of SQLite that Swift cannot do well: a variadic call, and a virtual table (whose cursor is a
// C struct that starts with SQLite's own).

/// SQLite's process-wide settings, which only sqlite3_config sets (variadic, so Swift cannot call it), and only before
/// SQLite initialises: call it before the process opens its first database.
///
/// Turns off SQLite's memory statistics (SQLITE_CONFIG_MEMSTATUS): with them on, every sqlite3_malloc and
/// sqlite3_free takes one process-wide mutex to count, the lock threads answering requests contended on most. Nothing
/// in fcgi-check reads them (sqlite3_memory_used, soft heap limits). Applied once, however often it is called; 0 when
/// SQLite took the setting, or SQLite's error code (SQLITE_MISUSE when it had already initialised).
int CSQLiteShims_applySettings(void);

/// An array of ids for `fcgi_check_ids`, bound with CSQLiteShims_bindIDs. It must stay where it is, unchanged, until
/// the parameter is cleared (`sqlite3_clear_bindings`) or bound again, or the statement finalised: a statement that
/// is only reset keeps the pointer, and reads it again when stepped.
typedef struct CSQLiteShims_IDs {
    const sqlite3_int64 *values;
    int count;
} CSQLiteShims_IDs;

/// Adds the table-valued function `fcgi_check_ids(?)` to a connection: one row a bound id, with the id in its column
/// `value`, in the array's order (duplicates included), as SQLite's `carray` extension would (which Debian's SQLite
/// does not build in). Binding the ids' memory costs nothing, where `json_each(?)` had a JSON text copied, parsed
/// and each id read back out of it. 0, or SQLite's error code.
int CSQLiteShims_registerIDs(sqlite3 *connection);

/// Binds `ids` to the parameter `index` of a statement that reads `fcgi_check_ids(?)`. SQLITE_OK, or SQLite's error
/// code. An unbound or NULL parameter gives no rows.
int CSQLiteShims_bindIDs(sqlite3_stmt *statement, int index, const CSQLiteShims_IDs *ids);

#endif
