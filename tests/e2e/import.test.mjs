// End-to-end: the data-cleaning campaign in a browser (Playwright driving Debian's Chromium).
// A staff member uploads a messy roster of the whole city, confirms the detected columns and
// watches the progress bar; uploads a large file for one ward, unmapping its cell columns with
// the selects; reads the result (row accounting, findings by kind, rejected rows); opens the
// campaign (burn-down per unit, totals), the findings list, downloads the findings sheet and
// sends back fixes; then the same pages on a 390-px phone; last, a dry run with JavaScript off
// (plain form upload, the job page refreshing itself until the result).
// Screenshots: tests/e2e/screenshots/import-NN-name.png (full page).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, runCli, request, tail } from '../integration/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const TIMEOUT = 30_000;

let srv, browser, context, page, dir;
let shot = 0;
const problems = [];
const state = {};

function watch(p, label) {
  p.on('console', (m) => {
    if (m.type() !== 'error' || /favicon/.test(m.text())) return;
    problems.push(`[${label}] console: ${m.text()} on ${p.url()}`);
  });
  p.on('pageerror', (e) => problems.push(`[${label}] page error: ${e.message} on ${p.url()}`));
  p.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/static/') && r.status() >= 400) problems.push(`[${label}] ${r.status()} for ${u.pathname}`);
  });
}

async function snap(p, name, { top = false } = {}) {
  shot += 1;
  await p.waitForLoadState('load');
  await p.waitForFunction(() => (document.fonts ? document.fonts.status === 'loaded' : true), null, { timeout: TIMEOUT }).catch(() => {});
  const file = path.join(SHOTS, `import-${String(shot).padStart(2, '0')}-${name}`);
  await p.screenshot({ path: `${file}.png`, fullPage: true, caret: 'initial' });
  if (top) await p.screenshot({ path: `${file}-top.png`, caret: 'initial' });  // a long page: what the eye meets first
}

/** SQL on the test database (SQLite here: the browser suite runs on the default back end). */
function sqlite(query) {
  return new Promise((resolve, reject) => {
    const child = spawn('sqlite3', ['-batch', srv.db.slice('sqlite:'.length), query], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(err))));
  });
}

function csvLine(cells) {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',');
}

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  dir = await mkdtemp(path.join(tmpdir(), 'dangbo-import-e2e-'));
  srv = await startServer({ members: 2000, seed: 7 });
  // the city's roster (the server's tree, other people) and a large one for ward A
  state.city = path.join(dir, 'danh-sach-dang-vien-toan-thanh-pho.csv');
  state.big = path.join(dir, 'danh-sach-phuong.csv');
  await runCli(['gen-roster', '--messy', '--members', '2000', '--seed', '8', '--out', state.city, '--truth', path.join(dir, 't1.csv')]);
  await runCli(['gen-roster', '--messy', '--members', '30000', '--seed', '9', '--out', state.big, '--truth', path.join(dir, 't2.csv')]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
  context = await browser.newContext({ baseURL: srv.baseUrl, viewport: { width: 1366, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
  watch(page, 'desktop');
  await page.goto('/login');
  await page.fill('#username', 'admin');
  await page.fill('#password', srv.adminPassword);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('#login-submit')]);
});

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (srv) await srv.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (problems.length) console.log(`browser problems:\n  ${problems.join('\n  ')}`);
});

test('the imports page: upload form and the list', async () => {
  await page.click('#nav-imports');
  await page.waitForURL(/\/imports$/);
  assert.ok(await page.locator('#upload-form').isVisible());
  assert.ok(await page.locator('#no-jobs').isVisible(), 'no import yet');
  assert.equal(await page.inputValue('#upload-org'), 'HCM');
  await snap(page, 'imports-empty');
});

test('upload the city roster: the detected columns to confirm, then progress and the result', async () => {
  await page.setInputFiles('#upload-file', state.city);
  await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('#upload-submit')]);
  state.cityJob = Number(new URL(page.url()).pathname.split('/').pop());
  await page.locator('#mapping-table').waitFor();
  assert.equal(await page.inputValue('#col_1'), 'full_name', '"Họ và tên" recognised');
  assert.equal(await page.inputValue('#col_3'), 'birth_date', '"Ngày sinh" recognised');
  assert.equal(await page.locator('.mapping-row').count(), 24);
  await snap(page, 'mapping');
  await page.click('#start-import');
  await page.locator('#count-read').waitFor({ timeout: 120_000 });  // the page reloads when "done" arrives
  assert.match(await page.locator('#import-accounting').innerText(), /2\.000/);
  assert.ok(await page.locator('#job-status[data-status="done"]').isVisible());
  assert.ok(await page.locator('#codes-table tr').count() > 10, 'findings by kind');
  await snap(page, 'result-city');
});

