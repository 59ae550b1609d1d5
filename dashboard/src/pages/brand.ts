/** Brand flow and stock: spontaneous actions over time, the goodwill stock, momentum, and the Spiral In/Out verdict. */
import { horizontalBarChart, timeSeriesChart, typeColors } from '../../../src/report/charts.js';
import type { AnalysisResult, Session } from '../api.js';
import { chart, formatPercent, h, kpis, note, num, section, table } from '../ui.js';

export function brandPage(_s: Session, r: AnalysisResult): HTMLElement {
  const b = r.brand;
  if (!b) return h('div', {}, h('h1', {}, 'Brand flow and stock'), note('The latest analysis has no brand section.', 'error'));
  const stock = b.overall?.stock?.result;
  const spiral = b.overall?.spiral?.result;
  const momentum = b.overall?.momentum;
  const colors = typeColors(b.flowTypes);
  const stockOk = stock && stock.status === 'ok' ? stock : null;
  const stockSeries = stockOk?.stock ?? null;
  const spiralOk = spiral && spiral.status === 'ok' ? spiral : null;
  return h(
    'div',
    {},
    h('h1', {}, 'Brand flow and stock'),
    b.status === 'ok' ? null : note(`Brand is ${b.status}: ${b.message ?? ''}`, 'error'),
    note(b.countingNote),
    kpis([
      { id: 'flow-events', label: 'Flow events', value: b.totals.flowEvents },
      { id: 'flow-customers', label: 'Customers with flow', value: b.totals.flowCustomers },
      { id: 'purchases', label: 'Purchases', value: b.totals.purchases },
      { id: 'spiral-direction', label: 'Spiral', value: spiralOk?.dominance?.direction ?? null, note: spiralOk ? undefined : spiral?.message ?? 'not estimated' },
      { id: 'stock-lambda', label: 'Stock carry-over λ', value: stockOk?.lambda ?? null, text: stockOk ? num(stockOk.lambda, 3) : undefined },
      { id: 'stock-half-life', label: `Stock half-life (${b.period}s)`, value: stockOk?.halfLife ?? null, text: stockOk?.halfLife == null ? undefined : num(stockOk.halfLife, 1) },
      { id: 'momentum', label: 'Momentum', value: momentum?.direction ?? null, note: momentum?.growthPct == null ? undefined : `${formatPercent(momentum.growthPct, 2)} per ${b.period}` },
    ]),
    spiralOk?.dominance ? section('Spiral In / Spiral Out', h('p', { id: 'spiral-message' }, spiralOk.dominance.message)) : null,
    section(
      `Flow over time (per ${b.period})`,
      chart('brand-flow', timeSeriesChart(b.periods, [
        { name: 'flow events', values: b.series.flow, color: '#2e9d78' },
        { name: 'active customers', values: b.series.activeCustomers, color: '#9fb3c8' },
        { name: 'purchases', values: b.series.purchases, color: '#1f4e9c' },
      ], { kind: 'line' }), 340),
      note(b.activeRule.description),
    ),
    stockOk && stockSeries
      ? section(
          'Goodwill stock',
          chart('brand-stock', timeSeriesChart(b.periods.slice(0, stockSeries.length), [
            { name: 'stock', values: stockSeries, color: '#7c5cbf' },
            { name: 'flow events', values: b.series.flow.slice(0, stockSeries.length), color: '#2e9d78' },
          ], { kind: 'line' })),
          note(`stock(t) = flow(t) + λ·stock(t−1) with λ = ${num(stockOk.lambda, 3)} (95% ${num(stockOk.interval?.lower, 3)}–${num(stockOk.interval?.upper, 3)}); ${b.overall?.stock?.target ?? 'purchases'} ≈ ${num(stockOk.intercept?.estimate)} + ${num(stockOk.slope?.estimate, 4)}·stock, R² ${num(stockOk.r2, 3)}.`),
        )
      : null,
    section('Flow by type', chart('brand-flow-types', horizontalBarChart(b.flowByType.map((t) => ({ label: t.type, value: t.events, color: colors.get(t.type) })), 'events'), 40 + 26 * b.flowByType.length)),
    spiralOk
      ? section(
          'Granger causality',
          table(spiralOk.granger ?? [], [
            { label: 'Cause', cell: (g) => g.cause },
            { label: 'Effect', cell: (g) => g.effect },
            { label: 'F', cell: (g) => num(g.fStat), numeric: true },
            { label: 'p', cell: (g) => (g.pValue < 1e-4 ? g.pValue.toExponential(1) : num(g.pValue, 4)), numeric: true },
            { label: 'Significant', cell: (g) => (g.significant ? 'yes' : 'no') },
          ], { id: 'granger' }),
        )
      : null,
  );
}
