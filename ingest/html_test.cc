// HTML ingest: charset, boilerplate removal, main block, title and date, and
// the seeds wrapped in a realistic news page giving exactly their figures.
#include "ingest/html.h"

#include <gtest/gtest.h>

#include "ingest/format_test_util.h"

namespace chiso {
namespace {

using namespace chiso::testing;

std::string Escape(std::string_view s) {
  std::string r;
  for (char c : s) {
    if (c == '&') {
      r += "&amp;";
    } else if (c == '<') {
      r += "&lt;";
    } else if (c == '>') {
      r += "&gt;";
    } else {
      r += c;
    }
  }
  return r;
}

// Paragraphs (blank-line separated) become <p>, their lines joined by <br>.
std::string Paragraphs(const std::string& text) {
  std::string out, para;
  std::istringstream in(text);
  std::string line;
  auto flush = [&] {
    if (!para.empty()) out += "      <p>" + para + "</p>\n";
    para.clear();
  };
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      flush();
      continue;
    }
    if (!para.empty()) para += "<br>\n";
    para += Escape(line);
  }
  flush();
  return out;
}

// A news page around `body`: menus, breadcrumb, share buttons, a related
// articles list and a sidebar full of figures, a footer with counters.
std::string NewsPage(const std::string& title, const std::string& body) {
  return R"(<!DOCTYPE html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <title>)" + Escape(title) + R"( - Cổng thông tin điện tử tỉnh</title>
  <meta property="og:title" content=")" + Escape(title) + R"(">
  <meta property="article:published_time" content="2021-06-25T09:00:00+07:00">
  <style>body { font-family: Arial; } .menu li { display: inline; }</style>
  <script>var banner = "Chỉ số CCHC năm 2020 đạt 99,99 điểm"; window.dataLayer = [];</script>
</head>
<body>
  <div id="skip"><a href="#main">Bỏ qua và đến nội dung chính</a></div>
  <header class="site-header">
    <div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH</div>
    <nav class="main-menu"><ul>
      <li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a></li>
      <li><a href="/cchc">Cải cách hành chính: Chỉ số PAR INDEX 2020 đạt 90,1 điểm</a></li>
      <li><a href="/dvc">Dịch vụ công</a></li></ul></nav>
  </header>
  <div class="container">
    <div class="row">
      <div class="col-main">
        <div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="/tin">Tin tức &amp; sự kiện</a></div>
        <article class="news-detail">
          <div class="share-tools"><a href="#">Chia sẻ</a> <a href="#">In bài</a> Lượt xem: 1.234</div>
          <div class="article-body">
)" + body + R"(          </div>
          <div class="tin-lien-quan">
            <h3>Tin liên quan</h3>
            <ul>
              <li><a href="/a1">Chỉ số PAR INDEX năm 2019 của tỉnh Hà Giang đạt 85,12 điểm, xếp thứ 10/63</a> (12/05/2020)</li>
              <li><a href="/a2">Tỷ lệ hồ sơ giải quyết đúng hạn của tỉnh Lào Cai đạt 99,8%</a></li>
              <li><a href="/a3">SIPAS 2019: Bình Định đạt 88,5%</a></li>
            </ul>
          </div>
        </article>
      </div>
      <aside class="col-side">
        <h3>Tin đọc nhiều</h3>
        <ul><li><a href="/b1">Chỉ số PCI năm 2020 của tỉnh Quảng Ninh đạt 75,09 điểm</a></li></ul>
        <div class="poll">Bạn đánh giá thế nào về Chỉ số SIPAS 2020 đạt 89,6%? <form><input type="radio"> Tốt</form></div>
      </aside>
    </div>
  </div>
  <footer>
    <p>Lượt truy cập: 12.345.678 | Đang online: 1.234</p>
    <p>Bản quyền &copy; 2021 UBND tỉnh. Điện thoại: 0296.3852.111. Giấy phép số 45/GP-TTĐT.</p>
  </footer>
</body>
</html>
)";
}

HtmlText Extract(const std::string& bytes) {
  HtmlText h;
  Error e;
  EXPECT_TRUE(ExtractHtmlText(bytes, &h, &e)) << e.code << ": " << e.message;
  return h;
}

