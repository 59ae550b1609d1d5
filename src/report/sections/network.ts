/**
 * The customer network: the top of the graph drawn with fixed positions (nodes sized by PageRank,
 * coloured by community; hover highlights a node's neighbours, drag/zoom to explore), degree,
 * k-core, community and cascade distributions, the top influencers, homophily, referral value, the
 * peer effect against its matched baseline, and network-adjusted CLV.
 */
import type { AnalysisResult } from '../../domain/result.js';
import type { NetworkSection } from '../../domain/sections/network.js';
import { ACCENT, timeSeriesChart } from '../charts.js';
import { chartFigure, dataTable, emptyNote, kpiTiles, type KpiTile } from '../components.js';
import { formatAmount, formatInteger, formatNumber, formatPercent, MISSING } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { ChartSpec, JsonObject, ReportSection } from '../section.js';

const ID = 'network';
const SECOND = '#e6a23c';
const PALETTE = ['#3b6fb6', '#e6a23c', '#4caf7a', '#d9534f', '#8e6cc0', '#2bb3c0', '#c9a227', '#e377c2', '#7f7f7f', '#8c564b'];
const OTHER = '#b8c0cc';

type Hist = NetworkSection['degree']['in'];
type Est = { estimate: number | null; lower: number | null; upper: number | null };
type Comparison = NonNullable<NetworkSection['peerEffect']>['populations']['prospects'];

const num = (v: number | null, d = 2): string => (v === null ? MISSING : formatNumber(v, d));
const money = (v: number | null): string => (v === null ? MISSING : formatAmount(v));
const interval = (e: Est, d = 3): string =>
  e.estimate === null ? MISSING : `${formatNumber(e.estimate, d)} (${e.lower === null ? MISSING : formatNumber(e.lower, d)} to ${e.upper === null ? MISSING : formatNumber(e.upper, d)})`;
const binLabel = (b: { lo: number; hi: number }): string => (b.lo === b.hi ? String(b.lo) : `${b.lo}–${b.hi}`);

export function networkSection(result: AnalysisResult): ReportSection | null {
  const n = result.network;
  if (n === undefined) return null;
  const charts: ChartSpec[] = [];
  const parts: SafeHtml[] = [
    kpiTiles(kpis(n)),
    graph(n, charts),
    histogramPair('degree', 'Degree distribution', 'Customers by number of distinct customers they point to (out) and that point to them (in).', [
      { name: 'In-degree', h: n.degree.in, color: ACCENT },
      { name: 'Out-degree', h: n.degree.out, color: SECOND },
    ], charts),
    histogramPair('communities', 'Community sizes', `Louvain communities (${n.communities.engine}, resolution ${n.communities.resolution}) by size: ${formatInteger(n.communities.count)} communities, modularity ${num(n.communities.modularity, 3)}.`, [
      { name: 'Communities', h: n.communities.sizes, color: ACCENT },
    ], charts),
    histogramPair('core', 'k-core numbers', n.definitions.core, [{ name: 'Customers', h: n.core.histogram, color: ACCENT }], charts),
    cascades(n, charts),
    influencers(n),
    homophily(n),
    referralValue(n),
    peerEffect(n),
    networkValue(n),
  ];
  return { id: ID, title: 'Customer network', html: html`${parts}`, charts };
}

