/**
 * The network's peer effect on DuckDB, Postgres and chdb (issue 13): a simulated store with a known
 * peer effect (the peerEffects mechanism, src/simulate/mechanisms/peer-effects.ts: a peer share
 * multiplies a considerer's purchase probability by 2) ingested into each engine. Every engine draws
 * the same control anchors (the dialect's portableHash), so it matches the same units — the units
 * table is compared row by row, exactly — and gives the same estimate field by field (counts
 * exact, statistics to 1e-9 relative), which covers the simulated risk ratio on each.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, type SimulationTruth } from '../../src/simulate/index.js';
import { peerEffect, PEER_DECISIONS_TABLE, PEER_INFLUENCE_TABLE, PEER_UNITS_TABLE, type PeerEffectRun } from '../../src/network/peer-effect.js';
import { analyzeNetwork } from '../../src/network/analyze.js';
import { dialectOf } from '../../src/sql/dialect.js';
import { ENGINES, ingestEach, onEach, openEngines, resultDiffs, type EngineName, type Engines } from './engines.js';

let env: Engines;
let truth: SimulationTruth;
let runs: Record<EngineName, PeerEffectRun>;

before(async () => {
  env = await openEngines('peer_effect');
  const out = join(env.dir, 'events.csv');
  const s = await simulate({ customers: 3000, seed: 3, weeks: 52, out, customerTruth: false, peerEffects: {} });
  truth = JSON.parse(readFileSync(s.truthPath, 'utf8')) as SimulationTruth;
  const reports = await ingestEach(env, out, 'simulated');
  for (const e of ENGINES) assert.equal(reports[e].accepted, reports.duckdb.accepted, e);
  runs = await onEach(env, (store) => peerEffect(store, {}));
});
after(async () => env?.close());

test('the peer effect is the same on DuckDB, Postgres and chdb, field by field', () => {
  assert.ok(runs.duckdb.treatedUnits > 100 && runs.duckdb.matchedTreated > 100, `treated ${runs.duckdb.treatedUnits}, matched ${runs.duckdb.matchedTreated}`);
  assert.ok(runs.duckdb.controls > 1000, `controls ${runs.duckdb.controls}`);
  for (const e of ENGINES) {
    const diffs = resultDiffs(runs.duckdb, runs[e]);
    assert.deepEqual(diffs.slice(0, 15), [], `${e} differs from duckdb in ${diffs.length} fields`);
  }
});

test('every engine matches the same units: the units and decisions tables agree row by row', async () => {
  const rows = async (e: EngineName, sql: (d: ReturnType<typeof dialectOf>) => string) => {
    const d = dialectOf(env.stores[e]);
    return (await env.stores[e].query<Record<string, unknown>>(sql(d))).map((r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? Number(v) : v])),
    );
  };
  const units = (d: ReturnType<typeof dialectOf>) =>
    `SELECT customer_id, anchor, treated, prior, post, pre, stratum FROM ${PEER_UNITS_TABLE} ORDER BY ${d.byteOrder('customer_id')}, anchor, ${d.byteOrder('stratum')}`;
  const decisions = (d: ReturnType<typeof dialectOf>) =>
    `SELECT customer_id, item_id, considered_at, decision, converted, brought_in, peer_touches, peer, firm, activity, stratum
     FROM ${PEER_DECISIONS_TABLE} ORDER BY ${d.byteOrder('customer_id')}, ${d.byteOrder('item_id')}`;
  const influence = (d: ReturnType<typeof dialectOf>) =>
    `SELECT customer_id, influenced_peers, excess_purchases, influence_value FROM ${PEER_INFLUENCE_TABLE} ORDER BY ${d.byteOrder('customer_id')}`;
  for (const [name, sql] of [['units', units], ['decisions', decisions], ['influence', influence]] as const) {
    const base = await rows('duckdb', sql);
    assert.ok(base.length > 100, `${name}: ${base.length} rows`);
    for (const e of ENGINES) {
      const diffs = resultDiffs(base, await rows(e, sql));
      assert.deepEqual(diffs.slice(0, 10), [], `${e} ${name} differs from duckdb in ${diffs.length} fields`);
    }
  }
});

test('on every engine the prospects’ risk ratio covers the simulated peer effect (×2), the naive one does not', () => {
  const rr = truth.peerEffects!.peerEffect;
  for (const e of ENGINES) {
    const d = runs[e].decisions;
    assert.equal(d.touched, truth.peerEffects!.realized.peerTouched, e);
    assert.ok(d.riskRatio.lower! <= rr && rr <= d.riskRatio.upper!, `${e}: risk ratio ${d.riskRatio.lower}–${d.riskRatio.upper} vs ${rr}`);
    assert.ok(d.naiveRiskRatio! < d.riskRatio.lower!, `${e}: naive ${d.naiveRiskRatio}`);
  }
});

test('analyzeNetwork computes the peer effect on Postgres and chdb too, without the old "not yet available" warning', async () => {
  const o = { cascades: false, referralValue: false, homophily: false, graphSampleNodes: 0, seed: 1 } as const;
  const r = await onEach(env, (store) => analyzeNetwork(store, o));
  for (const e of ENGINES) {
    assert.ok(r[e].peerEffect, `${e}: peerEffect`);
    assert.ok(!r[e].warnings.some((w) => /peer effect is not yet available/.test(w)), `${e}: ${r[e].warnings.join('\n')}`);
    const diffs = resultDiffs(r.duckdb.peerEffect, r[e].peerEffect);
    assert.deepEqual(diffs.slice(0, 15), [], `${e} differs from duckdb in ${diffs.length} fields`);
  }
});
