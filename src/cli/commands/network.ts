/**
 * `spiral network --db <db> [--top N] [--json]`: the customer network from the store — graph
 * metrics, communities, homophily, referral cascades, referral value, the peer effect and
 * network-adjusted CLV. With --json the network section (the same JSON as in the analysis result)
 * is the last line of stdout.
 */
import { printSection } from '../store.js';
import type { Command } from 'commander';
import { NO_NETWORK_MESSAGE, runNetworkSection } from '../../analysis/network.js';
import type { NetworkSection } from '../../domain/sections/network.js';
import { fmtInt, type Output } from '../io.js';
import { intFlag } from '../options.js';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const f = (x: number | null | undefined, d = 3): string => (x === null || x === undefined ? '—' : x.toFixed(d));

/** A few lines for people: the graph, communities, homophily, cascades, value, the peer effect. */
export function networkSummary(s: NetworkSection): string {
  const g = s.graph;
  const lines = [
    `network: ${fmtInt(g.nodes)} customers, ${fmtInt(g.edges)} edges (${s.edgeTypes.join(', ')}); reciprocity ${pct(g.reciprocity)}, density ${g.density === null ? '—' : g.density.toExponential(2)}, ${fmtInt(g.weakComponents)} weak components`,
    `communities: ${fmtInt(s.communities.count)} (Louvain ${s.communities.engine}), modularity ${f(s.communities.modularity)}; max k-core ${s.core.max ?? '—'}`,
  ];
  if (s.pagerank.top.length) {
    lines.push(`top by PageRank: ${s.pagerank.top.slice(0, 5).map((t) => `${t.customerId} (×${(t.pagerank * g.nodes).toFixed(1)})`).join(', ')}`);
  }
  const h = s.homophily;
  if (h) lines.push(`homophily on ${h.attribute}: edge |Δ| ${f(h.edgeMeanAbsDiff)} vs random ${f(h.randomPairMeanAbsDiff)}, p = ${f(h.pValue, 4)} (${h.permutations} permutations)`);
  const c = s.cascades;
  if (c) lines.push(`cascades: ${fmtInt(c.referredCustomers)} of ${fmtInt(c.purchasers)} buyers brought in (${pct(c.referredShare)}), ${fmtInt(c.cascades)} cascades, largest ${c.size.max ?? '—'}, deepest ${c.depth.max ?? '—'}`);
  const v = s.referralValue;
  if (v) lines.push(`referral value (${v.valueSource}): ${f(v.total, 2)} from ${fmtInt(v.referrers)} referrers`);
  const p = s.peerEffect;
  if (p) {
    lines.push(
      `peer effect (${p.windowDays} days after a ${p.touchTypes.join('/')} received, ${fmtInt(p.matchedTreated)} matched): ${f(p.effect.estimate)} extra purchases per touched person ` +
        `(${Math.round(p.level * 100)}% ${f(p.effect.lower)} to ${f(p.effect.upper)}), ratio ×${f(p.ratio.estimate, 2)}; placebo ${f(p.placebo.estimate)}; naive ${f(p.naive)}`,
    );
  }
  const nv = s.networkValue;
  if (nv) {
    lines.push(`network-adjusted CLV: CLV ${f(nv.totals.clv, 2)} + referral ${f(nv.totals.referralValue, 2)} + influence ${f(nv.totals.influenceValue, 2)} (network share ${pct(nv.networkShare)})`);
  }
  for (const w of s.warnings) lines.push(`warning: ${w.replace(/^network: /, '')}`);
  return lines.join('\n');
}

export function registerNetwork(program: Command, out: (json: boolean) => Output): void {
  program
    .command('network')
    .description('the customer network: influence, communities, homophily, referral cascades and value, the peer effect, network-adjusted CLV')
    .requiredOption('--db <location>', 'store: a DuckDB file, postgres://…, clickhouse://… or chdb:<dir>')
    .option('--top <n>', 'customers listed in each top list', '20')
    .option('--json', 'print the network section as JSON on the last line of stdout')
    .addHelpText('after', `
Edges come from referral, share and follow events with a peer_id (customer_id → peer_id). Per-customer
metrics go to the store table network_scores (PageRank, k-core, community, reach, who brought whom,
referral value, influence value, network-adjusted CLV when clv_scores exists: run spiral clv score first).
Exit codes: 0 ok, 1 failed, 2 bad usage or input.

Examples:
  spiral network --db shop.duckdb
  spiral network --db shop.duckdb --top 50 --json`)
    .action(async (flags: { db: string; top?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const topN = intFlag('top', flags.top, 0) ?? 20;
      await printSection(o, flags.db, 'network', (store, warnings) =>
        runNetworkSection(store, { onProgress: (step) => o.info(step), network: { topN } }, warnings), networkSummary, NO_NETWORK_MESSAGE, { anyEngine: true });
    });
}
