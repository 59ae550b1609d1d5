/** Network: the customer graph's size and structure, the most central customers, referral and influence value, a drawn sample. */
import type { AnalysisResult, Session } from '../api.js';
import { chart, customerLink, formatAmount, formatPercent, h, kpis, money, note, num, section, table } from '../ui.js';

type Histogram = { bins: { lo: number; hi: number; count: number }[] };

const PALETTE = ['#1f4e9c', '#2e9d78', '#f08a24', '#7c5cbf', '#c0392b', '#3aa0c9', '#d4a017', '#b565a7', '#5aa469', '#8c564b'];

export function networkPage(_s: Session, r: AnalysisResult): HTMLElement {
  const n = r.network;
  if (!n) return h('div', {}, h('h1', {}, 'Network'), note('The latest analysis has no network section (no share, referral or follow events).', 'error'));
  const nv = n.networkValue;
  const sample = n.graphSample;
  return h(
    'div',
    {},
    h('h1', {}, 'Customer network'),
    note(`Edges: ${n.edgeTypes.join(', ')}. ${n.definitions.edges}`),
    kpis([
      { id: 'nodes', label: 'Customers in the network', value: n.graph.nodes },
      { id: 'edges', label: 'Edges', value: n.graph.edges },
      { id: 'communities', label: 'Communities', value: n.communities.count, note: n.communities.modularity == null ? undefined : `modularity ${num(n.communities.modularity, 3)}` },
      { id: 'largest-component', label: 'Largest component', value: n.graph.largestComponent },
      { id: 'referred-share', label: 'Purchasers brought in by peers', value: n.cascades?.referredShare ?? null, text: n.cascades?.referredShare == null ? undefined : formatPercent(n.cascades.referredShare) },
      { id: 'referral-value', label: 'Referral value', value: n.referralValue?.total ?? null, text: n.referralValue?.total == null ? undefined : formatAmount(n.referralValue.total) },
      { id: 'network-share', label: 'Network share of adjusted CLV', value: nv?.networkShare ?? null, text: nv?.networkShare == null ? undefined : formatPercent(nv.networkShare) },
    ]),
    sample && sample.nodes.length > 0
      ? section(
          `The ${sample.nodes.length} most central customers`,
          chart('network-graph', {
            tooltip: { formatter: '{b}' },
            series: [{
              type: 'graph', layout: 'none', roam: true,
              data: sample.nodes.map((d) => ({ name: d.customerId, x: d.x, y: d.y, symbolSize: 4 + Math.sqrt(d.inDegree ?? 0) * 2, itemStyle: { color: PALETTE[(d.community ?? 0) % PALETTE.length] } })),
              edges: sample.edges.map((e) => ({ source: e.source, target: e.target })),
              lineStyle: { color: '#bbb', opacity: 0.6 },
            }],
          }, 460),
          note(sample.rule),
        )
      : null,
    h(
      'div',
      { class: 'two' },
      section('In-degree', chart('network-in-degree', histogram(n.degree.in))),
      section('Community sizes', chart('network-communities', histogram(n.communities.sizes))),
    ),
    section(
      'Top customers by PageRank',
      table(n.pagerank.top, [
        { label: '#', cell: (t) => t.rank, numeric: true },
        { label: 'Customer', cell: (t) => customerLink(t.customerId) },
        { label: 'PageRank', cell: (t) => num(t.pagerank, 5), numeric: true },
        { label: 'In', cell: (t) => num(t.inDegree), numeric: true },
        { label: 'Out', cell: (t) => num(t.outDegree), numeric: true },
        { label: 'Core', cell: (t) => num(t.core), numeric: true },
        { label: 'Reach', cell: (t) => num(t.reach), numeric: true },
      ], { id: 'pagerank-top' }),
    ),
    nv ? section('Network-adjusted CLV', note(nv.rule), kpis([
      { id: 'nv-clv', label: 'CLV', value: nv.totals.clv, text: money(nv.totals.clv) },
      { id: 'nv-referral', label: 'Referral value', value: nv.totals.referralValue, text: money(nv.totals.referralValue) },
      { id: 'nv-influence', label: 'Influence value', value: nv.totals.influenceValue, text: money(nv.totals.influenceValue) },
      { id: 'nv-adjusted', label: 'Network-adjusted CLV', value: nv.totals.networkAdjustedClv, text: money(nv.totals.networkAdjustedClv) },
    ])) : null,
  );
}

function histogram(hist: Histogram): Record<string, unknown> {
  return {
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: hist.bins.map((b) => (b.lo === b.hi ? String(b.lo) : `${b.lo}–${b.hi}`)) },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', name: 'count', data: hist.bins.map((b) => b.count), itemStyle: { color: '#2e9d78' } }],
  };
}
