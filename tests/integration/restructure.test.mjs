// Integration tests of restructuring (issue 6) against a real `dangbo serve` whose database was
// seeded the way `make run` seeds it: the party organizations of Ho Chi Minh City, Bình Dương
// and Bà Rịa – Vũng Tàu as they stood on 2025-06-30, a demo roster, and the real 2025 mapping
// applied as one plan effective 2025-07-01.
// Run: node --test tests/integration/restructure.test.mjs   (needs build/dangbo, or DANGBO_BIN)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startServer, request, describe, allPages, parseCsv, REPO_ROOT } from './harness.mjs';

let srv;
const API = () => `${srv.baseUrl}/api/v1`;
const OLD_PROVINCES = new Set(['79', '74', '77']);
let oldCodes;   // the 441 communes of 2025-03
let mapping;    // old code → Set(new codes), for new province 79 (442 old units with Côn Đảo)
let sources;    // new code → Set(old codes)

before(async () => {
  // This test walks the lineage of every unit (about 700 API calls): no per-address API limit.
  srv = await startServer({ members: Number(process.env.DANGBO_TEST_MEMBERS || 3000), seed: 7, serveArgs: ['--api-burst', '0'] });
  const dir = path.join(REPO_ROOT, 'data', 'admin_units');
  const olds = parseCsv(await readFile(path.join(dir, 'old_communes_2025-03.csv'), 'utf8'));
  oldCodes = new Set(olds.filter((r) => OLD_PROVINCES.has(r.province_code)).map((r) => r.commune_code));
  mapping = new Map();
  sources = new Map();
  for (const r of parseCsv(await readFile(path.join(dir, 'map_old_to_new_dvhcvn.csv'), 'utf8'))) {
    if (r.new_province_code !== '79') continue;
    if (!mapping.has(r.old_code)) mapping.set(r.old_code, new Set());
    mapping.get(r.old_code).add(r.new_commune_code);
    if (!sources.has(r.new_commune_code)) sources.set(r.new_commune_code, new Set());
    sources.get(r.new_commune_code).add(r.old_code);
  }
});

after(async () => {
  if (srv) await srv.stop();
});

// Plans apply only once effective (a later date is refused): dates relative to the server's
// today (Vietnam time), so the test passes on any day. EFF is yesterday there.
const vnDay = (offset) => new Date(Date.now() + 7 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10);
const EFF = vnDay(-1), DEC = vnDay(-9), LATER = vnDay(6), DAY_BEFORE = vnDay(-2);
const dmy = (iso) => iso.split('-').reverse().join('/');
const orgs = (query) => allPages(srv.baseUrl, `/api/v1/organizations?${query}&limit=1000`, { token: srv.tokens.admin });
const codes = (items) => new Set(items.map((o) => o.code));
const sum = (items) => items.reduce((s, o) => s + o.member_count, 0);
const sorted = (set) => [...set].sort();

