#include "ingest/html.h"

#include <gumbo.h>
#include <unicode/ucnv.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace chiso {
namespace {

std::string Lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool ValidUtf8(std::string_view s) {
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  const uint8_t* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

// The charset named in the first 4 KB (<meta charset=...> or a
// Content-Type "charset=..."), lower case, or "".
std::string DeclaredCharset(std::string_view bytes) {
  std::string head = Lower(bytes.substr(0, 4096));
  size_t at = 0;
  while ((at = head.find("charset", at)) != std::string::npos) {
    size_t i = at + 7;
    at = i;
    while (i < head.size() && (head[i] == ' ' || head[i] == '=' || head[i] == '"' || head[i] == '\'')) ++i;
    size_t j = i;
    while (j < head.size() && (std::isalnum(static_cast<unsigned char>(head[j])) || head[j] == '-' || head[j] == '_')) ++j;
    if (j > i) return head.substr(i, j - i);
  }
  return "";
}

bool ConvertToUtf8(std::string_view bytes, const char* charset, std::string* out) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> from(ucnv_open(charset, &status), ucnv_close);
  if (U_FAILURE(status)) return false;
  std::unique_ptr<UConverter, void (*)(UConverter*)> to(ucnv_open("UTF-8", &status), ucnv_close);
  if (U_FAILURE(status)) return false;
  out->resize(bytes.size() * 3 + 16);
  char* target = out->data();
  const char* source = bytes.data();
  ucnv_convertEx(to.get(), from.get(), &target, out->data() + out->size(), &source, bytes.data() + bytes.size(),
                 nullptr, nullptr, nullptr, nullptr, true, true, &status);
  if (U_FAILURE(status)) return false;
  out->resize(static_cast<size_t>(target - out->data()));
  return true;
}

// Decodes `bytes` to UTF-8 following step 1 of the header.
bool ToUtf8(std::string_view bytes, HtmlText* out, std::string* utf8, Error* error) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    out->encoding = "UTF-8";
    utf8->assign(bytes.substr(3));
    return true;
  }
  const char* bom16 = nullptr;
  if (bytes.substr(0, 2) == "\xFF\xFE") bom16 = "UTF-16LE";
  if (bytes.substr(0, 2) == "\xFE\xFF") bom16 = "UTF-16BE";
  if (bom16) {
    out->encoding = bom16;
    if (ConvertToUtf8(bytes.substr(2), bom16, utf8)) return true;
    error->code = "undecodable";
    error->message = std::string("the page is not valid ") + bom16;
    return false;
  }
  std::string declared = DeclaredCharset(bytes);
  if (declared.empty() || declared == "utf-8" || declared == "utf8") {
    if (!declared.empty() || ValidUtf8(bytes)) {
      out->encoding = "UTF-8";
      utf8->assign(bytes);  // stray invalid bytes become U+FFFD in gumbo
      return true;
    }
    declared = "windows-1258";
  }
  if (declared == "utf-16") declared = "utf-16le";  // a meta cannot be read in real UTF-16 anyway
  if (!ConvertToUtf8(bytes, declared.c_str(), utf8)) {
    error->code = "undecodable";
    error->message = "cannot convert the page from its charset " + declared;
    return false;
  }
  out->encoding = declared;
  return true;
}

std::string_view TagName(const GumboNode* n) {
  if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) return "";
  if (n->v.element.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(n->v.element.tag);
  return "";
}

const char* Attr(const GumboNode* n, const char* name) {
  if (n->type != GUMBO_NODE_ELEMENT) return nullptr;
  const GumboAttribute* a = gumbo_get_attribute(&n->v.element.attributes, name);
  return a ? a->value : nullptr;
}

bool OneOf(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// True when an id/class value names boilerplate ("menu-top", "tin_lien_quan").
bool BoilerplateName(const char* value) {
  if (!value) return false;
  std::string v = Lower(value);
  std::string squashed;
  for (char c : v) {
    if (std::isalnum(static_cast<unsigned char>(c))) squashed += c;
  }
  if (squashed.find("lienquan") != std::string::npos || squashed.find("related") != std::string::npos) return true;
  std::string token;
  for (size_t i = 0; i <= v.size(); ++i) {
    char c = i < v.size() ? v[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c))) {
      token += c;
      continue;
    }
    if (OneOf(token, {"menu", "nav", "navbar", "navigation", "footer", "sidebar", "breadcrumb", "breadcrumbs",
                      "comment", "comments", "share", "social", "banner", "ads", "advert", "advertisement",
                      "widget", "tags", "toolbar", "topbar", "mostview", "xemnhieu"})) {
      return true;
    }
    token.clear();
  }
  return false;
}