test('a large file for one ward: its cell columns unmapped with the selects; the live progress bar', async () => {
  await page.goto('/imports');
  await page.selectOption('#upload-org', srv.orgs.wardA);
  await page.setInputFiles('#upload-file', state.big);
  await Promise.all([page.waitForURL(/\/imports\/\d+$/, { timeout: 60_000 }), page.click('#upload-submit')]);
  state.bigJob = Number(new URL(page.url()).pathname.split('/').pop());
  // "Chi bộ" and "Mã chi bộ" name cells of another tree: the user leaves them out
  for (const name of ['Chi bộ', 'Mã chi bộ']) {
    const row = page.locator('.mapping-row', { has: page.locator('th', { hasText: new RegExp(`^${name}$`) }) });
    await row.locator('select').selectOption('none');
  }
  await page.click('#start-import');
  await page.locator('#import-progress').waitFor();
  // wait for a progress event inside the run, then take the picture
  await page.waitForFunction(() => {
    const r = document.getElementById('progress-read');
    return r && r.textContent !== '0' && document.getElementById('import-progress')?.getAttribute('data-state') === 'running';
  }, null, { timeout: 60_000 }).catch(() => {});
  if (await page.locator('#import-progress').count()) {
    const now = Number(await page.locator('#progress-bar').getAttribute('aria-valuenow'));
    assert.ok(now >= 0 && now <= 100, `the bar's value: ${now}`);
    await snap(page, 'progress');
  }
  await page.locator('#count-read').waitFor({ timeout: 300_000 });
  assert.match(await page.locator('#import-accounting').innerText(), /30\.000/);
  await snap(page, 'result-ward');
  // the list shows both
  await page.goto('/imports');
  assert.equal(await page.locator('.job-row').count(), 2);
  await snap(page, 'imports-list');
});

test('the campaign: burn-down per unit, totals, findings by kind', async () => {
  // A week of history for the picture: the snapshots of the six days before today (simulated;
  // the campaign takes one a day and after every import or fix sheet).
  const today = await sqlite("SELECT max(day) FROM campaign_snapshot");
  for (let k = 6; k >= 1; k--) {
    const factor = 1 + k * 0.18;
    await sqlite(`INSERT INTO campaign_snapshot(day, org_id, org_path, open_errors, open_warnings, fixed, taken_at)
      SELECT date('${today}', '-${k} days'), org_id, org_path, CAST(open_errors * ${factor} AS INTEGER), CAST(open_warnings * ${factor} AS INTEGER), 0, taken_at
      FROM campaign_snapshot WHERE day = '${today}'`);
  }
  await page.click('#nav-campaign');
  await page.waitForURL(/\/campaign/);
  await page.waitForFunction(() => ['ready', 'empty', 'error'].includes(document.getElementById('campaign-chart')?.getAttribute('data-state')));
  assert.equal(await page.getAttribute('#campaign-chart', 'data-state'), 'ready');
  assert.ok(await page.locator('.unit-row').count() >= 168);
  assert.notEqual((await page.locator('#total-open').innerText()).trim(), '0');
  await snap(page, 'campaign-city', { top: true });
  // a ward: its cells
  await page.goto(`/campaign?org=${srv.orgs.wardA}`);
  await page.waitForFunction(() => ['ready', 'empty', 'error'].includes(document.getElementById('campaign-chart')?.getAttribute('data-state')));
  await snap(page, 'campaign-ward');
});

test('the findings list, the findings sheet, and fixes sent back', async () => {
  await page.goto(`/campaign/findings?org=HCM&severity=error`);
  assert.ok(await page.locator('.finding-row').count() > 10);
  await snap(page, 'findings', { top: true });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#link-xlsx')]);
  const xlsx = path.join(dir, 'phat-hien.xlsx');
  await download.saveAs(xlsx);
  assert.equal((await readFile(xlsx)).subarray(0, 2).toString(), 'PK');
  // The unit fills in the sheet (here as CSV, the same columns): the suggestion accepted for the
  // findings that have one, a date corrected for an impossible one.
  const api = await request(`${srv.baseUrl}/api/v1/findings?org=HCM&limit=1000`, { token: srv.tokens.admin });
  const header = ['Mã phát hiện', 'Mã đảng viên', 'Họ và tên', 'Chi bộ', 'Trường', 'Mức độ', 'Mã lỗi', 'Nội dung',
    'Giá trị trong tệp gốc', 'Giá trị hiện tại', 'Giá trị đề xuất', 'Đồng ý đề xuất (x)', 'Giá trị sửa'];
  const lines = [csvLine(header)];
  let n = 0;
  for (const f of api.json.items) {
    if (n >= 40) break;
    let agree = '';
    let fix = '';
    if (f.code === 'date.month_day_order' && f.suggested) agree = 'x';
    else if (f.code === 'date.impossible' && /^30\/02\/(\d{4})$/.test(f.original)) fix = f.original.replace(/^30\/02/, '28/02');
    else continue;
    lines.push(csvLine([f.id, f.member_id, f.member_name, f.org, f.field, f.severity, f.code, f.message, f.original, f.current, f.suggested, agree, fix]));
    n += 1;
  }
  assert.ok(n > 0, 'some findings to fix');
  const back = path.join(dir, 'phat-hien-da-sua.csv');
  await writeFile(back, '\uFEFF' + lines.join('\r\n') + '\r\n');
  await page.goto('/imports');
  await page.setInputFiles('#upload-file', back);
  await Promise.all([page.waitForURL(/\/imports\/\d+$/), page.click('#upload-submit')]);
  assert.ok(await page.locator('#fix-title').isVisible(), 'recognised as a findings sheet');
  await snap(page, 'fix-sheet');
  await page.click('#start-import');
  await page.locator('#count-read').waitFor({ timeout: 60_000 });
  const fixed = Number((await page.locator('#count-updated').innerText()).replace(/\D/g, ''));
  assert.ok(fixed > 0, `fixes applied: ${fixed}`);
  await snap(page, 'fix-result');
  await page.goto('/campaign?org=HCM');
  await page.waitForFunction(() => document.getElementById('campaign-chart')?.getAttribute('data-state') === 'ready');
  assert.ok(await page.locator('#fixers-table tr').count() >= 1, 'who fixed what');
  assert.notEqual((await page.locator('#total-fixed').innerText()).trim(), '0');
  await snap(page, 'campaign-after-fixes', { top: true });
});

