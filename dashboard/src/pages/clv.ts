/** CLV: customer equity, the fitted purchase and spend models, the CLV distribution, top customers, holdout validation. */
import { timeSeriesChart } from '../../../src/report/charts.js';
import type { AnalysisResult, Session } from '../api.js';
import { chart, customerLink, formatAmount, formatPercent, h, kpis, note, num, section, table } from '../ui.js';

type Clv = NonNullable<AnalysisResult['clv']>;
type Fit = NonNullable<Clv['model']>;

export function clvPage(_s: Session, r: AnalysisResult): HTMLElement {
  const c = r.clv;
  if (!c) return h('div', {}, h('h1', {}, 'Customer lifetime value'), note('The latest analysis has no CLV section (no purchases, or the CLV step did not run).', 'error'));
  const e = c.equity;
  const money = (v: number | null) => (v === null ? undefined : formatAmount(v));
  return h(
    'div',
    {},
    h('h1', {}, 'Customer lifetime value'),
    c.status === 'ok' ? null : note(`CLV is ${c.status}: ${c.message ?? ''}`, 'error'),
    note(c.periodNote),
    kpis([
      { id: 'customer-equity', label: 'Customer equity', value: e.customerEquity, text: money(e.customerEquity) },
      { id: 'mean-clv', label: 'Mean CLV', value: e.meanClv, text: money(e.meanClv) },
      { id: 'median-clv', label: 'Median CLV', value: e.medianClv, text: money(e.medianClv) },
      { id: 'top10-share', label: 'Top 10% share of equity', value: e.top10Share, text: e.top10Share === null ? undefined : formatPercent(e.top10Share) },
      { id: 'expected-active', label: 'Expected active customers', value: e.expectedActive, text: e.expectedActive === null ? undefined : num(e.expectedActive, 0) },
      { id: 'expected-purchases', label: `Expected purchases (${c.discount.horizonPeriods} ${c.unit}s)`, value: e.expectedPurchases, text: e.expectedPurchases === null ? undefined : num(e.expectedPurchases, 0) },
      { id: 'purchasers', label: 'Purchasers', value: c.purchasers },
      { id: 'repeat-buyers', label: 'Repeat buyers', value: c.repeatBuyers },
    ]),
    h('div', { class: 'two' }, section('Purchase model', fitTable(c.model)), section('Spend model', fitTable(c.spend), c.meanSpend === null ? null : note(`Mean spend per purchase: ${formatAmount(c.meanSpend)}`))),
    section(
      'CLV distribution',
      chart('clv-distribution', {
        grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: c.distribution.map((b) => `${num(b.from, 0)}–${num(b.to, 0)}`) },
        yAxis: { type: 'value', name: 'customers' },
        series: [{ type: 'bar', name: 'customers', data: c.distribution.map((b) => b.customers), itemStyle: { color: '#1f4e9c' } }],
      }),
    ),
    c.validation
      ? section(
          'Holdout validation',
          note(`Calibrated to ${c.validation.calibrationEnd}, tested on the ${num(c.validation.holdoutLength, 0)} ${c.unit}s to ${c.validation.holdoutEnd}: ${num(c.validation.actual, 0)} actual vs ${num(c.validation.predicted, 0)} predicted purchases (MAE ${num(c.validation.mae)}, RMSE ${num(c.validation.rmse)}).`),
          chart('clv-tracking', timeSeriesChart(c.validation.tracking.map((t) => t.weekStart), [
            { name: 'actual', values: c.validation.tracking.map((t) => t.actual), color: '#333' },
            { name: 'predicted', values: c.validation.tracking.map((t) => t.predicted), color: '#1f4e9c' },
          ], { kind: 'line' })),
        )
      : null,
    section(
      'Top customers by CLV',
      table(c.topCustomers, [
        { label: 'Customer', cell: (t) => customerLink(t.customerId) },
        { label: 'Purchases (x)', cell: (t) => num(t.x), numeric: true },
        { label: 'P(alive)', cell: (t) => num(t.pAlive, 3), numeric: true },
        { label: 'Expected purchases', cell: (t) => num(t.expectedPurchases), numeric: true },
        { label: 'CLV', cell: (t) => (t.clv === null ? num(null) : formatAmount(t.clv)), numeric: true },
      ], { id: 'top-customers' }),
    ),
    section('Formulas', h('dl', { class: 'formulas' }, ...c.formulas.flatMap((f) => [h('dt', {}, f.name), h('dd', {}, f.text)]))),
  );
}

function fitTable(fit: Fit | null): HTMLElement {
  if (fit === null) return note('Not fitted.');
  return h(
    'div',
    { 'data-model': fit.model },
    h('p', {}, h('strong', {}, fit.model), ` — ${fit.converged ? 'converged' : 'did not converge'} in ${fit.iterations} iterations, log-likelihood ${num(fit.logLikelihood)}, ${num(fit.customers)} customers`),
    table(Object.entries(fit.params), [
      { label: 'Parameter', cell: ([k]) => k },
      { label: 'Estimate', cell: ([, v]) => num(v, 4), numeric: true },
      { label: 'Std. error', cell: ([k]) => num(fit.stdErrors[k] ?? null, 4), numeric: true },
    ]),
  );
}