test('the replay: 441 ward/commune committees on 2025-06-30, the 168 of the reference list from 2025-07-01', async () => {
  assert.equal(oldCodes.size, 441, 'the reference data should list 441 old communes of HCMC, Bình Dương, Bà Rịa – Vũng Tàu');
  const before = await orgs('kind=commune_committee&as_of=2025-06-30');
  assert.equal(before.length, 441, `as_of=2025-06-30 lists ${before.length} ward/commune committees`);
  assert.deepEqual(sorted(codes(before)), sorted(oldCodes), 'old codes differ from old_communes_2025-03.csv');
  for (const o of before) assert.equal(o.valid_to, '2025-07-01', `old ${o.code} should end on 2025-07-01: ${JSON.stringify(o)}`);

  const afterItems = await orgs('kind=commune_committee&as_of=2025-07-01');
  assert.equal(afterItems.length, 168);
  assert.deepEqual(sorted(codes(afterItems)), sorted(new Set(sources.keys())), 'new codes differ from the mapping');
  for (const o of afterItems) {
    assert.equal(o.valid_from, '2025-07-01', JSON.stringify(o));
    assert.equal(o.parent, 'HCM', JSON.stringify(o));
  }
  // The provincial organizations and the districts.
  assert.deepEqual(sorted(codes(await orgs('kind=city&as_of=2025-06-30'))), ['BDG', 'BRVT', 'HCM']);
  assert.deepEqual(sorted(codes(await orgs('kind=city&as_of=2025-07-01'))), ['HCM']);
  assert.equal((await orgs('kind=upper_committee&as_of=2025-06-30')).length, 38, '22 + 9 + 7 districts, Côn Đảo included');
  assert.equal((await orgs('kind=upper_committee&as_of=2025-07-01')).length, 0);
  const hcmOld = await orgs('parent=HCM&as_of=2025-06-30');
  assert.equal(hcmOld.length, 22, 'old HCMC had 22 districts (16 quận, Thủ Đức, 5 huyện)');
  assert.equal((await orgs('parent=HCM')).length, 168, 'today the city has the 168 committees directly');
});

test('every member placed: the counts before and after agree, and agree with today', async () => {
  const stats = await request(`${API()}/stats?org=HCM`, { token: srv.tokens.admin });
  assert.equal(stats.status, 200, describe(stats));
  const total = stats.json.total;
  assert.ok(total > 2500, `active members: ${total}`);
  assert.equal(sum(await orgs('kind=city&as_of=2025-06-30')), total, 'the three provinces on 2025-06-30 hold every member');
  assert.equal(sum(await orgs('kind=commune_committee&as_of=2025-07-01')), total, 'the 168 committees on 2025-07-01 hold every member');
  const now = new Map((await orgs('kind=commune_committee')).map((o) => [o.code, o.member_count]));
  const then = new Map((await orgs('kind=commune_committee&as_of=2025-07-01')).map((o) => [o.code, o.member_count]));
  assert.deepEqual([...then].filter(([c, n]) => now.get(c) !== n), [], 'counts on 2025-07-01 should equal today\'s');
  // On 2025-06-30 the old wards plus the Côn Đảo district hold every member too.
  const coDao = (await orgs('parent=BRVT&as_of=2025-06-30')).find((o) => o.code === '755');
  assert.ok(coDao, 'the Côn Đảo district (755) under Bà Rịa – Vũng Tàu on 2025-06-30');
  assert.equal(sum(await orgs('kind=commune_committee&as_of=2025-06-30')) + coDao.member_count, total);
});

test('members as of 2025-06-30 in an old ward are now in the units it went to', async () => {
  const before = (await orgs('kind=commune_committee&as_of=2025-06-30')).filter((o) => o.member_count > 0);
  const split = before.find((o) => mapping.get(o.code).size > 1);
  for (const ward of [before[0], split].filter(Boolean)) {
    const members = await allPages(srv.baseUrl, `/api/v1/members?org=${ward.code}&as_of=2025-06-30&limit=500`, { token: srv.tokens.admin });
    assert.equal(members.length, ward.member_count, `members of ${ward.code} on 2025-06-30`);
    const targets = mapping.get(ward.code);
    // today each is in a cell coded "<new unit>.NN…", one of the units the old ward went to
    const wrong = members.filter((m) => !targets.has(m.organization.split('.')[0])).map((m) => `${m.id} in ${m.organization}`);
    assert.deepEqual(wrong, [], `${ward.code} went to ${[...targets].join(', ')}`);
  }
});