TEST(HtmlText, KeepsTheArticleAndDropsBoilerplate) {
  std::string body = Paragraphs(
      "Kết quả cải cách hành chính năm 2022\n"
      "Ngày 12/4/2023\n\n"
      "Năm 2022, Chỉ số PAR INDEX của tỉnh Nghệ An đạt 84,12 điểm, xếp thứ 22/63 tỉnh &amp; thành phố.");
  HtmlText h = Extract(NewsPage("Nghệ An: Chỉ số CCHC 2022", body));
  EXPECT_EQ(h.text,
            "Kết quả cải cách hành chính năm 2022\nNgày 12/4/2023\n\n"
            "Năm 2022, Chỉ số PAR INDEX của tỉnh Nghệ An đạt 84,12 điểm, xếp thứ 22/63 tỉnh &amp; thành phố.");
  EXPECT_EQ(h.title, "Nghệ An: Chỉ số CCHC 2022");
  EXPECT_EQ(h.date, "2021-06-25");
  EXPECT_EQ(h.encoding, "UTF-8");
}

TEST(HtmlText, CharsetEntitiesTitleAndTime) {
  // A windows-1258 page (tones as combining marks) with entities and a table.
  std::string page =
      "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">"
      "<title>Trang</title></head><body><div><h1>Ti\xEA\xF2u \xF0\xEA\xF2 &amp; b\xE0i</h1>"
      "<time datetime=\"2023-04-05\">5/4</time><p>T\xE1\xF2nh &quot;A&quot; &ndash; 12,5%</p>"
      "<table><tr><td>1</td><td>S\xF4\xEC h\xF4\xEC s\xF5</td><td>98,5%</td></tr></table></div></body></html>";
  HtmlText h = Extract(page);
  EXPECT_EQ(h.encoding, "windows-1258");
  EXPECT_EQ(h.date, "2023-04-05");
  EXPECT_NE(h.text.find("\"A\" \u2013 12,5%"), std::string::npos) << h.text;
  EXPECT_NE(h.text.find("\n1 | S"), std::string::npos) << "a table row reads as one line, cells apart: " << h.text;
  EXPECT_FALSE(h.title.empty());
}

TEST(HtmlText, PageWithoutTextIsAnError) {
  HtmlText h;
  Error e;
  EXPECT_FALSE(ExtractHtmlText("<html><body><nav><a href=/>Trang chủ</a></nav><script>x=1</script></body></html>",
                               &h, &e));
  EXPECT_EQ(e.code, "html_empty");
}

TEST(HtmlPipeline, RecordTakesHtmlMetadata) {
  std::string body = Paragraphs("Năm 2022, Chỉ số PAR INDEX của tỉnh Nghệ An đạt 84,12 điểm.");
  Document doc = RunPipeline(SharedPipeline(), "a.html", NewsPage("Nghệ An dẫn đầu", body), Format::kHtml);
  ASSERT_FALSE(doc.failed()) << doc.error->message;
  EXPECT_EQ(doc.title, "Nghệ An dẫn đầu");
  EXPECT_EQ(doc.date, "2021-06-25");
  ASSERT_EQ(doc.figures.size(), 1u);
  EXPECT_EQ(doc.figures[0].value, 84.12);
  EXPECT_FALSE(doc.figures[0].page.has_value());
}

// Acceptance (issue 4): each seed wrapped in a news page gives exactly the
// figures of its text: nothing from menus, footers or related articles.
TEST(HtmlAcceptance, SeedsGiveExactlyTheirTextFigures) {
  std::vector<fs::path> seeds = Seeds();
  if (seeds.empty()) GTEST_SKIP() << "no seeds beside the checkout";
  for (const fs::path& seed : seeds) {
    std::string text = ReadFile(seed);
    Document plain = RunPipeline(SharedPipeline(), seed.filename().string(), text, Format::kText);
    ASSERT_FALSE(plain.failed());
    std::string page = NewsPage(plain.title, Paragraphs(text));
    Document html = RunConverted(seed, page, Format::kHtml, ".html");
    ASSERT_FALSE(html.failed()) << seed << ": " << html.error->message;
    EXPECT_EQ(FigureKeys(html), FigureKeys(plain)) << seed;
  }
}

}  // namespace
}  // namespace chiso
