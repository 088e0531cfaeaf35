#ifndef CSQLITESETTINGS_H
#define CSQLITESETTINGS_H

// SQLite's process-wide settings, which only sqlite3_config sets (variadic, so Swift cannot call it), and only before
// SQLite initialises: call CSQLiteSettings_apply before the process opens its first database.

/// Turns off SQLite's memory statistics (SQLITE_CONFIG_MEMSTATUS): with them on, every sqlite3_malloc and
/// sqlite3_free takes one process-wide mutex to count, the lock threads answering requests contended on most. Nothing
/// in fcgi-check reads them (sqlite3_memory_used, soft heap limits). Applied once, however often it is called; 0 when
/// SQLite took the setting, or SQLite's error code (SQLITE_MISUSE when it had already initialised).
int CSQLiteSettings_apply(void);

#endif
