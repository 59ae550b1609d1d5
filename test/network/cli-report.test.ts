/**
 * `spiral network` end to end on a small store (JSON and human output, exit codes, a store without a
 * network), the analysis section, and the report section rendered from it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze.js';
import { runNetworkSection, NO_NETWORK_MESSAGE } from '../../src/analysis/network.js';
import type { Warning } from '../../src/domain/result.js';
import { NetworkSectionSchema } from '../../src/domain/sections/network.js';
import { networkSection } from '../../src/report/sections/network.js';
import { renderReport } from '../../src/report/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { buildResult } from '../fixtures/result.js';
import { spiral } from '../helpers/cli.js';
import { scratchDir } from '../helpers/paths.js';
import { insertSyntheticPeerLog } from './synthetic-peer.js';

const scratch = scratchDir('spiral-network-cli-');
const db = join(scratch.dir, 'net.duckdb');
const empty = join(scratch.dir, 'empty.duckdb');

before(async () => {
  const store = await DuckDbStore.open(db, { threads: 1 });
  await insertSyntheticPeerLog(store, { customers: 1500, seed: 2 });
  await store.close();
  const e = await DuckDbStore.open(empty, { threads: 1 });
  await e.exec(`INSERT INTO events (event_id, customer_id, ts, type, amount) VALUES ('1', 'a', TIMESTAMP '2024-01-01', 'purchase', 10)`);
  await e.close();
});
after(() => scratch.cleanup());

test('spiral network --json prints the network section as the last line; --top sets the lists', () => {
  const r = spiral(['network', '--db', db, '--top', '3', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = NetworkSectionSchema.parse(r.json());
  assert.equal(s.pagerank.top.length, 3);
  assert.ok(s.graph.nodes > 0);
  assert.ok(s.peerEffect!.matchedTreated > 0);
  assert.ok(s.peerEffect!.effect.estimate! > 0);
  assert.equal(s.networkValue!.clvSource, null, 'no clv_scores in this store');
  const human = spiral(['network', '--db', db]);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^network: [\d,]+ customers, [\d,]+ edges/m);
  assert.match(human.stdout, /peer effect \(30 days after a share\/referral received/);
});

test('spiral network: a missing store and a bad --top are usage errors; a store without a network says so', () => {
  assert.equal(spiral(['network', '--db', join(scratch.dir, 'nope.duckdb')]).code, 2);
  assert.equal(spiral(['network', '--db', db, '--top', '-1']).code, 2);
  assert.equal(spiral(['network']).code, 2);
  const r = spiral(['network', '--db', empty, '--json']);
  assert.equal(r.code, 0);
  assert.deepEqual(r.json(), { network: null, message: NO_NETWORK_MESSAGE });
});

test('the analysis carries the network section, and the report renders it; without one it is left out', async () => {
  const store = await DuckDbStore.open(db, { threads: 1 });
  try {
    const result = await analyze(store, { now: () => new Date('2025-01-01T00:00:00Z') });
    assert.ok(result.network);
    // With CLV scores in the store (as `spiral clv score` writes them), network-adjusted CLV adds up.
    await store.exec(`CREATE OR REPLACE TABLE clv_scores AS SELECT DISTINCT customer_id, 100.0 AS clv FROM events WHERE type = 'purchase'`);
    const withClv = (await runNetworkSection(store, {}, []))!.networkValue!;
    assert.equal(withClv.clvSource, 'clv_scores');
    assert.equal(withClv.withoutClv, 0);
    const t = withClv.totals;
    assert.ok(Math.abs(t.networkAdjustedClv! - (t.clv! + t.referralValue! + t.influenceValue!)) < 1e-6 * t.networkAdjustedClv!);
    const [{ n }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM network_scores WHERE network_adjusted_clv IS NOT NULL`);
    assert.ok(Number(n) > 0);
    const section = networkSection(result)!;
    assert.equal(section.id, 'network');
    const ids = section.charts.map((c) => c.elementId);
    assert.deepEqual(ids.slice(0, 4), ['network-graph', 'network-degree', 'network-communities', 'network-core']);
    const page = renderReport(result);
    assert.ok(page.includes('id="network-graph"'));
    assert.ok(page.includes('Network-adjusted CLV'));
    assert.equal(networkSection(buildResult()), null);
  } finally {
    await store.close();
  }
  const e = await DuckDbStore.open(empty, { threads: 1 });
  try {
    const warnings: Warning[] = [];
    assert.equal(await runNetworkSection(e, {}, warnings), undefined);
    assert.deepEqual(warnings, [{ section: 'network', message: NO_NETWORK_MESSAGE }]);
  } finally {
    await e.close();
  }
});