bool Dropped(const GumboNode* n) {
  if (n->type == GUMBO_NODE_COMMENT) return true;
  if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) return false;
  if (n->type == GUMBO_NODE_TEMPLATE) return true;
  std::string_view t = TagName(n);
  if (OneOf(t, {"script", "style", "noscript", "template", "iframe", "svg", "nav", "header", "footer", "aside",
                "form", "button", "select", "head", "textarea", "object", "embed"})) {
    return true;
  }
  return BoilerplateName(Attr(n, "id")) || BoilerplateName(Attr(n, "class"));
}

size_t VisibleChars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 && !std::isspace(c);
  return n;
}

struct Stats {
  size_t text = 0;  // visible characters
  size_t link = 0;  // of which inside <a>
};

class Walker {
 public:
  const Stats& Measure(const GumboNode* n, bool in_link) {
    Stats s;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA) {
      s.text = VisibleChars(n->v.text.text);
      if (in_link) s.link = s.text;
    } else if (n->type == GUMBO_NODE_ELEMENT && !Dropped(n)) {
      bool link = in_link || TagName(n) == "a";
      const GumboVector& kids = n->v.element.children;
      for (unsigned i = 0; i < kids.length; ++i) {
        const Stats& k = Measure(static_cast<const GumboNode*>(kids.data[i]), link);
        s.text += k.text;
        s.link += k.link;
      }
    }
    return stats_[n] = s;
  }

  const Stats& Of(const GumboNode* n) { return stats_[n]; }

  // Step 3: the main block.
  const GumboNode* MainBlock(const GumboNode* body) {
    const GumboNode* cur = body;
    for (;;) {
      if (TagName(cur) == "article") return cur;
      double score = Score(cur);
      const GumboNode* best = nullptr;
      double best_score = 0;
      const GumboVector& kids = cur->v.element.children;
      for (unsigned i = 0; i < kids.length; ++i) {
        const GumboNode* k = static_cast<const GumboNode*>(kids.data[i]);
        if (k->type != GUMBO_NODE_ELEMENT || Dropped(k)) continue;
        if (!OneOf(TagName(k), {"div", "article", "main", "section", "td", "table", "tbody", "tr", "center"})) continue;
        double ks = Score(k);
        if (ks > best_score) best = k, best_score = ks;
      }
      if (!best || best_score < 0.6 * score) return cur;
      cur = best;
    }
  }

  // Step 4. `main` is rendered whatever its link density.
  void RenderMain(const GumboNode* main, std::string* out) {
    main_ = main;
    Render(main, false, out);
  }

  void Render(const GumboNode* n, bool pre, std::string* out) {
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA || n->type == GUMBO_NODE_WHITESPACE) {
      std::string_view t = n->v.text.text;
      if (pre) {
        Text(t, out);
        return;
      }
      std::string collapsed;
      bool space = false;
      for (char c : t) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
          space = true;
          continue;
        }
        if (space && !collapsed.empty()) collapsed += ' ';
        if (space && collapsed.empty()) pending_space_ = true;
        space = false;
        collapsed += c;
      }
      if (!collapsed.empty()) {
        Text(collapsed, out);
        if (space) pending_space_ = true;
      } else if (space) {
        pending_space_ = true;
      }
      return;
    }
    if (n->type != GUMBO_NODE_ELEMENT || Dropped(n)) return;
    std::string_view t = TagName(n);
    if (t == "br") {
      Break(1);
      return;
    }
    if (t == "img" || t == "hr") {
      if (t == "hr") Break(2);
      return;
    }
    const Stats& s = Of(n);
    if (n != main_ && OneOf(t, {"ul", "ol", "table", "div", "section", "dl", "menu"}) && s.text > 0 &&
        s.link * 2 > s.text) {
      return;  // link lists: menus, related articles
    }
    bool block = OneOf(t, {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
                           "li", "table", "blockquote", "pre", "dl", "dt", "dd", "figure", "figcaption", "address",
                           "center", "caption", "tbody", "thead", "tfoot"});
    bool row = t == "tr";
    bool cell = t == "td" || t == "th";
    if (block) Break(2);
    if (row) Break(1);
    // Cells of a row are kept apart by " | " so a table row reads as one line
    // whose columns the extractor's table reader can split.
    if (cell && !at_line_start_) pending_cell_ = true;
    const GumboVector& kids = n->v.element.children;
    for (unsigned i = 0; i < kids.length; ++i) {
      Render(static_cast<const GumboNode*>(kids.data[i]), pre || t == "pre", out);
    }
    if (block) Break(2);
    if (row) Break(1);
    if (cell) pending_space_ = true;
  }

 private:
  double Score(const GumboNode* n) {
    const Stats& s = Of(n);
    return static_cast<double>(s.text) - static_cast<double>(s.link);
  }

  void Break(int level) { pending_break_ = std::max(pending_break_, level); }

  void Text(std::string_view t, std::string* out) {
    if (t.empty()) return;
    if (!out->empty()) {
      if (pending_break_ == 2) {
        *out += "\n\n";
      } else if (pending_break_ == 1) {
        *out += '\n';
      } else if (pending_cell_ && !at_line_start_) {
        *out += " | ";
      } else if (pending_space_ && !at_line_start_) {
        *out += ' ';
      }
    }
    pending_break_ = 0;
    pending_space_ = false;
    pending_cell_ = false;
    *out += t;
    at_line_start_ = t.back() == '\n';
  }

  std::unordered_map<const GumboNode*, Stats> stats_;
  const GumboNode* main_ = nullptr;
  int pending_break_ = 0;
  bool pending_space_ = false;
  bool pending_cell_ = false;
  bool at_line_start_ = true;
};

