// fundwatch report: sorting, filtering, search and expandable rows of the findings table.
// Reads the findings from the JSON data block; never builds markup from strings (no
// innerHTML), so ledger text stays text.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('fw-data').textContent);
  var findings = data.findings;
  var table = document.getElementById('findings-table');
  if (!table) { return; }
  var none = document.getElementById('f-none');
  var count = document.getElementById('f-count');
  var q = document.getElementById('f-q');
  var fUnit = document.getElementById('f-unit');
  var fRule = document.getElementById('f-rule');
  var fSev = document.getElementById('f-sev');
  var RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

  var rows = Array.prototype.slice.call(table.querySelectorAll('tbody.f')).map(function (body) {
    var i = Number(body.getAttribute('data-i'));
    var f = findings[i];
    var text = [f.rule_id, f.title, f.unit, f.date, f.period || '', f.voucher, f.summary,
      f.message, f.payee, f.account, f.file, f.basis].join('\n').toLowerCase();
    return { body: body, i: i, f: f, text: text };
  });

  function when(f) { return f.period || f.date || ''; }
  var collator = new Intl.Collator(data.lang === 'zh' ? 'zh-CN' : 'en', { numeric: true });
  var KEYS = {
    sev: function (a, b) { return RANK[a.f.severity] - RANK[b.f.severity]; },
    rule: function (a, b) { return collator.compare(a.f.rule_id, b.f.rule_id); },
    unit: function (a, b) { return collator.compare(a.f.unit, b.f.unit); },
    date: function (a, b) { return when(a.f) < when(b.f) ? -1 : when(a.f) > when(b.f) ? 1 : 0; },
    voucher: function (a, b) { return collator.compare(a.f.voucher, b.f.voucher); },
    summary: function (a, b) { return collator.compare(a.f.summary || a.f.message, b.f.summary || b.f.message); },
    amount: function (a, b) { return (Number(a.f.amount) || 0) - (Number(b.f.amount) || 0); },
    loc: function (a, b) { return collator.compare(a.f.file, b.f.file) || a.f.line - b.f.line; }
  };
  var sortKey = null;
  var sortDir = 1;

  function sortBy(key) {
    if (sortKey === key) {
      sortDir = -sortDir;
    } else {
      sortKey = key;
      // Severity and amount read best largest first.
      sortDir = (key === 'sev' || key === 'amount') ? -1 : 1;
    }
    var cmp = KEYS[key];
    rows.sort(function (a, b) { return sortDir * cmp(a, b) || a.i - b.i; });
    rows.forEach(function (r) { table.insertBefore(r.body, none); });
    Array.prototype.forEach.call(table.querySelectorAll('thead th[aria-sort]'), function (th) {
      var b = th.querySelector('button.sort');
      th.setAttribute('aria-sort', b && b.getAttribute('data-sort') === key
        ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
    });
  }

  function applyFilters() {
    var terms = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var unit = fUnit.value;
    var rule = fRule.value;
    var sev = fSev.value;
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!unit || r.f.unit === unit) && (!rule || r.f.rule_id === rule) &&
        (!sev || r.f.severity === sev) &&
        terms.every(function (t) { return r.text.indexOf(t) !== -1; });
      r.body.hidden = !ok;
      if (ok) { shown += 1; }
    });
    none.hidden = shown !== 0;
    count.textContent = data.shown + ' ' + shown + ' / ' + rows.length;
  }

  function toggle(body, open) {
    var detail = body.querySelector('tr.detail');
    var button = body.querySelector('button.toggle');
    var expand = open === undefined ? detail.hidden : open;
    detail.hidden = !expand;
    button.setAttribute('aria-expanded', expand ? 'true' : 'false');
    button.textContent = expand ? '▾' : '▸';
  }

  table.addEventListener('click', function (ev) {
    var sortButton = ev.target.closest('button.sort');
    if (sortButton) { sortBy(sortButton.getAttribute('data-sort')); return; }
    var main = ev.target.closest('tr.main');
    if (main) { toggle(main.parentNode); }
  });
  [q, fUnit, fRule, fSev].forEach(function (el) {
    el.addEventListener('input', applyFilters);
    el.addEventListener('change', applyFilters);
  });
  document.getElementById('f-reset').addEventListener('click', function () {
    q.value = '';
    fUnit.value = '';
    fRule.value = '';
    fSev.value = '';
    applyFilters();
  });
  applyFilters();
}());
