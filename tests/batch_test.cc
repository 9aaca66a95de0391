// Batch runs: choosing inputs (--files-from, --shard), crash-safe output and
// --resume (killed with SIGKILL at random points, then resumed, must equal a
// clean run record for record), and the SQLite sink.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "corpus/batch.h"
#include "corpus/pipeline.h"
#include "corpus/sink.h"
#include "tests/record_fixture.h"
#include "tests/sqlite_file.h"
#include "tests/test_support.h"

namespace {

namespace fs = std::filesystem;
using chiso::InputFile;

// ------------------------------------------------------------------ helpers

using Result = chiso::testing_support::CommandResult;

Result Sh(const std::string& args) { return chiso::testing_support::RunChiso(args); }

// Starts chiso with `args` (stdin/stdout/stderr on /dev/null); returns its pid.
pid_t Spawn(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(CHISO_BIN));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(CHISO_BIN, argv.data());
    _exit(127);
  }
  return pid;
}

// Waits for `pid`: its exit code, or 128 + signal.
int Wait(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) v.push_back(line);
  return v;
}

std::string IdOf(const std::string& line) { return nlohmann::json::parse(line)["doc"]["id"]; }

// A path under the temp folder, unique to this process: several builds may
// run this test at the same time.
// All of them are removed when the tests end.
std::vector<fs::path>& TmpPaths() {
  static std::vector<fs::path> paths;
  return paths;
}

fs::path Tmp(const std::string& name) {
  fs::path p = fs::temp_directory_path() / (name + "_" + std::to_string(getpid()));
  TmpPaths().push_back(p);
  return p;
}

class CleanUp : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    for (const fs::path& p : TmpPaths()) {
      for (const char* suffix : {"", ".tmp", ".nl", ".nul"}) fs::remove_all(p.string() + suffix, ec);
    }
  }
};
const auto* const kCleanUp = ::testing::AddGlobalTestEnvironment(new CleanUp);

const std::string kDev = std::string(CHISO_SOURCE_DIR) + "/corpus/dev";

// A folder of `n` documents: the dev corpus copied under new names.
fs::path MakeCorpus(const std::string& name, size_t n) {
  fs::path dir = Tmp(name);
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  std::vector<fs::path> src;
  for (const auto& e : fs::directory_iterator(kDev)) {
    if (e.path().extension() == ".txt") src.push_back(e.path());
  }
  std::sort(src.begin(), src.end());
  for (size_t i = 0; i < n; ++i) {
    char prefix[16];
    std::snprintf(prefix, sizeof prefix, "g%04zu_", i);
    fs::path to = (i % 7 == 0 ? dir / "sub" : dir) / (prefix + src[i % src.size()].filename().string());
    fs::copy_file(src[i % src.size()], to);
  }
  return dir;
}

// ------------------------------------------------------------------ inputs

