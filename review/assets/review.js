// chiso review site: behaviour for the index (filter, sort), document pages
// (highlights <-> figures table) and the sample page (verdicts). No network.
'use strict';
(function () {
  var body = document.body;

  // ----- index: filter rows, sort by a column (within the page).
  function setupIndex() {
    var table = document.getElementById('docs');
    if (!table) return;
    var tbody = table.tBodies[0];
    var filter = document.getElementById('filter');
    var onlyErr = document.getElementById('only-errors');
    var onlyWarn = document.getElementById('only-warnings');
    var shown = document.getElementById('shown');
    // "Search every page": the rows of all index pages, from data/rows-<p>.js.
    var allBox = document.getElementById('all-pages');
    var allRows = null, loading = false;
    function loadAll(done) {
      if (loading) return;
      loading = true;
      var pages = +allBox.dataset.pages, got = {}, left = pages;
      window.chisoRows = function (p, rows) { got[p] = rows; };
      function one() {
        if (--left > 0) return;
        allRows = [];
        for (var p = 1; p <= pages; p++) allRows = allRows.concat(got[p] || []);
        loading = false;
        done();
      }
      for (var p = 1; p <= pages; p++) {
        var sc = document.createElement('script');
        sc.src = 'data/rows-' + p + '.js';
        sc.onload = one;
        sc.onerror = one;
        document.head.appendChild(sc);
      }
    }
    function applyAll(q) {
      var limit = 1000, hits = [];
      allRows.forEach(function (r) {
        // r: [n, id, title, date, figures, warnings, error code]
        var hay = (r[0] + ' ' + r[1] + ' ' + r[2] + ' ' + r[3] + ' ' + r[6]).toLocaleLowerCase('vi');
        if (q && hay.indexOf(q) < 0) return;
        if (onlyErr.checked && !r[6]) return;
        if (onlyWarn.checked && !r[5]) return;
        hits.push(r);
      });
      var tb = document.querySelector('#all-docs tbody');
      tb.textContent = '';
      hits.slice(0, limit).forEach(function (r) {
        var tr = document.createElement('tr');
        r.forEach(function (v, c) {
          var td = document.createElement('td');
          if (c === 1) {
            var a = document.createElement('a');
            a.href = 'docs/' + r[0] + '.html';
            a.textContent = v;
            td.appendChild(a);
          } else {
            td.textContent = v;
          }
          tr.appendChild(td);
        });
        tb.appendChild(tr);
      });
      shown.textContent = hits.length + ' kết quả trong mọi trang' +
        (hits.length > limit ? ' (hiển thị ' + limit + ' đầu)' : '');
    }
    function apply() {
      var q = (filter.value || '').trim().toLocaleLowerCase('vi');
      var all = allBox && allBox.checked;
      if (allBox) {
        document.getElementById('all-results').hidden = !all;
        table.hidden = all;
      }
      if (all) {
        if (allRows) applyAll(q);
        else loadAll(apply);
        return;
      }
      var n = 0;
      Array.prototype.forEach.call(tbody.rows, function (tr) {
        var ok = (!q || tr.textContent.toLocaleLowerCase('vi').indexOf(q) >= 0) &&
          (!onlyErr.checked || tr.dataset.errors === '1') &&
          (!onlyWarn.checked || tr.dataset.warnings !== '0');
        tr.hidden = !ok;
        if (ok) n++;
      });
      shown.textContent = n + ' / ' + tbody.rows.length + ' dòng';
    }
    [filter, onlyErr, onlyWarn].forEach(function (el) { el.addEventListener('input', apply); });
    [onlyErr, onlyWarn, allBox].forEach(function (el) { if (el) el.addEventListener('change', apply); });
    apply();
    Array.prototype.forEach.call(table.tHead.querySelectorAll('button[data-col]'), function (btn) {
      btn.addEventListener('click', function () {
        var col = +btn.dataset.col, num = btn.dataset.kind === 'num';
        var th = btn.parentNode;
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        Array.prototype.forEach.call(table.tHead.querySelectorAll('th'), function (h) {
          h.setAttribute('aria-sort', 'none');
        });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent, y = b.cells[col].textContent;
          var c = num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, 'vi');
          return c * dir;
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      });
    });
  }

  // ----- document page: row <-> highlight, both ways, mouse and keyboard.
  function setupDoc() {
    var marks = document.querySelectorAll('mark.fig');
    function clearActive() {
      Array.prototype.forEach.call(document.querySelectorAll('.active'), function (e) {
        e.classList.remove('active');
      });
    }
    function toMark(row) {
      var m = document.getElementById(row.dataset.target);
      if (!m) return;
      clearActive();
      row.classList.add('active');
      m.classList.add('active');
      m.scrollIntoView({ block: 'center' });
      m.focus({ preventScroll: true });
    }
    function toRow(mark) {
      var r = document.getElementById(mark.dataset.row);
      if (!r) return;
      clearActive();
      r.classList.add('active');
      mark.classList.add('active');
      r.scrollIntoView({ block: 'nearest' });
      r.focus({ preventScroll: true });
    }
    Array.prototype.forEach.call(document.querySelectorAll('.figrow'), function (row) {
      row.addEventListener('click', function () { toMark(row); });
      row.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toMark(row); }
      });
    });
    Array.prototype.forEach.call(marks, function (m) {
      m.addEventListener('click', function (e) { e.stopPropagation(); toRow(m); });
      m.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); e.stopPropagation(); toRow(m); }
      });
    });
    // #fid=f3 (links from the index's conflicts and the sample page).
    function focusHash() {
      var h = decodeURIComponent(location.hash || '');
      if (h.indexOf('#fid=') !== 0) return;
      var fid = h.slice(5);
      var m = Array.prototype.filter.call(marks, function (x) { return x.dataset.fid === fid; })[0];
      if (!m) return;
      clearActive();
      m.classList.add('active');
      var r = document.getElementById(m.dataset.row);
      if (r) r.classList.add('active');
      m.scrollIntoView({ block: 'center' });
      m.focus({ preventScroll: true });
    }
    window.addEventListener('hashchange', focusHash);
    focusHash();
  }

  // ----- sample page: verdicts by keyboard and mouse, kept in localStorage,
  // exported as JSON Lines.
  function setupSample() {
    var dataEl = document.getElementById('sample-data');
    if (!dataEl) return;
    var data = JSON.parse(dataEl.textContent);
    var items = Array.prototype.slice.call(document.querySelectorAll('#sample .item'));
    var storeKey = 'chiso-review:' + (body.dataset.store || '');
    var verdicts = {};
    try { verdicts = JSON.parse(localStorage.getItem(storeKey) || '{}') || {}; } catch (e) { verdicts = {}; }
    var cur = 0;
    var names = { correct: 'đúng', wrong: 'sai', unsure: 'không chắc' };
    function key(i) { return data[i].doc + '\u001f' + data[i].figure; }
    function render(i) {
      var v = verdicts[key(i)] || '';
      var li = items[i];
      if (v) li.dataset.verdict = v; else delete li.dataset.verdict;
      Array.prototype.forEach.call(li.querySelectorAll('button[data-v]'), function (b) {
        b.setAttribute('aria-pressed', b.dataset.v === v ? 'true' : 'false');
      });
      li.querySelector('.state').textContent = v ? 'Đã đánh giá: ' + names[v] : '';
    }
    function exportText() {
      var out = '';
      data.forEach(function (d, i) {
        var v = verdicts[key(i)];
        if (!v) return;
        out += JSON.stringify({ doc: d.doc, figure: d.figure, type: d.type, rule: d.rule, value: d.value,
          text: d.text, sentence: d.sentence, verdict: v }) + '\n';
      });
      return out;
    }
    var link = document.getElementById('export');
    var url = null;
    function refresh() {
      var n = 0;
      data.forEach(function (d, i) { if (verdicts[key(i)]) n++; });
      document.getElementById('progress').textContent = n + ' / ' + data.length + ' đã đánh giá';
      if (url) URL.revokeObjectURL(url);
      url = URL.createObjectURL(new Blob([exportText()], { type: 'application/x-ndjson' }));
      link.href = url;
    }
    function save() {
      try { localStorage.setItem(storeKey, JSON.stringify(verdicts)); } catch (e) { /* private mode */ }
    }
    function select(i, focus) {
      if (!items.length) return;
      cur = Math.max(0, Math.min(items.length - 1, i));
      items.forEach(function (li, j) { li.classList.toggle('current', j === cur); });
      if (focus !== false) {
        items[cur].focus({ preventScroll: true });
        items[cur].scrollIntoView({ block: 'nearest' });
      }
    }
    function setVerdict(i, v) {
      verdicts[key(i)] = v;
      save();
      render(i);
      refresh();
    }
    items.forEach(function (li, i) {
      render(i);
      li.addEventListener('focusin', function () { select(i, false); });
      Array.prototype.forEach.call(li.querySelectorAll('button[data-v]'), function (b) {
        b.addEventListener('click', function () { select(i, false); setVerdict(i, b.dataset.v); });
      });
    });
    document.addEventListener('keydown', function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
      var k = e.key;
      if (k === 'j' || k === 'ArrowDown') { e.preventDefault(); select(cur + 1); }
      else if (k === 'k' || k === 'ArrowUp') { e.preventDefault(); select(cur - 1); }
      else if (k === 'c' || k === 'w' || k === 'u') {
        if (!items.length) return;
        e.preventDefault();
        setVerdict(cur, { c: 'correct', w: 'wrong', u: 'unsure' }[k]);
        select(cur + 1);
      }
    });
    refresh();
    select(0, false);
  }

  if (body.classList.contains('index')) setupIndex();
  if (body.classList.contains('doc')) setupDoc();
  if (body.classList.contains('sample')) setupSample();
})();
