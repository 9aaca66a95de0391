// The fast paths against the slow ones they replace, on every document of
// the corpora:
//  - the validator's (figures checked in code, Validator::fast_path) against
//    valijson alone: the same schema file with one more newline turns it off,
//    so two pipelines differ only in it and must write the same records, byte
//    for byte (the figures kept, those dropped and their warnings);
//  - AppendJsonLine (written directly) against the dump of ToJson's DOM;
//  - Pipeline::ProcessAll (several documents, stage by stage) against
//    Process one document at a time.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "corpus/gen/generator.h"
#include "corpus/pipeline.h"
#include "ingest/ingest.h"
#include "schema/emit.h"
#include "schema/validator.h"

namespace chiso {
namespace {

namespace fs = std::filesystem;

class FastPathTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("chiso_fast_path_" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_ / "schema");
    fs::create_directory_symlink(fs::path(CHISO_SOURCE_DIR) / "extract", *dir_ / "extract");
    std::ifstream in(fs::path(CHISO_SOURCE_DIR) / "schema" / "chiso1.schema.json", std::ios::binary);
    std::ostringstream schema;
    schema << in.rdbuf();
    std::ofstream(*dir_ / "schema" / "chiso1.schema.json", std::ios::binary) << schema.str() << "\n";
    Status s = Pipeline::Create(CHISO_SOURCE_DIR, &fast_);
    ASSERT_TRUE(s.ok()) << s.message();
    s = Pipeline::Create(dir_->string(), &slow_);
    ASSERT_TRUE(s.ok()) << s.message();
    // The premise: one pipeline takes the fast path, the other does not.
    std::unique_ptr<Validator> v;
    ASSERT_TRUE(Validator::Load(CHISO_SOURCE_DIR "/schema/chiso1.schema.json", &v).ok());
    ASSERT_TRUE(v->fast_path());
    ASSERT_TRUE(Validator::Load((*dir_ / "schema" / "chiso1.schema.json").string(), &v).ok());
    ASSERT_FALSE(v->fast_path());
  }
  static void TearDownTestSuite() {
    fast_.reset();
    slow_.reset();
    fs::remove_all(*dir_);
    delete dir_;
  }