// Folders are walked lazily (memory flat in the corpus), yet ids come out in
// byte order exactly as a full listing sorted by id would give them.
TEST(Inputs, LazyWalkGivesIdsInByteOrder) {
  fs::path dir = fs::temp_directory_path() / ("chiso_inputs_" + std::to_string(getpid()));
  fs::remove_all(dir);
  for (const char* d : {"a", "a/b", "a-b", "ab", "a/b c", "z/.hidden_dir", "Z"}) {
    fs::create_directories(dir / d);
  }
  for (const char* f : {"a.txt", "a/x.txt", "a/b/y.txt", "a/b.txt", "a-b/1.txt", "ab/2.txt", "a/b c/3.txt",
                        "a0.txt", "Z/u.txt", "z/v.txt", "z/.hidden_dir/w.txt", ".hidden.txt", "gold.jsonl",
                        "b.html", "a/b/~tmp"}) {
    std::ofstream(dir / f) << "x";
  }
  fs::create_directory_symlink(dir / "a", dir / "z" / "loop");  // not followed
  // A link to a file is read; a broken link, a FIFO and annotations are not.
  fs::create_symlink(dir / "a.txt", dir / "z" / "link.txt");
  fs::create_symlink(dir / "missing.txt", dir / "z" / "broken.txt");
  ASSERT_EQ(mkfifo((dir / "z" / "fifo.txt").c_str(), 0600), 0);
  std::ofstream(dir / "z" / "out.jsonl") << "x";
  std::vector<std::string> want = {"Z/u.txt", "a-b/1.txt", "a.txt", "a/b c/3.txt", "a/b.txt",
                                   "a/b/y.txt", "a/b/~tmp", "a/x.txt", "a0.txt", "ab/2.txt",
                                   "b.html", "z/link.txt", "z/v.txt"};
  std::unique_ptr<chiso::InputSource> src;
  ASSERT_TRUE(chiso::OpenInputs({dir.string()}, &src).ok());
  std::vector<std::string> got;
  for (InputFile f; src->Next(&f);) {
    got.push_back(f.id);
    EXPECT_EQ(f.path, (dir / f.id).string());
  }
  EXPECT_EQ(got, want);
  ASSERT_TRUE(std::is_sorted(want.begin(), want.end()));
  // Two roots and a single file merge into one sorted stream; a filter keeps a subset.
  fs::path single = dir / "ab" / "2.txt";
  ASSERT_TRUE(chiso::OpenInputs({(dir / "a").string(), single.string(), (dir / "ab").string()}, &src).ok());
  got.clear();
  for (InputFile f; src->Next(&f);) got.push_back(f.id);
  EXPECT_EQ(got, (std::vector<std::string>{"2.txt", "2.txt", "b c/3.txt", "b.txt", "b/y.txt", "b/~tmp", "x.txt"}));
  std::vector<std::unique_ptr<chiso::InputSource>> parts;
  parts.push_back(chiso::VectorInputs({{"p1", "b"}, {"p2", "d"}}));
  parts.push_back(chiso::VectorInputs({{"p3", "a"}, {"p4", "b"}, {"p5", "c"}}));
  auto merged = chiso::FilterInputs(chiso::MergeInputs(std::move(parts), /*dedup=*/true),
                                    [](const std::string& id) { return id != "c"; });
  got.clear();
  std::vector<std::string> paths;
  for (InputFile f; merged->Next(&f);) {
    got.push_back(f.id);
    paths.push_back(f.path);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(paths, (std::vector<std::string>{"p3", "p1", "p2"}));  // the first source wins a tie
  fs::remove_all(dir);
}

TEST(FileList, NewlineSeparatedSortedDeduplicated) {
  std::vector<InputFile> v;
  chiso::ParseFileList("b.txt\r\na dir/x.txt\n\nb.txt\nc.txt", &v);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].id, "a dir/x.txt");
  EXPECT_EQ(v[0].path, "a dir/x.txt");
  EXPECT_EQ(v[1].id, "b.txt");
  EXPECT_EQ(v[2].id, "c.txt");
}

TEST(FileList, NulSeparatedKeepsNewlinesInNames) {
  std::vector<InputFile> v;
  chiso::ParseFileList(std::string("odd\nname.txt\0b.txt\0", 19), &v);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].id, "b.txt");
  EXPECT_EQ(v[1].id, "odd\nname.txt");
}

TEST(Shard, ParsesKOverN) {
  chiso::Shard s;
  ASSERT_TRUE(chiso::ParseShard("2/5", &s).ok());
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  ASSERT_TRUE(chiso::ParseShard("0/1", &s).ok());
  for (const char* bad : {"", "3", "3/3", "1/0", "-1/3", "a/3", "1/3x", "1/", "/3", " 1/3"}) {
    EXPECT_FALSE(chiso::ParseShard(bad, &s).ok()) << bad;
  }
}

TEST(Shard, EveryIdFallsInExactlyOneShard) {
  for (uint64_t n : {1, 2, 3, 7, 64}) {
    std::vector<size_t> sizes(n);
    for (int i = 0; i < 5000; ++i) {
      std::string id = "folder/doc_" + std::to_string(i) + ".txt";
      int hits = 0;
      for (uint64_t k = 0; k < n; ++k) {
        if (chiso::InShard({k, n}, id)) {
          ++hits;
          ++sizes[k];
        }
      }
      ASSERT_EQ(hits, 1) << id;
    }
    for (size_t s : sizes) EXPECT_GT(s, 5000 / n / 2) << "unbalanced shards, n=" << n;
  }
  // The hash is part of the interface: machines on other builds must agree.
  EXPECT_EQ(chiso::ShardHash(""), 14695981039346656037ull);
  EXPECT_EQ(chiso::ShardHash("a"), 0xaf63dc4c8601ec8cull);
}

