/** Thin segments: size × value × risk, each segment's gaps, the RFM grid and the user's rule segments. */
import type { AnalysisResult } from '../../domain/result.js';
import { ACCENT } from '../charts.js';
import { chartFigure, dataTable, emptyNote, kpiTiles } from '../components.js';
import { formatAmount, formatInteger, formatNumber, formatPercent, MISSING } from '../format.js';
import { html } from '../html.js';
import type { ChartSpec, ReportSection } from '../section.js';

const ID = 'segments';
const money = (v: number | null): string => (v === null ? MISSING : formatAmount(v));

export function segmentsSection(result: AnalysisResult): ReportSection | null {
  const s = result.segments;
  if (s === undefined) return null;
  const charts: ChartSpec[] = [];
  const maxRisk = Math.max(1e-9, ...s.segments.map((g) => g.atRisk ?? 0));
  if (s.segments.length) {
    charts.push({
      elementId: `${ID}-value`,
      option: {
        animation: false,
        grid: { left: 8, right: 24, top: 24, bottom: 24, containLabel: true },
        tooltip: { trigger: 'item' },
        xAxis: { type: 'value', name: 'customers', nameLocation: 'middle', nameGap: 28 },
        yAxis: { type: 'value', name: 'mean CLV' },
        series: [{
          type: 'scatter',
          name: 'segments',
          itemStyle: { color: ACCENT, opacity: 0.7 },
          label: { show: true, position: 'top', formatter: '{b}' },
          data: s.segments.map((g) => ({ name: g.name, value: [g.size, Math.round((g.meanClv ?? 0) * 100) / 100, Math.round((g.atRisk ?? 0) * 100) / 100], symbolSize: 10 + 50 * Math.sqrt((g.atRisk ?? 0) / maxRisk) })),
        }],
      },
    });
  }
  const table = dataTable(
    [{ label: 'Segment' }, { label: 'Customers', numeric: true }, { label: 'Share', numeric: true }, { label: 'Equity', numeric: true }, { label: 'Mean CLV', numeric: true }, { label: 'At risk', numeric: true }],
    s.segments.map((g) => [g.name, formatInteger(g.size), formatPercent(g.share), money(g.equity), money(g.meanClv), money(g.atRisk)]),
    { footer: ['All', formatInteger(s.assignedCustomers), formatPercent(1), money(s.equityCheck.segmentsSum), MISSING, money(s.segments.reduce((a, g) => a + (g.atRisk ?? 0), 0))] },
  );
  const gaps = dataTable(
    [{ label: 'Segment' }, { label: 'Gap: behaviour below the brand' }, { label: 'Segment mean', numeric: true }, { label: 'Brand mean', numeric: true }, { label: "Cohen's d", numeric: true }],
    s.segments.flatMap((g) => g.gaps.map((x) => [g.name, x.behaviour, formatNumber(x.segmentMean, 1), formatNumber(x.brandMean, 1), formatNumber(x.effectSize, 2)])),
  );
  const rfm = s.rfm.cells.length
    ? dataTable([{ label: 'Recency quintile' }, { label: 'Frequency quintile', numeric: true }, { label: 'Customers', numeric: true }, { label: 'Mean spend per purchase day', numeric: true }, { label: 'Equity', numeric: true }],
      s.rfm.cells.map((c) => [String(c.r), String(c.f), formatInteger(c.customers), money(c.meanMonetary), money(c.equity)]))
    : emptyNote('RFM grid', 'no purchases');
  const rules = s.ruleSegments.length
    ? dataTable([{ label: 'Rule segment' }, { label: 'Condition (SQL)' }, { label: 'Customers', numeric: true }, { label: 'Equity', numeric: true }, { label: 'At risk', numeric: true }],
      s.ruleSegments.map((r) => [r.name, r.where, formatInteger(r.size), money(r.equity), money(r.atRisk)]))
    : '';
  const tiles = kpiTiles([
    { key: 'segments', label: 'Segments', value: formatInteger(s.segments.length), raw: s.segments.length, note: s.criterion ? `k = ${s.criterion.chosenK} by silhouette` : s.method },
    { key: 'assigned', label: 'Customers assigned', value: formatInteger(s.assignedCustomers), raw: s.assignedCustomers },
    s.customerEquity === null ? { key: 'equity', label: 'Customer equity', value: null, missingReason: 'no CLV scores' } : { key: 'equity', label: 'Customer equity', value: formatAmount(s.customerEquity), raw: s.customerEquity, note: 'Σ CLV = Σ segment equity' },
  ]);
  return {
    id: ID,
    title: 'Thin segments',
    html: html`${tiles}
<p class="caption">${s.method}. ${s.criterion ? s.criterion.rule : ''}. Features: ${s.features.join(', ')}.</p>
${s.segments.length ? chartFigure({ elementId: `${ID}-value`, title: 'Size × value × risk', caption: 'Each bubble is a segment: customers (x), mean CLV (y), value at risk Σ (1 − P(alive)) · CLV (bubble area).', table }) : emptyNote('Segments', s.message ?? 'no customers')}
<h3>Gaps</h3>
${s.segments.some((g) => g.gaps.length) ? gaps : emptyNote('Gaps', 'no segment is clearly below the brand on any behaviour')}
<h3>RFM grid</h3>
<p class="caption">${s.rfm.note}</p>
${rfm}
${rules ? html`<h3>Rule segments</h3>${rules}` : ''}`,
    charts,
  };
}
