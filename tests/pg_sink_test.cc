// PostgreSQL sink (issue 5) and the facts tables (issue 11), against a real
// PostgreSQL server: a throwaway cluster started once per ctest run by the
// fixture chiso_pg (tests/pg_fixture.sh), whose state folder is named by
// CHISO_PG_STATE. Each test works in a database of its own. Without a server
// the tests skip with the fixture's reason (GTEST_SKIP), never pass silently.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/record_fixture.h"
#include "tests/run_chiso.h"
#include "tests/sqlite_file.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using chiso::testing_support::Fig;
using chiso::testing_support::Rec;
using chiso::testing_support::WriteFixture;
using Rows = std::vector<std::vector<std::string>>;

const std::string kSource = CHISO_SOURCE_DIR;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

using Result = chiso::testing_support::CommandResult;

// Runs `chiso ARGS`; stdout and stderr together.
Result Chiso(const std::string& args) { return chiso::testing_support::RunChiso(args, true); }

// The fixture's server URL, or "" and the reason it is missing.
std::string ServerUrl(std::string* why) {
  const char* dir = std::getenv("CHISO_PG_STATE");
  if (dir == nullptr || *dir == '\0') {
    *why = "CHISO_PG_STATE is not set: run through ctest (fixture chiso_pg, tests/pg_fixture.sh)";
    return "";
  }
  std::string url = Trim(ReadFile(fs::path(dir) / "url"));
  if (url.empty()) {
    std::string reason = Trim(ReadFile(fs::path(dir) / "skip"));
    *why = "PostgreSQL test server not started: " +
           (reason.empty() ? "no url in " + std::string(dir) : reason);
  }
  return url;
}

