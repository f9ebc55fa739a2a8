// End-to-end: restructuring in a browser (Playwright driving Debian's Chromium), on the database
// `make run` seeds (the 2025 history replayed). A ward's page shows what formed it and links to
// the old wards as they stood on 2025-06-30; a staff member builds a plan operation by operation,
// previews it (problems, before/after, members that move), applies it and undoes it.
// Screenshots: tests/e2e/screenshots/rs-NN-name.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer, tail } from '../integration/harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, 'screenshots');
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

// Plans apply only once effective: dates relative to the server's today (Vietnam time).
const vnDay = (offset) => new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const EFF = vnDay(-1), DEC = vnDay(-9);
const dmy = (iso) => iso.split('-').reverse().join('/');
let srv, browser, page;
let shot = 0;
const problems = [];

async function snap(name) {
  shot += 1;
  await page.waitForLoadState('load');
  await page.screenshot({ path: path.join(SHOTS, `rs-${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true, caret: 'initial' });
}

before(async () => {
  await mkdir(SHOTS, { recursive: true });
  srv = await startServer({ members: 3000, seed: 7 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })).newPage();
  page.setDefaultTimeout(20_000);
  // (the 404 asked for on purpose after the undo is not a problem)
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon|status of 422/.test(m.text()) && !/\/orgs\/99001/.test(page.url())) problems.push(`console: ${m.text()} on ${page.url()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message} on ${page.url()}`));
  page.on('dialog', (d) => d.accept());
  await page.goto(srv.baseUrl + '/login');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', srv.adminPassword);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/orgs\/HCM/);
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('a new ward shows what formed it; its predecessors open as they stood on 2025-06-30', async () => {
  await page.goto(srv.baseUrl + '/orgs/26740');
  const formed = page.locator('#formed-from li');
  assert.equal(await formed.count(), 3, 'Phường Sài Gòn was formed from Bến Nghé, and parts of Đa Kao and Nguyễn Thái Bình');
  await snap('ward-lineage');
  await page.locator('#formed-from a', { hasText: 'Bến Nghé' }).click();
  await page.waitForURL(/\/orgs\/26740\?as_of=2025-06-30/);
  assert.ok(await page.locator('#past-notice').isVisible(), 'a past day is clearly marked');
  assert.match(await page.locator('#org-name').innerText(), /Bến Nghé/);
  assert.match(await page.locator('#became').innerText(), /Sài Gòn/);
  assert.match(await page.locator('#breadcrumb').innerText(), /Quận 1/, 'the old ward sits under its district');
  await snap('old-ward');
});

test('build a plan, preview it, apply it, undo it', async () => {
  await page.goto(srv.baseUrl + '/orgs/HCM');
  await page.click('#link-restructure');
  await page.waitForURL(/\/restructure$/);
  for (const [code, first] of [['26740', true], ['26743', false]]) {
    await page.selectOption('#b_op', 'merge');
    await page.fill('#b_code', code);
    await page.fill('#b_target', '99001');
    if (first) {
      await page.fill('#b_target_name', 'Đảng bộ phường Thử Nghiệm');
      await page.selectOption('#b_target_kind', 'commune_committee');
      await page.fill('#b_target_parent', 'HCM');
    }
    await page.fill('#b_decision_no', 'QĐ-TEST');
    await page.fill('#b_decision_date', dmy(DEC));
    await page.fill('#b_effective_date', dmy(EFF));
    await page.click('#build-button');
    await page.waitForLoadState('load');
  }
  const text = await page.inputValue('#plan-csv');
  assert.equal(text.trim().split('\n').length, 3, `header and two rows:\n${text}`);
  await snap('plan-built');

  // a planted problem first: an unknown code
  await page.fill('#plan-csv', text + `rename,NOPE999,,Tên,,,,,,QĐ-TEST,${DEC},${EFF},\n`);
  await page.click('#preview-button');
  await page.waitForLoadState('load');
  assert.ok(await page.locator('#apply-blocked').isVisible(), 'apply is not offered while a problem remains');
  assert.match(await page.locator('#problems').innerText(), /NOPE999/);
  await snap('preview-problem');

  await page.goto(srv.baseUrl + '/restructure');
  await page.fill('#plan-csv', text);
  await page.click('#preview-button');
  await page.waitForLoadState('load');
  assert.ok(await page.locator('#no-problems').isVisible());
  assert.equal(await page.locator('#tree-before .before-row').count(), 2);
  assert.equal(await page.locator('#tree-after .after-row').count(), 1);
  assert.ok(Number((await page.locator('#sum-members').innerText()).replace(/\D/g, '')) > 0, 'members move');
  await snap('preview-ok');
  await page.click('#apply-button');
  await page.waitForURL(/\/restructure\/plans\/\d+\?applied=1/);
  assert.ok(await page.locator('#applied-notice').isVisible());
  await snap('applied');

  await page.goto(srv.baseUrl + `/orgs/99001?as_of=${EFF}`);
  assert.equal(await page.locator('#formed-from li').count(), 2);

  await page.goto(srv.baseUrl + '/restructure');
  await page.click('#undo-button');
  await page.waitForURL(/\/restructure\?undone=\d+/);
  assert.match(await page.locator('#rs-message').innerText(), /hoàn tác/);
  await snap('undone');
  const res = await page.goto(srv.baseUrl + `/orgs/99001?as_of=${EFF}`);
  assert.equal(res.status(), 404, 'undone: the new ward never existed');
});

test('no console errors or CSP violations', () => {
  assert.deepEqual(problems, [], tail(problems.join('\n')));
});