function kpis(n: NetworkSection): KpiTile[] {
  const g = n.graph;
  const pe = n.peerEffect;
  const tiles: KpiTile[] = [
    { key: 'nodes', label: 'Customers in the network', value: formatInteger(g.nodes), raw: g.nodes, note: `${formatInteger(g.edges)} edges from ${n.edgeTypes.join(', ')}` },
    g.reciprocity === null
      ? { key: 'reciprocity', label: 'Reciprocity', value: null, missingReason: 'no edges' }
      : { key: 'reciprocity', label: 'Reciprocity', value: formatPercent(g.reciprocity), raw: g.reciprocity, note: 'of edges point back' },
    { key: 'communities', label: 'Communities', value: formatInteger(n.communities.count), raw: n.communities.count, note: `modularity ${num(n.communities.modularity, 3)}` },
    n.homophily === null || n.homophily.pValue === null
      ? { key: 'homophily', label: 'Homophily p-value', value: null, missingReason: 'no attribute to compare' }
      : { key: 'homophily', label: 'Homophily p-value', value: formatNumber(n.homophily.pValue, 3), raw: n.homophily.pValue, note: `${n.homophily.permutations} permutations` },
    n.cascades === null || n.cascades.referredShare === null
      ? { key: 'referred', label: 'Brought in by a peer', value: null, missingReason: 'no purchases or no cascades' }
      : { key: 'referred', label: 'Brought in by a peer', value: formatPercent(n.cascades.referredShare), raw: n.cascades.referredShare, note: `${formatInteger(n.cascades.referredCustomers)} of ${formatInteger(n.cascades.purchasers)} buyers` },
    pe === null || pe.ratio.estimate === null
      ? { key: 'peerEffect', label: 'Peer effect', value: null, missingReason: 'no touched customer could be matched' }
      : { key: 'peerEffect', label: 'Peer effect', value: `×${formatNumber(pe.ratio.estimate, 2)}`, raw: pe.ratio.estimate, note: `purchases of touched vs matched (${num(pe.ratio.lower)}–${num(pe.ratio.upper)})` },
  ];
  return tiles;
}

function graph(n: NetworkSection, charts: ChartSpec[]): SafeHtml {
  const title = 'The top of the network';
  const s = n.graphSample;
  if (s === null || s.nodes.length === 0) return emptyNote(title, 'no graph to draw');
  const communityOrder = n.communities.largest.map((c) => c.community).slice(0, PALETTE.length);
  const colorOf = (c: number): string => {
    const k = communityOrder.indexOf(c);
    return k < 0 ? OTHER : PALETTE[k];
  };
  const maxPr = Math.max(...s.nodes.map((x) => x.pagerank));
  const nodes = n.graph.nodes;
  const elementId = `${ID}-graph`;
  const option: JsonObject = {
    animation: false,
    tooltip: { trigger: 'item', confine: true },
    series: [
      {
        type: 'graph',
        name: 'Customers',
        layout: 'none',
        roam: true,
        draggable: false,
        emphasis: { focus: 'adjacency', lineStyle: { width: 2 } },
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 4,
        lineStyle: { color: 'source', opacity: 0.25, width: 0.6 },
        label: { show: false },
        data: s.nodes.map((x) => ({
          id: x.customerId,
          name: `${x.customerId} · community ${x.community} · in ${x.inDegree} / out ${x.outDegree} · core ${x.core} · PageRank ×avg`,
          x: x.x,
          y: x.y,
          value: Math.round(x.pagerank * nodes * 100) / 100,
          symbolSize: Math.round((4 + 20 * Math.sqrt(x.pagerank / maxPr)) * 10) / 10,
          itemStyle: { color: colorOf(x.community) },
        })),
        links: s.edges.map((e) => ({ source: s.nodes[e.source].customerId, target: s.nodes[e.target].customerId, value: e.weight })),
      },
    ],
  };
  charts.push({ elementId, option });
  return chartFigure({
    elementId, title, height: 560,
    caption: `${s.rule}. Size: PageRank; colour: community (the ${communityOrder.length} largest; grey: others). Hover a customer to see their neighbours; scroll to zoom, drag to pan.`,
    table: dataTable(
      [{ label: 'Customer' }, { label: 'PageRank ×avg', numeric: true }, { label: 'Community', numeric: true }, { label: 'In', numeric: true }, { label: 'Out', numeric: true }, { label: 'Core', numeric: true }],
      s.nodes.slice(0, 50).map((x) => [x.customerId, formatNumber(x.pagerank * nodes, 2), formatInteger(x.community), formatInteger(x.inDegree), formatInteger(x.outDegree), formatInteger(x.core)]),
      { caption: `The first 50 of ${s.nodes.length} drawn customers; ${formatInteger(s.edges.length)} edges among them.` },
    ),
  });
}

