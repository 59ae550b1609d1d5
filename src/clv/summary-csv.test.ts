import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DuckDbStore } from '../store/duckdb/index.js';
import { createRng } from '../models/numeric/random.js';
import { readSummaryCsv } from './summary-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'spiral-summary-csv-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, text: string) {
  const file = join(dir, name);
  writeFileSync(file, text);
  const store = await DuckDbStore.open(':memory:', { threads: 1 });
  try {
    return await readSummaryCsv(store, file);
  } finally {
    await store.close();
  }
}

test('summary CSV: the first bad row is named by file, line and column, as written', async () => {
  const cases: [string, string][] = [
    ['x,t_x,T\n1,2,3\n,1,4\n', 'a.csv:3: x is empty'],
    ['x,t_x,T\n1,2,3\n1,abc,4\n2,5,4\n', 'a.csv:3: t_x "abc" is not a finite number'],
    ['x,t_x,T\n1,2,3\n1,0x10,40\n', 'a.csv:3: t_x "0x10" is not a finite number'],
    ['x,t_x,T\n1,1_000,3\n', 'a.csv:2: t_x "1_000" is not a finite number'],
    ['x,t_x,T\nInfinity,1,3\n', 'a.csv:2: x "Infinity" is not a finite number'],
    ['x,t_x,T\n1,1e400,3\n', 'a.csv:2: t_x "1e400" is not a finite number'],
    ['x,t_x,T\n-1,0,3\n', 'a.csv:2: x = -1 must be >= 0'],
    ['x,t_x,T\n1,-0.5,3\n', 'a.csv:2: t_x = -0.5 must be >= 0'],
    ['x,t_x,T\n0,1.5,3\n', 'a.csv:2: x = 0 needs t_x = 0, got t_x = 1.5'],
    ['x,t_x,T,count\n1,1,3,\n1,1,3,-2\n', 'a.csv:3: count = -2 must be >= 0'],
    ['x,t_x,T\n1,2,3\n2,5,4\n', 'a.csv:3: t_x = 5 is after T = 4 (need 0 <= t_x <= T)'],
    ['x,t_x,T\n1,2,\n', 'a.csv:2: T is empty'],
    ['x,t_x,n\n1,1.5,6\n', 'a.csv:2: x, t_x and n must be whole numbers of periods for bgbb, got 1, 1.5, 6'],
    ['x,t_x,n\n3,2,6\n', 'a.csv:2: need 0 <= x <= t_x <= n, got x = 3, t_x = 2, n = 6'],
    ['frequency,recency,T,monetary_value\n0,0,3,\n2,2,3,0\n', 'a.csv:3: monetary = 0 must be > 0 for a repeat buyer (x >= 1)'],
    ['frequency,recency,T,monetary_value\n2,2,3,\n', 'a.csv:2: monetary is empty'],
    ['x,t_x,T\n', 'a.csv: no rows'],
    ['x,tx,T\n1,2,3\n', 'a.csv: no column "t_x" (have: x, tx, T); expected x,t_x,T (or x,t_x,n for bgbb) [,count] [,monetary]'],
  ];
  for (const [text, message] of cases) {
    await assert.rejects(read('a.csv', text), (e: Error) => {
      assert.equal(e.message, message, `for ${JSON.stringify(text)}`);
      return true;
    });
  }
});

test('summary CSV: rows compress to distinct tuples in order of first appearance, counts summed, as a direct count gives', async () => {
  const gen = createRng(11);
  const rng = (): number => gen.next();
  const lines: string[] = [];
  const expect = new Map<string, number>();
  const spend = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const x = Math.floor(rng() * 4);
    const tx = x === 0 ? 0 : 1 + Math.floor(rng() * 3);
    const T = tx + Math.floor(rng() * 2);
    const count = rng() < 0.3 ? '' : String(1 + Math.floor(rng() * 5));
    const m = x === 0 ? '' : String(10 + Math.floor(rng() * 2) * 5);
    lines.push(` ${x} ,${tx},${T},${count},${m}`);
    const c = count === '' ? 1 : Number(count);
    const key = `${x}|${tx}|${T}`;
    expect.set(key, (expect.get(key) ?? 0) + c);
    if (x >= 1) spend.set(`${x}|${m}`, (spend.get(`${x}|${m}`) ?? 0) + c);
  }
  const r = await read('ok.csv', `x,t_x,T,count,monetary\n${lines.join('\n')}\n`);
  assert.equal(r.rows, 3000);
  assert.deepEqual(r.columns, ['x', 't_x', 'T', 'count', 'monetary']);
  assert.equal(r.discrete, null);
  const got = Array.from(r.rfm!.x, (x, k) => [`${x}|${r.rfm!.t_x[k]}|${r.rfm!.T[k]}`, r.rfm!.count[k]] as const);
  assert.deepEqual(got, [...expect.entries()]);
  const gotSpend = Array.from(r.spend!.x, (x, k) => [`${x}|${r.spend!.monetary[k]}`, r.spend!.count[k]] as const);
  assert.deepEqual(gotSpend, [...spend.entries()]);
});
