import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../store/duckdb/index.js';
import { InvalidArgumentsError } from './errors.js';
import { parseCsvColumns, readColumns, sqlIdent, sqlString, writeColumns } from './io.js';

test('parseCsvColumns reads integers, negatives, decimals, exponents, NULLs and CRLF', () => {
  const text = '1,-2,3.5,\r\n40,0,-1e-3,7\n';
  const b = parseCsvColumns(new TextEncoder().encode(text), ['a', 'b'], ['x', 'y']);
  assert.equal(b.length, 2);
  assert.deepEqual(Array.from(b.int.a), [1, 40]);
  assert.deepEqual(Array.from(b.int.b), [-2, 0]);
  assert.deepEqual(Array.from(b.float.x), [3.5, -0.001]);
  assert.ok(Number.isNaN(b.float.y[0]));
  assert.equal(b.float.y[1], 7);
  assert.throws(() => parseCsvColumns(new TextEncoder().encode('1\n'), ['a', 'b'], []), InvalidArgumentsError);
  assert.throws(() => parseCsvColumns(new TextEncoder().encode(',1\n'), ['a', 'b'], []), InvalidArgumentsError);
});

test('sqlString escapes quotes; sqlIdent refuses anything that needs quoting', () => {
  assert.equal(sqlString("o'brien"), "'o''brien'");
  assert.equal(sqlIdent('network_scores'), 'network_scores');
  assert.throws(() => sqlIdent('x; DROP TABLE events'), InvalidArgumentsError);
});

let store: DuckDbStore;
before(async () => {
  store = await DuckDbStore.open(':memory:', { threads: 1 });
});
after(() => store.close());

test('writeColumns then readColumns round-trips typed arrays through DuckDB, NaN as NULL', async () => {
  const n = 10_000;
  const id = Int32Array.from({ length: n }, (_, i) => i - 5);
  const x = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : i / 3 + 1e-9 * i));
  await writeColumns(store, 'io_test', [
    { name: 'id', type: 'INTEGER', data: id },
    { name: 'x', type: 'DOUBLE', data: x },
  ]);
  const [{ nulls }] = await store.query<{ nulls: number }>('SELECT count(*) FILTER (WHERE x IS NULL) AS nulls FROM io_test');
  assert.equal(nulls, Math.ceil(n / 7));
  const back = await readColumns(store, 'SELECT id, x FROM io_test ORDER BY id', ['id'], ['x']);
  assert.equal(back.length, n);
  assert.deepEqual(Array.from(back.int.id), Array.from(id));
  for (let i = 0; i < n; i++) assert.ok(Object.is(back.float.x[i], x[i]) || back.float.x[i] === x[i], `row ${i}`);
});

test('an empty result and an empty table round-trip too', async () => {
  await writeColumns(store, 'io_empty', [{ name: 'id', type: 'INTEGER', data: new Int32Array(0) }]);
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM io_empty');
  assert.equal(n, 0);
  const back = await readColumns(store, 'SELECT id FROM io_empty', ['id']);
  assert.equal(back.length, 0);
});