TEST(Progress, FormatsRatesAndEta) {
  EXPECT_EQ(chiso::FormatProgress(50, 100, 1, 2000000, 10),
            "50/100 docs  5.0 docs/s  0.20 MB/s  1 error  ETA 10s");
  EXPECT_EQ(chiso::FormatDuration(3725), "1h02m");
  EXPECT_EQ(chiso::FormatDuration(187), "3m07s");
}

TEST(BatchCli, UnionOfShardsIsTheFullRun) {
  Result full = Sh("extract -q --jobs 2 " + kDev);
  ASSERT_EQ(full.code, 0);
  std::vector<std::string> want = SplitLines(full.out);
  ASSERT_GE(want.size(), 40u);
  std::vector<std::string> got;
  std::set<std::string> ids;
  for (int k = 0; k < 3; ++k) {
    Result part = Sh("extract -q --jobs 2 --shard " + std::to_string(k) + "/3 " + kDev);
    ASSERT_EQ(part.code, 0);
    std::vector<std::string> lines = SplitLines(part.out);
    EXPECT_GT(lines.size(), 0u) << "shard " << k << " is empty";
    for (const auto& l : lines) {
      EXPECT_TRUE(ids.insert(IdOf(l)).second) << "in two shards: " << IdOf(l);
      got.push_back(l);
    }
  }
  std::sort(got.begin(), got.end(),
            [](const std::string& a, const std::string& b) { return IdOf(a) < IdOf(b); });
  EXPECT_EQ(got, want);
}

TEST(BatchCli, BadShardOrResumeWithoutFileIsAUsageError) {
  EXPECT_EQ(Sh("extract --shard 3/3 " + kDev).code, 2);
  EXPECT_EQ(Sh("extract --shard 1/0 " + kDev).code, 2);
  EXPECT_EQ(Sh("extract --shard x " + kDev).code, 2);
  EXPECT_EQ(Sh("extract --resume " + kDev).code, 2);
  EXPECT_EQ(Sh("extract --files-from /nonexistent/list").code, 2);
}

TEST(BatchCli, FilesFromTakesPathsAsIds) {
  fs::path dir = MakeCorpus("chiso_batch_list", 5);
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  fs::path nl = dir.string() + ".nl", nul = dir.string() + ".nul";
  {
    std::ofstream a(nl), b(nul, std::ios::binary);
    for (auto it = files.rbegin(); it != files.rend(); ++it) {
      a << *it << "\n";
      b << *it << '\0';
    }
  }
  Result r1 = Sh("extract -q --files-from " + nl.string());
  Result r2 = Sh("extract -q --files-from " + nul.string());
  Result r3 = Sh("extract -q --files-from - < " + nl.string());
  ASSERT_EQ(r1.code, 0);
  EXPECT_EQ(r1.out, r2.out);
  EXPECT_EQ(r1.out, r3.out);
  std::vector<std::string> lines = SplitLines(r1.out);
  ASSERT_EQ(lines.size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) EXPECT_EQ(IdOf(lines[i]), files[i]);
}

// ------------------------------------------------------------------ resume

TEST(Resume, TornTailIsCutAndChangedFilesAreRedone) {
  fs::path dir = MakeCorpus("chiso_batch_change", 12);
  fs::path out = Tmp("chiso_batch_change.jsonl");
  fs::path clean = Tmp("chiso_batch_change_clean.jsonl");
  fs::remove(out);
  ASSERT_EQ(Sh("extract -q --resume -o " + out.string() + " " + dir.string()).code, 0);
  // Change one file, drop another's record and tear the last line.
  fs::path changed = dir / "g0003_dev_004_pci_2022_bang_xep_hang.txt";
  ASSERT_TRUE(fs::exists(changed));
  std::ofstream(changed, std::ios::app) << "\nChỉ số CCHC năm 2023 của tỉnh Bắc Ninh đạt 91,2 điểm.\n";
  std::string text = ReadFile(out);
  std::vector<std::string> lines = SplitLines(text);
  std::string kept;
  for (size_t i = 0; i + 3 < lines.size(); ++i) kept += lines[i] + "\n";
  kept += lines[lines.size() - 3].substr(0, 40);  // torn
  std::ofstream(out, std::ios::binary | std::ios::trunc) << kept;
  ASSERT_EQ(Sh("extract -q --resume -o " + out.string() + " " + dir.string()).code, 0);
  ASSERT_EQ(Sh("extract -q -o " + clean.string() + " " + dir.string()).code, 0);
  EXPECT_EQ(ReadFile(out), ReadFile(clean));
  EXPECT_NE(ReadFile(out).find("91,2"), std::string::npos);
}

