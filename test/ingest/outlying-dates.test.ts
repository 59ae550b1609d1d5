/**
 * Issue 17.3: one purchase dated 2100-01-01 (and one in 1900) in a simulated brand. They stay in
 * the store, are left out of every model with a warning naming how many and their range, and the
 * result has the simulated span and no NaN.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { simulate } from '../../src/simulate/index.js';
import { analyze } from '../../src/analysis/analyze.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { zodSummary } from '../../src/cli/errors.js';
import { scratchDir } from '../helpers/paths.js';
import { ingestInto } from '../helpers/ingest.js';
import { spiral } from '../helpers/cli.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

test('events dated 2100-01-01 and 1900-06-01 are kept in the store, left out of the analysis with a warning, no NaN', async () => {
  const file = join(scratch.dir, 'brand.csv');
  const sim = await simulate({ customers: 300, seed: 5, out: file });
  appendFileSync(file, 'far-future,c_far,2100-01-01T00:00:00Z,purchase,i1,10,1,,web,,\nfar-past,c_far,1900-06-01T00:00:00Z,purchase,i1,12,1,,web,,\n');
  const store = await DuckDbStore.open(':memory:');
  const ing = await ingestInto(store, [file], 'simulated');
  assert.equal(ing.accepted, sim.events + 2, 'both rows are kept in the store');
  const result = await analyze(store, { now: () => new Date('2026-01-01T00:00:00Z') });
  const w = result.warnings.find((x) => /dated outside/.test(x.message));
  assert.ok(w, 'a warning names the excluded events');
  assert.match(w.message, /^2 events dated outside 1970-01-01 … \d{4}-\d\d-\d\d \(from 1900-06-01 to 2100-01-01\)/);
  assert.equal(result.overview.events, sim.events, 'the models see the simulated events only');
  assert.equal(result.overview.span.start?.slice(0, 10), sim.window.start.slice(0, 10));
  assert.ok(result.overview.span.end! <= sim.window.end, `span ends ${result.overview.span.end}, the window ${sim.window.end}`);
  assert.doesNotMatch(JSON.stringify(result, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? 'NONFINITE' : v)), /NONFINITE/);
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM memory.main.events');
  assert.equal(n, sim.events + 2, 'the analysis removed nothing from the store');
  await store.close();
});

test('a result that fails validation prints the first 5 paths and a count, not all 10,436', () => {
  const parsed = z.object({ tracking: z.array(z.object({ predicted: z.number() })) })
    .safeParse({ tracking: Array.from({ length: 10_436 }, () => ({ predicted: NaN })) });
  assert.equal(parsed.success, false);
  const msg = zodSummary(parsed.error!);
  const lines = msg.split('\n');
  assert.equal(lines.length, 6);
  assert.match(lines[0], /^tracking\.0\.predicted: /);
  assert.equal(lines[5], '… and 10,431 more invalid values (10,436 in all)');
  assert.ok(msg.length < 1000, `${msg.length} characters`);
});

test('spiral clv fit and score --db leave the outlying dates out too, with the warning (issue 17.3)', async () => {
  const file = join(scratch.dir, 'clv-brand.csv');
  await simulate({ customers: 400, seed: 6, out: file });
  appendFileSync(file, 'far-future-2,c_far2,2100-01-01T00:00:00Z,purchase,i1,10,1,,web,,\n');
  const db = join(scratch.dir, 'clv-brand.duckdb');
  assert.equal(spiral(['ingest', file, '--mapping', 'simulated', '--db', db]).code, 0);
  const cal = ['--unit', 'week', '--calibration-end', '2025-06-30'];
  const fit = spiral(['clv', 'fit', '--db', db, '--model', 'bgnbd', ...cal, '--holdout-end', '2025-12-28', '--json']);
  assert.equal(fit.code, 0, fit.stderr);
  assert.match(fit.stderr, /1 events? dated outside 1970-01-01/);
  const j = fit.json<{ tracking: { predicted: number }[] | null }>();
  assert.ok(j.tracking && j.tracking.every((t) => Number.isFinite(t.predicted)), 'no NaN in the tracking');
  const out = join(scratch.dir, 'clv-brand-scores.csv');
  const score = spiral(['clv', 'score', '--db', db, '--model', 'bgnbd', ...cal, '--out', out, '--json']);
  assert.equal(score.code, 0, score.stderr);
  assert.match(score.stderr, /dated outside 1970-01-01/);
});
