// Saved web pages: the article text of an HTML page, without its menus,
// footers and related-article lists, parsed with gumbo (an HTML5 parser).
//
//   HtmlText html;
//   Error error;
//   if (ExtractHtmlText(doc.bytes, &html, &error)) { /* html.text, title, date */ }
//
// Steps:
//  1. Charset: a BOM (UTF-8, UTF-16LE/BE), else <meta charset> or
//     <meta http-equiv="Content-Type" content="...; charset=...">, converted
//     to UTF-8 with ICU; undeclared input that is not valid UTF-8 is read as
//     windows-1258. Entities are decoded by gumbo.
//  2. Dropped: script, style, noscript, template, iframe, svg, nav, header,
//     footer, aside, form, button, select, and any element whose id or class
//     has a boilerplate word as a token (menu, nav, footer, sidebar,
//     breadcrumb, related, lienquan, comment, share, social, banner, ads, ...).
//  3. Main block: from <body>, descend into the container child (div,
//     article, main, section, td, table, tbody, tr) holding most (>= 60%) of
//     the non-link text, but not below an <article>. Inside it, lists, tables
//     and divisions that are mostly link text (> 50%) are dropped.
//  4. Text: block elements are paragraphs (blank line), <br> and table rows
//     are line breaks, table cells on one row are joined with a space; runs of
//     white space collapse (not inside <pre>).
//  5. Title: og:title, else the first <h1>, else <title>. Date (ISO):
//     article:published_time (or datePublished / pubdate / date metas), else
//     the first <time datetime>; else "" (the extractor then reads the
//     dateline from the text).
//
// Thread-safety: reentrant, no shared state. Cost: linear in the input.
#ifndef CHISO_INGEST_HTML_H_
#define CHISO_INGEST_HTML_H_

#include <string>
#include <string_view>

#include "core/document.h"

namespace chiso {

struct HtmlText {
  std::string text;      // UTF-8; paragraphs separated by blank lines
  std::string encoding;  // the charset the bytes were decoded from ("UTF-8", "windows-1258", ...)
  std::string title;
  std::string date;      // ISO YYYY-MM-DD or ""
};

// Returns true and fills `out`, or false with `error` set (`html_empty`
// when the page has no text, `undecodable` when a declared charset cannot be
// converted). Never throws.
bool ExtractHtmlText(std::string_view bytes, HtmlText* out, Error* error);

}  // namespace chiso

#endif  // CHISO_INGEST_HTML_H_
