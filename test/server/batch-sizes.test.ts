/**
 * The per-event size limit reads each message's size from the body's bytes as sent
 * (src/server/routes/ingest.ts, batchElementBytes), not by serialising every message again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchElementBytes } from '../../src/server/routes/ingest.js';

const sizes = (text: string) => batchElementBytes(Buffer.from(text));
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));

test('compact bodies: each message is as long as its own JSON, whatever its strings hold', () => {
  const batch = [{ a: 1 }, { b: '",\\]}[{' }, 'x', 3, null, [1, [2, { c: ']' }]], { d: 'é\u2028😀', e: '\\' }, { f: { g: [] } }];
  const body = { context: { batch: [9, 9] }, batch, sentAt: '2024-01-01' };
  assert.deepEqual(sizes(JSON.stringify(body)), batch.map(bytes));
});

test('whitespace between messages is not counted, whitespace inside one is (bytes as sent)', () => {
  assert.deepEqual(sizes('{ "batch" : [ {"a": 1} ,\n\t{ "b" : 2 }\r\n ] }'), [8, 11]);
  assert.deepEqual(sizes('{"batch":[]}'), []);
});

test('a repeated batch key counts its last array, as JSON.parse keeps the last value', () => {
  assert.deepEqual(sizes('{"batch":[1,2],"x":{"batch":[3]},"batch":[{"a":"b"}]}'), [9]);
});

test('bodies it cannot measure give null (the route then measures each message itself)', () => {
  assert.equal(sizes('[{"batch":[1]}]'), null);
  assert.equal(sizes('{"b\\u0061tch":[1]}'), null, 'an escaped key is not compared');
  assert.equal(sizes('{"other":[1]}'), null);
});
