/**
 * Issue 16 acceptance: seeded damage over the shared data sets (CDNOW, Taobao, Ciao trust, the
 * airline tweets with their real multi-line fields, the Amazon JSONL) — NUL bytes, 0xFF, stray `"`
 * and `,` inserted at random places inside lines, line breaks left as they were — more than 10,000
 * damaged records in all. For every file:
 *   - ingest does not fail;
 *   - every record none of whose lines was touched is stored: the same file with only its untouched
 *     records, ingested on its own, gives events that are all in the store (as a multiset);
 *   - accepted + rejected = the number of records of the original file (damage adds no line breaks);
 *   - every reject is at the first physical line of a damaged record, with a reason, and its raw text
 *     is that line as the file has it (bytes that are not UTF-8 escaped, e.g. `\xFF`);
 *   - nothing accepted holds a NUL byte or a replacement character.
 * FUZZ_KEEP=1 keeps the damaged files and reject files (the folder is printed) to look at a failure.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { createRng, randomInt, shuffle, type Rng } from '../../src/models/numeric/random.js';
import { sharedData, scratchDir } from '../helpers/paths.js';
import { ingestInto } from '../helpers/ingest.js';

const scratch = scratchDir();
after(() => (process.env.FUZZ_KEEP ? console.log(scratch.dir) : scratch.cleanup()));

interface Case {
  name: string;
  file: string[];
  mapping: string;
  ext: string;
  /** Data lines kept from the start of the file (whole records). */
  lines: number;
  damaged: number;
  header: boolean;
  /** Records may span lines (quoted fields with line breaks). */
  multiline: boolean;
}

const CASES: Case[] = [
  { name: 'CDNOW', file: ['cdnow', 'cdnow_master.csv'], mapping: 'cdnow_master', ext: 'csv', lines: 12_000, damaged: 3_000, header: true, multiline: false },
  { name: 'Taobao', file: ['taobao', 'taobao_userbehavior_prefix.csv'], mapping: 'taobao', ext: 'csv', lines: 12_000, damaged: 3_000, header: true, multiline: false },
  { name: 'Ciao trust', file: ['ciao', 'ciao_trust.csv'], mapping: 'ciao_trust', ext: 'csv', lines: 12_000, damaged: 2_600, header: true, multiline: false },
  { name: 'tweets', file: ['twitter_airline', 'Tweets.csv'], mapping: 'twitter_airline', ext: 'csv', lines: 8_000, damaged: 1_000, header: true, multiline: true },
  { name: 'Amazon JSONL', file: ['amazon_fashion', 'AMAZON_FASHION_5.jsonl'], mapping: 'amazon_fashion', ext: 'jsonl', lines: Infinity, damaged: 400, header: false, multiline: false },
];

const DAMAGE = [0x00, 0xff, 0x22, 0x2c]; // NUL, 0xFF, ", ,

function splitLines(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(0x0a); i >= 0; i = buf.indexOf(0x0a, start)) {
    out.push(buf.subarray(start, i));
    start = i + 1;
  }
  if (start < buf.length) out.push(buf.subarray(start));
  return out;
}

/** The clean file's records as [first, last] line indexes (0-based); quotes balance at a record's end. */
function recordsOf(lines: Buffer[], c: Case): [number, number][] {
  const recs: [number, number][] = [];
  let open = -1;
  let quotes = 0;
  for (let i = c.header ? 1 : 0; i < lines.length; i++) {
    if (open < 0 && lines[i].length === 0) continue;
    if (open < 0) open = i;
    if (c.multiline) for (const b of lines[i]) if (b === 0x22) quotes++;
    if (quotes % 2 === 0) {
      recs.push([open, i]);
      open = -1;
    }
  }
  assert.equal(open, -1, `${c.name}: the clean file ends inside a record`);
  return recs;
}

function damageLine(rng: Rng, line: Buffer): Buffer {
  let out = line;
  const edits = 1 + randomInt(rng, 2);
  for (let k = 0; k < edits; k++) {
    const at = randomInt(rng, out.length + 1);
    out = Buffer.concat([out.subarray(0, at), Buffer.from([DAMAGE[randomInt(rng, DAMAGE.length)]]), out.subarray(at)]);
  }
  return out;
}

