// The security sub-commands of the CLI on throwaway SQLite databases (no server):
// user add / reset-password / disable / enable / list, `audit verify` on a database whose log was
// tampered with (one byte changed, an entry deleted, two entries swapped: each detected and the
// entry named; exit code 2), `audit verify --anchor`, backup → change → restore, and clear
// one-line errors. Tampering uses the sqlite3 command-line tool (Debian package sqlite3).
// Run: node --test tests/integration/security_cli.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtemp, rm, copyFile, access, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './harness.mjs';

let dir;
let db;       // sqlite:… URL of the pristine database
let file;     // its path
const hasSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;

function sql(dbFile, statement) {
  const r = spawnSync('sqlite3', [dbFile, statement], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 ${statement}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A copy of the pristine database to tamper with. */
async function copy(name) {
  const f = path.join(dir, name);
  await copyFile(file, f);
  return { file: f, url: `sqlite:${f}` };
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dangbo-cli-'));
  file = path.join(dir, 'base.db');
  db = `sqlite:${file}`;
  await runCli(['init', '--db', db, '--no-demo']);
  // a few audited actions: users created, one password reset, one disabled and enabled again
  await runCli(['user', 'add', 'staff1', '--role', 'staff', '--org', 'HCM', '--db', db], { input: 'Staff-Pass-2025!\n' });
  await runCli(['user', 'add', 'auditor1', '--role', 'auditor', '--org', 'HCM', '--db', db], { input: 'Auditor-Pass-2025!\n' });
  const reset = await runCli(['user', 'reset-password', 'staff1', '--db', db]);
  assert.match(reset.stdout, /^PASSWORD=\S{16,}$/m);
  await runCli(['user', 'disable', 'auditor1', '--db', db]);
  await runCli(['user', 'enable', 'auditor1', '--db', db]);
});

after(async () => {
  if (dir && !process.env.DANGBO_KEEP_TMP) await rm(dir, { recursive: true, force: true });
});

test('user list shows roles, scope and state', async () => {
  await runCli(['user', 'disable', 'auditor1', '--db', db]);
  const out = (await runCli(['user', 'list', '--db', db])).stdout;
  assert.match(out, /^admin\tadmin\tHCM\tactive/m);
  assert.match(out, /^auditor1\tauditor\tHCM\tdisabled/m);
  assert.match(out, /^staff1\tstaff\tHCM\tactive\t-\tmust-change-password/m);
  await runCli(['user', 'enable', 'auditor1', '--db', db]);
});

test('audit verify: intact log → exit 0', async () => {
  const r = await runCli(['audit', 'verify', '--db', db]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Nhật ký nguyên vẹn: \d+ mục/);
});

test('the chain format is checkable without dangbo: Node recomputes every hash', { skip: !hasSqlite3 && 'sqlite3 not installed' }, async () => {
  // entry hash = SHA-256 over "LEN:FIELD|" for prev_hash, seq, at, actor_id ("" when none),
  // actor_name, action, entity, entity_id, org_path, detail (LEN in UTF-8 bytes)
  const r = spawnSync('sqlite3', ['-json', file, 'SELECT * FROM audit_log ORDER BY seq'], { encoding: 'utf8' });
  const entries = JSON.parse(r.stdout);
  assert.ok(entries.length >= 5);
  let prev = '0'.repeat(64);
  for (const e of entries) {
    const fields = [prev, String(e.seq), e.at, e.actor_id == null ? '' : String(e.actor_id), e.actor_name, e.action,
      e.entity, e.entity_id, e.org_path, e.detail];
    const buf = Buffer.concat(fields.map((f) => Buffer.concat([Buffer.from(`${Buffer.byteLength(f)}:`), Buffer.from(f), Buffer.from('|')])));
    assert.equal(e.prev_hash, prev, `entry ${e.seq} links to the previous one`);
    assert.equal(crypto.createHash('sha256').update(buf).digest('hex'), e.hash, `entry ${e.seq}`);
    prev = e.hash;
  }
});

test('audit verify: one changed byte is detected and the entry named', { skip: !hasSqlite3 && 'sqlite3 not installed' }, async () => {
  const c = await copy('byte.db');
  // change one character of the detail of the entry that created auditor1
  const seq = sql(c.file, "SELECT seq FROM audit_log WHERE action = 'create' AND detail LIKE '%auditor1%'");
  assert.match(seq, /^\d+$/);
  sql(c.file, `UPDATE audit_log SET detail = replace(detail, 'auditor1', 'auditor2') WHERE seq = ${seq}`);
  const r = await runCli(['audit', 'verify', '--db', c.url], { allowFail: true });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`số ${seq} đã bị sửa đổi`));
  assert.match(r.stderr, new RegExp(`first bad entry: ${seq}, modified`));
  assert.equal(r.stderr.trim().split('\n').length, 1, 'one clear line');
});

