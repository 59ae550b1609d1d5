/**
 * Damage stays on its line (issue 16) and the parsing items of issue 17 item 7: NUL bytes in ids,
 * bytes that are not UTF-8 kept in the reject file, a lone CR, length limits, a truncated gzip,
 * NDJSON with bytes that are not UTF-8.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, constants as zlibConstants, gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { parseMapping, MappingError } from '../../src/domain/mapping.js';
import { sharedData, scratchDir } from '../helpers/paths.js';
import { bundledMapping, ingestInto } from '../helpers/ingest.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

const HEADER = 'customer_id,date,quantity,amount_usd';

async function rejectsOf(store: DuckDbStore, path: string) {
  return store.query<{ line: number; reason: string; raw: string }>(
    `SELECT line, reason, raw FROM read_csv('${path}', header=true, auto_detect=false,
       columns={'source':'VARCHAR','line':'BIGINT','reason':'VARCHAR','raw':'VARCHAR'}, quote='"', escape='"', delim=',',
       max_line_size=16777216) ORDER BY line`,
  );
}

async function ingestBytes(name: string, bytes: Buffer, mapping: Parameters<typeof ingestInto>[2] = 'cdnow_master') {
  const file = join(scratch.dir, name);
  writeFileSync(file, bytes);
  const rejectFile = join(scratch.dir, `${name}.rejects.csv`);
  const store = await DuckDbStore.open(':memory:');
  const report = await ingestInto(store, [file], mapping, rejectFile);
  const rejects = report.rejected ? await rejectsOf(store, rejectFile) : [];
  return { store, report, rejects };
}

test('a NUL byte inside a customer id is a reject, not a new customer (issue 17 item 7)', async () => {
  const rows = [HEADER, '1,1997-01-01,1,11.77', '1\0,1997-01-02,1,12.00', '2,1997-01-03,2,20.76', '\x002,1997-01-04,1,3.00'];
  const { store, report, rejects } = await ingestBytes('nul.csv', Buffer.from(rows.join('\n') + '\n', 'latin1'));
  assert.deepEqual([report.accepted, report.rejected], [2, 2]);
  assert.deepEqual(rejects.map((r) => [r.line, r.reason]), [[3, 'customer_id contains a NUL byte'], [5, 'customer_id contains a NUL byte']]);
  const ids = await store.query<{ c: string }>('SELECT DISTINCT customer_id AS c FROM events ORDER BY c');
  assert.deepEqual(ids.map((r) => r.c), ['1', '2']);
  await store.close();
});

test('a line that is not UTF-8 keeps its bytes in the reject file, escaped (issue 17 item 7)', async () => {
  const bytes = Buffer.concat([
    Buffer.from(`${HEADER}\n1,1997-01-01,1,11.77\n`),
    Buffer.from([...Buffer.from('2,1997-01-02,1,'), 0xff, 0xfe, ...Buffer.from('12.00\n')]),
    Buffer.from('3,1997-01-03,1,9.99\n'),
  ]);
  const { store, report, rejects } = await ingestBytes('latin.csv', bytes);
  assert.deepEqual([report.accepted, report.rejected], [2, 1]);
  assert.equal(rejects[0].line, 3);
  assert.equal(rejects[0].reason, 'bad encoding: not valid UTF-8');
  assert.equal(rejects[0].raw, '2,1997-01-02,1,\\xFF\\xFE12.00');
  await store.close();
});

test('a lone CR stays inside its line: one reject at its line, later lines keep their numbers (issue 17 item 7)', async () => {
  const rows = [HEADER, '1,1997-01-01,1,11.77', '2,1997-01-02,1,12\r.00', '3,1997-01-03,1,9.99', '4,1997-13-01,1,1.00', '5,1997-01-05,1,2.00'];
  const { store, report, rejects } = await ingestBytes('cr.csv', Buffer.from(rows.join('\n') + '\n'));
  assert.deepEqual([report.accepted, report.rejected], [3, 2]);
  assert.deepEqual(rejects.map((r) => r.line), [3, 5]);
  assert.match(rejects[0].reason, /^amount "12\r\.00" is not a number$/);
  assert.match(rejects[1].reason, /^ts "1997-13-01"/);
  await store.close();
});

test('CRLF files read as before, and a CR before the LF is not part of the last value', async () => {
  const rows = [HEADER, '1,1997-01-01,1,11.77', '2,1997-01-02,1,12.00', '3,1997-01-03,x,9.99'];
  const { store, report, rejects } = await ingestBytes('crlf.csv', Buffer.from(rows.join('\r\n') + '\r\n'));
  assert.deepEqual([report.accepted, report.rejected], [2, 1]);
  assert.deepEqual(rejects.map((r) => [r.line, r.reason, r.raw]), [[4, 'quantity "x" is not a number', '3,1997-01-03,x,9.99']]);
  const [{ amt }] = await store.query<{ amt: number }>('SELECT round(sum(amount), 2) AS amt FROM events');
  assert.equal(amt, 23.77);
  await store.close();
});

test('the CDNOW stray quote of issue 16 (line 2,706) costs that line only; the whole file is read', async () => {
  const lines = readFileSync(sharedData('cdnow', 'cdnow_master.csv'), 'utf8').split('\n').slice(0, 6_001); // header + 6,000 rows
  const original = lines[2705];
  lines[2705] = original.replace(/^(\d+),1/, '$1,1"');
  assert.notEqual(lines[2705], original);
  lines[4_000] = lines[4_000].replace(',', ',"'); // a quote at the start of a field, never closed on its line
  const { store, report, rejects } = await ingestBytes('cdnow-quote.csv', Buffer.from(lines.join('\n')));
  assert.deepEqual([report.accepted, report.rejected], [5_998, 2]);
  assert.deepEqual(rejects.map((r) => r.line), [2_706, 4_001]);
  assert.match(rejects[0].reason, /^ts ".*" is not an ISO 8601 date$/);
  assert.match(rejects[1].reason, /^bad quoting/);
  await store.close();
});

test('ids and strings over the limit are rejects with the reason; the limit is set in the mapping', async () => {
  const huge = 'x'.repeat(5 * 2 ** 20);
  const rows = [HEADER, '1,1997-01-01,1,11.77', `${huge},1997-01-02,1,12.00`, '12345678901,1997-01-03,1,1.00'];
  const withDefaults = await ingestBytes('long.csv', Buffer.from(rows.join('\n') + '\n'));
  assert.deepEqual([withDefaults.report.accepted, withDefaults.report.rejected], [2, 1]);
  assert.equal(withDefaults.rejects[0].line, 3);
  assert.equal(withDefaults.rejects[0].reason, 'customer_id is 5242880 bytes long (the limit is 256: limits in the mapping)');
  await withDefaults.store.close();
  const strict = parseMapping({ ...bundledMapping('cdnow_master'), limits: { id: 10 } });
  const tight = await ingestBytes('long2.csv', Buffer.from(rows.join('\n') + '\n'), strict);
  assert.deepEqual([tight.report.accepted, tight.report.rejected], [1, 2]);
  assert.deepEqual(tight.rejects.map((r) => r.line), [3, 4]);
  assert.match(tight.rejects[1].reason, /^customer_id is 11 bytes long \(the limit is 10/);
  await tight.store.close();
  assert.throws(() => parseMapping({ ...bundledMapping('cdnow_master'), limits: { id: 0 } }), MappingError);
});

test('a truncated gzip keeps every readable line and says where it broke', async () => {
  const text = readFileSync(sharedData('cdnow', 'cdnow_master.csv'));
  const gz = gzipSync(text);
  const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
  // what can be inflated from the cut stream, computed apart from ingest
  const readable = gunzipSync(cut, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString('utf8');
  const complete = readable.split('\n').length - 1; // whole lines (the header is one)
  const { store, report, rejects } = await ingestBytes('cut.csv.gz', cut);
  const broke = rejects.find((r) => /gzip data ends early/.test(r.reason));
  assert.ok(broke, 'a reject says the gzip data ends early');
  assert.equal(broke.line, complete + 1);
  assert.match(broke.reason, /the file breaks (in|after) line/);
  // every whole data line is stored; the cut last line, if any, is stored or rejected on its own
  assert.ok(report.accepted === complete - 1 || report.accepted === complete, `accepted ${report.accepted} of ${complete - 1} whole lines`);
  assert.equal(report.accepted + report.rejected, complete + (readable.endsWith('\n') ? 0 : 1), 'accepted + rejected = readable lines + the break');
  await store.close();
});

test('NDJSON: a line that is not UTF-8 and a lone CR are rejects at their lines, the file is kept', async () => {
  const good = readFileSync(sharedData('amazon_fashion', 'AMAZON_FASHION_5.jsonl'), 'utf8').split('\n').slice(0, 5);
  const bytes = Buffer.concat([
    Buffer.from(`${good[0]}\n`),
    Buffer.from([...Buffer.from(good[1].slice(0, 30)), 0xff, ...Buffer.from(`${good[1].slice(30)}\n`)]),
    Buffer.from(`${good[2].slice(0, 40)}\r${good[2].slice(40)}\n${good[3]}\n${good[4]}\n`),
  ]);
  const { store, report, rejects } = await ingestBytes('reviews.jsonl', bytes, 'amazon_fashion');
  assert.deepEqual([report.accepted, report.rejected], [3, 2]);
  assert.deepEqual(rejects.map((r) => [r.line, r.reason]), [[2, 'bad encoding: not valid UTF-8'], [3, 'not valid JSON']]);
  assert.match(rejects[0].raw, /\\xFF/);
  await store.close();
});

test('a 10,000-column line is one reject that says how many columns it has (issue 17 item 6)', async () => {
  const wide = Array.from({ length: 10_000 }, () => '7').join(',');
  const rows = [HEADER, '1,1997-01-01,1,11.77', wide, '2,1997-01-03,2,20.76'];
  const { store, report, rejects } = await ingestBytes('wide.csv', Buffer.from(rows.join('\n') + '\n'));
  assert.deepEqual([report.accepted, report.rejected], [2, 1]);
  assert.equal(rejects[0].line, 3);
  assert.match(rejects[0].reason, /^wrong number of columns: .*Expected Number of Columns: 4 Found: 10000/);
  await store.close();
});
