// Two imports at the same moment (found by the newcomer test: of two `dangbo import` runs
// started together, one stopped half-way with SQLite's raw English "UNIQUE constraint failed:
// member_source_key…", its first batches stored). One import that writes runs at a time:
//   - two CLI runs started together: each either completes or stops at once with a Vietnamese
//     message saying another import is running; none fails half-way, none leaves a job behind,
//     no member is stored twice, the row accounting and the audit chain hold;
//   - while an import runs (here: a job row claimed by a live process), `dangbo import` stops
//     before writing anything, naming that import; a dry run is not held back;
//   - an upload through the API waits in the queue meanwhile and completes once the other ends.
// Runs on SQLite or PostgreSQL like the other integration tests (DANGBO_TEST_BACKEND).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, request, describe, runCli, waitFor, dbRows } from './harness.mjs';

let srv;
let dir;
let roster;       // path of a roster that stores a few thousand members into HCM
let small;        // path of a small roster
const BUSY = /^dangbo: Đang có một lần nhập khác chạy \(số \d+: tệp .+\)\. Mỗi lúc chỉ một lần nhập được ghi vào cơ sở dữ liệu.*Lần nhập này chưa ghi gì/m;

before(async () => {
  srv = await startServer({ members: 2000, seed: 7 });
  dir = await mkdtemp(path.join(tmpdir(), 'dangbo-import-concurrent-'));
  roster = path.join(dir, 'roster.csv');
  small = path.join(dir, 'small.csv');
  await runCli(['gen-roster', '--members', '20000', '--seed', '9', '--out', roster]);
  await runCli(['gen-roster', '--members', '2000', '--seed', '21', '--out', small]);
});