/** A line's text as the reject file keeps it: UTF-8 text, or DuckDB's escaped bytes when it is not UTF-8. */
function asRaw(line: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(line);
  if (!text.includes('\uFFFD')) return text;
  let s = '';
  for (const b of line) s += (b >= 0x20 && b < 0x7f && b !== 0x5c) || b === 0x09 ? String.fromCharCode(b) : `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return s;
}

const CONTENT = `customer_id, ts, type, item_id, amount, quantity, peer_id, channel, rating, text, CAST(props AS VARCHAR) AS props`;

let totalDamaged = 0;

for (const [n, c] of CASES.entries()) {
  test(`fuzz ${c.name}: ${c.damaged.toLocaleString('en-US')} damaged records — untouched ones all stored, accepted + rejected = records, rejects at their lines`, async () => {
    const rng = createRng(16_000 + n);
    let buf = readFileSync(sharedData(...c.file));
    if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
    const all = splitLines(buf);
    const allRecords = recordsOf(all, c);
    const kept = allRecords.slice(0, Math.min(allRecords.length, c.lines));
    const lines = all.slice(0, kept[kept.length - 1][1] + 1);
    const records = recordsOf(lines, c);
    assert.equal(records.length, kept.length);

    const order = shuffle(rng, records.map((_, i) => i)) as number[];
    const damaged = new Set(order.slice(0, c.damaged));
    const out = lines.slice();
    for (const r of damaged) {
      const [first, last] = records[r];
      const at = first + randomInt(rng, last - first + 1);
      out[at] = damageLine(rng, lines[at]);
    }
    totalDamaged += damaged.size;
    const damagedFile = join(scratch.dir, `damaged-${n}.${c.ext}`);
    writeFileSync(damagedFile, Buffer.concat(out.flatMap((l) => [l, Buffer.from('\n')])));
    const untouchedFile = join(scratch.dir, `untouched-${n}.${c.ext}`);
    const untouched = records.filter((_, i) => !damaged.has(i));
    writeFileSync(untouchedFile, Buffer.concat([
      ...(c.header ? [lines[0], Buffer.from('\n')] : []),
      ...untouched.flatMap(([a, b]) => lines.slice(a, b + 1).flatMap((l) => [l, Buffer.from('\n')])),
    ]));

    const store = await DuckDbStore.open(':memory:');
    try {
      const expected = await ingestInto(store, [untouchedFile], c.mapping);
      assert.equal(expected.accepted, untouched.length, 'the untouched records alone all ingest');
      await store.exec(`CREATE TABLE expected AS SELECT ${CONTENT} FROM events; DELETE FROM events`);

      const rejectFile = join(scratch.dir, `rejects-${n}.csv`);
      const report = await ingestInto(store, [damagedFile], c.mapping, rejectFile);
      assert.equal(report.duplicates, 0);

      const [{ missing }] = await store.query<{ missing: number }>(
        `SELECT count(*) AS missing FROM (SELECT * FROM expected EXCEPT ALL SELECT ${CONTENT} FROM events)`,
      );
      assert.equal(missing, 0, 'every untouched record is stored');

      const [{ bad }] = await store.query<{ bad: number }>(`SELECT count(*) AS bad FROM events
        WHERE list_bool_or(list_transform([customer_id, item_id, peer_id, channel, text, CAST(props AS VARCHAR)], v -> contains(v, chr(0)) OR contains(v, '\uFFFD')))`);
      assert.equal(bad, 0, 'no accepted value holds a NUL byte or a replacement character');

      const rejects = await store.query<{ line: number | null; reason: string | null; raw: string | null }>(
        `SELECT line, reason, raw FROM read_csv('${rejectFile}', header=true, auto_detect=false,
           columns={'source':'VARCHAR','line':'BIGINT','reason':'VARCHAR','raw':'VARCHAR'}, quote='"', escape='"', delim=',')`,
      );
      assert.equal(rejects.length, report.rejected);
      const damagedStarts = new Map([...damaged].map((r) => [records[r][0] + 1, records[r]]));
      for (const r of rejects) {
        assert.ok(r.line !== null && damagedStarts.has(r.line), `reject at line ${r.line} is the first line of a damaged record`);
        assert.ok(r.reason && r.reason.length > 0, `line ${r.line} has a reason`);
        const [first] = damagedStarts.get(r.line!)!;
        assert.equal(r.raw?.split('\n')[0] ?? '', asRaw(out[first]), `raw text of line ${r.line}`);
      }
      assert.equal(new Set(rejects.map((r) => r.line)).size, rejects.length, 'one reject per record');
      assert.equal(report.accepted + report.rejected, records.length, 'accepted + rejected = records');

    } finally {
      await store.close();
    }
  });
}

test('the fuzz damaged at least 10,000 records in all', () => {
  assert.ok(totalDamaged >= 10_000, `damaged ${totalDamaged}`);
});