test('every old unit is accounted for: its lineage leads to the new units of the mapping, and back', async () => {
  assert.equal(mapping.size, 442, '441 communes and the Côn Đảo district');
  const problems = [];
  for (const [old, targets] of mapping) {
    const res = await request(`${API()}/organizations/${old}/lineage?as_of=2025-06-30`, { token: srv.tokens.admin });
    if (res.status !== 200) { problems.push(describe(res)); continue; }
    const got = new Set(res.json.became.map((l) => l.code));
    if (sorted(got).join() !== sorted(targets).join()) problems.push(`${old} → ${sorted(got)} (mapping: ${sorted(targets)})`);
    for (const l of res.json.became) {
      if (l.effective_date !== '2025-07-01' || l.decision_no !== '1685/NQ-UBTVQH15') problems.push(`${old}: ${JSON.stringify(l)}`);
    }
  }
  for (const [nw, olds] of sources) {
    const res = await request(`${API()}/organizations/${nw}/lineage`, { token: srv.tokens.admin });
    const got = new Set(res.json.formed_from.map((l) => l.code));
    if (sorted(got).join() !== sorted(olds).join()) problems.push(`${nw} ← ${sorted(got)} (mapping: ${sorted(olds)})`);
  }
  assert.deepEqual(problems.slice(0, 10), [], `${problems.length} lineage mismatches`);
  const hcm = await request(`${API()}/organizations/HCM/lineage`, { token: srv.tokens.admin });
  assert.deepEqual(sorted(new Set(hcm.json.formed_from.map((l) => l.code))), ['BDG', 'BRVT', 'HCM']);
  const district = await request(`${API()}/organizations/760/lineage?as_of=2025-06-30`, { token: srv.tokens.admin });
  assert.equal(district.status, 200, describe(district));
  assert.deepEqual(district.json.became.map((l) => [l.operation, l.code]), [['dissolve', null]], 'Quận 1 dissolved');
});

test('a new ward\'s page shows what it was formed from; the old ward\'s page what it became', async () => {
  const html = async (p) => {
    const res = await request(srv.baseUrl + p, { token: srv.tokens.admin, headers: { Accept: 'text/html' } });
    assert.equal(res.status, 200, describe(res));
    return res.text;
  };
  const page = await html('/orgs/26740');
  assert.match(page, /id="formed-from"/, 'the page of Phường Sài Gòn should list what formed it');
  for (const old of sources.get('26740')) assert.match(page, new RegExp(`href="/orgs/${old}\\?as_of=2025-06-30"`), `link to ${old}`);
  const oldPage = await html('/orgs/26740?as_of=2025-06-30');
  assert.match(oldPage, /Bến Nghé/, 'on 2025-06-30, code 26740 is Phường Bến Nghé');
  assert.match(oldPage, /id="became"/);
  assert.match(oldPage, /href="\/orgs\/26740\?as_of=2025-07-01"/);
  assert.match(oldPage, /id="past-notice"/);
  const cityThen = await html('/orgs/HCM?as_of=2025-06-30');
  assert.equal((cityThen.match(/class="org-node"/g) || []).length, 22, 'the city on 2025-06-30 lists its 22 districts');
});