after(async () => {
  if (srv) await srv.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sql = (query) => dbRows(srv.db, query);
const one = async (q) => Number((await sql(q))[0]?.[0] ?? 0);

function importCli(file, extra = []) {
  return runCli(['import', file, '--org', 'HCM', '--db', srv.db, '--quiet', ...extra], { allowFail: true });
}

/** The invariants after any number of imports: whole, accounted, no duplicates, audited. */
async function checkWhole() {
  assert.equal(await one(`SELECT count(*) FROM import_job WHERE status NOT IN ('done')`), 0,
    `every job is done: ${JSON.stringify(await sql('SELECT id, status, message FROM import_job'))}`);
  for (const [id, read, created, updated, unchanged, rejected] of await sql(
    'SELECT id, rows_read, rows_created, rows_updated, rows_unchanged, rows_rejected FROM import_job')) {
    assert.equal(Number(read), Number(created) + Number(updated) + Number(unchanged) + Number(rejected), `job ${id}: rows read = stored + rejected`);
    assert.equal(await one(`SELECT count(*) FROM import_row WHERE import_id = ${id}`), Number(read), `job ${id}: one import_row per row`);
  }
  assert.equal(await one('SELECT count(*) FROM (SELECT citizen_id FROM member WHERE citizen_id <> \'\' GROUP BY citizen_id HAVING count(*) > 1) d'), 0, 'no CCCD stored twice');
  assert.equal(await one('SELECT count(*) FROM (SELECT member_id FROM import_row WHERE outcome = \'created\' GROUP BY member_id HAVING count(*) > 1) d'), 0, 'no member created twice');
  const v = await runCli(['audit', 'verify', '--db', srv.db], { allowFail: true });
  assert.equal(v.code, 0, `audit chain: ${v.stdout}${v.stderr}`);
}

test('two `dangbo import` runs started together: one at a time, nothing half-written, a Vietnamese message', async () => {
  const membersBefore = await one('SELECT count(*) FROM member');
  const [a, b] = await Promise.all([importCli(roster), importCli(roster)]);
  const runs = [a, b];
  for (const r of runs) {
    assert.doesNotMatch(r.stderr, /UNIQUE|constraint|database is locked|sqlite|postgresql/i, r.stderr);
    if (r.code !== 0) assert.match(r.stderr, BUSY, r.stderr);
  }
  const done = runs.filter((r) => r.code === 0);
  assert.ok(done.length >= 1, `at least one completes:\n${a.stderr}\n${b.stderr}`);
  await checkWhole();
  // the members added are those the completed runs created, and the file's rows are stored once
  const created = await one("SELECT count(*) FROM import_row WHERE outcome = 'created'");
  assert.ok(created > 1000, `the roster stores members into HCM (${created})`);
  assert.equal(await one('SELECT count(*) FROM member') - membersBefore, created);
  // a run stopped as busy left no job: the jobs are the completed runs
  assert.equal(await one('SELECT count(*) FROM import_job'), done.length);
  // running the file once more creates nobody
  const again = await importCli(roster);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await one("SELECT count(*) FROM import_row WHERE outcome = 'created'"), created);
  await checkWhole();
});

test('while another import runs, `dangbo import` stops before writing anything; a dry run goes ahead; then it runs', async () => {
  // a job that another live process (this test) is running
  const org = await one("SELECT id FROM organization WHERE code = 'HCM'");
  const now = new Date().toISOString();
  await sql(`INSERT INTO import_job(kind, org_id, org_path, file_name, file_sha256, file_size, dry_run, status, batch_size, ` +
    `created_by_name, created_at, started_at, heartbeat_at, runner) VALUES ('roster', ${org}, '/1/', 'khác.csv', 'x', 1, 0, ` +
    `'running', 1000, 'staff_a', '${now}', '${now}', '${now}', '${hostname()}:${process.pid}')`);
  const other = await one("SELECT max(id) FROM import_job WHERE file_name = 'khác.csv'");
  const jobsBefore = await one('SELECT count(*) FROM import_job');
  const membersBefore = await one('SELECT count(*) FROM member');
  const rowsBefore = await one('SELECT count(*) FROM import_row');
  const auditBefore = await one('SELECT count(*) FROM audit_log');

  const r = await importCli(small);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, BUSY, r.stderr);
  assert.ok(r.stderr.includes(`(số ${other}: tệp khác.csv vào Đảng bộ Thành phố Hồ Chí Minh`), r.stderr);
  assert.match(r.stderr, /người chạy: staff_a\)/, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.equal(await one('SELECT count(*) FROM import_job'), jobsBefore, 'no job recorded');
  assert.equal(await one('SELECT count(*) FROM member'), membersBefore, 'no member');
  assert.equal(await one('SELECT count(*) FROM import_row'), rowsBefore, 'no row');
  assert.equal(await one('SELECT count(*) FROM audit_log'), auditBefore, 'no audit entry');

  // a dry run writes nothing: it is not held back
  const dry = await importCli(small, ['--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(await one('SELECT count(*) FROM member'), membersBefore);

  // an upload through the API waits in the queue meanwhile, and runs once the other is over
  const up = await request(`${srv.baseUrl}/api/v1/imports?org=HCM&name=small.csv`, {
    method: 'POST', token: srv.tokens.admin, body: await readFile(small), headers: { 'Content-Type': 'text/csv' },
  });
  assert.equal(up.status, 202, describe(up));
  const id = up.json.id;
  await new Promise((res) => setTimeout(res, 4000));  // more than one retry period
  const waiting = await request(`${srv.baseUrl}/api/v1/imports/${id}`, { token: srv.tokens.admin });
  assert.equal(waiting.json.status, 'queued', describe(waiting));
  assert.equal(waiting.json.rows_read, 0, describe(waiting));
  assert.equal(await one('SELECT count(*) FROM member'), membersBefore, 'the upload waited');

  await sql(`UPDATE import_job SET status = 'done', finished_at = '${new Date().toISOString()}' WHERE id = ${other}`);
  await waitFor(async () => (await request(`${srv.baseUrl}/api/v1/imports/${id}`, { token: srv.tokens.admin })).json?.status === 'done',
    30_000, `upload ${id} done after the other import`);
  assert.ok(await one('SELECT count(*) FROM member') > membersBefore, 'the upload stored its members');

  // and the command line runs again too
  const after = await importCli(small);
  assert.equal(after.code, 0, after.stderr);
  await sql(`DELETE FROM import_job WHERE id = ${other}`);
  await checkWhole();
});