test('on a 390-px phone: the imports list, a result and the campaign fit the screen', async () => {
  const phone = await browser.newContext({ baseURL: srv.baseUrl, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' });
  await phone.addCookies(await context.cookies());
  const p = await phone.newPage();
  watch(p, 'phone');
  const overflow = [];
  for (const [url, name] of [['/imports', 'phone-imports'], [`/imports/${state.cityJob}`, 'phone-result'], ['/campaign?org=HCM', 'phone-campaign']]) {
    await p.goto(url);
    if (url.startsWith('/campaign')) await p.waitForFunction(() => document.getElementById('campaign-chart')?.getAttribute('data-state') === 'ready');
    const w = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    if (w.scroll > w.inner + 1) overflow.push(`${url}: ${w.scroll}px wide in ${w.inner}px`);
    await snap(p, name, { top: true });
  }
  await phone.close();
  assert.deepEqual(overflow, [], 'no page is wider than the phone');
  assert.deepEqual(problems, [], `browser problems:\n${problems.join('\n')}`);
});

test('without JavaScript: a plain form uploads the file (with its CSRF token), the job page reloads itself until the result', async () => {
  const nojs = await browser.newContext({ baseURL: srv.baseUrl, viewport: { width: 1366, height: 900 }, locale: 'vi-VN', javaScriptEnabled: false });
  nojs.setDefaultTimeout(TIMEOUT);
  await nojs.addCookies(await context.cookies());  // the same signed-in session
  const p = await nojs.newPage();
  watch(p, 'no-js');
  const statuses = [];
  p.on('response', (r) => {
    const u = new URL(r.url());
    if (r.request().method() === 'POST') statuses.push(`${r.status()} POST ${u.pathname}`);
  });
  await p.goto('/imports');
  await p.selectOption('#upload-org', srv.orgs.wardA);
  await p.setInputFiles('#upload-file', state.big);
  await p.check('#upload-dry');  // a dry run: this test leaves the registry as it was
  await Promise.all([p.waitForURL(/\/imports\/\d+$/, { timeout: 60_000 }), p.click('#upload-submit')]);
  const id = Number(new URL(p.url()).pathname.split('/').pop());
  await p.locator('#mapping-table').waitFor();
  assert.ok(await p.locator('#dry-run').isChecked(), 'the dry run chosen on upload is kept');
  await Promise.all([p.waitForURL(new RegExp(`/imports/${id}$`)), p.click('#start-import')]);
  // queued or running: without scripts the page refreshes itself and offers a reload link
  if (await p.locator('#import-progress').count()) {
    assert.equal(await p.locator('meta[http-equiv="refresh"]').count(), 1, 'a <meta http-equiv="refresh"> while the job runs');
    assert.ok(await p.locator('#progress-reload').isVisible(), 'a reload link while the job runs');
    await snap(p, 'nojs-progress');
  }
  await p.locator('#count-read').waitFor({ timeout: 300_000 });  // reached through the page's own refreshes
  assert.match(await p.locator('#import-accounting').innerText(), /30\.000/);
  assert.ok(await p.locator('#job-status[data-status="done"]').isVisible());
  assert.ok(await p.locator('#job-dry').isVisible(), 'marked as a dry run');
  assert.equal(await p.locator('meta[http-equiv="refresh"]').count(), 0, 'the result page does not refresh');
  await snap(p, 'nojs-result');
  assert.deepEqual(statuses, ['303 POST /imports', `303 POST /imports/${id}/start`]);
  // a dry run: no row of the file stored, and its uploaded file not kept
  assert.equal(await sqlite(`SELECT count(*) FROM import_row WHERE import_id = ${id}`), '0');
  assert.equal(await sqlite(`SELECT dry_run, file_data IS NULL FROM import_job WHERE id = ${id}`), '1|1');
  await nojs.close();
  assert.deepEqual(problems, [], `browser problems:\n${problems.join('\n')}`);
});
