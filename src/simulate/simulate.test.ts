import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../../test/helpers/paths.js';
import { DEFAULT_SIMULATION, simulate, type SimulationTruth } from './index.js';
import { openDuck } from '../../test/helpers/duck.js';


function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const scratch = scratchDir('spiral-simulate-');
after(() => scratch.cleanup());

describe('determinism', () => {
  test('the same seed gives byte-identical files; another seed differs', async () => {
    const runs = ['a', 'b', 'c'].map((k) => join(scratch.dir, `det-${k}.csv`));
    await simulate({ customers: 4000, seed: 11, out: runs[0] });
    await simulate({ customers: 4000, seed: 11, out: runs[1] });
    await simulate({ customers: 4000, seed: 12, out: runs[2] });
    const files = (out: string) => [out, out.replace(/\.csv$/, '.truth.customers.csv')];
    const [a, b, c] = runs.map((r) => files(r).map(sha256));
    assert.deepEqual(a, b);
    assert.notEqual(a[0], c[0]);
    assert.notEqual(a[1], c[1]);
    // the truth JSON names its own files; everything else is identical
    const truth = (out: string) => {
      const t = JSON.parse(readFileSync(out.replace(/\.csv$/, '.truth.json'), 'utf8')) as Partial<SimulationTruth>;
      delete t.files;
      return JSON.stringify(t);
    };
    assert.equal(truth(runs[0]), truth(runs[1]));
    assert.notEqual(truth(runs[0]), truth(runs[2]));
  });

  test('Parquet output is deterministic too and holds the CSV rows', async () => {
    const p1 = join(scratch.dir, 'det-1.parquet');
    const p2 = join(scratch.dir, 'det-2.parquet');
    const csv = join(scratch.dir, 'det-p.csv');
    const s1 = await simulate({ customers: 3000, seed: 5, out: p1 });
    await simulate({ customers: 3000, seed: 5, out: p2 });
    await simulate({ customers: 3000, seed: 5, out: csv, customerTruth: false });
    assert.equal(sha256(p1), sha256(p2));
    assert.ok(existsSync(join(scratch.dir, 'det-1.truth.customers.parquet')));
    assert.ok(!existsSync(join(scratch.dir, 'det-p.truth.customers.csv')));
    const db = await openDuck();
    try {
      const types = await db.all(`DESCRIBE SELECT * FROM read_parquet('${p1}')`);
      assert.deepEqual(
        Object.fromEntries(types.map((r) => [r.column_name, r.column_type])),
        {
          event_id: 'VARCHAR', customer_id: 'VARCHAR', ts: 'TIMESTAMP', type: 'VARCHAR', item_id: 'VARCHAR', amount: 'DOUBLE',
          quantity: 'INTEGER', peer_id: 'VARCHAR', channel: 'VARCHAR', rating: 'INTEGER', text: 'VARCHAR',
        },
      );
      const [diff] = await db.all(
        `SELECT count(*) AS n FROM (SELECT * FROM read_parquet('${p1}') EXCEPT ALL ` +
          `SELECT * REPLACE (ts::TIMESTAMP AS ts) FROM read_csv('${csv}'))`,
      );
      assert.equal(diff.n, 0);
      const [count] = await db.all(`SELECT count(*) AS n FROM read_parquet('${p1}')`);
      assert.equal(count.n, s1.events);
    } finally {
      db.close();
    }
  });
});

describe('options', () => {
  const out = () => join(scratch.dir, 'bad.csv');
  const rejects = (options: unknown, field: RegExp) =>
    assert.rejects(simulate(options as Parameters<typeof simulate>[0]), (e: Error) => {
      assert.equal(e.name, 'InvalidArgumentsError');
      assert.match(e.message, field);
      return true;
    });

  test('bad options are refused with a message naming the field', async () => {
    await rejects({ customers: 0, seed: 1, out: out() }, /customers/);
    await rejects({ customers: 10, seed: 1.5, out: out() }, /seed/);
    await rejects({ customers: 10, seed: 1, out: join(scratch.dir, 'x.json') }, /out: must end in \.csv or \.parquet/);
    await rejects({ customers: 10, seed: 1, out: out(), start: '2024-02-30' }, /start/);
    await rejects({ customers: 10, seed: 1, out: out(), bgnbd: { r: -1 } }, /bgnbd\.r/);
    await rejects({ customers: 10, seed: 1, out: out(), gammaGamma: { q: 0 } }, /gammaGamma\.q/);
    await rejects({ customers: 10, seed: 1, out: out(), social: { reviewProb: 2 } }, /social\.reviewProb/);
    await rejects({ customers: 10, seed: 1, out: out(), funnel: { nope: 1 } }, /funnel/);
    await rejects({ customers: 10, seed: 1, out: out(), weeks: 10, acquisition: { weeks: 20 } }, /acquisition\.weeks/);
    assert.ok(!existsSync(out()));
  });

  test('defaults fill what is not given, and the truth records them', async () => {
    const path = join(scratch.dir, 'defaults.csv');
    const progress: number[] = [];
    const s = await simulate({ customers: 500, seed: 3, out: path, bgnbd: { r: 0.5 }, onProgress: (done) => progress.push(done) });
    const truth = JSON.parse(readFileSync(s.truthPath, 'utf8')) as SimulationTruth;
    assert.deepEqual(truth.params.bgnbd, { ...DEFAULT_SIMULATION.bgnbd, r: 0.5 });
    assert.equal(truth.params.weeks, DEFAULT_SIMULATION.weeks);
    assert.equal(truth.window.start, `${DEFAULT_SIMULATION.start}T00:00:00.000Z`);
    assert.equal(s.customers, 500);
    assert.equal(progress.at(-1), s.customers + s.prospects);
  });
});
