// Opens fundwatch's report.html in Debian's headless Chromium (through playwright-core)
// and checks it as a reader would use it: no console errors, no network requests, the
// figures match `--format json`, sorting, filtering, search and expanding work, and the
// script planted in a test ledger does not run. Screenshots go to FW_ARTIFACTS.
//
// Run by scripts/browser-test.sh, which builds the report and sets:
//   FW_REPORT_HTML  path of report.html
//   FW_JSON         path of the same scan's `--format json` output
//   FW_ARTIFACTS    directory for screenshots and the PDF
//   FW_CHROMIUM     browser executable (default /usr/bin/chromium)
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { chromium } = require('playwright-core');

const htmlPath = path.resolve(process.env.FW_REPORT_HTML || '');
const jsonPath = path.resolve(process.env.FW_JSON || '');
const artifacts = path.resolve(process.env.FW_ARTIFACTS || 'target/browser-artifacts');
const executablePath = process.env.FW_CHROMIUM || '/usr/bin/chromium';
const reportUrl = pathToFileURL(htmlPath).href;
const expected = JSON.parse(fs.readFileSync(jsonPath, 'utf8'));
const active = expected.findings.filter((f) => f.status !== 'draft');

let context;
let page;
let profile;
const consoleErrors = [];
const requests = [];

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fundwatch-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  context.on('request', (req) => requests.push(req.url()));
  page = context.pages()[0] || (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') { consoleErrors.push(msg.text()); }
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  await page.goto(reportUrl, { waitUntil: 'load' });
  await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
  await page.screenshot({ path: path.join(artifacts, 'report-top.png') });
});

after(async () => {
  if (context) { await context.close(); }
  if (profile) { fs.rmSync(profile, { recursive: true, force: true }); }
});

const visibleRows = () => page.$$eval('#findings-table tbody.f',
  (bodies) => bodies.filter((b) => !b.hidden).map((b) => Number(b.getAttribute('data-i'))));

async function resetFilters() {
  await page.click('#f-reset');
  assert.equal((await visibleRows()).length, active.length);
}

test('figures match --format json', async () => {
  const data = JSON.parse(await page.textContent('#fw-data'));
  assert.deepEqual(data.summary, expected.summary);
  assert.deepEqual(data.findings.map((f) => f.fingerprint), expected.findings.map((f) => f.fingerprint));
  assert.equal((await page.textContent('#fig-findings .value')).trim(), String(expected.summary.findings));
  assert.equal((await page.textContent('#fig-units .value')).trim(), String(expected.summary.units));
  assert.equal((await page.textContent('#fig-rows .value')).trim(), String(expected.summary.rows_read));
  assert.equal(await page.$$eval('#ranking-table tbody tr', (r) => r.length), expected.summary.units);
  assert.equal((await visibleRows()).length, active.length);
  assert.match(await page.textContent('#score-formula'), /10/);
});

test('sorting by amount reorders the rows, both ways', async () => {
  const before = await visibleRows();
  await page.click('button.sort[data-sort="amount"]');
  const desc = await visibleRows();
  assert.notDeepEqual(desc, before);
  const amounts = desc.map((i) => Number(expected.findings[i].amount));
  for (let k = 1; k < amounts.length; k += 1) { assert.ok(amounts[k - 1] >= amounts[k], 'descending'); }
  assert.equal(await page.getAttribute('th:has(button[data-sort="amount"])', 'aria-sort'), 'descending');
  await page.click('button.sort[data-sort="amount"]');
  const asc = (await visibleRows()).map((i) => Number(expected.findings[i].amount));
  for (let k = 1; k < asc.length; k += 1) { assert.ok(asc[k - 1] <= asc[k], 'ascending'); }
  await page.click('button.sort[data-sort="unit"]');
  const units = (await visibleRows()).map((i) => expected.findings[i].unit);
  assert.deepEqual(units, [...units].sort((a, b) => a.localeCompare(b, 'zh-CN')));
});

