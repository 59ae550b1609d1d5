/**
 * Bad rows go to the reject file with their physical line and reason; every other row is kept.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { sharedData, scratchDir } from '../helpers/paths.js';
import { ingestInto } from '../helpers/ingest.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

async function readRejects(store: DuckDbStore, path: string) {
  return store.query<{ source: string; line: number; reason: string; raw: string }>(
    `SELECT source, line, reason, raw FROM read_csv('${path}', header=true, all_varchar=false, columns={'source':'VARCHAR','line':'BIGINT','reason':'VARCHAR','raw':'VARCHAR'}) ORDER BY line`,
  );
}

test('a corrupted CDNOW file: exact reject lines and reasons, every other row kept', async () => {
  const lines = readFileSync(sharedData('cdnow', 'cdnow_master.csv'), 'utf8').split(/\r?\n/);
  assert.equal(lines[0], 'customer_id,date,quantity,amount_usd');
  const body = lines.filter((l, i) => i > 0 && l !== '');
  assert.equal(body.length, 69_659);
  // physical line numbers (header = 1) of the rows we damage; the last ones sit far into the file,
  // past DuckDB's first parallel chunk, so record order must survive a parallel scan.
  const damaged = new Map<number, { text: string; reason: RegExp }>([
    [5, { text: '3,1997-02-31,2,20.76', reason: /^ts "1997-02-31" is not an ISO 8601 date$/ }],
    [100, { text: ',1997-01-01,1,11.77', reason: /^customer_id is empty$/ }],
    [2_000, { text: '12,1997-01-01,1,9.99,EXTRA', reason: /^wrong number of columns: .*Expected Number of Columns: 4 Found: 5/ }],
    [40_000, { text: '#### garbage line ####', reason: /^wrong number of columns: .*Found: 1/ }],
    [69_000, { text: '77,1997-03-01,two,10.00', reason: /^quantity "two" is not a number$/ }],
    [69_500, { text: '78,1997-03-01,1,$10', reason: /^amount "\$10" is not a number$/ }],
  ]);
  const out = [lines[0], ...body];
  for (const [line, d] of damaged) out[line - 1] = d.text;
  const file = join(scratch.dir, 'cdnow_damaged.csv');
  writeFileSync(file, out.join('\n') + '\n');
  const rejectFile = join(scratch.dir, 'rejects.csv');
  const store = await DuckDbStore.open(':memory:');
  const report = await ingestInto(store, [file], 'cdnow_master', rejectFile);
  assert.equal(report.rejected, damaged.size);
  assert.equal(report.accepted, 69_659 - damaged.size);
  assert.equal(report.rejectFile, rejectFile);
  const rejects = await readRejects(store, rejectFile);
  assert.deepEqual(rejects.map((r) => r.line), [...damaged.keys()]);
  for (const r of rejects) {
    const d = damaged.get(r.line)!;
    assert.match(r.reason, d.reason, `line ${r.line}`);
    assert.equal(r.raw, d.text, `raw of line ${r.line}`);
    assert.equal(r.source, 'cdnow_damaged.csv');
  }
  // the rows around each damaged line are in the store
  const [{ n }] = await store.query<{ n: number }>(
    `SELECT count(*) n FROM events WHERE customer_id = '3' AND ts = TIMESTAMP '1997-03-30'`,
  );
  assert.equal(n, 1);
  await store.close();
});

test('a multi-line record reports its first line; rows after it keep their physical line numbers; bad UTF-8 is a reject', async () => {
  const header = 'customer_id,date,quantity,amount_usd';
  const rows = [
    '1,1997-01-01,1,11.77', // 2
    '2,"1997-01-12",1,12.00', // 3
    '3,"1997-01-02\nmore",2,20.76', // 4-5: a bad date spanning two lines
    '', // 6 blank
    '4,1997-13-01,1,1.00', // 7: bad month
    '5,1997-01-05,1,2.00', // 8
  ];
  const file = join(scratch.dir, 'multi.csv');
  writeFileSync(file, Buffer.concat([Buffer.from([header, ...rows].join('\n') + '\n'), Buffer.from('6,1997-01-06,1,\xff\n', 'latin1'), Buffer.from('7,1997-01-07,1,3.00\n')]));
  const rejectFile = join(scratch.dir, 'multi-rejects.csv');
  const store = await DuckDbStore.open(':memory:');
  const report = await ingestInto(store, [file], 'cdnow_master', rejectFile);
  const rejects = await readRejects(store, rejectFile);
  assert.deepEqual(rejects.map((r) => [r.line, r.reason.split(':')[0].split(' "')[0]]), [
    [4, 'ts'],
    [7, 'ts'],
    [9, 'bad encoding'],
  ]);
  assert.equal(rejects[0].raw, '3,"1997-01-02\nmore",2,20.76');
  assert.equal(report.accepted, 4);
  const ids = await store.query<{ c: string }>(`SELECT customer_id c FROM events ORDER BY c`);
  assert.deepEqual(ids.map((r) => r.c), ['1', '2', '5', '7']);
  await store.close();
});

test('a bad tweet after multi-line tweets is reported at its physical line', async () => {
  const text = readFileSync(sharedData('twitter_airline', 'Tweets.csv'), 'utf8');
  // find a record that starts after at least one multi-line record: damage its date
  const target = '570300616901320704';
  const idx = text.indexOf(`\n${target},`);
  assert.ok(idx > 0, 'the target tweet is in the file');
  const line = text.slice(0, idx + 1).split('\n').length; // 1-based physical line of the record
  const recordEnd = text.indexOf('\n', idx + 1);
  const record = text.slice(idx + 1, recordEnd);
  const damaged = record.replace(/2015-02-\d\d \d\d:\d\d:\d\d -0800/, 'yesterday');
  assert.notEqual(damaged, record);
  const file = join(scratch.dir, 'tweets.csv');
  writeFileSync(file, text.slice(0, idx + 1) + damaged + text.slice(recordEnd));
  const rejectFile = join(scratch.dir, 'tweets-rejects.csv');
  const store = await DuckDbStore.open(':memory:');
  const report = await ingestInto(store, [file], 'twitter_airline', rejectFile);
  assert.equal(report.rejected, 1);
  assert.equal(report.accepted, 14_639);
  const [r] = await readRejects(store, rejectFile);
  assert.equal(r.line, line);
  assert.equal(r.reason, 'ts "yesterday" is not an ISO 8601 date');
  // multi-line records precede it: its physical line is past its record number (header + records before)
  const recordsBefore = (text.slice(0, idx + 1).match(/\n\d{18},/g) ?? []).length;
  assert.ok(line > recordsBefore + 1, `line ${line}, records before ${recordsBefore}`);
  await store.close();
});

test('NDJSON: an invalid JSON line and a missing field are rejects with their line numbers', async () => {
  const good = readFileSync(sharedData('amazon_fashion', 'AMAZON_FASHION_5.jsonl'), 'utf8').split('\n').slice(0, 5);
  const noCustomer = JSON.stringify({ ...JSON.parse(good[0]), reviewerID: '' });
  const lines = [good[0], '{"overall": 5, "reviewerID": ', good[1], noCustomer, good[2]];
  const file = join(scratch.dir, 'reviews.jsonl');
  writeFileSync(file, lines.join('\n') + '\n');
  const rejectFile = join(scratch.dir, 'json-rejects.csv');
  const store = await DuckDbStore.open(':memory:');
  const report = await ingestInto(store, [file], 'amazon_fashion', rejectFile);
  assert.equal(report.accepted, 3);
  const rejects = await readRejects(store, rejectFile);
  assert.deepEqual(rejects.map((r) => [r.line, r.reason]), [[2, 'not valid JSON'], [4, 'customer_id is empty']]);
  await store.close();
});

test('empty lines are skipped and lines of only spaces or tabs are rejected at their line, with LF and CRLF line ends', async () => {
  const header = 'customer_id,date,quantity,amount_usd';
  const cases = [
    { name: 'lf', text: [header, '1,1997-01-01,1,11.77', '   ', '2,1997-01-02,1,1.00', '\t', '3,1997-01-03,1,1.00', ''].join('\n'), accepted: 3, lines: [3, 5] },
    { name: 'crlf', text: [header, '1,1997-01-01,1,11.77', '', '2,1997-01-02,1,1.00', ' ', '3,1997-01-03,1,1.00', ''].join('\r\n'), accepted: 3, lines: [5] },
    { name: 'lone-cr', text: [header, '1,1997-01-01,1,11.77', '\r', '2,1997-01-02,1,1.00', ''].join('\n'), accepted: 2, lines: [] },
  ];
  for (const c of cases) {
    const file = join(scratch.dir, `blank-${c.name}.csv`);
    writeFileSync(file, c.text);
    const rejectFile = join(scratch.dir, `blank-${c.name}-rejects.csv`);
    const store = await DuckDbStore.open(':memory:');
    const report = await ingestInto(store, [file], 'cdnow_master', rejectFile);
    assert.equal(report.accepted, c.accepted, c.name);
    assert.equal(report.rejected, c.lines.length, c.name);
    if (c.lines.length) assert.deepEqual((await readRejects(store, rejectFile)).map((r) => r.line), c.lines, c.name);
    await store.close();
  }
});
