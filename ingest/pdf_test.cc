// PDF ingest: layout, error codes, the sandbox, and the seeds rendered to PDF
// giving the same figures as their text. Every PDF here is written by the
// test itself with cairo (no downloaded documents).
#include "ingest/pdf.h"
#include "ingest/pdf_parse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>
#include <vector>

#include <signal.h>
#include <unistd.h>

#include "ingest/format_test_util.h"
#include "normalize/legacy_encodings.h"

namespace chiso {
namespace {

using namespace chiso::testing;

std::string Collapse(std::string_view s) {
  std::string r;
  for (char c : s) {
    bool sp = c == ' ' || c == '\n' || c == '\t';
    if (sp) {
      if (!r.empty() && r.back() != ' ') r += ' ';
    } else {
      r += c;
    }
  }
  while (!r.empty() && r.back() == ' ') r.pop_back();
  return r;
}

PdfText Extract(const std::string& bytes, Error* error = nullptr) {
  PdfText t;
  Error e;
  EXPECT_TRUE(ExtractPdfText(bytes, PdfOptions{}, &t, &e)) << e.code << ": " << e.message;
  if (error) *error = e;
  return t;
}

std::string ErrorCode(const std::string& bytes, PdfOptions opt = {}) {
  PdfText t;
  Error e;
  if (ExtractPdfText(bytes, opt, &t, &e)) return "ok";
  return e.code;
}

const char kPlan[] =
    "KẾ HOẠCH\n"
    "Cải cách hành chính năm 2024 của tỉnh Bình Định\n"
    "\n"
    "Năm 2023, Chỉ số cải cách hành chính (PAR INDEX) của tỉnh Bình Định đạt 87,21 điểm, xếp "
    "thứ 12/63 tỉnh, thành phố, tăng 5 bậc so với năm 2022. Chỉ số SIPAS năm 2023 của tỉnh đạt "
    "82,45%.\n"
    "\n"
    "Trong năm, tỉnh đã công bố 1.856 thủ tục hành chính, trong đó có 1.204 thủ tục được cung "
    "cấp dịch vụ công trực tuyến toàn trình; tỷ lệ hồ sơ giải quyết đúng hạn đạt 98,7%.\n";

std::string MakePdf(const std::string& name, const std::function<void(PdfWriter&)>& draw,
                    const std::string& title = "") {
  fs::path p = TempPath(name);
  {
    PdfWriter w(p, title);
    draw(w);
  }
  std::string bytes = ReadFile(p);
  fs::remove(p);
  return bytes;
}

TEST(PdfText, FlowedParagraphsReadBackAsTheirText) {
  std::string bytes = MakePdf("plan.pdf", [](PdfWriter& w) { w.Flow(kPlan); }, "Kế hoạch CCHC 2024");
  PdfText t = Extract(bytes);
  EXPECT_EQ(t.pages, 1);
  EXPECT_EQ(Collapse(t.text), Collapse(kPlan));
  // Short lines keep their line break; a blank line is a paragraph break.
  EXPECT_NE(t.text.find("KẾ HOẠCH\nCải cách"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("82,45%.\n\nTrong năm"), std::string::npos) << t.text;
  EXPECT_EQ(t.title, "Kế hoạch CCHC 2024");
  EXPECT_EQ(t.date, "2023-03-15");
}

TEST(PdfText, MultiPagePlanHasPagesAndFigurePages) {
  std::string body = ReadFile(fs::path(CHISO_SOURCE_DIR) / "corpus/dev/dev_013_binh_dinh_ke_hoach_cchc_2024.txt");
  std::string bytes = MakePdf("multi.pdf", [&](PdfWriter& w) {
    w.Flow(body);
    w.NewPage();
    w.Flow("Phần kết luận\n\nNăm 2023, tỷ lệ hồ sơ giải quyết đúng hạn của tỉnh Bình Định đạt 97,3%.\n");
    w.NewPage();
    w.Flow("Phụ lục\n\nKết quả Chỉ số CCHC năm 2023 của tỉnh Bình Định đạt 88,01 điểm.\n");
  });
  PdfText t = Extract(bytes);
  ASSERT_GE(t.pages, 3);
  ASSERT_EQ(t.page_starts.size(), static_cast<size_t>(t.pages));
  EXPECT_EQ(t.text.find("- 1 -"), std::string::npos) << "page numbers are dropped";
  size_t at = t.text.find("88,01");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(PageOfOffset(t.page_starts, at), t.pages);

  Document doc = RunPipeline(SharedPipeline(), "multi.pdf", bytes, Format::kPdf);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  EXPECT_EQ(doc.pages, t.pages);
  bool last_page_figure = false;
  for (const Figure& f : doc.figures) {
    ASSERT_TRUE(f.page.has_value());
    EXPECT_GE(*f.page, 1);
    EXPECT_LE(*f.page, t.pages);
    if (f.value == 88.01) {
      EXPECT_EQ(*f.page, t.pages);
      last_page_figure = true;
    }
    if (f.value == 97.3) {
      EXPECT_EQ(*f.page, t.pages - 1);
    }
  }
  EXPECT_TRUE(last_page_figure);
}

TEST(PdfText, TableRowReadsAsOneLine) {
  std::string bytes = MakePdf("table.pdf", [](PdfWriter& w) {
    w.Flow("BÁO CÁO\nKết quả cải cách hành chính năm 2023 của tỉnh Phú Thọ\n");
    double y = w.y() + 10;
    const char* rows[][3] = {{"STT", "Chỉ tiêu", "Kết quả"},
                             {"1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "98,5%"},
                             {"2", "Số thủ tục hành chính được công bố", "1.765"},
                             {"3", "Tỷ lệ hồ sơ trực tuyến", "62,3%"}};
    for (auto& r : rows) {
      w.Text(60, y, r[0]);
      w.Text(110, y, r[1]);
      w.Text(440, y, r[2]);
      y += PdfWriter::kPitch;
    }
    w.set_y(y + 20);
    w.Flow("Trên đây là báo cáo kết quả thực hiện.\n");
  });
  PdfText t = Extract(bytes);
  EXPECT_NE(t.text.find("STT | Chỉ tiêu | Kết quả\n1 | Tỷ lệ hồ sơ giải quyết đúng hạn | 98,5%\n2 | Số thủ tục"),
            std::string::npos)
      << t.text;
  // The rules see the rows as the same lines a text report has. (Today no
  // rule fires on a bare "label value" row: that is the extractor's part.)
  Document doc = RunPipeline(SharedPipeline(), "table.pdf", bytes, Format::kPdf);
  ASSERT_FALSE(doc.failed());
  Document twin = RunPipeline(SharedPipeline(), "table.txt", t.text, Format::kText);
  EXPECT_EQ(FigureKeys(doc), FigureKeys(twin));
}

TEST(PdfText, TwoColumnsReadLeftThenRight) {
  std::string left =
      "Năm 2022, Chỉ số PAR INDEX của tỉnh Nghệ An đạt 84,12 điểm, xếp thứ 22/63 tỉnh, thành "
      "phố. Đây là kết quả của nhiều giải pháp đồng bộ trong công tác cải cách hành chính của tỉnh.";
  std::string right =
      "Chỉ số SIPAS năm 2022 của tỉnh Nghệ An đạt 80,55%, tăng so với năm trước. Tỉnh tiếp tục "
      "đẩy mạnh chuyển đổi số và nâng cao chất lượng phục vụ người dân, doanh nghiệp.";
  std::string bytes = MakePdf("cols.pdf", [&](PdfWriter& w) {
    w.Flow("Kết quả cải cách hành chính năm 2022 của tỉnh Nghệ An\n\n");
    double top = w.y();
    w.Flow(left, PdfWriter::kMargin, 285);
    w.set_y(top);
    w.Flow(right, 310, PdfWriter::kWidth - PdfWriter::kMargin);
  });
  PdfText t = Extract(bytes);
  EXPECT_EQ(Collapse(t.text), Collapse("Kết quả cải cách hành chính năm 2022 của tỉnh Nghệ An " + left + " " + right))
      << t.text;
}

TEST(PdfText, HyphenAtWrapIsRejoined) {
  std::string bytes = MakePdf("hyphen.pdf", [](PdfWriter& w) {
    std::string l1 = "Tỉnh tiếp tục đẩy mạnh cải cách hành chính, hiện đại hó-";
    w.Text(PdfWriter::kMargin, 100, l1);
    // Fill the line to the margin so the break is a wrap.
    w.Text(PdfWriter::kMargin, 100 + PdfWriter::kPitch, "a nền hành chính.");
    w.Text(PdfWriter::kMargin, 100 + 2 * PdfWriter::kPitch, "Giai đoạn 2021-");
    w.Text(PdfWriter::kMargin, 100 + 3 * PdfWriter::kPitch, "2025.");
  });
  PdfText t = Extract(bytes);
  // The first line is the longest, so it reaches the column's right edge.
  EXPECT_NE(t.text.find("hiện đại hóa nền"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("Giai đoạn 2021-\n2025."), std::string::npos) << t.text;
}

// TCVN3 (.VnTime) text drawn through a Latin-1 font extracts as mojibake; the
// normalize stage converts it back.
TEST(PdfText, LegacyFontMojibakeIsConverted) {
  static const char32_t kCp1252[32] = {0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021,
                                       0x2C6,  0x2030, 0x160,  0x2039, 0x152,  0x8D,   0x17D,  0x8F,
                                       0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                       0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178};
  std::string sentence = "Năm 2023, Chỉ số cải cách hành chính của tỉnh Thái Bình đạt 86,34 điểm.";
  std::string legacy = EncodeTcvn3(sentence);
  std::string shown;
  for (unsigned char b : legacy) {
    char32_t cp = b < 0x80 ? b : b < 0xA0 ? kCp1252[b - 0x80] : b;
    if (cp < 0x80) {
      shown += static_cast<char>(cp);
    } else if (cp < 0x800) {
      shown += static_cast<char>(0xC0 | (cp >> 6));
      shown += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      shown += static_cast<char>(0xE0 | (cp >> 12));
      shown += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      shown += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::string bytes = MakePdf("tcvn3.pdf", [&](PdfWriter& w) {
    w.Flow(shown + "\n\n" + shown + "\n");
  });
  Document doc = RunPipeline(SharedPipeline(), "tcvn3.pdf", bytes, Format::kPdf);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  EXPECT_EQ(doc.encoding, "UTF-8+TCVN3");
  EXPECT_NE(doc.text.find("tỉnh Thái Bình đạt 86,34 điểm"), std::string::npos) << doc.text;
}

TEST(PdfErrors, ImageOnlyPdfHasNoTextLayer) {
  std::string bytes = MakePdf("scan.pdf", [](PdfWriter& w) {
    cairo_t* cr = w.cr();
    for (int i = 0; i < 20; ++i) {
      cairo_rectangle(cr, 60, 60 + 30 * i, 300 + 5 * i, 12);
      cairo_fill(cr);
    }
  });
  // The footer page number is the only text: still no text layer, and OCR
  // (when Tesseract is there) finds no words in the bars.
  EXPECT_EQ(ErrorCode(bytes), "no_text_layer");
}

TEST(PdfErrors, TruncatedCorruptEncryptedEmpty) {
  std::string good = MakePdf("good.pdf", [](PdfWriter& w) { w.Flow(kPlan); });
  EXPECT_EQ(ErrorCode(good), "ok");
  std::string cut = ErrorCode(good.substr(0, good.size() / 2));
  EXPECT_TRUE(cut == "pdf_truncated" || cut == "pdf_corrupt") << cut;
  EXPECT_EQ(ErrorCode("%PDF-1.5\n" + std::string(3000, 'x') + "\n%%EOF\n"), "pdf_corrupt");

  // A well-formed PDF whose page tree is empty.
  std::string objs[] = {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (int i = 0; i < 2; ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objs[i] + "\nendobj\n";
  }
  size_t xref = pdf.size();
  pdf += "xref\n0 3\n0000000000 65535 f \n";
  for (size_t o : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", o);
    pdf += buf;
  }
  pdf += "trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  std::string empty = ErrorCode(pdf);
  EXPECT_TRUE(empty == "pdf_empty" || empty == "pdf_corrupt") << empty;

  fs::path in = TempPath("plain.pdf"), out = TempPath("locked.pdf");
  std::ofstream(in, std::ios::binary) << good;
  std::string cmd = "qpdf --encrypt user owner 256 -- " + in.string() + " " + out.string() + " 2>/dev/null";
  if (std::system(cmd.c_str()) == 0) {
    EXPECT_EQ(ErrorCode(ReadFile(out)), "pdf_encrypted");
  } else {
    std::cout << "qpdf not available: encrypted case skipped\n";
  }
  fs::remove(in);
  fs::remove(out);
}

TEST(PdfSandbox, CrashHangAndMemoryBecomeErrors) {
  std::string good = MakePdf("good2.pdf", [](PdfWriter& w) { w.Flow(kPlan); });
  PdfOptions crash;
  crash.fault_for_test = 1;
  EXPECT_EQ(ErrorCode(good, crash), "pdf_crash");
  PdfOptions hang;
  hang.fault_for_test = 2;
  hang.wall_seconds = 1;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(ErrorCode(good, hang), "timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  PdfOptions hog;
  hog.fault_for_test = 3;
  hog.max_memory = size_t{256} << 20;
  EXPECT_EQ(ErrorCode(good, hog), "too_large");
  // The helper's sandbox gives the same text as parsing in process.
  PdfText a, b;
  Error e;
  ASSERT_TRUE(ExtractPdfText(good, PdfOptions{}, &a, &e));
  ASSERT_TRUE(ParsePdf(good, PdfOptions{}, nullptr, &b, &e));
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.page_starts, b.page_starts);
}

// Workers fork their parsers concurrently; each gets its own text.
TEST(PdfSandbox, ParallelBatchOfPdfs) {
  fs::path dir = TempPath("batch");
  fs::create_directories(dir);
  for (int i = 0; i < 6; ++i) {
    std::string text = "Năm 2023, Chỉ số cải cách hành chính của tỉnh Nghệ An đạt 8" + std::to_string(i) + ",5 điểm.\n";
    std::ofstream(dir / ("d" + std::to_string(i) + ".pdf"), std::ios::binary)
        << MakePdf("b.pdf", [&](PdfWriter& w) { w.Flow(text); });
  }
  std::vector<InputFile> inputs;
  ASSERT_TRUE(CollectInputs({dir.string()}, &inputs).ok());
  BatchOptions opt;
  opt.jobs = 3;
  int i = 0;
  RunBatch(SharedPipeline(), inputs, opt, [&](const Document& d) {
    EXPECT_FALSE(d.failed()) << d.id << ": " << d.error->message;
    ASSERT_EQ(d.figures.size(), 1u) << d.text;
    EXPECT_EQ(d.figures[0].value, 80.5 + 1.0 * i) << d.id;
    EXPECT_EQ(d.figures[0].page, 1);
    ++i;
  });
  EXPECT_EQ(i, 6);
  fs::remove_all(dir);
}

// The chiso-pdf helper process (ingest/pdf.h). Each case runs on a new
// thread: a thread keeps its helper, so the environment is read afresh.
struct HelperOutcome {
  std::string code, message;
};

HelperOutcome OnNewThread(const std::string& bytes, const char* helper, PdfOptions opt = {}) {
  HelperOutcome r;
  std::thread t([&] {
    if (helper) setenv("CHISO_PDF_HELPER", helper, 1);
    PdfText text;
    Error e;
    r.code = ExtractPdfText(bytes, opt, &text, &e) ? "ok" : e.code;
    r.message = e.message;
    if (helper) unsetenv("CHISO_PDF_HELPER");
  });
  t.join();
  return r;
}

TEST(PdfHelper, MissingHelperIsAnErrorPerDocument) {
  std::string good = MakePdf("helper1.pdf", [](PdfWriter& w) { w.Flow(kPlan); });
  HelperOutcome missing = OnNewThread(good, "/nonexistent/chiso-pdf");
  EXPECT_EQ(missing.code, "pdf_unavailable");
  EXPECT_NE(missing.message.find("/nonexistent/chiso-pdf"), std::string::npos) << missing.message;
  EXPECT_NE(missing.message.find("No such file"), std::string::npos) << missing.message;
  // A program that is no helper (it never says hello) is refused the same way.
  HelperOutcome wrong = OnNewThread(good, "/bin/false");
  EXPECT_EQ(wrong.code, "pdf_unavailable");
  EXPECT_NE(wrong.message.find("exited with status 1 at start"), std::string::npos) << wrong.message;
  EXPECT_EQ(OnNewThread(good, nullptr).code, "ok");
}

// In a batch, a missing helper fails each PDF; the text files and the run go on.
TEST(PdfHelper, MissingHelperDoesNotStopTheBatch) {
  fs::path dir = TempPath("nohelper");
  fs::create_directories(dir);
  std::ofstream(dir / "a.pdf", std::ios::binary) << MakePdf("h.pdf", [](PdfWriter& w) { w.Flow(kPlan); });
  std::ofstream(dir / "b.txt") << kPlan;
  std::ofstream(dir / "c.pdf", std::ios::binary) << MakePdf("h.pdf", [](PdfWriter& w) { w.Flow(kPlan); });
  std::vector<InputFile> inputs;
  ASSERT_TRUE(CollectInputs({dir.string()}, &inputs).ok());
  setenv("CHISO_PDF_HELPER", "/nonexistent/chiso-pdf", 1);
  std::vector<std::string> codes;
  BatchOptions opt;
  opt.jobs = 2;
  RunBatch(SharedPipeline(), inputs, opt,
           [&](const Document& d) { codes.push_back(d.failed() ? d.error->code : "ok"); });
  unsetenv("CHISO_PDF_HELPER");
  EXPECT_EQ(codes, (std::vector<std::string>{"pdf_unavailable", "ok", "pdf_unavailable"}));
  fs::remove_all(dir);
}

// The pids of this process's children named chiso-pdf.
std::vector<pid_t> HelperPids() {
  std::vector<pid_t> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    size_t close = line.rfind(')');
    if (close == std::string::npos || line.find("(chiso-pdf)") == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t ppid;
    if (rest >> state >> ppid && ppid == getpid()) pids.push_back(std::stoi(entry.path().filename().string()));
  }
  return pids;
}

// The helper dying under a document makes that document pdf_crash; the
// thread's next PDF gets a new helper.
TEST(PdfHelper, HelperKilledMidDocumentIsRestarted) {
  std::string good = MakePdf("helper2.pdf", [](PdfWriter& w) { w.Flow(kPlan); });
  std::string first, second;
  std::thread worker([&] {
    PdfOptions hang;
    hang.fault_for_test = 2;
    hang.wall_seconds = 20;
    PdfText t;
    Error e;
    first = ExtractPdfText(good, hang, &t, &e) ? "ok" : e.code + ": " + e.message;
    second = ExtractPdfText(good, PdfOptions{}, &t, &e) ? "ok" : e.code + ": " + e.message;
  });
  std::vector<pid_t> pids;
  for (int i = 0; i < 200 && pids.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    pids = HelperPids();
  }
  ASSERT_EQ(pids.size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the document is in hand
  auto t0 = std::chrono::steady_clock::now();
  kill(pids[0], SIGKILL);
  worker.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(first.rfind("pdf_crash: the PDF parser process (chiso-pdf) died with signal", 0), 0u) << first;
  EXPECT_EQ(second, "ok");
  EXPECT_TRUE(HelperPids().empty());  // the thread's helper ended with it
}

// Acceptance (issue 4): each seed rendered to PDF gives the same figures as
// its text, page aside.
TEST(PdfAcceptance, SeedsGiveTheirTextFigures) {
  std::vector<fs::path> seeds = Seeds();
  if (seeds.empty()) GTEST_SKIP() << "no seeds beside the checkout";
  for (const fs::path& seed : seeds) {
    std::string text = ReadFile(seed);
    Document plain = RunPipeline(SharedPipeline(), seed.filename().string(), text, Format::kText);
    ASSERT_FALSE(plain.failed());
    std::string bytes = MakePdf("seed.pdf", [&](PdfWriter& w) { w.Flow(text); });
    Document pdf = RunConverted(seed, bytes, Format::kPdf, ".pdf");
    ASSERT_FALSE(pdf.failed()) << seed << ": " << pdf.error->message;
    EXPECT_EQ(FigureKeys(pdf), FigureKeys(plain)) << seed;
    int last = 1;
    for (const Figure& f : pdf.figures) {
      ASSERT_TRUE(f.page.has_value());
      EXPECT_GE(*f.page, last) << "pages follow the text order";
      last = *f.page;
    }
  }
}

// The project's own dev corpus, rendered the same way: same figures.
TEST(PdfAcceptance, DevCorpusGivesItsTextFigures) {
  std::vector<fs::path> docs;
  for (const auto& e : fs::directory_iterator(fs::path(CHISO_SOURCE_DIR) / "corpus" / "dev")) {
    if (e.path().extension() == ".txt") docs.push_back(e.path());
  }
  std::sort(docs.begin(), docs.end());
  ASSERT_FALSE(docs.empty());
  for (const fs::path& path : docs) {
    std::string text = ReadFile(path);
    Document plain = RunPipeline(SharedPipeline(), path.filename().string(), text, Format::kText);
    std::string bytes = MakePdf("dev.pdf", [&](PdfWriter& w) { w.Flow(text); });
    Document pdf = RunConverted(path, bytes, Format::kPdf, ".pdf");
    ASSERT_FALSE(pdf.failed()) << path << ": " << pdf.error->message;
    EXPECT_EQ(FigureKeys(pdf), FigureKeys(plain)) << path;
  }
}

}  // namespace
}  // namespace chiso