TEST(Resume, SigtermStopsGracefullyAndKeepsWholeRecords) {
  fs::path dir = MakeCorpus("chiso_batch_term", 300);
  fs::path out = Tmp("chiso_batch_term.jsonl");
  fs::path clean = Tmp("chiso_batch_term_clean.jsonl");
  fs::remove(out);
  ASSERT_EQ(Sh("extract -q --jobs 2 -o " + clean.string() + " " + dir.string()).code, 0);
  pid_t pid = Spawn({"extract", "--jobs", "2", "--resume", "-o", out.string(), dir.string()});
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  kill(pid, SIGTERM);
  int code = Wait(pid);
  if (code != 0) {  // the run may have finished first on a fast machine
    EXPECT_EQ(code, 128 + SIGTERM);
    std::string text = ReadFile(out);
    EXPECT_TRUE(text.empty() || text.back() == '\n');
    for (const auto& l : SplitLines(text)) EXPECT_NO_THROW(IdOf(l));
  }
  ASSERT_EQ(Sh("extract -q --jobs 2 --resume -o " + out.string() + " " + dir.string()).code, 0);
  EXPECT_EQ(ReadFile(out), ReadFile(clean));
}

TEST(Resume, KilledAtRandomPointsResumesToTheCleanRun) {
  fs::path dir = MakeCorpus("chiso_batch_kill", 300);
  fs::path out = Tmp("chiso_batch_kill.jsonl");
  fs::path clean = Tmp("chiso_batch_kill_clean.jsonl");
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(Sh("extract -q --jobs 2 -o " + clean.string() + " " + dir.string()).code, 0);
  const double full_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const std::string want = ReadFile(clean);
  ASSERT_EQ(SplitLines(want).size(), 300u);

  std::mt19937 rng(20261125);
  const int kTrials = 20;
  int killed_mid_run = 0, kills = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    fs::remove(out);
    // One or two kills per trial, each at a random point of the run.
    int rounds = 1 + static_cast<int>(rng() % 2);
    for (int r = 0; r < rounds; ++r) {
      std::uniform_real_distribution<double> when(0, full_ms);
      int jobs = 1 + static_cast<int>(rng() % 2);
      pid_t pid = Spawn({"extract", "-q", "--jobs", std::to_string(jobs), "--resume", "-o",
                         out.string(), dir.string()});
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(when(rng) * 1000)));
      kill(pid, SIGKILL);
      int code = Wait(pid);
      ++kills;
      if (code == 128 + SIGKILL) ++killed_mid_run;
      // Whatever is on disk is whole records, except possibly a torn last line.
      std::vector<std::string> lines = SplitLines(ReadFile(out));
      for (size_t i = 0; i + 1 < lines.size(); ++i) ASSERT_NO_THROW(IdOf(lines[i])) << "trial " << trial;
    }
    ASSERT_EQ(Sh("extract -q --jobs 2 --resume -o " + out.string() + " " + dir.string()).code, 0);
    ASSERT_EQ(ReadFile(out), want) << "trial " << trial;
  }
  std::printf("[ kill/resume ] %d trials, %d kills, %d of them mid-run; clean run %.0f ms\n", kTrials,
              kills, killed_mid_run, full_ms);
  EXPECT_GE(killed_mid_run, kTrials / 2);
}