function histogramPair(key: string, title: string, caption: string, series: { name: string; h: Hist; color: string }[], charts: ChartSpec[]): SafeHtml {
  const los = [...new Set(series.flatMap((x) => x.h.bins.map((b) => b.lo)))].sort((a, b) => a - b);
  if (los.length === 0) return emptyNote(title, 'nothing to count');
  const byLo = series.map((x) => new Map(x.h.bins.map((b) => [b.lo, b])));
  const labels = los.map((lo) => {
    const b = byLo.map((m) => m.get(lo)).find((x) => x !== undefined)!;
    return binLabel(b);
  });
  const elementId = `${ID}-${key}`;
  charts.push({
    elementId,
    option: timeSeriesChart(labels, series.map((x, i) => ({ name: x.name, values: los.map((lo) => byLo[i].get(lo)?.count ?? 0), color: x.color })), { kind: 'bar' }),
  });
  return chartFigure({
    elementId, title, height: 280, caption,
    table: dataTable([{ label: 'Value' }, ...series.map((x) => ({ label: x.name, numeric: true }))],
      los.map((lo, k) => [labels[k], ...byLo.map((m) => formatInteger(m.get(lo)?.count ?? 0))])),
  });
}

function cascades(n: NetworkSection, charts: ChartSpec[]): SafeHtml {
  const c = n.cascades;
  if (c === null) return emptyNote('Referral cascades', 'not computed');
  if (c.cascades === 0) return emptyNote('Referral cascades', `nobody was brought in by another customer. ${c.rule}`);
  return html`${histogramPair('cascade-size', 'Referral cascades: size and depth', `${c.rule} ${formatInteger(c.cascades)} cascades; mean structural virality ${num(c.structuralVirality.mean, 3)}.`, [
    { name: 'Cascades by size', h: c.size, color: ACCENT },
    { name: 'Cascades by depth', h: c.depth, color: SECOND },
  ], charts)}
<div class="table-block"><h3>Largest cascades</h3>
${dataTable([{ label: 'Root customer' }, { label: 'Size', numeric: true }, { label: 'Depth', numeric: true }, { label: 'Structural virality', numeric: true }],
  c.largest.slice(0, 10).map((x) => [x.rootCustomerId, formatInteger(x.size), formatInteger(x.depth), formatNumber(x.structuralVirality, 3)]))}</div>`;
}

function influencers(n: NetworkSection): SafeHtml {
  const top = n.pagerank.top;
  if (top.length === 0) return emptyNote('Top influencers', 'the graph is empty');
  return html`<div class="table-block"><h3>Top influencers by PageRank</h3>
<p class="caption">PageRank (α = ${n.pagerank.alpha}, ${n.pagerank.weighted ? 'weighted by events' : 'unweighted'}, ${n.pagerank.iterations} iterations) as a multiple of the average customer's; reach: ${n.definitions.reach}.</p>
${dataTable(
  [{ label: 'Customer' }, { label: 'PageRank ×avg', numeric: true }, { label: 'In', numeric: true }, { label: 'Out', numeric: true }, { label: 'Core', numeric: true }, { label: 'Community', numeric: true }, { label: 'Reach', numeric: true }],
  top.map((t) => [t.customerId, formatNumber(t.pagerank * n.graph.nodes, 2), formatInteger(t.inDegree), formatInteger(t.outDegree), formatInteger(t.core), formatInteger(t.community), formatInteger(t.reach)]),
)}</div>`;
}

function homophily(n: NetworkSection): SafeHtml {
  const h = n.homophily;
  if (h === null) return emptyNote('Homophily', 'no numeric attribute to compare across edges');
  return html`<div class="table-block"><h3>Homophily: ${h.attribute}</h3>
<p class="caption">Mean |difference| across ${formatInteger(h.edgesUsed)} ${h.edges} against random pairs of the ${formatInteger(h.nodesWithValue)} customers with a value; p-value from ${h.permutations} label permutations (seed ${h.seed ?? MISSING}).</p>
${dataTable([{ label: 'Measure' }, { label: 'Value', numeric: true }], [
  ['Across edges', num(h.edgeMeanAbsDiff, 4)],
  ['Random pairs', num(h.randomPairMeanAbsDiff, 4)],
  ['Ratio (below 1: alike customers connect)', num(h.ratio, 3)],
  ['Assortativity', num(h.assortativity, 3)],
  ['p-value', num(h.pValue, 4)],
])}</div>`;
}