test('statistics as of a day: the members of that day, broken down by the units of that day', async () => {
  const stats = async (query, token = srv.tokens.admin) => {
    const res = await request(`${API()}/stats?${query}`, { token });
    assert.equal(res.status, 200, describe(res));
    return res.json;
  };
  const total = (items) => items.reduce((s, c) => s + c.count, 0);
  const byCode = (items) => new Map(items.map((c) => [c.code, c.count]));
  const now = await stats('org=HCM');
  const after = await stats('org=HCM&as_of=2025-07-01');
  const before = await stats('org=HCM&as_of=2025-06-30');
  assert.equal(after.as_of, '2025-07-01');
  assert.equal(before.as_of, '2025-06-30');

  // 2025-07-01: the new city and its 168 committees hold every member, as today.
  assert.equal(after.total, now.total);
  assert.deepEqual(sorted(codes(after.by_child)), sorted(new Set(sources.keys())), 'the 168 new committees');
  assert.deepEqual(byCode(after.by_child), byCode(now.by_child), 'nobody moved after 2025-07-01');
  // 2025-06-30: code HCM is the old city with its 22 districts; with Bình Dương and Bà Rịa – Vũng
  // Tàu it holds the same members as the new city on 2025-07-01, in other units.
  const bdg = await stats('org=BDG&as_of=2025-06-30');
  const brvt = await stats('org=BRVT&as_of=2025-06-30');
  assert.equal(before.by_child.length, 22);
  assert.equal(before.total + bdg.total + brvt.total, after.total, 'same members before and after the merger');
  assert.ok(before.total > 0 && before.total < after.total, `old HCMC ${before.total} of ${after.total}`);
  for (const st of [before, bdg, brvt, after]) {
    assert.equal(total(st.by_child), st.total, `${st.org.code} ${st.as_of}: the units add up`);
    assert.equal(total(st.by_gender), st.total);
    assert.equal(total(st.by_age_band), st.total);
  }
  // The breakdowns are the organization tree of each day, counted as the tree pages count it.
  for (const [code, st] of [['HCM', before], ['BDG', bdg], ['BRVT', brvt]]) {
    const tree = await orgs(`parent=${code}&as_of=2025-06-30`);
    assert.deepEqual(byCode(st.by_child), new Map(tree.map((o) => [o.code, o.member_count])), `${code} on 2025-06-30`);
  }
  // One level down, the 38 districts of 2025-06-30 break down into the 441 old committees.
  const districts = await orgs('kind=upper_committee&as_of=2025-06-30');
  const oldWards = new Map();
  for (const d of districts) {
    for (const c of (await stats(`org=${d.code}&as_of=2025-06-30`)).by_child) if (oldCodes.has(c.code)) oldWards.set(c.code, c.count);
  }
  const listed = await orgs('kind=commune_committee&as_of=2025-06-30');
  assert.equal(oldWards.size, 441);
  assert.deepEqual(oldWards, new Map(listed.map((o) => [o.code, o.member_count])));
  assert.ok(![...oldWards.keys()].every((c) => byCode(after.by_child).get(c) === oldWards.get(c)), 'the breakdowns differ');

  // Scope as now: a ward's staff see the old units their ward was formed from, not the old city.
  const staffPast = await request(`${API()}/stats?org=HCM&as_of=2025-06-30`, { token: srv.tokens.staff });
  assert.equal(staffPast.status, 404, describe(staffPast));
  // A bad day is refused with a Vietnamese problem, as on the other lists.
  for (const bad of ['2025-02-30', '30/06/2025', '2025-06']) {
    const res = await request(`${API()}/stats?org=HCM&as_of=${encodeURIComponent(bad)}`, { token: srv.tokens.admin });
    assert.equal(res.status, 422, describe(res));
    assert.match(res.contentType, /application\/problem\+json/);
    assert.match(res.json.detail, /as_of phải là ngày dạng YYYY-MM-DD/);
  }

  // The dashboard: the date field, the note, and the charts asking for the same day.
  const page = async (p) => {
    const res = await request(srv.baseUrl + p, { token: srv.tokens.admin, headers: { Accept: 'text/html' } });
    assert.equal(res.status, 200, describe(res));
    return res.text;
  };
  const dash = await page('/dashboard?org=HCM&as_of=2025-06-30');
  assert.match(dash, /<input type="date"[^>]*name="as_of" value="2025-06-30"/);
  assert.match(dash, /id="as-of-notice"[^>]*>Số liệu tại ngày 30\/06\/2025/);
  assert.match(dash, /data-org="HCM" data-as-of="2025-06-30"/);
  assert.match(dash, /id="synthetic-banner"/, 'the demo roster is marked on a past day too');
  const dashNow = await page('/dashboard?org=HCM');
  assert.doesNotMatch(dashNow, /id="as-of-notice"/);
  const bdgPage = await page('/dashboard?org=BDG&as_of=2025-06-30');
  assert.match(bdgPage, /Bình Dương/);
  // the organization page of a unit that existed only before the merger is marked too
  assert.match(await page('/orgs/BDG?as_of=2025-06-30'), /id="synthetic-banner"/, 'old unit page marked synthetic');
});