TEST(Resume, FullDiskKeepsWholeRecordsAndResumes) {
  fs::path dir = MakeCorpus("chiso_batch_full", 300);
  fs::path mnt = Tmp("chiso_batch_tmpfs");
  fs::create_directories(mnt);
  if (geteuid() != 0 ||
      std::system(("mount -t tmpfs -o size=1m tmpfs " + mnt.string() + " 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << "needs root to mount a small tmpfs";
  }
  fs::path out = mnt / "out.jsonl";
  Result r = Sh("extract -q --jobs 2 --resume -o " + out.string() + " " + dir.string());
  std::string text = ReadFile(out);
  Result r2 = Sh("extract -q --jobs 2 -o " + (mnt / "tmp.jsonl").string() + " " + dir.string());
  bool tmp_left = fs::exists(mnt / "tmp.jsonl.tmp") || fs::exists(mnt / "tmp.jsonl");
  std::system(("umount " + mnt.string()).c_str());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r2.code, 1);
  EXPECT_FALSE(tmp_left);
  ASSERT_FALSE(text.empty());  // at least one chunk fitted
  EXPECT_EQ(text.back(), '\n');
  for (const auto& l : SplitLines(text)) ASSERT_NO_THROW(IdOf(l));
  // With room again, --resume finishes the run and equals a clean one.
  fs::path moved = Tmp("chiso_batch_full.jsonl");
  fs::path clean = Tmp("chiso_batch_full_clean.jsonl");
  std::ofstream(moved, std::ios::binary | std::ios::trunc) << text;
  ASSERT_EQ(Sh("extract -q --jobs 2 --resume -o " + moved.string() + " " + dir.string()).code, 0);
  ASSERT_EQ(Sh("extract -q --jobs 2 -o " + clean.string() + " " + dir.string()).code, 0);
  EXPECT_EQ(ReadFile(moved), ReadFile(clean));
}

// ------------------------------------------------------------------ SQLite

using Db = chiso::testing_support::SqliteFile;

// The README's query, verbatim.
const char* kParIndex2023 = R"sql(
SELECT f.subject_name AS province, f.value, f.unit, d.doc_id, d.title, d.date, f.sentence
FROM figures f JOIN documents d ON d.sha256 = f.doc_sha256
WHERE f.type = 'score' AND f.indicator = 'PAR_INDEX' AND f.component IS NULL
  AND f.subject_kind = 'province' AND f.year = 2023
ORDER BY f.subject_name, d.doc_id;
)sql";

fs::path WriteFixture() {
  fs::path p = Tmp("chiso_batch_fixture.jsonl");
  chiso::testing_support::WriteFixture(p);
  return p;
}

TEST(Sqlite, LoadTwiceKeepsTheSameRows) {
  fs::path jsonl = WriteFixture();
  fs::path db = Tmp("chiso_batch_load.sqlite");
  fs::remove(db);
  ASSERT_EQ(Sh("load -q " + jsonl.string() + " --db " + db.string()).code, 0);
  int64_t docs, figs, warns;
  {
    Db d(db.string());
    docs = d.Count("documents");
    figs = d.Count("figures");
    warns = d.Count("warnings");
    EXPECT_EQ(d.Query("SELECT value FROM meta WHERE key = 'schema_version'")[0][0], "1");
    EXPECT_EQ(d.Count("errors"), 1);
  }
  EXPECT_EQ(docs, 4);
  EXPECT_EQ(figs, 7);
  EXPECT_EQ(warns, 3);
  ASSERT_EQ(Sh("load -q " + jsonl.string() + " --db " + db.string()).code, 0);
  Db d(db.string());
  EXPECT_EQ(d.Count("documents"), docs);
  EXPECT_EQ(d.Count("figures"), figs);
  EXPECT_EQ(d.Count("warnings"), warns);
}

// Cluster tasks and parallel loads open one new SQLite file at once: each
// must succeed (the WAL switch and the schema were racing: "database is
// locked", a duplicate meta row), leaving the rows of a single load.
TEST(Sqlite, ConcurrentOpenersOfANewFileAllSucceed) {
  fs::path jsonl = WriteFixture();
  fs::path db = Tmp("chiso_batch_concurrent.sqlite");
  for (int trial = 0; trial < 10; ++trial) {
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(db.string() + ext);
    std::vector<int> codes(4, -1);
    std::vector<std::thread> loaders;
    for (size_t i = 0; i < codes.size(); ++i) {
      loaders.emplace_back([&, i] { codes[i] = Sh("load -q " + jsonl.string() + " --db " + db.string()).code; });
    }
    for (auto& t : loaders) t.join();
    for (int c : codes) ASSERT_EQ(c, 0) << "trial " << trial;
    Db d(db.string());
    EXPECT_EQ(d.Count("documents"), 4);
    EXPECT_EQ(d.Count("figures"), 7);
    EXPECT_EQ(d.Count("meta"), 2);
  }
}