test('filters by unit and severity and search reduce the rows', async () => {
  const unit = active[0].unit;
  await page.selectOption('#f-unit', unit);
  let rows = await visibleRows();
  assert.equal(rows.length, active.filter((f) => f.unit === unit).length);
  assert.ok(rows.length < active.length);
  assert.ok(rows.every((i) => expected.findings[i].unit === unit));
  await resetFilters();

  await page.selectOption('#f-sev', 'high');
  rows = await visibleRows();
  assert.equal(rows.length, expected.summary.findings_by_severity.high);
  assert.ok(rows.every((i) => expected.findings[i].severity === 'high'));
  assert.match(await page.textContent('#f-count'), new RegExp(` ${rows.length} / ${active.length}$`));

  const rule = active[0].rule_id;
  await page.selectOption('#f-rule', rule);
  rows = await visibleRows();
  assert.ok(rows.every((i) => expected.findings[i].rule_id === rule && expected.findings[i].severity === 'high'));
  await resetFilters();

  await page.fill('#f-q', '购物卡');
  rows = await visibleRows();
  assert.ok(rows.length > 0 && rows.length < active.length);
  await page.fill('#f-q', 'no-such-text-anywhere');
  assert.equal((await visibleRows()).length, 0);
  assert.equal(await page.isVisible('#f-none'), true);
  await resetFilters();
});

test('expanding a row shows its message, basis and evidence', async () => {
  const i = expected.findings.findIndex((f) => f.status !== 'draft' && (f.evidence || []).length > 1);
  assert.ok(i >= 0, 'sample data has a finding with evidence rows');
  const body = `#findings-table tbody.f[data-i="${i}"]`;
  assert.equal(await page.isVisible(`${body} tr.detail`), false);
  await page.click(`${body} button.toggle`);
  assert.equal(await page.isVisible(`${body} tr.detail`), true);
  assert.equal(await page.getAttribute(`${body} button.toggle`, 'aria-expanded'), 'true');
  assert.equal(await page.$$eval(`${body} table.evidence tbody tr`, (r) => r.length), expected.findings[i].evidence.length);
  assert.ok((await page.textContent(`${body} tr.detail`)).includes(expected.findings[i].basis));
  await page.locator(`${body} tr.main`).scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -200));
  await page.screenshot({ path: path.join(artifacts, 'findings-expanded.png') });
  await page.click(`${body} tr.main td.sum`);
  assert.equal(await page.isVisible(`${body} tr.detail`), false);
});

test('injected markup in ledger text is shown as text and never runs', async () => {
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.$$eval('script', (s) => s.length), 2);
  assert.equal(await page.$$eval('main img, main i', (e) => e.length), 0);
  const texts = await page.$$eval('#findings-table td.sum', (cells) => cells.map((c) => c.textContent));
  assert.ok(texts.includes('购物卡<script>window.__pwned=1</script>'), 'the 摘要 is shown verbatim');
  assert.ok(texts.some((t) => t.includes('"><img src=x onerror=window.__pwned=3>')));
  const options = await page.$$eval('#f-unit option', (o) => o.map((x) => x.textContent));
  assert.ok(options.includes('注入<i>测试</i>工会'));
});

test('no console errors and no request but the file itself', async () => {
  // Give late errors or requests a moment to show up.
  await page.waitForTimeout(300);
  assert.deepEqual(consoleErrors, []);
  assert.ok(requests.length >= 1);
  assert.deepEqual([...new Set(requests)], [reportUrl]);
});

test('print layout', async () => {
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('.controls'), false);
  assert.equal(await page.isVisible('nav'), false);
  await page.screenshot({ path: path.join(artifacts, 'report-print.png'), fullPage: true });
  await page.pdf({ path: path.join(artifacts, 'report.pdf'), format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(consoleErrors, []);
});