const GumboNode* FindFirst(const GumboNode* n, std::string_view tag) {
  if (n->type != GUMBO_NODE_ELEMENT) return nullptr;
  if (TagName(n) == tag) return n;
  const GumboVector& kids = n->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    if (const GumboNode* f = FindFirst(static_cast<const GumboNode*>(kids.data[i]), tag)) return f;
  }
  return nullptr;
}

void AllText(const GumboNode* n, std::string* out) {
  if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA || n->type == GUMBO_NODE_WHITESPACE) {
    for (const char* p = n->v.text.text; *p; ++p) {
      bool sp = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
      if (sp) {
        if (!out->empty() && out->back() != ' ') *out += ' ';
      } else {
        *out += *p;
      }
    }
    return;
  }
  if (n->type != GUMBO_NODE_ELEMENT) return;
  const GumboVector& kids = n->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) AllText(static_cast<const GumboNode*>(kids.data[i]), out);
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(' ');
  return s.substr(b, e - b + 1);
}

// "2021-06-25T09:00:00+07:00" -> "2021-06-25"; anything else -> "".
std::string IsoDate(const char* v) {
  if (!v) return "";
  std::string s = Trim(v);
  if (s.size() < 10) return "";
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return "";
  }
  if (s[4] != '-' || s[7] != '-') return "";
  int y = std::stoi(s.substr(0, 4)), m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31) return "";
  return s.substr(0, 10);
}

void Metadata(const GumboNode* n, HtmlText* out, std::string* og_title, std::string* time_date) {
  if (n->type != GUMBO_NODE_ELEMENT) return;
  std::string_view t = TagName(n);
  if (t == "meta") {
    const char* key = Attr(n, "property");
    if (!key) key = Attr(n, "name");
    if (!key) key = Attr(n, "itemprop");
    const char* content = Attr(n, "content");
    if (key && content) {
      std::string k = Lower(key);
      if (k == "og:title" && og_title->empty()) *og_title = Trim(content);
      if (out->date.empty() && OneOf(k, {"article:published_time", "datepublished", "pubdate", "date",
                                         "dc.date", "dc.date.issued", "publishdate"})) {
        out->date = IsoDate(content);
      }
    }
  } else if (t == "time" && time_date->empty()) {
    *time_date = IsoDate(Attr(n, "datetime"));
  }
  const GumboVector& kids = n->v.element.children;
  for (unsigned i = 0; i < kids.length; ++i) {
    Metadata(static_cast<const GumboNode*>(kids.data[i]), out, og_title, time_date);
  }
}

}  // namespace

bool ExtractHtmlText(std::string_view bytes, HtmlText* out, Error* error) {
  *out = HtmlText();
  *error = Error();
  std::string utf8;
  if (!ToUtf8(bytes, out, &utf8, error)) return false;
  GumboOutput* g = gumbo_parse_with_options(&kGumboDefaultOptions, utf8.data(), utf8.size());
  if (!g) {
    error->code = "internal";
    error->message = "gumbo could not parse the page";
    return false;
  }
  const GumboNode* root = g->root;
  std::string og_title, time_date;
  Metadata(root, out, &og_title, &time_date);
  if (out->date.empty()) out->date = time_date;
  if (!og_title.empty()) {
    out->title = og_title;
  } else {
    std::string h1, title;
    const GumboNode* body0 = FindFirst(root, "body");
    if (const GumboNode* n = body0 ? FindFirst(body0, "h1") : nullptr) AllText(n, &h1);
    if (const GumboNode* n = FindFirst(root, "title")) AllText(n, &title);
    out->title = Trim(!Trim(h1).empty() ? h1 : title);
  }
  const GumboNode* body = FindFirst(root, "body");
  if (body) {
    Walker w;
    w.Measure(body, false);
    const GumboNode* main = w.MainBlock(body);
    w.RenderMain(main, &out->text);
  }
  gumbo_destroy_output(&kGumboDefaultOptions, g);
  if (out->text.find_first_not_of(" \n") == std::string::npos) {
    error->code = "html_empty";
    error->message = "the page has no article text";
    out->text.clear();
    return false;
  }
  return true;
}

}  // namespace chiso
