#include "ingest/ingest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace chiso {
namespace {

namespace fs = std::filesystem;

fs::path Write(const std::string& name, const std::string& bytes) {
  fs::path p = fs::temp_directory_path() / ("chiso_ingest_" + name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

TEST(Ingest, ReadsBytesAndHashes) {
  fs::path p = Write("a.txt", "abc");
  Document doc;
  LoadDocument(p.string(), "a.txt", {}, &doc);
  EXPECT_FALSE(doc.failed());
  EXPECT_EQ(doc.bytes, "abc");
  EXPECT_EQ(doc.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(doc.id, "a.txt");
  EXPECT_EQ(doc.format, Format::kText);
}

TEST(Ingest, MissingFileIsUnreadable) {
  Document doc;
  LoadDocument("/nonexistent/chiso/x.txt", "x.txt", {}, &doc);
  ASSERT_TRUE(doc.failed());
  EXPECT_EQ(doc.error->code, "unreadable");
}

TEST(Ingest, OversizedFileIsNotRead) {
  fs::path p = Write("big.txt", std::string(2000, 'x'));
  Document doc;
  IngestOptions opt;
  opt.max_bytes = 1000;
  LoadDocument(p.string(), "big.txt", opt, &doc);
  ASSERT_TRUE(doc.failed());
  EXPECT_EQ(doc.error->code, "too_large");
  EXPECT_TRUE(doc.bytes.empty());
}

TEST(Ingest, SniffsFormats) {
  EXPECT_EQ(SniffFormat("%PDF-1.7\n...", "a.txt"), Format::kPdf);
  EXPECT_EQ(SniffFormat("  <!DOCTYPE html><html>", "a.txt"), Format::kHtml);
  EXPECT_EQ(SniffFormat("<html lang=vi>", "a"), Format::kHtml);
  EXPECT_EQ(SniffFormat("<p>x</p>", "page.html"), Format::kHtml);
  EXPECT_EQ(SniffFormat("Chỉ số CCHC <b>", "a.txt"), Format::kText);
  EXPECT_EQ(SniffFormat("plain", "fake.pdf"), Format::kText);
}

}  // namespace
}  // namespace chiso