TEST(Sqlite, ReadmeQueryFindsParIndexOfEveryProvinceIn2023) {
  fs::path jsonl = WriteFixture();
  fs::path db = Tmp("chiso_batch_query.sqlite");
  fs::remove(db);
  ASSERT_EQ(Sh("load -q " + jsonl.string() + " --db " + db.string()).code, 0);
  Db d(db.string());
  auto rows = d.Query(kParIndex2023);
  // An Giang from two articles that disagree, each with its source.
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "An Giang");
  EXPECT_EQ(rows[0][1], "88.5");
  EXPECT_EQ(rows[0][3], "a.txt");
  EXPECT_EQ(rows[0][4], "Bài a.txt");
  EXPECT_EQ(rows[1][0], "An Giang");
  EXPECT_EQ(rows[1][1], "80.1");
  EXPECT_EQ(rows[1][3], "d.txt");
  EXPECT_EQ(rows[2][0], "Bắc Ninh");
  EXPECT_EQ(rows[2][1], "91.25");
  EXPECT_EQ(rows[2][3], "b.txt");
  // The index the query is meant to use exists.
  EXPECT_EQ(d.Query("SELECT name FROM sqlite_master WHERE name = "
                    "'figures_subject_indicator_year'").size(), 1u);
}

TEST(Sqlite, ExtractWithDbUpsertsOnRerunAndMatchesTheJsonl) {
  fs::path db = Tmp("chiso_batch_extract.sqlite");
  fs::path out = Tmp("chiso_batch_extract.jsonl");
  fs::remove(db);
  ASSERT_EQ(Sh("extract -q --jobs 2 --db " + db.string() + " -o " + out.string() + " " + kDev).code, 0);
  ASSERT_EQ(Sh("extract -q --jobs 2 --db " + db.string() + " " + kDev).code, 0);
  size_t docs = 0, figs = 0;
  std::set<std::string> shas;
  for (const auto& l : SplitLines(ReadFile(out))) {
    auto j = nlohmann::json::parse(l);
    ++docs;
    // Figures are keyed by content: identical files share them.
    if (shas.insert(j["doc"]["sha256"].get<std::string>()).second) figs += j["figures"].size();
  }
  Db d(db.string());
  EXPECT_EQ(d.Count("documents"), static_cast<int64_t>(docs));
  EXPECT_EQ(d.Count("figures"), static_cast<int64_t>(figs));
  EXPECT_GT(figs, 0u);
  // Every contract field is there, evidence included.
  auto row = d.Query("SELECT text, sentence, span_start, span_end, rule, confidence, json "
                     "FROM figures LIMIT 1");
  ASSERT_EQ(row.size(), 1u);
  for (const auto& v : row[0]) EXPECT_NE(v, "NULL");
}

// RunBatch with a render step: the text emit receives is what render made of
// that same document (render runs where the document was processed), emit
// runs on the calling thread, which at --jobs 2 processes documents too,
// records come in input order, and --jobs 1 and 2 give the same sequence.
TEST(RunBatchRender, EmitGetsEachDocumentsOwnRenderingInInputOrder) {
  std::unique_ptr<chiso::Pipeline> p;
  ASSERT_TRUE(chiso::Pipeline::Create(CHISO_SOURCE_DIR, &p).ok());
  std::vector<chiso::InputFile> inputs;
  ASSERT_TRUE(chiso::CollectInputs({std::string(CHISO_SOURCE_DIR) + "/corpus/dev"}, &inputs).ok());
  ASSERT_GT(inputs.size(), 10u);
  std::vector<std::string> runs[2];
  for (int jobs : {1, 2}) {
    chiso::BatchOptions opt;
    opt.jobs = jobs;
    auto src = chiso::VectorInputs(inputs);
    const std::thread::id caller = std::this_thread::get_id();
    std::atomic<int> on_caller{0}, elsewhere{0};
    auto render = [&](const chiso::Document& d, std::string* out) {
      ++(std::this_thread::get_id() == caller ? on_caller : elsewhere);
      *out = d.id + " " + std::to_string(d.figures.size()) + " " + d.sha256;
    };
    chiso::RunBatch(*p, *src, opt, render, [&](const chiso::Document& d, const std::string& text) {
      EXPECT_EQ(std::this_thread::get_id(), caller);  // emit runs on the calling thread
      EXPECT_EQ(text, d.id + " " + std::to_string(d.figures.size()) + " " + d.sha256);
      runs[jobs - 1].push_back(text);
    });
    ASSERT_EQ(runs[jobs - 1].size(), inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      EXPECT_EQ(runs[jobs - 1][i].substr(0, inputs[i].id.size() + 1), inputs[i].id + " ") << i;
    }
    EXPECT_GT(on_caller.load(), 0) << "jobs " << jobs;
    if (jobs == 1) {
      EXPECT_EQ(elsewhere.load(), 0);
    }
  }
  EXPECT_EQ(runs[0], runs[1]);
}

