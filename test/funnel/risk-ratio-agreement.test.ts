import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mantelHaenszelRiskRatio } from '../../src/models/stats/mantel-haenszel.js';
import { touchEffect, type PathCell } from '../../src/funnel/attribution.js';
import { mantelHaenszelRiskRatio as peerRiskRatio, type StratumStats } from '../../src/network/peer-effect.js';

// Issue 14: the funnel hard-coded z = 1.96 while the network took the level; both now use models/stats.
test('the funnel touch effect and the network peer effect give the same risk ratio and 95% interval on the same strata', () => {
  const strata = [
    { key: 'low', a: 12, n1: 80, c: 40, n0: 700 },
    { key: 'mid', a: 33, n1: 150, c: 51, n0: 400 },
    { key: 'high', a: 70, n1: 160, c: 19, n0: 90 },
  ];
  const cells: PathCell[] = strata.flatMap((s) => [
    { stratum: s.key, path: 'peer', customers: s.n1, conversions: s.a },
    { stratum: s.key, path: '', customers: s.n0, conversions: s.c },
  ]);
  const row = (stratum: string, treated: boolean, n: number, bought: number): StratumStats =>
    ({ stratum, treated, n, sumPost: bought, sumPost2: bought, sumPre: 0, sumPre2: 0, sumDiff2: bought });
  const rows = strata.flatMap((s) => [row(s.key, true, s.n1, s.a), row(s.key, false, s.n0, s.c)]);
  const funnel = touchEffect(cells, 'peer');
  const network = peerRiskRatio(rows, 0.95, 1);
  const direct = mantelHaenszelRiskRatio(strata);
  assert.equal(funnel.status, 'ok');
  assert.deepEqual([funnel.riskRatio, funnel.lower, funnel.upper, funnel.strata], [network.estimate, network.lower, network.upper, network.strata]);
  assert.deepEqual([network.estimate, network.lower, network.upper], [direct.estimate, direct.lower, direct.upper]);
  // Hand computation: Σ a·n0/N / Σ c·n1/N.
  const num = strata.reduce((t, s) => t + (s.a * s.n0) / (s.n1 + s.n0), 0);
  const den = strata.reduce((t, s) => t + (s.c * s.n1) / (s.n1 + s.n0), 0);
  assert.ok(Math.abs(direct.estimate! - num / den) < 1e-12);
});