test('preview catches each planted problem, apply refuses while one remains; the fixed plan applies and undoes', async () => {
  const wards = (await orgs('kind=commune_committee')).filter((o) => o.member_count > 0);
  const [A, B, C, D, E, F] = wards.map((o) => o.code);
  const child = async (code) => (await orgs(`parent=${code}`)).find((o) => o.member_count > 0);
  const cellC = (await child(C)).code;
  const cellD = (await child(D)).code;
  const head = 'op,code,target,target_name,target_kind,target_parent,target_unit,rule,share,decision_no,decision_date,effective_date\n';
  const merge = `merge,${A},99001,Đảng bộ phường Thử Nghiệm,commune_committee,HCM,99001,,,QĐ-TEST,${DEC},${EFF}\n` +
                `merge,${B},99001,,,,,,,QĐ-TEST,${DEC},${EFF}\n`;
  const planted = head + merge +
    `merge,${A},99002,Đảng bộ phường Khác,commune_committee,HCM,99002,,,QĐ-TEST,${DEC},${EFF}\n` + // 4: a unit in two merges
    `rename,NOPE999,,Không có,,,,,,QĐ-TEST,${DEC},${EFF}\n` +                                    // 5: unknown code
    `move,${C},,,,${cellC},,,,QĐ-TEST,${LATER},${EFF}\n` +                                           // 6: cycle; effective before decision
    `dissolve,${cellD},,,,,,,,QĐ-TEST,${DEC},${EFF}\n` +                                           // 7: members left without an organization
    `rename,${E},${F},Đảng bộ trùng mã,,,,,,QĐ-TEST,${DEC},${EFF}\n`;                              // 8: a code valid twice at once
  const pv = await request(`${API()}/restructure/preview`, { method: 'POST', token: srv.tokens.admin, json: { csv: planted } });
  assert.equal(pv.status, 200, describe(pv));
  assert.equal(pv.json.ok, false);
  const found = new Map();
  for (const p of pv.json.problems) if (p.blocking && !found.has(p.code)) found.set(p.code, p.line);
  for (const [code, line] of [['double_use', 4], ['unknown_code', 5], ['effective_before_decision', 6], ['unplaced_members', 7]]) {
    assert.equal(found.get(code), line, `${code} on line ${line}: ${JSON.stringify(pv.json.problems)}`);
  }
  for (const code of ['cycle', 'code_reused']) assert.ok(found.has(code), `${code}: ${JSON.stringify(pv.json.problems)}`);

  const countOn = async (d) => (await orgs(`kind=commune_committee&as_of=${d}`)).length;
  const refused = await request(`${API()}/restructure/apply`, { method: 'POST', token: srv.tokens.admin, json: { csv: planted } });
  assert.equal(refused.status, 422, describe(refused));
  assert.match(refused.contentType, /problem\+json/);
  assert.ok(refused.json.problems.length >= 6);
  assert.equal(await countOn(EFF), 168, 'nothing applied');

  const fixed = head + merge;
  // effective after today: previewed, but apply refuses until that day
  const future = fixed.replaceAll(`,${EFF}\n`, `,${vnDay(2)}\n`);
  const fpv = await request(`${API()}/restructure/preview`, { method: 'POST', token: srv.tokens.admin, json: { csv: future } });
  assert.equal(fpv.status, 200, describe(fpv));
  assert.ok(fpv.json.problems.some((p) => p.code === 'future_effective' && p.blocking && /sau hôm nay/.test(p.message)), JSON.stringify(fpv.json.problems));
  const frefused = await request(`${API()}/restructure/apply`, { method: 'POST', token: srv.tokens.admin, json: { csv: future } });
  assert.equal(frefused.status, 422, describe(frefused));
  assert.equal(await countOn(vnDay(2)), 168, 'nothing applied');
  const ok = await request(`${API()}/restructure/preview`, { method: 'POST', token: srv.tokens.admin, json: { csv: fixed } });
  assert.equal(ok.json.ok, true, JSON.stringify(ok.json.problems));
  const membersAB = (await orgs('kind=commune_committee')).filter((o) => o.code === A || o.code === B).reduce((s, o) => s + o.member_count, 0);
  assert.equal(ok.json.members_moved >= membersAB, true, `members moved ${ok.json.members_moved} vs ${membersAB}`);
  const applied = await request(`${API()}/restructure/apply`, { method: 'POST', token: srv.tokens.admin, json: { csv: fixed } });
  assert.equal(applied.status, 201, describe(applied));
  const planId = applied.json.plan_id;
  const on = await orgs(`kind=commune_committee&as_of=${EFF}`);
  assert.equal(on.length, 167);
  assert.equal(on.find((o) => o.code === '99001').member_count, membersAB);
  assert.equal(await countOn(DAY_BEFORE), 168, 'the day before is unchanged');
  assert.equal(await countOn('2025-06-30'), 441, 'and 2025-06-30 still shows the old tree');
  const lin = await request(`${API()}/organizations/99001/lineage?as_of=${EFF}`, { token: srv.tokens.admin });
  assert.deepEqual(sorted(new Set(lin.json.formed_from.map((l) => l.code))), sorted(new Set([A, B])));
  const plans = await request(`${API()}/restructure/plans`, { token: srv.tokens.admin });
  assert.equal(plans.json.items[0].id, planId);
  // the plan's page shows when it was applied in local time, as other pages do
  const planPage = await request(`${srv.baseUrl}/restructure/plans/${planId}`, { token: srv.tokens.admin });
  assert.equal(planPage.status, 200, describe(planPage));
  assert.match(planPage.text, /\d\d\/\d\d\/\d{4} \d\d:\d\d/);
  assert.doesNotMatch(planPage.text, /\d{4}-\d\d-\d\dT\d\d:\d\d/, 'no raw UTC timestamp');
  // a rename moves nobody
  const rename = head + `rename,${C},,Đảng bộ đổi tên,,,,,,QĐ-TEST,${DEC},${EFF}\n`;
  const rn = await request(`${API()}/restructure/preview`, { method: 'POST', token: srv.tokens.admin, json: { csv: rename } });
  assert.equal(rn.status, 200, describe(rn));
  assert.equal(rn.json.members_moved, 0, JSON.stringify(rn.json));
  assert.equal(plans.json.items[0].status, 'applied');

  const undo = await request(`${API()}/restructure/undo`, { method: 'POST', token: srv.tokens.admin, json: { plan_id: planId } });
  assert.equal(undo.status, 200, describe(undo));
  assert.equal(undo.json.undone, planId);
  assert.equal(await countOn(EFF), 168, 'undone');
  assert.equal(await countOn('2025-06-30'), 441);
  // Now the last applied plan is the seeded 2025 one; accounts were granted on its units since,
  // so it cannot be undone.
  const again = await request(`${API()}/restructure/undo`, { method: 'POST', token: srv.tokens.admin, json: {} });
  assert.equal(again.status, 409, describe(again));
  assert.match(again.json.detail, /tài khoản/);
});