test('audit verify: a deleted entry is detected and named', { skip: !hasSqlite3 && 'sqlite3 not installed' }, async () => {
  const c = await copy('deleted.db');
  const seq = Number(sql(c.file, 'SELECT max(seq) FROM audit_log')) - 2;
  sql(c.file, `DELETE FROM audit_log WHERE seq = ${seq}`);
  const r = await runCli(['audit', 'verify', '--db', c.url], { allowFail: true });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`thiếu mục số ${seq}`));
  assert.match(r.stderr, new RegExp(`first bad entry: ${seq}, missing`));
});

test('audit verify: two swapped entries are detected and named', { skip: !hasSqlite3 && 'sqlite3 not installed' }, async () => {
  const c = await copy('swapped.db');
  const a = Number(sql(c.file, 'SELECT max(seq) FROM audit_log')) - 3, b = a + 1;
  sql(c.file, `UPDATE audit_log SET seq = -1 WHERE seq = ${a}; UPDATE audit_log SET seq = ${a} WHERE seq = ${b}; UPDATE audit_log SET seq = ${b} WHERE seq = -1;`);
  const r = await runCli(['audit', 'verify', '--db', c.url], { allowFail: true });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`số ${a}\\b`));
  assert.match(r.stderr, new RegExp(`first bad entry: ${a}`));
});

test('audit verify --anchor catches a log cut short after the anchor was written', { skip: !hasSqlite3 && 'sqlite3 not installed' }, async () => {
  const c = await copy('anchored.db');
  const anchor = path.join(dir, 'anchor.txt');
  assert.equal((await runCli(['audit', 'verify', '--db', c.url, '--anchor', anchor])).code, 0);
  const line = (await readFile(anchor, 'utf8')).trim().split('\n').pop();
  const [seq] = line.split(' ');
  sql(c.file, `DELETE FROM audit_log WHERE seq = ${seq}`);
  // the chain alone still verifies (the newest entry is simply gone) …
  assert.equal((await runCli(['audit', 'verify', '--db', c.url])).code, 0);
  // … the anchor does not
  const r = await runCli(['audit', 'verify', '--db', c.url, '--anchor', anchor], { allowFail: true });
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`số ${seq}`));
});

test('backup, change, restore: the change is gone and the log verifies', { skip: !hasSqlite3 && 'sqlite3 not installed' }, async () => {
  const c = await copy('live.db');
  const bak = path.join(dir, 'backup', 'dangbo-backup.db');
  const b = await runCli(['backup', bak, '--db', c.url]);
  assert.match(b.stdout, /Đã sao lưu vào/);
  await access(bak);
  assert.equal(sql(bak, 'PRAGMA integrity_check'), 'ok');
  const again = await runCli(['backup', bak, '--db', c.url], { allowFail: true });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /đã tồn tại/);

  await runCli(['user', 'add', 'after_backup', '--role', 'staff', '--org', 'HCM', '--db', c.url], { input: 'After-Backup-2025!\n' });
  const tables = sql(c.file, "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").split(',');
  const snapshot = (f) => Object.fromEntries(tables.filter((t) => t !== 'audit_log').map((t) => [t, sql(f, `SELECT * FROM ${t} ORDER BY 1`)]));
  const atBackup = snapshot(bak);
  assert.notDeepEqual(snapshot(c.file), atBackup);

  // without --yes it asks and stops on anything but "yes"
  const refused = await runCli(['restore', bak, '--db', c.url], { input: 'no\n', allowFail: true });
  assert.equal(refused.code, 1);
  const r = await runCli(['restore', bak, '--db', c.url, '--yes']);
  assert.match(r.stdout, /Đã phục hồi/);
  assert.deepEqual(snapshot(c.file), atBackup, 'every table as it was at the backup');
  assert.doesNotMatch((await runCli(['user', 'list', '--db', c.url])).stdout, /after_backup/);
  assert.equal((await runCli(['audit', 'verify', '--db', c.url])).code, 0);
  assert.equal(sql(c.file, 'SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1'), 'restore');
});

test('errors are one clear line with a non-zero exit', async () => {
  const cases = [
    [['user', 'disable', 'nobody', '--db', db], /Không có người dùng 'nobody'/],
    [['user', 'add', 'x', '--role', 'king', '--org', 'HCM', '--db', db], /Vai trò không hợp lệ/],
    [['user', 'add', 'x', '--role', 'staff', '--org', 'HCM', '--db', db, '--generate'], null],
    [['restore', path.join(dir, 'missing.db'), '--yes', '--db', db], /Không có tệp sao lưu/],
    [['keys', 'rotate', '--db', db, '--key-file', path.join(dir, 'no-such.key')], /Không đọc được tệp khóa/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args, { allowFail: true, input: '' });
    if (!re) { assert.equal(r.code, 0, r.stderr); assert.match(r.stdout, /^PASSWORD=\S+$/m); continue; }
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
  }
});
