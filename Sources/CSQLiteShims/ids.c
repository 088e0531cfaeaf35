#include "CSQLiteShims.h"

#include <string.h>

// `fcgi_check_ids(?)`: an eponymous-only virtual table (it exists on every connection it was registered on, and cannot
// be created with CREATE VIRTUAL TABLE) with a column `value` and a hidden column `ids`, the function's argument.
// The argument is a pointer bound with sqlite3_bind_pointer, of the type named below: SQLite hands it only to
// code that asks for that type, so SQL text can never make up such a pointer.

static const char pointerType[] = "fcgi_check_ids";

enum { columnValue = 0, columnIDs = 1 };

typedef struct {
    sqlite3_vtab_cursor base;  // SQLite's part, first
    const CSQLiteShims_IDs *ids;
    int index;
} Cursor;

// Zeroed memory from SQLite's allocator (which frees it), or NULL.
static void *allocateZeroed(size_t size) {
    void *memory = sqlite3_malloc64(size);
    if (memory != NULL) memset(memory, 0, size);
    return memory;
}

static int idsConnect(sqlite3 *connection, void *context, int argc, const char *const *argv, sqlite3_vtab **table,
                   char **error) {
    (void)context; (void)argc; (void)argv; (void)error;
    int status = sqlite3_declare_vtab(connection, "CREATE TABLE x(value INTEGER, ids HIDDEN)");
    if (status != SQLITE_OK) return status;
    sqlite3_vtab *made = allocateZeroed(sizeof *made);
    if (made == NULL) return SQLITE_NOMEM;
    *table = made;
    return SQLITE_OK;
}

static int idsDisconnect(sqlite3_vtab *table) {
    sqlite3_free(table);
    return SQLITE_OK;
}

// The plan: the ids given as the argument. A use without it (`SELECT * FROM fcgi_check_ids`) is planned as dear as
// can be, and reads no rows, as SQLite's carray does.
static int idsBestIndex(sqlite3_vtab *table, sqlite3_index_info *info) {
    (void)table;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *constraint = &info->aConstraint[i];
        if (constraint->iColumn != columnIDs || constraint->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        // Another plan must give the argument first (a join in the other order).
        if (!constraint->usable) return SQLITE_CONSTRAINT;
        info->aConstraintUsage[i].argvIndex = 1;
        info->aConstraintUsage[i].omit = 1;
        info->estimatedCost = 10;
        info->estimatedRows = 10;
        return SQLITE_OK;
    }
    info->estimatedCost = 2147483647;
    info->estimatedRows = 2147483647;
    return SQLITE_OK;
}

static int idsOpen(sqlite3_vtab *table, sqlite3_vtab_cursor **cursor) {
    (void)table;
    Cursor *made = allocateZeroed(sizeof *made);
    if (made == NULL) return SQLITE_NOMEM;
    *cursor = &made->base;
    return SQLITE_OK;
}

static int idsClose(sqlite3_vtab_cursor *cursor) {
    sqlite3_free(cursor);
    return SQLITE_OK;
}

static int idsFilter(sqlite3_vtab_cursor *base, int plan, const char *planText, int argc, sqlite3_value **argv) {
    (void)plan; (void)planText;
    Cursor *cursor = (Cursor *)base;
    cursor->ids = argc == 1 ? sqlite3_value_pointer(argv[0], pointerType) : NULL;
    cursor->index = 0;
    return SQLITE_OK;
}

static int idsNext(sqlite3_vtab_cursor *base) {
    ((Cursor *)base)->index++;
    return SQLITE_OK;
}

static int idsEof(sqlite3_vtab_cursor *base) {
    const Cursor *cursor = (const Cursor *)base;
    return cursor->ids == NULL || cursor->index >= cursor->ids->count;
}

static int idsColumn(sqlite3_vtab_cursor *base, sqlite3_context *context, int index) {
    const Cursor *cursor = (const Cursor *)base;
    if (index == columnValue) sqlite3_result_int64(context, cursor->ids->values[cursor->index]);
    return SQLITE_OK;
}

static int idsRowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid) {
    *rowid = ((const Cursor *)base)->index;
    return SQLITE_OK;
}

static const sqlite3_module module = {
    .iVersion = 0,
    .xConnect = idsConnect,
    .xBestIndex = idsBestIndex,
    .xDisconnect = idsDisconnect,
    .xOpen = idsOpen,
    .xClose = idsClose,
    .xFilter = idsFilter,
    .xNext = idsNext,
    .xEof = idsEof,
    .xColumn = idsColumn,
    .xRowid = idsRowid,
};

int CSQLiteShims_registerIDs(sqlite3 *connection) {
    return sqlite3_create_module(connection, "fcgi_check_ids", &module, NULL);
}

int CSQLiteShims_bindIDs(sqlite3_stmt *statement, int index, const CSQLiteShims_IDs *ids) {
    return sqlite3_bind_pointer(statement, index, (void *)ids, pointerType, NULL);
}
