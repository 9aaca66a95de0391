// Files that change or vanish while a batch reads them (issue 5): the
// document gets an error record (`changed`, `vanished`) instead of figures
// from bytes that never existed together, and the batch goes on.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "corpus/batch.h"
#include "corpus/pipeline.h"
#include "ingest/ingest.h"

namespace {

namespace fs = std::filesystem;

fs::path TmpDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / (name + "_" + std::to_string(getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// A writer keeps appending to the file (and cutting it back) while it is
// loaded again and again: loads that overlap a write must say `changed`;
// a load never fails otherwise, and never crashes or hangs.
TEST(FileChange, FileGrowingDuringTheReadIsReportedChanged) {
  fs::path dir = TmpDir("chiso_change_grow");
  const std::string path = (dir / "growing.txt").string();
  const std::string block(4096, 'x');
  { std::ofstream(path, std::ios::binary) << std::string(1 << 20, 'x'); }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop) {
      std::ofstream out(path, std::ios::binary | std::ios::app);
      for (int i = 0; i < 64 && !stop; ++i) out << block << std::flush;
      out.close();
      if (fs::file_size(path) > (8u << 20)) fs::resize_file(path, 1 << 20);
    }
  });
  std::map<std::string, int> codes;
  for (int i = 0; i < 300 && codes["changed"] < 5; ++i) {
    chiso::Document doc;
    chiso::LoadDocument(path, "growing.txt", {}, &doc);
    ++codes[doc.error ? doc.error->code : "ok"];
    if (doc.error) {
      EXPECT_TRUE(doc.bytes.empty());
      EXPECT_NE(doc.error->message.find("changed while being read"), std::string::npos);
    } else {
      EXPECT_EQ(doc.bytes.find_first_not_of('x'), std::string::npos);
      EXPECT_EQ(doc.bytes.size() % 4096, 0u);  // whole blocks only
    }
  }
  stop = true;
  writer.join();
  EXPECT_GE(codes["changed"], 5) << "ok: " << codes["ok"];
  EXPECT_EQ(codes.size(), codes.count("ok") + 1) << "only ok and changed expected";
  // At rest, the same file loads cleanly.
  chiso::Document doc;
  chiso::LoadDocument(path, "growing.txt", {}, &doc);
  EXPECT_FALSE(doc.error.has_value()) << doc.error->code;
  EXPECT_EQ(doc.bytes.size(), fs::file_size(path));
  fs::remove_all(dir);
}

// A file deleted and put back (written aside, renamed in: whole at any
// time) over and over: every load has the whole content or an error code
// that says what happened.
TEST(FileChange, FileDeletedAndRecreatedGivesVanishedOrChangedNeverATornRecord) {
  fs::path dir = TmpDir("chiso_change_vanish");
  const std::string path = (dir / "flaky.txt").string();
  const std::string content(1 << 20, 'v');
  { std::ofstream(path, std::ios::binary) << content; }
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    while (!stop) {
      { std::ofstream(path + ".new", std::ios::binary) << content; }
      fs::remove(path);
      fs::rename(path + ".new", path);
    }
  });
  std::map<std::string, int> codes;
  for (int i = 0; i < 150; ++i) {
    chiso::Document doc;
    chiso::LoadDocument(path, "flaky.txt", {}, &doc);
    std::string code = doc.error ? doc.error->code : "ok";
    ++codes[code];
    // Gone between two replacements: fails in microseconds, so wait a
    // little to sample the file's whole cycle rather than that window.
    if (code == "unreadable") std::this_thread::sleep_for(std::chrono::microseconds(300));
    if (code == "ok") EXPECT_TRUE(doc.bytes == content) << doc.bytes.size() << " bytes";
    else EXPECT_TRUE(code == "changed" || code == "vanished" || code == "unreadable") << code;
  }
  stop = true;
  churn.join();
  for (const auto& [code, n] : codes) std::printf("  %s: %d\n", code.c_str(), n);
  fs::remove_all(dir);
}

// In a batch, a file removed after the folder was walked gets `vanished`
// and every other document is processed as usual.
TEST(FileChange, BatchGoesOnPastAFileThatVanished) {
  fs::path dir = TmpDir("chiso_change_batch");
  for (int i = 0; i < 3; ++i) {
    std::ofstream(dir / ("doc" + std::to_string(i) + ".txt"))
        << "Năm 2023, Chỉ số cải cách hành chính (PAR INDEX) của tỉnh Bắc Giang đạt 89,12%.\n";
  }
  std::vector<chiso::InputFile> inputs;
  ASSERT_TRUE(chiso::CollectInputs({dir.string()}, &inputs).ok());
  ASSERT_EQ(inputs.size(), 3u);
  fs::remove(dir / "doc1.txt");  // listed, then gone before it is read
  std::unique_ptr<chiso::Pipeline> pipeline;
  ASSERT_TRUE(chiso::Pipeline::Create(CHISO_SOURCE_DIR, &pipeline).ok());
  chiso::BatchOptions options;
  options.jobs = 1;
  std::map<std::string, std::string> result;
  chiso::RunBatch(*pipeline, inputs, options, [&](const chiso::Document& d) {
    result[d.id] = d.error ? d.error->code : "ok:" + std::to_string(d.figures.size());
  });
  ASSERT_EQ(result.size(), 3u);
  EXPECT_EQ(result["doc0.txt"], "ok:1");
  EXPECT_EQ(result["doc2.txt"], "ok:1");
  // Gone before its stat: reported as unreadable (no such file), as a listed
  // file that never existed is; gone during the read it is `vanished`.
  EXPECT_TRUE(result["doc1.txt"] == "unreadable" || result["doc1.txt"] == "vanished") << result["doc1.txt"];
  fs::remove_all(dir);
}

}  // namespace
