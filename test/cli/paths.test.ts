/**
 * Issue 17, items 2, 4, 5, 6 (empty file) and 7 (stale reject file): paths are checked before any
 * work, with exit 2 and a message naming the option; nothing is opened in memory by accident.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../helpers/paths.js';
import { spiralMain as spiral } from '../helpers/main.js';

const scratch = scratchDir('spiral-paths-');
after(() => scratch.cleanup());

const HEAD = 'customer_id,date,quantity,amount_usd';
const good = join(scratch.dir, 'good.csv');
writeFileSync(good, `${HEAD}\n1,1997-01-01,1,10\n2,1997-01-02,1,10\n`);

test('--db naming an existing CSV, a directory, or nothing: exit 2 naming --db, and the file is untouched', async () => {
  const before = readFileSync(good, 'utf8');
  for (const args of [
    ['ingest', good, '--mapping', 'cdnow_master', '--db', good],
    ['analyze', '--db', good, '--out', join(scratch.dir, 'r.json')],
    ['brand', '--db', good],
    ['funnel', '--db', good],
    ['network', '--db', good],
    ['clv', 'fit', '--db', good, '--model', 'bgnbd', '--unit', 'week', '--calibration-end', '1997-06-30'],
    ['report', '--db', good, '--out', join(scratch.dir, 'r.html')],
    ['ingest', good, '--mapping', 'cdnow_master', '--db', scratch.dir],
    ['ingest', good, '--mapping', 'cdnow_master', '--db', ''],
    ['ingest', good, '--mapping', 'cdnow_master', '--db', ':memory:'],
  ]) {
    const r = await spiral(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /--db: /, args.join(' '));
    assert.doesNotMatch(r.stdout, /eventsInStore/);
  }
  assert.match((await spiral(['brand', '--db', good])).stderr, /is not a Spiral store/);
  assert.match((await spiral(['ingest', good, '--mapping', 'cdnow_master', '--db', scratch.dir])).stderr, /is a directory/);
  assert.equal(readFileSync(good, 'utf8'), before);
});

test('a directory given as an input file is refused with exit 2 before the store is created', async () => {
  const dir = join(scratch.dir, 'inputs');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.csv'), `${HEAD}\n1,1997-01-01,1,10\n`);
  const db = join(scratch.dir, 'dir-input.duckdb');
  const r = await spiral(['ingest', dir, '--mapping', 'cdnow_master', '--db', db]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /inputs: is a directory; give its files one by one/);
  assert.equal(existsSync(db), false, 'no store was created');
});

test('--out, --report and --reject-file that cannot be written fail at once with exit 2, before any row is committed', async () => {
  const db = join(scratch.dir, 'paths.duckdb');
  const notAFolder = join(good, 'x.json'); // a path "inside" a file
  const rej = await spiral(['ingest', good, '--mapping', 'cdnow_master', '--db', db, '--reject-file', scratch.dir]);
  assert.equal(rej.code, 2, rej.stderr);
  assert.match(rej.stderr, /^spiral: --reject-file: .* is a directory/m);
  assert.equal(existsSync(db), false, 'nothing was ingested');
  assert.equal((await spiral(['ingest', good, '--mapping', 'cdnow_master', '--db', db])).code, 0);
  for (const [args, flag] of [
    [['analyze', '--db', db, '--out', scratch.dir], '--out'],
    [['analyze', '--db', db, '--out', join(scratch.dir, 'ok.json'), '--report', scratch.dir], '--report'],
    [['analyze', '--db', db, '--out', join(scratch.dir, 'no-such-folder', 'r.json')], '--out'],
    [['report', '--db', db, '--out', notAFolder], '--out'],
    [['simulate', '--customers', '10', '--out', scratch.dir], '--out'],
    [['clv', 'score', '--db', db, '--model', 'bgnbd', '--unit', 'week', '--calibration-end', '1997-06-30', '--out', join(scratch.dir, 'nope', 's.csv')], '--out'],
  ] as const) {
    const r = await spiral([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^spiral: ${flag}: `, 'm'), args.join(' '));
    assert.doesNotMatch(r.stderr, /analysing:/, 'failed before the analysis ran');
  }
  assert.equal(existsSync(join(scratch.dir, 'ok.json')), false, 'the check leaves no file behind');
});

test('an empty input file says so (not "its columns: column0")', async () => {
  const empty = join(scratch.dir, 'empty.csv');
  writeFileSync(empty, '');
  const r = await spiral(['ingest', empty, '--mapping', 'cdnow_master', '--db', join(scratch.dir, 'empty.duckdb')]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /empty\.csv: the file is empty \(0 bytes\)/);
  assert.doesNotMatch(r.stderr, /column0/);
});

test('a run without rejects removes the reject file of an earlier run, so the file on disk matches rejectFile', async () => {
  const db = join(scratch.dir, 'stale.duckdb');
  const rejectFile = join(scratch.dir, 'stale-rejects.csv');
  const bad = join(scratch.dir, 'with-bad.csv');
  writeFileSync(bad, `${HEAD}\n1,1997-01-01,1,10\n2,not-a-date,1,10\n`);
  const first = await spiral(['ingest', bad, '--mapping', 'cdnow_master', '--db', db, '--reject-file', rejectFile, '--json']);
  assert.equal(lastJson(first).rejectFile, rejectFile);
  assert.ok(statSync(rejectFile).size > 0);
  const second = await spiral(['ingest', good, '--mapping', 'cdnow_master', '--db', db, '--reject-file', rejectFile, '--json']);
  assert.equal(lastJson(second).rejectFile, null);
  assert.equal(existsSync(rejectFile), false, 'the stale reject file is gone');
  // a file that is not a reject file is never removed
  writeFileSync(rejectFile, 'precious\n');
  await spiral(['ingest', good, '--mapping', 'cdnow_master', '--db', db, '--reject-file', rejectFile, '--json']);
  assert.equal(readFileSync(rejectFile, 'utf8'), 'precious\n');
});

function lastJson(r: { stdout: string }): { rejectFile: string | null } {
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as { rejectFile: string | null };
}