function referralValue(n: NetworkSection): SafeHtml {
  const v = n.referralValue;
  if (v === null) return emptyNote('Referral value', 'not computed (needs cascades)');
  return html`<div class="table-block"><h3>Customer referral value</h3>
<p class="caption">${v.rule} ${formatInteger(v.referrers)} referrers brought in ${formatInteger(v.referredCustomers)} customers worth ${money(v.total)} in all (${money(v.meanPerReferrer)} per referrer).</p>
${v.top.length === 0 ? '' : dataTable([{ label: 'Referrer' }, { label: 'Brought in', numeric: true }, { label: 'Referral value', numeric: true }],
  v.top.map((t) => [t.customerId, formatInteger(t.referrals), formatAmount(t.referralValue)]))}</div>`;
}

function peerEffect(n: NetworkSection): SafeHtml {
  const p = n.peerEffect;
  if (p === null) return emptyNote('Peer effect', 'not computed');
  const pop = (label: string, c: Comparison): string[] => [
    label, formatInteger(c.matchedTreated), formatInteger(c.unmatchedTreated), interval(c.effect), interval(c.ratio, 2), interval(c.placebo), c.naive === null ? MISSING : formatNumber(c.naive, 3),
  ];
  return html`<div class="table-block"><h3>Peer effect: purchases after a peer's touch, against a matched baseline</h3>
<p class="caption">${p.rule}</p>
${dataTable(
  [{ label: 'Who was touched' }, { label: 'Matched', numeric: true }, { label: 'Unmatched', numeric: true }, { label: `Extra purchases in ${p.windowDays} days (${formatPercent(p.level, 0)})`, numeric: true },
    { label: 'Ratio touched / matched', numeric: true }, { label: 'Placebo (days before)', numeric: true }, { label: 'Naive difference', numeric: true }],
  [
    ['Everyone', formatInteger(p.matchedTreated), formatInteger(p.unmatchedTreated), interval(p.effect), interval(p.ratio, 2), interval(p.placebo), p.naive === null ? MISSING : formatNumber(p.naive, 3)],
    pop('Existing customers', p.populations.existingCustomers),
    pop('Prospects (not yet bought)', p.populations.prospects),
  ],
)}
<p class="caption">Excess purchases ${interval(p.excessPurchases, 1)}, worth ${p.excessValue.estimate === null ? MISSING : `${formatAmount(p.excessValue.estimate)} (${money(p.excessValue.lower)} to ${money(p.excessValue.upper)})`} at an average order value of ${money(p.averageOrderValue)}; credited to ${formatInteger(p.influencers)} influencers.</p>
${p.top.length === 0 ? '' : dataTable([{ label: 'Influencer' }, { label: 'Peers touched (shared credit)', numeric: true }, { label: 'Excess purchases', numeric: true }, { label: 'Influence value', numeric: true }],
  p.top.map((t) => [t.customerId, formatNumber(t.influencedPeers, 2), formatNumber(t.excessPurchases, 2), money(t.influenceValue)]))}</div>`;
}

function networkValue(n: NetworkSection): SafeHtml {
  const v = n.networkValue;
  if (v === null) return emptyNote('Network-adjusted CLV', 'not computed');
  const t = v.totals;
  return html`<div class="table-block"><h3>Network-adjusted CLV</h3>
<p class="caption">${v.rule}</p>
${dataTable([{ label: 'Total over customers' }, { label: 'Value', numeric: true }], [
  ['CLV', money(t.clv)],
  ['Referral value', money(t.referralValue)],
  ['Influence value', money(t.influenceValue)],
  ['Network value (referral + influence)', money(t.networkValue)],
  ['Network-adjusted CLV', money(t.networkAdjustedClv)],
  ['Network share of network-adjusted CLV', v.networkShare === null ? MISSING : formatPercent(v.networkShare)],
  ['Customers whose network value exceeds their CLV', v.networkExceedsClv === null ? MISSING : formatInteger(v.networkExceedsClv)],
])}
${v.top.length === 0 ? '' : dataTable(
  [{ label: 'Customer' }, { label: 'CLV', numeric: true }, { label: 'Referral value', numeric: true }, { label: 'Influence value', numeric: true }, { label: 'Network-adjusted CLV', numeric: true }],
  v.top.map((r) => [r.customerId, money(r.clv), money(r.referralValue), money(r.influenceValue), money(r.networkAdjustedClv)]),
  { caption: `Top ${v.top.length} by ${v.clvSource === null ? 'network value' : 'network-adjusted CLV'}` },
)}</div>`;
}
