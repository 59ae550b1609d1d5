/**
 * Issue 14: the analysis result is a function of the store. Two analyses of the same store give the
 * same document, field by field, except generatedAt (timings are progress output, not results).
 *
 * One DuckDB thread: with several, DuckDB's parallel SUM/AVG of DOUBLE adds in a varying order, so
 * sums differ in their last bits from run to run (overview revenue, the CLV summary's monetary) and
 * the Gamma-Gamma fit can take a different path (see bench/RESULTS.md, pipeline). This test is about
 * the engine's own state: timings, tables an analysis writes and reads back, unseeded randomness.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze.js';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { ingestInto } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';
import { diffFields } from '../helpers/result-diff.js';

const scratch = scratchDir('spiral-reproducible-');
after(() => scratch.cleanup());

test('two analyses of one store give the same result, field by field, except generatedAt', async () => {
  const events = join(scratch.dir, 'events.csv');
  await simulate({ customers: 1500, seed: 3, out: events, brand: {}, peerEffects: {} });
  const store = await DuckDbStore.open(join(scratch.dir, 'store.duckdb'), { threads: 1 });
  try {
    const ing = await ingestInto(store, [events], 'simulated');
    assert.ok(ing.accepted > 10_000);
    let t = 0;
    const now = (): Date => new Date(Date.UTC(2026, 0, 1) + 1000 * t++);
    const first = await analyze(store, { now });
    const second = await analyze(store, { now });
    assert.notEqual(first.generatedAt, second.generatedAt);
    // Every section ran, so the comparison covers them all.
    for (const s of ['clv', 'brand', 'network', 'funnel'] as const) assert.ok(first[s], `section ${s} is missing`);
    assert.deepEqual(diffFields(JSON.parse(JSON.stringify(first)), JSON.parse(JSON.stringify(second)), new Set(['$.generatedAt'])), []);
  } finally {
    await store.close();
  }
});
