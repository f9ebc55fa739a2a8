// `dangbo --help` and the help of every sub-command (found by the newcomer test: CLI11's
// "Usage:", "Options:", "Print this help message and exit", "REQUIRED", "TEXT" … were English,
// and several options had no description at all). Every help screen, walked from the top
// through every sub-command, must be Vietnamese: the headings and placeholders, the help flag's
// line, and a Vietnamese description on every option and argument line; command and option
// names stay as they are. Errors of the command line (a missing argument, an unknown one) are
// one Vietnamese line plus where to find help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './harness.mjs';

// What CLI11 prints in English by default.
const ENGLISH = /\b(Usage|Options|Positionals|Subcommands|SUBCOMMANDS?|OPTIONS|REQUIRED|TEXT|UINT|INT|FLOAT|Print this help message and exit|Run with|is required|Env|Needs|Excludes)\b/;
const VIETNAMESE_LETTERS = /[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]/i;

/** The help screen of `dangbo ...path --help`, split into its sections {heading: [lines]}. */
async function help(path) {
  const r = await runCli([...path, '--help'], { allowFail: true });
  assert.equal(r.code, 0, `dangbo ${path.join(' ')} --help exited with ${r.code}: ${r.stderr}`);
  const sections = {};
  let current = '';
  for (const line of r.stdout.split('\n')) {
    const h = /^(\S.*):$/.exec(line);
    if (h) { current = h[1]; sections[current] = []; continue; }
    if (!current || !line.trim()) continue;
    const list = sections[current];
    // a name too wide for its column has its description on the next line, indented
    if (/^ {6,}\S/.test(line) && list.length) list[list.length - 1] += '  ' + line.trim();
    else list.push(line);
  }
  return { text: r.stdout, sections };
}

/** Name and description of an entry line "  NAME [PLACEHOLDERS]   description". */
function entry(line) {
  const m = /^ {2}(\S(?:.*?\S)?)(?: {2,}(.*))?$/.exec(line);
  return m ? { name: m[1], desc: (m[2] || '').trim() } : null;
}

test('every help screen, from dangbo --help down through every sub-command, is Vietnamese', async () => {
  const queue = [[]];
  const seen = [];
  while (queue.length) {
    const path = queue.shift();
    const where = `dangbo ${[...path, '--help'].join(' ')}`;
    const { text, sections } = await help(path);
    seen.push(path.join(' ') || '(dangbo)');
    assert.doesNotMatch(text, ENGLISH, `${where} still has CLI11's English:\n${text}`);
    assert.match(text, /^Cách dùng: \S*dangbo/m, `${where}: no "Cách dùng:" line:\n${text}`);
    assert.ok(sections['Tùy chọn'], `${where}: no "Tùy chọn:" section:\n${text}`);
    const helpFlag = sections['Tùy chọn'].map(entry).find((e) => e && e.name.startsWith('-h,--help'));
    assert.ok(helpFlag, `${where}: no -h,--help line`);
    assert.match(helpFlag.desc, VIETNAMESE_LETTERS, `${where}: the help flag's line: ${helpFlag.desc}`);
    for (const heading of ['Tùy chọn', 'Tham số']) {
      for (const line of sections[heading] || []) {
        const e = entry(line);
        assert.ok(e, `${where}: cannot read "${line}"`);
        assert.ok(e.desc, `${where}: ${e.name} has no description`);
        assert.match(e.desc, VIETNAMESE_LETTERS, `${where}: ${e.name}: "${e.desc}" is not Vietnamese`);
      }
    }
    for (const line of sections['Lệnh'] || []) {
      const e = entry(line);
      assert.ok(e && e.desc, `${where}: sub-command line without a description: "${line}"`);
      assert.match(e.desc, VIETNAMESE_LETTERS, `${where}: ${e.name}: "${e.desc}"`);
      queue.push([...path, e.name]);
    }
  }
  // the walk reached the sub-commands (and theirs)
  for (const p of ['serve', 'import', 'clean', 'user add', 'user reset-password', 'restructure apply', 'audit verify', 'counts check'])
    assert.ok(seen.includes(p), `the walk did not reach "dangbo ${p}" (seen: ${seen.join(', ')})`);
});

test('the help columns line up although the labels have diacritics', async () => {
  for (const path of [['import'], ['serve'], ['user', 'add']]) {
    const r = await runCli([...path, '--help']);
    const cols = new Set();
    for (const line of r.stdout.split('\n')) {
      const m = /^( {2}\S.*?\S {2,})\S/.exec(line);  // an entry with its description on the same line
      if (m) cols.add([...m[1]].length);             // characters, not bytes
    }
    assert.equal(cols.size, 1, `dangbo ${path.join(' ')} --help: descriptions start in columns ${[...cols].join(', ')}\n${r.stdout}`);
  }
});

test('command-line errors are one Vietnamese line plus where to find help', async () => {
  const cases = [
    [[], /^dangbo: cần chọn một lệnh/],
    [['import'], /^dangbo: thiếu file/],
    [['import', 'x.csv'], /^dangbo: thiếu --org/],
    [['user', 'add', 'an', '--role'], /^dangbo: thiếu giá trị cho --role/],
    [['routes', '--khong-co'], /^dangbo: không hiểu: --khong-co/],
    [['gen-roster', '--members', 'nhiều'], /^dangbo: giá trị không hợp lệ cho --members: nhiều/],
  ];
  for (const [args, want] of cases) {
    const r = await runCli(args, { allowFail: true });
    assert.notEqual(r.code, 0, `dangbo ${args.join(' ')} should fail`);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0], want, `dangbo ${args.join(' ')}:\n${r.stderr}`);
    assert.match(lines[lines.length - 1], /^Xem hướng dẫn: dangbo( \S+)* --help$/, `dangbo ${args.join(' ')}:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, ENGLISH, `dangbo ${args.join(' ')}:\n${r.stderr}`);
  }
});