// One slow document does not hold the other worker back: while it is in
// progress the other goes on through many more records than a few per
// thread (the ring), and the records still come out in input order.
TEST(RunBatchRing, ASlowDocumentDoesNotStallTheOtherWorker) {
  std::unique_ptr<chiso::Pipeline> p;
  ASSERT_TRUE(chiso::Pipeline::Create(CHISO_SOURCE_DIR, &p).ok());
  std::vector<chiso::InputFile> dev, inputs;
  ASSERT_TRUE(chiso::CollectInputs({std::string(CHISO_SOURCE_DIR) + "/corpus/dev"}, &dev).ok());
  ASSERT_FALSE(dev.empty());
  for (int i = 0; i < 120; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%03d.txt", i);
    inputs.push_back({dev[static_cast<size_t>(i) % dev.size()].path, id});
  }
  std::mutex mu;
  std::condition_variable cv;
  int after_slow = 0;  // documents loaded while 000.txt was in progress
  bool slow_done = false, others_went_on = false;
  chiso::BatchOptions opt;
  opt.jobs = 2;
  opt.skip = [&](const chiso::Document& d) {
    std::unique_lock<std::mutex> lock(mu);
    if (d.id == "000.txt") {
      others_went_on = cv.wait_for(lock, std::chrono::seconds(10), [&] { return after_slow >= 50; });
      slow_done = true;
    } else if (!slow_done && ++after_slow >= 50) {
      cv.notify_all();
    }
    return false;
  };
  std::vector<std::string> ids;
  chiso::RunBatch(*p, inputs, opt, [&](const chiso::Document& d) { ids.push_back(d.id); });
  EXPECT_TRUE(others_went_on) << "only " << after_slow << " documents loaded behind the slow one";
  ASSERT_EQ(ids.size(), inputs.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], inputs[i].id);
}

// BatchOptions::stop at --jobs 2: the writer takes records in batches, yet
// no record is emitted once stop reads true, and the run says it stopped.
TEST(RunBatchRing, NoRecordIsEmittedAfterStop) {
  std::unique_ptr<chiso::Pipeline> p;
  ASSERT_TRUE(chiso::Pipeline::Create(CHISO_SOURCE_DIR, &p).ok());
  std::vector<chiso::InputFile> dev, inputs;
  ASSERT_TRUE(chiso::CollectInputs({std::string(CHISO_SOURCE_DIR) + "/corpus/dev"}, &dev).ok());
  for (int i = 0; i < 200; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%03d.txt", i);
    inputs.push_back({dev[static_cast<size_t>(i) % dev.size()].path, id});
  }
  for (size_t stop_after : {1u, 37u, 100u}) {
    std::atomic<bool> stop{false};
    chiso::BatchOptions opt;
    opt.jobs = 2;
    opt.stop = &stop;
    std::vector<std::string> ids;
    chiso::BatchStats st = chiso::RunBatch(*p, inputs, opt, [&](const chiso::Document& d) {
      ids.push_back(d.id);
      if (ids.size() == stop_after) stop = true;
    });
    EXPECT_TRUE(st.stopped);
    ASSERT_EQ(ids.size(), stop_after);
    EXPECT_EQ(st.documents, stop_after);
    for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], inputs[i].id);
  }
}