class PgConn {
 public:
  explicit PgConn(const std::string& url) : c_(PQconnectdb(url.c_str())) {}
  ~PgConn() { PQfinish(c_); }
  bool ok() const { return PQstatus(c_) == CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(c_); }
  Rows Query(const std::string& sql) {
    Rows rows;
    PGresult* r = PQexec(c_, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
      ADD_FAILURE() << PQresultErrorMessage(r) << sql;
    } else {
      for (int i = 0; i < PQntuples(r); ++i) {
        std::vector<std::string> row;
        for (int j = 0; j < PQnfields(r); ++j) {
          row.push_back(PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
        }
        rows.push_back(std::move(row));
      }
    }
    PQclear(r);
    return rows;
  }
  int64_t Count(const std::string& from) {
    Rows r = Query("SELECT count(*) FROM " + from);
    return r.empty() ? -1 : std::stoll(r[0][0]);
  }

 private:
  PGconn* c_;
};

using Lite = chiso::testing_support::SqliteFile;

// The SQL block of README.md that follows the line starting with `intro`:
// the tests run the README's queries verbatim.
std::string ReadmeSql(const std::string& intro) {
  std::istringstream in(ReadFile(kSource + "/README.md"));
  std::string line, sql;
  bool found = false, inside = false;
  while (std::getline(in, line)) {
    if (!found) {
      found = line.rfind(intro, 0) == 0;
    } else if (!inside) {
      inside = line == "```sql";
    } else if (line == "```") {
      return sql;
    } else {
      sql += line + "\n";
    }
  }
  ADD_FAILURE() << "README.md has no ```sql block after \"" << intro << "\"";
  return "";
}

const char* kFiguresQueryIntro = "PAR INDEX of every province in 2023, with the article each value came from";
const char* kFactsQueryIntro = "The consolidated PAR INDEX of every province in 2023, with conflicts";

// ------------------------------------------------------------------ fixtures


// A fresh database on the fixture's server per test (ctest runs tests in
// parallel), dropped afterwards; and a temp folder.
class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    admin_ = ServerUrl(&why);
    if (admin_.empty()) GTEST_SKIP() << why;
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::isalnum(c) ? std::tolower(c) : '_'; });
    db_ = ("chiso_" + name).substr(0, 40) + "_" + std::to_string(getpid());
    PgConn admin(admin_);
    ASSERT_TRUE(admin.ok()) << admin.error();
    admin.Query("DROP DATABASE IF EXISTS " + db_);
    admin.Query("CREATE DATABASE " + db_);
    url_ = admin_.substr(0, admin_.rfind('/') + 1) + db_;
    dir_ = fs::temp_directory_path() / ("chiso_pg_test_" + name + "_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!db_.empty()) {
      PgConn admin(admin_);
      admin.Query("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    }
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  std::string P(const std::string& name) const { return (dir_ / name).string(); }

  std::string admin_, db_, url_;
  fs::path dir_;
};

// ------------------------------------------------------------------ records

TEST_F(PgTest, ExtractOfTheSampleGivesTheSameRowsAsSqlite) {
  const std::string out = P("sample.jsonl"), lite = P("sample.sqlite");
  Result r = Chiso("extract -q --jobs 2 --db " + url_ + " -o " + out + " " + kSource + "/corpus/sample");
  ASSERT_EQ(r.code, 0) << r.out;
  r = Chiso("load -q " + out + " --db " + lite);
  ASSERT_EQ(r.code, 0) << r.out;
  // A second run over the same corpus upserts: nothing doubles.
  r = Chiso("extract -q --jobs 1 --db " + url_ + " " + kSource + "/corpus/sample");
  ASSERT_EQ(r.code, 0) << r.out;
  PgConn pg(url_);
  ASSERT_TRUE(pg.ok()) << pg.error();
  Lite sq(lite);
  size_t docs = 0, figs = 0;
  std::set<std::string> shas;
  std::istringstream lines(ReadFile(out));
  for (std::string l; std::getline(lines, l);) {
    json j = json::parse(l);
    ++docs;
    if (shas.insert(j["doc"]["sha256"].get<std::string>()).second) figs += j["figures"].size();
  }
  ASSERT_GT(figs, 50u);
  EXPECT_EQ(pg.Count("documents"), static_cast<int64_t>(docs));
  EXPECT_EQ(pg.Count("figures"), static_cast<int64_t>(figs));
  for (const char* table : {"documents", "figures", "warnings", "errors"}) {
    EXPECT_EQ(pg.Count(table), sq.Count(table)) << table;
  }
  // Row for row, evidence included (values compared in thousandths: the two
  // databases print doubles differently).
  const std::string cols =
      "doc_sha256, figure_id, type, indicator, component, subject_kind, subject_name, subject_id, "
      "year, approx, unit, out_of, scope, object, status, level, span_start, span_end, "
      "source_start, source_end, text, sentence, rule";
  Rows pg_rows = pg.Query("SELECT " + cols +
                          ", round(value * 1000)::bigint, round(confidence * 1000)::bigint, "
                          "json FROM figures ORDER BY doc_sha256, figure_id");
  Rows sq_rows = sq.Query("SELECT " + cols +
                          ", CAST(round(value * 1000) AS INTEGER), "
                          "CAST(round(confidence * 1000) AS INTEGER), json "
                          "FROM figures ORDER BY doc_sha256, figure_id");
  ASSERT_EQ(pg_rows.size(), sq_rows.size());
  for (size_t i = 0; i < pg_rows.size(); ++i) {
    ASSERT_EQ(pg_rows[i], sq_rows[i]) << "figure row " << i;
  }
  EXPECT_EQ(pg.Query("SELECT count(*) FROM figures WHERE text IS NULL OR sentence IS NULL "
                     "OR span_start IS NULL OR rule IS NULL OR confidence IS NULL")[0][0],
            "0");
  EXPECT_EQ(pg.Query("SELECT value FROM meta WHERE key = 'schema_version'"), Rows{{"1"}});
  EXPECT_EQ(pg.Count("pg_indexes WHERE indexname = 'figures_subject_indicator_year'"), 1);
  // The documents' metadata too.
  EXPECT_EQ(pg.Query("SELECT doc_id, sha256, path, format, encoding, title, date FROM documents "
                     "ORDER BY doc_id"),
            sq.Query("SELECT doc_id, sha256, path, format, encoding, title, date FROM documents "
                     "ORDER BY doc_id"));
}

TEST_F(PgTest, LoadingTwiceKeepsTheSameRowsAndANewVersionReplacesTheOld) {
  const std::string jsonl = P("fixture.jsonl");
  WriteFixture(jsonl);
  for (int round = 0; round < 2; ++round) {
    Result r = Chiso("load -q " + jsonl + " --db " + url_);
    ASSERT_EQ(r.code, 0) << r.out;
    PgConn pg(url_);
    EXPECT_EQ(pg.Count("documents"), 4) << "round " << round;
    EXPECT_EQ(pg.Count("figures"), 7) << "round " << round;
    EXPECT_EQ(pg.Count("warnings"), 3) << "round " << round;
    EXPECT_EQ(pg.Query("SELECT doc_id, code FROM errors"), (Rows{{"c.txt", "empty"}}));
  }
  // Tabs, newlines and backslashes survive COPY.
  PgConn pg(url_);
  EXPECT_EQ(pg.Query("SELECT sentence FROM figures WHERE doc_sha256 = 'dddd'"),
            Rows{{"Câu về An Giang\tvới tab\nvà \\ xuống dòng"}});
  // a.txt changed: its old bytes and their figures go, the new ones replace them.
  const std::string changed = P("changed.jsonl");
  {
    std::ofstream out(changed);
    out << Rec("a.txt", "a2a2", {Fig("f1", "score", "PAR_INDEX", "An Giang", 2023, 88.6)}).dump() << "\n";
  }
  Result r = Chiso("load -q " + changed + " --db " + url_);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(pg.Count("documents"), 4);
  EXPECT_EQ(pg.Count("figures"), 4);  // 7 - 4 (aaaa) + 1 (a2a2)
  EXPECT_EQ(pg.Count("figures WHERE doc_sha256 = 'aaaa'"), 0);
  EXPECT_EQ(pg.Query("SELECT sha256 FROM documents WHERE doc_id = 'a.txt'"), Rows{{"a2a2"}});
}

// Four loaders of overlapping files (each holding a quarter of the documents
// twice over, in its own order, with repeats) at the same time: every process
// succeeds, and the database holds each document and figure exactly once.
TEST_F(PgTest, FourConcurrentLoadsOfOverlappingFilesGiveExactCounts) {
  constexpr int kDocs = 4000, kProcs = 4;
  auto record = [](int i) {
    char id[32], sha[32];
    std::snprintf(id, sizeof id, "doc%05d.txt", i);
    // Every 50th document is a copy of the one before (same bytes).
    std::snprintf(sha, sizeof sha, "sha%05d", i % 50 == 1 ? i - 1 : i);
    json figs = json::array();
    for (int k = 0; k < 3; ++k) {
      figs.push_back(Fig("f" + std::to_string(k), "score", "PAR_INDEX", "Hà Nội", 2020 + k, i + k / 10.0));
    }
    return Rec(id, sha, figs).dump() + "\n";
  };
  std::vector<std::string> files;
  for (int p = 0; p < kProcs; ++p) {
    std::vector<int> ids;
    for (int i = p * kDocs / kProcs; i < p * kDocs / kProcs + kDocs / 2; ++i) ids.push_back(i % kDocs);
    for (int i = 0; i < 50; ++i) ids.push_back(ids[static_cast<size_t>(i * 7)]);  // repeats
    std::mt19937 rng(static_cast<unsigned>(p));
    std::shuffle(ids.begin(), ids.end(), rng);
    files.push_back(P("part" + std::to_string(p) + ".jsonl"));
    std::ofstream out(files.back());
    for (int i : ids) out << record(i);
  }
  // Round 2 reloads everything into the full database: updates contend too.
  for (int round = 0; round < 2; ++round) {
    std::vector<pid_t> pids;
    for (int p = 0; p < kProcs; ++p) {
      pid_t pid = fork();
      if (pid == 0) {
        int err = open(P("err" + std::to_string(p)).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(err, 2);
        execl(CHISO_BIN, CHISO_BIN, "load", "-q", files[static_cast<size_t>(p)].c_str(), "--db",
              url_.c_str(), static_cast<char*>(nullptr));
        _exit(127);
      }
      pids.push_back(pid);
    }
    for (int p = 0; p < kProcs; ++p) {
      int st = 0;
      waitpid(pids[static_cast<size_t>(p)], &st, 0);
      EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
          << "round " << round << ", loader " << p << ": " << ReadFile(P("err" + std::to_string(p)));
    }
    PgConn pg(url_);
    const int64_t shas = kDocs - kDocs / 50;
    EXPECT_EQ(pg.Count("documents"), kDocs);
    EXPECT_EQ(pg.Count("(SELECT DISTINCT doc_id FROM documents) d"), kDocs);
    EXPECT_EQ(pg.Count("figures"), 3 * shas);
    EXPECT_EQ(pg.Count("warnings"), shas);
    EXPECT_EQ(pg.Count("(SELECT doc_sha256 FROM figures GROUP BY 1 HAVING count(*) <> 3) x"), 0);
    EXPECT_EQ(pg.Count("(SELECT doc_sha256, figure_id FROM figures GROUP BY 1, 2 HAVING count(*) > 1) x"), 0);
    EXPECT_EQ(pg.Count("documents d WHERE NOT EXISTS (SELECT 1 FROM figures f WHERE f.doc_sha256 = d.sha256)"),
              0);
  }
}

// ------------------------------------------------------------------ queries

TEST_F(PgTest, ReadmeQueriesReturnTheExpectedRows) {
  const std::string jsonl = P("fixture.jsonl"), lite = P("fixture.sqlite");
  WriteFixture(jsonl);
  ASSERT_EQ(Chiso("load -q " + jsonl + " --db " + url_).code, 0);
  PgConn pg(url_);
  // Issue 5: every value with the article it came from.
  Rows rows = pg.Query(ReadmeSql(kFiguresQueryIntro));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ((std::vector<std::string>{rows[0][0], rows[0][1], rows[0][3], rows[0][4]}),
            (std::vector<std::string>{"An Giang", "88.5", "a.txt", "Bài a.txt"}));
  EXPECT_EQ((std::vector<std::string>{rows[1][0], rows[1][1], rows[1][3]}),
            (std::vector<std::string>{"An Giang", "80.1", "d.txt"}));
  EXPECT_EQ((std::vector<std::string>{rows[2][0], rows[2][1], rows[2][3]}),
            (std::vector<std::string>{"Bắc Ninh", "91.25", "b.txt"}));

  // Issue 11: the consolidated value per province, with its conflict, in
  // both databases.
  ASSERT_EQ(Chiso("consolidate -q " + jsonl + " --db " + url_).code, 0);
  Result r = Chiso("consolidate -q " + jsonl + " --db " + lite);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "");  // --db without -o: nothing on stdout
  Lite sq(lite);
  const std::string facts_sql = ReadmeSql(kFactsQueryIntro);
  for (const Rows& got : {pg.Query(facts_sql), sq.Query(facts_sql)}) {
    ASSERT_EQ(got.size(), 2u);
    ASSERT_GE(got[0].size(), 6u);
    EXPECT_EQ(got[0][0], "An Giang");
    EXPECT_EQ(got[0][1], "88.5");
    EXPECT_EQ(got[0][4], "value_disagreement");
    EXPECT_EQ(got[0][5], "0");  // not explained: a typo, not a year shift
    EXPECT_EQ(got[1][0], "Bắc Ninh");
    EXPECT_EQ(got[1][1], "91.25");
    EXPECT_EQ(got[1][4], "NULL");
  }
}

// More facts than one COPY piece holds (8 MB of rows): the rows are spooled
// through a temporary file and sent as several COPYs in one transaction.
TEST_F(PgTest, FactsLargerThanOneCopyPieceAllArrive) {
  const std::string run = P("many.jsonl"), lite = P("many.sqlite");
  {
    std::ofstream out(run);
    const std::string sentence(1500, 'x');
    for (int d = 0; d < 160; ++d) {
      json figures = json::array();
      for (int u = 0; u < 50; ++u) {
        const std::string id = "p" + std::to_string(d) + "-" + std::to_string(u);
        figures.push_back({{"id", "f" + std::to_string(u + 1)}, {"type", "score"}, {"indicator", "PCI"},
                           {"subject", {{"kind", "province"}, {"name", id}, {"id", id}}},
                           {"year", 2022}, {"value", 60.5}, {"scale", 100}, {"span", {0, 4}},
                           {"text", "60,5"}, {"sentence", sentence}, {"confidence", 0.9}});
      }
      std::string sha = std::to_string(1000 + d);
      sha.resize(64, 'a');
      out << json{{"schema", "chiso/1"}, {"doc", {{"id", "d" + std::to_string(d)}, {"sha256", sha}}},
                  {"figures", figures}, {"warnings", json::array()}, {"error", nullptr}}
                 .dump()
          << "\n";
    }
  }
  Result r = Chiso("consolidate -q " + run + " --db " + url_);
  ASSERT_EQ(r.code, 0) << r.out;
  ASSERT_EQ(Chiso("consolidate -q " + run + " --db " + lite).code, 0);
  PgConn pg(url_);
  Lite sq(lite);
  EXPECT_EQ(pg.Count("facts"), 8000);
  EXPECT_EQ(pg.Count("fact_sources"), 8000);
  EXPECT_EQ(sq.Count("fact_sources"), 8000);
  EXPECT_EQ(pg.Count("fact_sources WHERE length(sentence) = 1500"), 8000);
}

// The seeds: every fact and conflict of `consolidate -o` is in the tables, the
// Hà Giang PAR INDEX conflict explained; a rerun replaces, never doubles.
TEST_F(PgTest, FactsTablesHoldTheConsolidationAndARerunReplacesThem) {
  const std::string seeds = std::string(CHISO_SHARED_DIR) + "/corpus/seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "no seeds at " << seeds;
  const std::string run = P("seeds.jsonl"), facts = P("facts.jsonl"), lite = P("facts.sqlite");
  ASSERT_EQ(Chiso("extract -q " + seeds + " -o " + run).code, 0);
  ASSERT_EQ(Chiso("consolidate -q " + run + " -o " + facts).code, 0);
  int64_t n_facts = 0, n_conflicts = 0, n_sources = 0, n_links = 0;
  std::istringstream lines(ReadFile(facts));
  for (std::string l; std::getline(lines, l);) {
    json j = json::parse(l);
    if (j["record"] == "fact") {
      ++n_facts;
      n_sources += static_cast<int64_t>(j["supporting"].size() + j["approximate"].size());
    } else {
      ++n_conflicts;
      n_links += static_cast<int64_t>(std::set<std::string>(j["facts"].begin(), j["facts"].end()).size());
    }
  }
  ASSERT_GT(n_facts, 10);
  ASSERT_GT(n_conflicts, 0);
  for (int round = 0; round < 2; ++round) {
    Result r = Chiso("consolidate -q " + run + " --db " + url_);
    ASSERT_EQ(r.code, 0) << r.out;
    ASSERT_EQ(Chiso("consolidate -q " + run + " --db " + lite).code, 0);
    PgConn pg(url_);
    Lite sq(lite);
    EXPECT_EQ(pg.Count("facts"), n_facts);
    EXPECT_EQ(pg.Count("fact_sources"), n_sources);
    EXPECT_EQ(pg.Count("conflicts"), n_conflicts);
    EXPECT_EQ(pg.Count("conflict_facts"), n_links);
    for (const char* t : {"facts", "fact_sources", "conflicts", "conflict_facts"}) {
      EXPECT_EQ(sq.Count(t), pg.Count(t)) << t;
    }
    const std::string hg =
        "SELECT c.kind, c.explained, f.year FROM conflicts c JOIN conflict_facts cf ON cf.conflict_id = c.id "
        "JOIN facts f ON f.key = cf.fact_key WHERE f.indicator = 'PAR_INDEX' AND f.subject_id = 'ha-giang'";
    EXPECT_EQ(pg.Query(hg), (Rows{{"value_disagreement", "1", "2021"}}));
    EXPECT_EQ(sq.Query(hg), (Rows{{"value_disagreement", "1", "2021"}}));
    EXPECT_EQ(pg.Count("fact_sources WHERE text IS NULL OR sentence IS NULL OR doc_id IS NULL"), 0);
  }
}

// ------------------------------------------------------------------ errors

TEST(PgErrors, UnreachableOrMalformedUrlFailsWithAClearMessage) {
  const std::string jsonl = (fs::temp_directory_path() / ("chiso_pg_bad_" + std::to_string(getpid()))).string();
  WriteFixture(jsonl);
  Result r = Chiso("load " + jsonl + " --db postgresql://chiso:s3cret@127.0.0.1:1/nodb");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("cannot connect to postgresql://chiso:***@127.0.0.1:1/nodb"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << "password leaked: " << r.out;
  r = Chiso("load " + jsonl + " --db 'postgres://u:s3cret@[::1'");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("postgresql: cannot connect"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("s3cret"), std::string::npos) << "password leaked: " << r.out;
  r = Chiso("extract -q " + kSource + "/corpus/sample --db postgresql://127.0.0.1:1/x");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("cannot connect"), std::string::npos) << r.out;
  // chiso loads libpq only for a postgresql:// target; without it, that
  // target fails at start with the reason.
  setenv("CHISO_LIBPQ", "/nonexistent/libpq.so.5", 1);
  r = Chiso("load " + jsonl + " --db postgresql://127.0.0.1:1/x");
  unsetenv("CHISO_LIBPQ");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("postgresql: cannot load libpq (install libpq5): /nonexistent/libpq.so.5"), std::string::npos)
      << r.out;
  fs::remove(jsonl);
}

TEST_F(PgTest, MissingDatabaseOnALiveServerFailsWithTheServersMessage) {
  const std::string jsonl = P("fixture.jsonl");
  WriteFixture(jsonl);
  std::string url = admin_.substr(0, admin_.rfind('/') + 1) + "no_such_db_" + std::to_string(getpid());
  Result r = Chiso("load " + jsonl + " --db " + url);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("does not exist"), std::string::npos) << r.out;
  r = Chiso("consolidate -q " + jsonl + " --db " + url);
  EXPECT_EQ(r.code, 1) << r.out;
}

}  // namespace