// A minimal .xlsx (stored ZIP entries, inline strings): enough for the plan import.
function crc32(buf) {
  let c, crc = 0xFFFFFFFF;
  for (const b of buf) {
    c = (crc ^ b) & 0xFF;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xFFFFFFFF) >>> 0;
}
function zip(files) {
  const parts = [], central = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8'), fname = Buffer.from(name, 'utf8'), crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fname.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0); cen.writeUInt16LE(20, 4); cen.writeUInt16LE(20, 6); cen.writeUInt16LE(0x0800, 8);
    cen.writeUInt32LE(crc, 16); cen.writeUInt32LE(data.length, 20); cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(fname.length, 28); cen.writeUInt32LE(offset, 42);
    parts.push(local, fname, data);
    central.push(cen, fname);
    offset += 30 + fname.length + data.length;
  }
  const cd = Buffer.concat(central), end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}
function xlsx(rows) {
  const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const col = (i) => String.fromCharCode(65 + i);
  const sheet = rows.map((r, ri) => `<row r="${ri + 1}">` + r.map((v, ci) => v === '' ? '' :
    `<c r="${col(ci)}${ri + 1}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('') + '</row>').join('');
  return zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Phương án" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheet}</sheetData></worksheet>`,
  });
}

test('a plan kept in Excel (.xlsx) is read like its CSV', async () => {
  const wards = (await orgs('kind=commune_committee')).filter((o) => o.member_count > 0);
  const rows = [
    ['op', 'code', 'target', 'target_name', 'target_kind', 'target_parent', 'target_unit', 'rule', 'share', 'decision_no', 'decision_date', 'effective_date', 'note'],
    ['merge', wards[0].code, '99003', 'Đảng bộ phường Thử, Nghiệm', 'commune_committee', 'HCM', '99003', '', '', 'QĐ-XLSX', dmy(DEC), dmy(EFF), ''],
    ['merge', wards[1].code, '99003', '', '', '', '', '', '', 'QĐ-XLSX', dmy(DEC), dmy(EFF), ''],
  ];
  const body = xlsx(rows);
  const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const pv = await request(`${API()}/restructure/preview`, { method: 'POST', token: srv.tokens.admin, headers: { 'Content-Type': type }, body });
  assert.equal(pv.status, 200, describe(pv));
  assert.equal(pv.json.ok, true, JSON.stringify(pv.json.problems));
  assert.equal(pv.json.orgs_new, 1);
  assert.deepEqual(pv.json.after.find((r) => r.code === '99003').from.sort(), [wards[0].code, wards[1].code].sort());
  const csv = await request(`${srv.baseUrl}/restructure/xlsx`, { method: 'POST', token: srv.tokens.admin, headers: { 'Content-Type': type }, body });
  assert.equal(csv.status, 200, describe(csv));
  assert.match(csv.text, /^op,code,target,/);
  assert.match(csv.text, /"Đảng bộ phường Thử, Nghiệm"/);
  const notXlsx = await request(`${API()}/restructure/preview`, { method: 'POST', token: srv.tokens.admin, headers: { 'Content-Type': type }, body: Buffer.from('PK\x03\x04 not really') });
  assert.equal(notXlsx.status >= 400 && notXlsx.status < 500, true, describe(notXlsx));
});

test('standards check: HCMC units below the 2025 thresholds, with the legal source', async () => {
  const res = await request(`${API()}/restructure/standards?province=79`, { token: srv.tokens.admin });
  assert.equal(res.status, 200, describe(res));
  assert.ok(res.json.items.length > 0 && res.json.items.length < 168, `${res.json.items.length} units below`);
  for (const u of res.json.items) {
    assert.ok(u.area_below || u.population_below, JSON.stringify(u));
    if (u.area_below) assert.ok(u.area_km2 < u.min_area_km2 && /76\/2025\/UBTVQH15/.test(u.area_source), JSON.stringify(u));
    if (u.population_below) assert.ok(u.population < u.min_population, JSON.stringify(u));
  }
  // Phường Sài Gòn (3.04 km²) is below the 5.5 km² area threshold for wards.
  assert.ok(res.json.items.some((u) => u.code === '26740' && u.area_below), 'Phường Sài Gòn should be listed');
  const all = await request(`${API()}/restructure/standards?province=79&all=1`, { token: srv.tokens.admin });
  assert.equal(all.json.items.length, 168);
});