  // Runs one document through both pipelines; returns its figure count.
  static size_t Compare(const std::string& id, const std::string& bytes) {
    std::string lines[2];
    size_t figures = 0;
    for (int i = 0; i < 2; ++i) {
      Document doc;
      doc.id = id;
      doc.bytes = bytes;
      (i == 0 ? fast_ : slow_)->Process(doc);
      AppendJsonLine(doc, &lines[i]);
      EXPECT_EQ(lines[i],
                ToJson(doc).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n")
          << id;
      figures = doc.figures.size();
    }
    EXPECT_EQ(lines[0], lines[1]) << id;
    return figures;
  }

  static size_t CompareFolder(const std::string& folder) {
    std::vector<InputFile> inputs;
    Status s = CollectInputs({folder}, &inputs);
    EXPECT_TRUE(s.ok()) << s.message();
    size_t figures = 0;
    for (const InputFile& f : inputs) {
      std::ifstream in(f.path, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      figures += Compare(f.id, bytes.str());
    }
    return figures;
  }

  static fs::path* dir_;
  static std::unique_ptr<Pipeline> fast_, slow_;
};

fs::path* FastPathTest::dir_ = nullptr;
std::unique_ptr<Pipeline> FastPathTest::fast_, FastPathTest::slow_;

TEST_F(FastPathTest, SameRecordsOnTheOwnCorpora) {
  size_t figures = 0;
  for (const char* c : {"corpus/dev", "corpus/sample", "corpus/holdout", "fuzz/corpus/pipeline_fuzz"}) {
    figures += CompareFolder(std::string(CHISO_SOURCE_DIR) + "/" + c);
  }
  EXPECT_GT(figures, 500u);
}

TEST_F(FastPathTest, SameRecordsOnTheSeeds) {
  std::string seeds = std::string(CHISO_SHARED_DIR) + "/corpus/seeds";
  if (!fs::exists(seeds)) GTEST_SKIP() << "no " << seeds << " beside the checkout";
  EXPECT_GT(CompareFolder(seeds), 0u);
}

TEST_F(FastPathTest, SameRecordsOnAGeneratedCorpus) {
  gen::GenOptions o;
  o.seed = 11;
  o.docs = 400;
  size_t figures = 0;
  for (int64_t i = 0; i < o.docs; ++i) {
    gen::GeneratedDoc d;
    gen::GenerateDocument(o, i, &d);
    figures += Compare(d.id, d.text);
  }
  EXPECT_GT(figures, 2000u);
}

// ProcessAll's groups mix what a folder mixes: accented and unaccented
// text (matched folded), legacy encodings, HTML, a file that fails to load,
// an empty one and binary junk. Each document's record must be the one
// Process gives it alone, whatever group it is in.
TEST(ProcessAll, SameRecordsAsOneDocumentAtATime) {
  std::unique_ptr<Pipeline> p;
  ASSERT_TRUE(Pipeline::Create(CHISO_SOURCE_DIR, &p).ok());
  const fs::path dir = fs::temp_directory_path() / ("chiso_process_all_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  gen::GenOptions o;
  o.seed = 5;
  o.docs = 120;
  o.encodings = {gen::Encoding::kUtf8, gen::Encoding::kHtml, gen::Encoding::kTcvn3,
                 gen::Encoding::kUtf16le, gen::Encoding::kVni};
  gen::GenStats stats;
  ASSERT_TRUE(gen::WriteCorpus(o, (dir / "gen").string(), &stats).ok());
  std::ofstream(dir / "empty.txt").flush();
  std::ofstream(dir / "junk.bin", std::ios::binary) << std::string("\x00\xff\xfe\x01PK\x03\x04", 10) + std::string(3000, '\x07');
  std::vector<InputFile> inputs;
  ASSERT_TRUE(CollectInputs({dir.string(), std::string(CHISO_SOURCE_DIR) + "/corpus/dev",
                             std::string(CHISO_SOURCE_DIR) + "/corpus/sample"},
                            &inputs).ok());
  inputs.insert(inputs.begin() + 7, InputFile{(dir / "missing.txt").string(), "missing.txt"});
  // Interleave so that every group holds several kinds.
  std::vector<InputFile> mixed;
  for (size_t stride = 0; stride < 5; ++stride) {
    for (size_t i = stride; i < inputs.size(); i += 5) mixed.push_back(inputs[i]);
  }
  ASSERT_GT(mixed.size(), 160u);
  auto load = [&](const InputFile& f) {
    Document d;
    LoadDocument(f.path, f.id, IngestOptions{}, &d);
    return d;
  };
  std::vector<std::string> alone;
  size_t figures = 0, failed = 0;
  for (const InputFile& f : mixed) {
    Document d = load(f);
    p->Process(d);
    figures += d.figures.size();
    failed += d.failed();
    alone.emplace_back();
    AppendJsonLine(d, &alone.back());
  }
  EXPECT_GT(figures, 1000u);
  EXPECT_GE(failed, 2u);  // the missing file and the junk at least
  for (size_t group : {2u, 7u, 32u}) {
    for (size_t b = 0; b < mixed.size(); b += group) {
      std::vector<Document> docs;
      for (size_t i = b; i < std::min(mixed.size(), b + group); ++i) docs.push_back(load(mixed[i]));
      std::vector<Document*> ptrs;
      for (Document& d : docs) ptrs.push_back(&d);
      p->ProcessAll(ptrs, IngestOptions{});
      for (size_t k = 0; k < docs.size(); ++k) {
        std::string line;
        AppendJsonLine(docs[k], &line);
        EXPECT_EQ(line, alone[b + k]) << "group of " << group << ": " << mixed[b + k].id;
      }
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace chiso
