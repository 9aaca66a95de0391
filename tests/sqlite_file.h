// Reading an SQLite file in tests: rows as text ("NULL" for null), so that
// expectations compare strings.
#ifndef CHISO_TESTS_SQLITE_FILE_H_
#define CHISO_TESTS_SQLITE_FILE_H_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

namespace chiso::testing_support {

class SqliteFile {
 public:
  using Rows = std::vector<std::vector<std::string>>;
  explicit SqliteFile(const std::string& path) { sqlite3_open(path.c_str(), &db_); }
  ~SqliteFile() { sqlite3_close(db_); }
  SqliteFile(const SqliteFile&) = delete;
  SqliteFile& operator=(const SqliteFile&) = delete;

  // A failing statement is a test failure (with SQLite's message), no rows.
  Rows Query(const std::string& sql) {
    Rows rows;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sqlite3_errmsg(db_) << "\n" << sql;
      return rows;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const unsigned char* t = sqlite3_column_text(st, i);
        row.push_back(t ? reinterpret_cast<const char*>(t) : "NULL");
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return rows;
  }

  // SELECT count(*) FROM `from` (a table, or a table and a WHERE clause);
  // -1 when the query fails.
  int64_t Count(const std::string& from) {
    Rows r = Query("SELECT count(*) FROM " + from);
    return r.empty() ? -1 : std::stoll(r[0][0]);
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace chiso::testing_support

#endif  // CHISO_TESTS_SQLITE_FILE_H_
