// Drives the review site in Debian's chromium (playwright-core): pages load
// without console errors or network requests, every figure has one highlight,
// rows and highlights link both ways, verdicts typed on the sample page are
// kept and exported as typed, conflicts come first. Screenshots go to SHOTS.
// Usage: node review_test.js SITE RUN.jsonl SHOTS WORK PAGED_SITE
// (run.sh sets NODE_PATH; PAGED_SITE is the same run, 2 documents a page).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [site, runPath, shots, work, pagedSite] = process.argv.slice(2);
const records = fs.readFileSync(runPath, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const url = (p) => 'file://' + path.resolve(site, p);

let failures = 0;
function check(cond, what) {
  if (cond) {
    console.log('ok   ' + what);
  } else {
    failures++;
    console.log('FAIL ' + what);
  }
}

// WCAG relative luminance contrast of two CSS rgb() colours.
function contrast(fg, bg) {
  const lum = (c) => {
    const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map((v) => {
      const s = +v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chiso-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--allow-file-access-from-files'],
      timeout: 60000,
    });
  } catch (e) {
    console.log('SKIPPED: chromium cannot start: ' + String(e.message || e).split('\n')[0]);
    process.exit(77);
  }
  const consoleErrors = [];
  const network = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('file:') || u.startsWith('blob:') || u.startsWith('data:')) return route.continue();
    network.push(u);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  try {
    // ---- index
    await page.goto(url('index.html'));
    const idx = await page.evaluate(() => {
      const c = document.getElementById('conflicts'), d = document.getElementById('documents');
      return {
        lang: document.documentElement.lang,
        conflictsFirst: !!(c && d && (c.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING)),
        conflicts: document.querySelectorAll('.conflict').length,
        sides: document.querySelectorAll('.conflict .side').length,
        sourceLinks: document.querySelectorAll('.conflict a[href^="docs/"]').length,
        rows: document.querySelectorAll('#docs tbody tr').length,
      };
    });
    check(idx.lang === 'vi', 'index: lang="vi"');
    check(idx.conflictsFirst && idx.conflicts >= 1, `index: ${idx.conflicts} conflict(s) listed before the documents`);
    check(idx.sides >= 2 && idx.sourceLinks >= 2, `index: conflict sources side by side (${idx.sides} sides, ${idx.sourceLinks} links)`);
    check(idx.rows === records.length, `index: ${idx.rows} rows for ${records.length} records`);
    await page.screenshot({ path: path.join(shots, 'index.png'), fullPage: false });
    // Sort by figures (descending after two clicks) and filter.
    const sortBtn = page.locator('#docs th button[data-col="4"]');
    await sortBtn.click();
    await sortBtn.click();
    const counts = await page.$$eval('#docs tbody tr', (rs) => rs.map((r) => +r.cells[4].textContent));
    check(counts.every((v, i) => i === 0 || counts[i - 1] >= v), 'index: sort by figures, descending: ' + counts.join(','));
    await page.fill('#filter', records[0].doc.id);
    const visible = await page.$$eval('#docs tbody tr', (rs) => rs.filter((r) => !r.hidden).length);
    check(visible === 1, `index: filter on one id leaves ${visible} row`);

    // ---- an index split into pages: search every page from the first one
    await page.goto('file://' + path.resolve(pagedSite, 'index.html'));
    const pagedRows = await page.locator('#docs tbody tr').count();
    check(pagedRows === 2, `paged index: ${pagedRows} rows on page 1`);
    const lastId = records[records.length - 1].doc.id;
    await page.check('#all-pages');
    await page.fill('#filter', lastId);
    await page.waitForFunction(() => document.querySelectorAll('#all-docs tbody tr').length > 0);
    const found = await page.$$eval('#all-docs tbody tr a', (as) => as.map((a) => a.getAttribute('href') + ' ' + a.textContent));
    check(found.length === 1 && found[0] === `docs/${records.length}.html ${lastId}`,
      'paged index: search every page finds the last document: ' + found.join(', '));
    await page.fill('#filter', '');
    const everyRow = await page.locator('#all-docs tbody tr').count();
    check(everyRow === records.length, `paged index: every page's rows loaded (${everyRow})`);

    // ---- the document with the most figures
    let best = 0;
    records.forEach((r, i) => { if ((r.figures || []).length > (records[best].figures || []).length) best = i; });
    const nfig = records[best].figures.length;
    await page.goto(url(`docs/${best + 1}.html`));
    const marks = await page.locator('mark.fig').count();
    const rows = await page.locator('tr.figrow').count();
    check(marks === nfig && rows === nfig, `doc ${best + 1}: ${marks} highlights, ${rows} rows, ${nfig} figures`);
    const texts = await page.$$eval('mark.fig', (ms) => ms.map((m) => m.id + '=' + m.textContent));
    const want = records[best].figures.map((f, i) => `h-${i + 1}=` + f.text);
    check(want.every((w) => texts.includes(w)), 'doc: every highlight holds exactly its figure\'s text');
    // Row -> highlight: the last row's highlight is scrolled into view and focused.
    const k = nfig;
    await page.locator(`#r-${k}`).click();
    const afterRow = await page.evaluate((k) => {
      const m = document.getElementById('h-' + k);
      const r = m.getBoundingClientRect();
      return { focused: document.activeElement === m, inView: r.top >= 0 && r.bottom <= window.innerHeight };
    }, k);
    check(afterRow.focused && afterRow.inView, `doc: clicking row ${k} focuses its highlight in the viewport`);
    // Keyboard: Enter on a row does the same.
    await page.locator('#r-1').focus();
    await page.keyboard.press('Enter');
    check(await page.evaluate(() => document.activeElement.id) === 'h-1', 'doc: Enter on row 1 focuses highlight 1');
    // Highlight -> row, by click and by keyboard; tooltip on focus.
    const tip = await page.evaluate(() => getComputedStyle(document.getElementById('h-1'), '::after').content);
    check(/type: /.test(tip), 'doc: a focused highlight shows its fields (' + tip.slice(0, 60) + '…)');
    await page.keyboard.press('Enter');
    check(await page.evaluate(() => document.activeElement.id) === 'r-1', 'doc: Enter on highlight 1 focuses row 1');
    await page.locator(`#h-${k}`).click();
    check(await page.evaluate(() => document.activeElement.id) === `r-${k}`, `doc: clicking highlight ${k} focuses row ${k}`);
    // Contrast of highlighted text and links.
    const pairs = await page.evaluate(() => {
      const out = [];
      const bgOf = (el) => {
        for (let e = el; e; e = e.parentElement) {
          const b = getComputedStyle(e).backgroundColor;
          if (b && b !== 'rgba(0, 0, 0, 0)' && b !== 'transparent') return b;
        }
        return 'rgb(255, 255, 255)';
      };
      document.querySelectorAll('mark.fig, .sw, a, body, th, td').forEach((el) => {
        out.push([getComputedStyle(el).color, bgOf(el)]);
      });
      return out;
    });
    const worst = Math.min(...pairs.map(([f, b]) => contrast(f, b)));
    check(worst >= 4.5, `doc: lowest text contrast ${worst.toFixed(2)}:1 >= 4.5:1`);
    await page.locator(`#r-1`).click();
    await page.screenshot({ path: path.join(shots, 'document.png'), fullPage: false });

    // A #fid= link (from conflicts and the sample page) lands on the highlight.
    const fid = records[best].figures[nfig - 1].id;
    await page.goto(url(`docs/${best + 1}.html#fid=${fid}`));
    check(await page.evaluate(() => document.activeElement.id) === `h-${nfig}`, 'doc: #fid= link focuses that highlight');

    // ---- sample page: keyboard and mouse verdicts, kept, exported
    await page.goto(url('sample.html'));
    const data = await page.evaluate(() => JSON.parse(document.getElementById('sample-data').textContent));
    check(data.length === 12, `sample: ${data.length} figures`);
    await page.keyboard.press('c');          // 1 correct -> 2
    await page.keyboard.press('w');          // 2 wrong -> 3
    await page.keyboard.press('j');          // skip 3 -> 4
    await page.keyboard.press('u');          // 4 unsure -> 5
    await page.keyboard.press('k');          // back to 4
    await page.keyboard.press('ArrowUp');    // 3
    await page.keyboard.press('c');          // 3 correct -> 4
    await page.locator('#s-6 button[data-v="wrong"]').click();  // mouse: 6 wrong
    const expected = { 0: 'correct', 1: 'wrong', 2: 'correct', 3: 'unsure', 5: 'wrong' };
    const shown = await page.$$eval('#sample .item', (is) => is.map((i) => i.dataset.verdict || ''));
    const want2 = data.map((_, i) => expected[i] || '');
    check(JSON.stringify(shown) === JSON.stringify(want2), 'sample: verdicts shown as typed: ' + shown.join(','));
    check(await page.locator('#s-6 button[data-v="wrong"]').getAttribute('aria-pressed') === 'true',
      'sample: the pressed verdict button says aria-pressed=true');
    await page.reload();
    const kept = await page.$$eval('#sample .item', (is) => is.map((i) => i.dataset.verdict || ''));
    check(JSON.stringify(kept) === JSON.stringify(want2), 'sample: verdicts kept across a reload (localStorage)');
    await page.screenshot({ path: path.join(shots, 'sample.png'), fullPage: false });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
    const saved = path.join(work, 'verdicts.jsonl');
    await download.saveAs(saved);
    const exported = fs.readFileSync(saved, 'utf8').split('\n').filter((l) => l).map((l) => JSON.parse(l));
    const got = {};
    exported.forEach((v) => { got[v.doc + '#' + v.figure] = v.verdict; });
    const wantExport = {};
    Object.keys(expected).forEach((i) => { wantExport[data[i].doc + '#' + data[i].figure] = expected[i]; });
    check(exported.length === 5 && JSON.stringify(got, Object.keys(got).sort()) ===
      JSON.stringify(wantExport, Object.keys(wantExport).sort()), `sample: export holds the ${exported.length} verdicts typed`);
    check(exported.every((v) => v.sentence && v.type && v.rule), 'sample: exported verdicts carry type, rule and sentence');

    check(consoleErrors.length === 0, 'no console errors' + (consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''));
    check(network.length === 0, 'no network requests' + (network.length ? ': ' + network.join(' ') : ''));
  } catch (e) {
    failures++;
    console.log('FAIL exception: ' + (e.stack || e));
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
  process.exit(failures ? 1 : 0);
})();