// A thread processes the files it takes as a group (Pipeline::ProcessAll),
// up to 1 MB of input or a PDF at a time: small files are loaded several
// before any is processed, big ones one by one (memory stays one big file a
// thread), PDFs one by one.
// Loaded = BatchOptions::skip, processed = render, counted per thread.
TEST(RunBatchGroups, SmallFilesTogetherBigFilesOneByOne) {
  std::unique_ptr<chiso::Pipeline> p;
  ASSERT_TRUE(chiso::Pipeline::Create(CHISO_SOURCE_DIR, &p).ok());
  fs::path dir = Tmp("chiso_groups");
  fs::create_directories(dir);
  {
    std::ofstream big(dir / "big.txt", std::ios::binary);
    for (int i = 0; i < 40000; ++i) big << "Một dòng văn bản dài. \n";  // 1.2 MB
  }
  // Not a readable PDF (an error record), but sniffed as one: a PDF ends
  // its group, since converting one can take seconds (OCR).
  std::ofstream(dir / "x.pdf", std::ios::binary) << "%PDF-1.4\n%%EOF\n";
  std::vector<chiso::InputFile> dev, small, bigs, pdfs;
  ASSERT_TRUE(chiso::CollectInputs({kDev}, &dev).ok());
  for (int i = 0; i < 150; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%03d.txt", i);
    small.push_back({dev[static_cast<size_t>(i) % dev.size()].path, id});
    if (i < 8) bigs.push_back({(dir / "big.txt").string(), id});
    if (i < 20) pdfs.push_back({(dir / "x.pdf").string(), id});
  }
  for (int jobs : {1, 2}) {
    for (const auto* inputs : {&small, &bigs, &pdfs}) {
      std::mutex mu;
      std::map<std::thread::id, std::pair<int, int>> counts;  // loaded, processed
      int most_in_hand = 0;
      chiso::BatchOptions opt;
      opt.jobs = jobs;
      opt.skip = [&](const chiso::Document&) {
        std::lock_guard<std::mutex> lock(mu);
        auto& c = counts[std::this_thread::get_id()];
        most_in_hand = std::max(most_in_hand, ++c.first - c.second);
        return false;
      };
      auto src = chiso::VectorInputs(*inputs);
      std::vector<std::string> ids;
      chiso::RunBatch(
          *p, *src, opt,
          [&](const chiso::Document&, std::string*) {
            std::lock_guard<std::mutex> lock(mu);
            ++counts[std::this_thread::get_id()].second;
          },
          [&](const chiso::Document& d, const std::string&) { ids.push_back(d.id); });
      ASSERT_EQ(ids.size(), inputs->size());
      for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], (*inputs)[i].id);
      if (inputs == &small) {
        EXPECT_EQ(most_in_hand, 32) << "jobs " << jobs;  // a whole group (the dev files are ~2 KB)
      } else {
        EXPECT_EQ(most_in_hand, 1) << "jobs " << jobs << (inputs == &pdfs ? ", PDFs" : ", big files");
      }
    }
  }
}

// ... but only while the records held are small: behind a slow document,
// big ones (4 MB each) fill the first 4 slots a thread, and more only while
// all held stay under 32 MB.
TEST(RunBatchRing, BigDocumentsAreNotHeldPast32MB) {
  std::unique_ptr<chiso::Pipeline> p;
  ASSERT_TRUE(chiso::Pipeline::Create(CHISO_SOURCE_DIR, &p).ok());
  fs::path dir = Tmp("chiso_ring_big");
  fs::create_directories(dir);
  {
    std::ofstream(dir / "small.txt") << "Năm 2020, tỉnh tăng 3 bậc.\n";
    std::ofstream big(dir / "big.txt", std::ios::binary);
    big << std::string(4 << 20, 'a');
  }
  std::vector<chiso::InputFile> inputs = {{(dir / "small.txt").string(), "000.txt"}};
  for (int i = 1; i <= 40; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "%03d.txt", i);
    inputs.push_back({(dir / "big.txt").string(), id});
  }
  std::mutex mu;
  int after_slow = 0;
  bool slow_done = false;
  chiso::BatchOptions opt;
  opt.jobs = 2;
  opt.skip = [&](const chiso::Document& d) {
    if (d.id == "000.txt") {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the others fill what they may
      std::lock_guard<std::mutex> lock(mu);
      slow_done = true;
      return false;
    }
    std::lock_guard<std::mutex> lock(mu);
    if (!slow_done) ++after_slow;
    return true;  // held as skipped records, bytes and all
  };
  std::vector<std::string> ids;
  chiso::BatchStats st = chiso::RunBatch(*p, inputs, opt, [&](const chiso::Document& d) { ids.push_back(d.id); });
  EXPECT_EQ(st.skipped, 40u);
  ASSERT_EQ(ids.size(), 1u);
  // 7 more of the first 8 slots (always); those hold 28 MB or more, which
  // the bytes of any slot past them count with, so at most 1 more fits under
  // 32 MB; and one record in a thread's hands. Without the byte bound: 40.
  EXPECT_LE(after_slow, 7 + 1 + 1);
  EXPECT_GE(after_slow, 7);
}

}  // namespace
