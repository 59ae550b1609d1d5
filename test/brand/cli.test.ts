/** `spiral brand --db <db> [--period day|week|month] [--json]` as a user runs it. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BrandSectionSchema } from '../../src/domain/sections/brand.js';
import { spiral } from '../helpers/cli.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-brand-cli-');
after(() => scratch.cleanup());

test('spiral brand: JSON section on the last line with --json, a human summary without, exit 2 on a bad period or a missing store', () => {
  const events = join(scratch.dir, 'sim.csv');
  const db = join(scratch.dir, 'sim.duckdb');
  assert.equal(spiral(['simulate', '--customers', '1500', '--seed', '4', '--out', events]).code, 0);
  assert.equal(spiral(['ingest', events, '--mapping', 'simulated', '--db', db]).code, 0);

  const j = spiral(['brand', '--db', db, '--period', 'month', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const section = BrandSectionSchema.parse(j.json());
  assert.equal(section.period, 'month');
  assert.ok(section.totals.flowEvents > 0);
  assert.equal(section.series.flow.reduce((a, b) => a + b, 0), section.totals.flowEvents);

  const h = spiral(['brand', '--db', db]);
  assert.equal(h.code, 0, h.stderr);
  assert.match(h.stdout, /^brand flow per week: [\d,]+ spontaneous actions/);
  assert.match(h.stdout, /Bass on new customers \(first purchase\)/);

  const bad = spiral(['brand', '--db', db, '--period', 'year', '--json']);
  assert.equal(bad.code, 2);
  assert.match(bad.json<{ error: string }>().error, /--period must be one of day, week, month/);
  assert.equal(spiral(['brand', '--db', join(scratch.dir, 'nope.duckdb')]).code, 2);
});
