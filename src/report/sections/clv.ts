/**
 * Customer lifetime value: customer equity and the CLV distribution, the top customers, the holdout
 * validation (cumulative tracking, calibration vs holdout by frequency), a P(alive) heat map, the
 * fitted parameters with standard errors and the formulas behind every number.
 */
import type { AnalysisResult } from '../../domain/result.js';
import type { ClvFit, ClvSection } from '../../domain/sections/clv.js';
import { ACCENT, timeSeriesChart } from '../charts.js';
import { chartFigure, dataTable, emptyNote, kpiTiles, type KpiTile } from '../components.js';
import { formatAmount, formatInteger, formatNumber, formatPercent, MISSING } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { ChartSpec, JsonObject, ReportSection } from '../section.js';

const ID = 'clv';
const PREDICTED = '#e6a23c';
const MODEL_NAMES: Record<string, string> = { bgnbd: 'BG/NBD', pnbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', ggamma: 'Gamma-Gamma', bgbb: 'BG/BB' };

const amountOrMissing = (v: number | null): string => (v === null ? MISSING : formatAmount(v));
const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

export function clvSection(result: AnalysisResult): ReportSection | null {
  const c = result.clv;
  if (c === undefined) return null;
  const charts: ChartSpec[] = [];
  const parts: SafeHtml[] = [kpiTiles(kpis(c)), html`<p class="caption">${c.periodNote}</p>`];
  if (c.status !== 'ok') {
    parts.push(emptyNote('Customer lifetime value', c.message ?? 'not computed'));
  }
  if (c.status === 'ok') parts.push(distribution(c, charts), topCustomers(c));
  parts.push(tracking(c, charts), byFrequency(c, charts));
  if (c.status === 'ok') parts.push(heatmap(c, charts));
  parts.push(parameters(c), formulas(c));
  return { id: ID, title: 'Customer lifetime value', html: html`${parts}`, charts };
}

function kpis(c: ClvSection): KpiTile[] {
  const e = c.equity;
  const why = c.status === 'ok' ? 'no spend model (see warnings)' : (c.message ?? 'not computed');
  const horizon = `next ${c.discount.horizonPeriods} ${c.unit}s, ${formatPercent(c.discount.annualRate)} a year discount`;
  const money = (key: string, label: string, v: number | null, note?: string): KpiTile =>
    v === null ? { key, label, value: null, missingReason: why } : { key, label, value: formatAmount(v), raw: v, ...(note ? { note } : {}) };
  return [
    money('customerEquity', 'Customer equity', e.customerEquity, `Σ CLV of ${formatInteger(c.customers)} customers, ${horizon}`),
    money('meanClv', 'Mean CLV', e.meanClv),
    money('medianClv', 'Median CLV', e.medianClv),
    e.top10Share === null
      ? { key: 'top10Share', label: 'Top 10% share', value: null, missingReason: why }
      : { key: 'top10Share', label: 'Top 10% share', value: formatPercent(e.top10Share), raw: e.top10Share, note: 'of customer equity, held by the top tenth of customers' },
    e.expectedPurchases === null
      ? { key: 'expectedPurchases', label: 'Expected purchases', value: null, missingReason: why }
      : { key: 'expectedPurchases', label: 'Expected purchases', value: formatNumber(e.expectedPurchases, 0), raw: e.expectedPurchases, note: `next ${c.discount.horizonPeriods} ${c.unit}s` },
    e.expectedActive === null
      ? { key: 'expectedActive', label: 'Expected active customers', value: null, missingReason: why }
      : { key: 'expectedActive', label: 'Expected active customers', value: formatNumber(e.expectedActive, 0), raw: e.expectedActive, note: `Σ P(alive) at ${c.calibrationEnd ?? MISSING}` },
  ];
}

function distribution(c: ClvSection, charts: ChartSpec[]): SafeHtml {
  const title = 'CLV distribution';
  if (c.distribution.length === 0) return emptyNote(title, 'no CLV in money (no spend model, or every CLV is 0)');
  const labels = c.distribution.map((b, i) => (i === c.distribution.length - 1 && c.distribution.length > 20 ? `${formatNumber(b.from, 0)}+` : `${formatNumber(b.from, 0)}–${formatNumber(b.to, 0)}`));
  const elementId = `${ID}-distribution`;
  charts.push({ elementId, option: timeSeriesChart(labels, [{ name: 'Customers', values: c.distribution.map((b) => b.customers), color: ACCENT }], { kind: 'bar' }) });
  return chartFigure({
    elementId, title, height: 300,
    caption: 'Customers by CLV: equal-width bins up to the 99th percentile, the last bin holds the rest.',
    table: dataTable([{ label: 'CLV from' }, { label: 'to', numeric: true }, { label: 'Customers', numeric: true }],
      c.distribution.map((b) => [formatAmount(b.from), formatAmount(b.to), formatInteger(b.customers)])),
  });
}

function topCustomers(c: ClvSection): SafeHtml {
  if (c.topCustomers.length === 0) return emptyNote('Top customers', 'no scored customers');
  return html`<div class="table-block"><h3>Top customers by CLV</h3>
<p class="caption">x = repeat purchases, t_x = time of the last purchase and T = time since the first, in ${c.unit}s; expected purchases over the next ${c.discount.horizonPeriods} ${c.unit}s; expected spend per purchase.</p>
${dataTable(
  [{ label: 'Customer' }, { label: 'Repeats (x)', numeric: true }, { label: 'Last (t_x)', numeric: true }, { label: 'Age (T)', numeric: true },
    { label: 'P(alive)', numeric: true }, { label: 'E[purchases]', numeric: true }, { label: 'E[spend]', numeric: true }, { label: 'CLV', numeric: true }],
  c.topCustomers.map((t) => [t.customerId, formatInteger(t.x), formatNumber(t.t_x, 1), formatNumber(t.T, 1), formatPercent(t.pAlive),
    formatNumber(t.expectedPurchases, 2), amountOrMissing(t.expectedSpend), amountOrMissing(t.clv)]),
)}</div>`;
}

function tracking(c: ClvSection, charts: ChartSpec[]): SafeHtml {
  const title = 'Tracking: cumulative repeat purchases, actual vs predicted';
  const v = c.validation;
  if (v === null || v.tracking.length === 0) return emptyNote(title, c.validation === null ? 'no holdout validation (history under 26 weeks, or the calibration fit failed)' : 'no weeks to show');
  const labels = v.tracking.map((t) => t.weekStart);
  const elementId = `${ID}-tracking`;
  const option = timeSeriesChart(labels, [
    { name: 'Actual', values: v.tracking.map((t) => t.actual), color: ACCENT },
    { name: 'Predicted', values: v.tracking.map((t) => round(t.predicted, 2)), color: PREDICTED },
  ], { kind: 'line' });
  const firstHoldout = v.tracking.find((t) => t.holdout);
  const series = option.series as JsonObject[];
  const marked = firstHoldout
    ? [{ ...series[0], markLine: { symbol: 'none', silent: true, label: { formatter: 'holdout' }, lineStyle: { type: 'dashed', color: '#888' }, data: [{ xAxis: firstHoldout.weekStart }] } }, ...series.slice(1)]
    : series;
  charts.push({ elementId, option: { ...option, series: marked } });
  return chartFigure({
    elementId, title, height: 320,
    caption: `Calibration to ${v.calibrationEnd}, holdout to ${v.holdoutEnd}: actual ${formatInteger(v.actual)} holdout repeat purchases, predicted ${formatNumber(v.predicted, 0)} (${formatPercent((v.predicted - v.actual) / Math.max(v.actual, 1))}); per customer MAE ${formatNumber(v.mae, 3)}, RMSE ${formatNumber(v.rmse, 3)}.`,
    table: dataTable([{ label: 'Week of' }, { label: 'Actual', numeric: true }, { label: 'Predicted', numeric: true }, { label: 'Period' }],
      v.tracking.map((t) => [t.weekStart, formatInteger(t.actual), formatNumber(t.predicted, 1), t.holdout ? 'holdout' : 'calibration'])),
  });
}

function byFrequency(c: ClvSection, charts: ChartSpec[]): SafeHtml {
  const title = 'Calibration vs holdout: mean holdout purchases by calibration frequency';
  const v = c.validation;
  if (v === null || v.byFrequency.length === 0) return emptyNote(title, 'no holdout validation');
  const elementId = `${ID}-by-frequency`;
  charts.push({
    elementId,
    option: timeSeriesChart(v.byFrequency.map((f) => f.frequency), [
      { name: 'Actual', values: v.byFrequency.map((f) => round(f.actual, 3)), color: ACCENT },
      { name: 'Predicted', values: v.byFrequency.map((f) => round(f.predicted, 3)), color: PREDICTED },
    ], { kind: 'bar' }),
  });
  return chartFigure({
    elementId, title, height: 300,
    caption: 'Customers grouped by their repeat purchases in the calibration period; bars are the mean holdout repeat purchases per customer.',
    table: dataTable([{ label: 'Calibration repeat purchases' }, { label: 'Customers', numeric: true }, { label: 'Actual', numeric: true }, { label: 'Predicted', numeric: true }],
      v.byFrequency.map((f) => [f.frequency, formatInteger(f.customers), formatNumber(f.actual, 3), formatNumber(f.predicted, 3)])),
  });
}

function heatmap(c: ClvSection, charts: ChartSpec[]): SafeHtml {
  const title = 'P(alive) by frequency and recency';
  const h = c.pAliveHeatmap;
  if (h === null) return emptyNote(title, 'no scores');
  const elementId = `${ID}-palive`;
  const data = h.cells.filter((x) => x.pAlive !== null).map((x) => [x.r, x.f, round(x.pAlive!, 3)]);
  charts.push({
    elementId,
    option: {
      animation: false,
      tooltip: { position: 'top' },
      grid: { left: 8, right: 24, top: 16, bottom: 56, containLabel: true },
      xAxis: { type: 'category', data: h.recency, name: h.recencyNote, nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
      yAxis: { type: 'category', data: h.frequency, name: 'repeat purchases', splitArea: { show: true } },
      visualMap: { min: 0, max: 1, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] } },
      series: [{ name: 'P(alive)', type: 'heatmap', data, label: { show: h.recency.length <= 10 }, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
    },
  });
  const cell = (f: number, r: number) => h.cells.find((x) => x.f === f && x.r === r);
  return chartFigure({
    elementId, title, height: 340,
    caption: `Mean probability that a customer is still active, by repeat purchases (rows) and ${h.recencyNote} (columns); empty cells have no customers.`,
    table: dataTable([{ label: 'Repeat purchases' }, ...h.recency.map((r) => ({ label: r, numeric: true }))],
      h.frequency.map((f, fi) => [f, ...h.recency.map((_, ri) => {
        const x = cell(fi, ri);
        return x === undefined || x.pAlive === null ? '' : `${formatPercent(x.pAlive)} (${formatInteger(x.customers)})`;
      })])),
  });
}

function fitRows(f: ClvFit | null): (string | SafeHtml)[][] {
  if (f === null) return [];
  return Object.keys(f.params).map((k) => {
    const se = f.stdErrors[k];
    return [MODEL_NAMES[f.model] ?? f.model, k, formatNumber(f.params[k], 4), se === null || se === undefined ? MISSING : formatNumber(se, 4)];
  });
}

function parameters(c: ClvSection): SafeHtml {
  const fits = [c.model, c.spend, c.validation?.fit ?? null];
  const rows = [...fitRows(c.model), ...fitRows(c.spend)];
  if (c.validation) rows.push(...fitRows(c.validation.fit).map((r) => [html`${r[0]} (calibration to ${c.validation!.calibrationEnd})`, ...r.slice(1)]));
  if (rows.length === 0) return emptyNote('Model parameters', c.message ?? 'no model was fitted');
  const notes = fits.filter((f): f is ClvFit => f !== null).map((f) =>
    `${MODEL_NAMES[f.model] ?? f.model}: log-likelihood ${formatNumber(f.logLikelihood, 2)} over ${formatInteger(f.customers)} customers${f.tuples > 0 ? ` (${formatInteger(f.tuples)} distinct tuples)` : ''}, ${f.converged ? 'converged' : 'did NOT converge'}.`);
  return html`<div class="table-block"><h3>Model parameters</h3>
${dataTable([{ label: 'Model' }, { label: 'Parameter' }, { label: 'Estimate', numeric: true }, { label: 'Std. error', numeric: true }], rows)}
<p class="caption">${notes.join(' ')}${c.meanSpend === null ? '' : ` Mean spend per purchase pγ/(q−1) = ${formatAmount(c.meanSpend)}.`}</p></div>`;
}

function formulas(c: ClvSection): SafeHtml {
  return html`<div class="table-block"><h3>How the numbers are computed</h3>
<dl class="formulas">${c.formulas.map((f) => html`<dt>${f.name}</dt><dd>${f.text}</dd>\n`)}</dl></div>`;
}
