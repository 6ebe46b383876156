/*
 * sqlite test: create a table, insert 10,000 rows in one transaction through a
 * prepared statement, then query count and sum. Exits non-zero on any error so
 * a miscompiled/mislinked libsqlite3 cannot pass by printing partial output.
 *
 * Expected output:
 *   rows=10000 sum=50005000 sumsq=333383335000
 *   text=row-9999
 */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

static sqlite3 *db;

static void check(int rc, int want, const char *what)
{
    if (rc != want) {
        fprintf(stderr, "%s: rc=%d: %s\n", what, rc, db ? sqlite3_errmsg(db) : "?");
        exit(1);
    }
}

int main(void)
{
    sqlite3_stmt *st;
    int i;

    check(sqlite3_open(":memory:", &db), SQLITE_OK, "open");
    check(sqlite3_exec(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER, s TEXT)",
                       NULL, NULL, NULL), SQLITE_OK, "create");
    check(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK, "begin");
    check(sqlite3_prepare_v2(db, "INSERT INTO t(v, s) VALUES(?, ?)", -1, &st, NULL),
          SQLITE_OK, "prepare insert");
    for (i = 1; i <= 10000; i++) {
        char buf[32];

        snprintf(buf, sizeof buf, "row-%d", i);
        check(sqlite3_bind_int(st, 1, i), SQLITE_OK, "bind int");
        check(sqlite3_bind_text(st, 2, buf, -1, SQLITE_TRANSIENT), SQLITE_OK, "bind text");
        check(sqlite3_step(st), SQLITE_DONE, "step insert");
        check(sqlite3_reset(st), SQLITE_OK, "reset");
    }
    check(sqlite3_finalize(st), SQLITE_OK, "finalize insert");
    check(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK, "commit");

    /* sum(v*v) needs 64-bit integers: 10000*10001*20001/6 = 333383335000. */
    check(sqlite3_prepare_v2(db, "SELECT count(*), sum(v), sum(v*v) FROM t", -1, &st, NULL),
          SQLITE_OK, "prepare select");
    check(sqlite3_step(st), SQLITE_ROW, "step select");
    printf("rows=%d sum=%lld sumsq=%lld\n", sqlite3_column_int(st, 0),
           (long long)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 2));
    check(sqlite3_step(st), SQLITE_DONE, "step select end");
    check(sqlite3_finalize(st), SQLITE_OK, "finalize select");

    /* An ORDER BY with a text column goes through the sorter and collation. */
    check(sqlite3_prepare_v2(db, "SELECT s FROM t ORDER BY s DESC LIMIT 1", -1, &st, NULL),
          SQLITE_OK, "prepare text");
    check(sqlite3_step(st), SQLITE_ROW, "step text");
    printf("text=%s\n", (const char *)sqlite3_column_text(st, 0));
    check(sqlite3_finalize(st), SQLITE_OK, "finalize text");

    check(sqlite3_close(db), SQLITE_OK, "close");
    return 0;
}
