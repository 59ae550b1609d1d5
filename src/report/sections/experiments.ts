/**
 * Experiments: every experiment found in the log with its readout — per variant the customers,
 * conversion, lift against the control with its 95% interval and p-value, revenue per customer and
 * its lift, the CUPED estimate with the variance it removed, the implied CLV change — and the
 * sample ratio mismatch check. Tables only: the intervals read better as numbers than as bars.
 */
import type { AnalysisResult } from '../../domain/result.js';
import type { ExperimentReadout } from '../../domain/sections/experiments.js';
import { dataTable, emptyNote, kpiTiles } from '../components.js';
import { formatAmount, formatInteger, formatPercent, MISSING } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { ReportSection } from '../section.js';

const pct = (v: number | null, d = 1): string => (v === null ? MISSING : formatPercent(v, d));
const amt = (v: number | null): string => (v === null ? MISSING : formatAmount(v));
const pv = (p: number | null): string => (p === null ? MISSING : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));
const interval = (lo: number | null, hi: number | null): string => (lo === null || hi === null ? MISSING : `${pct(lo)} … ${pct(hi)}`);

export function experimentsSection(result: AnalysisResult): ReportSection | null {
  const s = result.experiments;
  if (s === undefined) return null;
  const flagged = s.readouts.filter((r) => r.srm.flagged).length;
  const parts: SafeHtml[] = [
    kpiTiles([
      { key: 'experiments', label: 'Experiments in the log', value: formatInteger(s.found.length), raw: s.found.length },
      { key: 'exposed', label: 'Exposed customers', value: formatInteger(s.found.reduce((a, e) => a + e.customers, 0)) },
      { key: 'srmFlagged', label: 'Sample ratio mismatches', value: formatInteger(flagged), raw: flagged, note: 'χ² against the planned split, p < 0.001' },
    ]),
    html`<p class="caption">Conversion = a purchase within ${s.windowDays} days of a customer's first exposure; the control is the variant named "control"; the planned split is equal.</p>`,
    ...s.readouts.map(readout),
    definitions(s.readouts[0]),
  ];
  return { id: 'experiments', title: 'Experiments', html: html`${parts}`, charts: [] };
}

function readout(r: ExperimentReadout): SafeHtml {
  const rows = r.variants.map((v) => [
    v.variant === r.control ? `${v.variant} (control)` : v.variant,
    formatInteger(v.customers),
    formatInteger(v.conversions),
    pct(v.rate, 2),
    pct(v.lift.relative),
    interval(v.lift.lower, v.lift.upper),
    pv(v.pValue),
    amt(v.revenue.perCustomer),
    pct(v.revenue.relative),
    pct(v.cuped.relative),
    interval(v.cuped.lower, v.cuped.upper),
    pct(v.cuped.varianceReduction),
    amt(v.clv.change),
  ]);
  const srm = r.srm.pValue === null
    ? 'SRM: not computed (one variant)'
    : `SRM: p = ${pv(r.srm.pValue)}${r.srm.flagged ? ' — flagged: the split is not the planned one' : ''} (${r.srm.split.map((x) => `${x.variant} ${formatInteger(x.observed)} vs ${formatInteger(Math.round(x.expected))} expected`).join(', ')})`;
  return html`<div class="table-block" data-experiment="${r.experiment}"><h3>${r.experiment} — ${r.status}</h3>
${r.message ? emptyNote('Status', r.message) : ''}
${dataTable(
    [
      { label: 'Variant' }, { label: 'Customers', numeric: true }, { label: 'Conversions', numeric: true }, { label: 'Rate', numeric: true },
      { label: 'Lift', numeric: true }, { label: '95% interval', numeric: true }, { label: 'p', numeric: true },
      { label: 'Revenue / customer', numeric: true }, { label: 'Revenue lift', numeric: true },
      { label: 'CUPED lift', numeric: true }, { label: 'CUPED 95%', numeric: true }, { label: 'Variance removed', numeric: true },
      { label: 'CLV change / customer', numeric: true },
    ],
    rows,
    { caption: `${formatInteger(r.exposed)} exposed, ${formatInteger(r.inTwoVariants)} in two variants and ${formatInteger(r.incompleteWindow)} with an incomplete window excluded; first exposure ${r.firstExposure ?? MISSING}, last ${r.lastExposure ?? MISSING}` },
  )}
<p class="caption">${srm}</p>
${r.variants.some((v) => v.clv.change === null && v.variant !== r.control && v.clv.reason) ? html`<p class="caption">CLV: ${r.variants.find((v) => v.variant !== r.control)?.clv.reason ?? ''}</p>` : ''}
</div>`;
}

function definitions(r: ExperimentReadout | undefined): SafeHtml {
  if (!r) return html``;
  return html`<div class="table-block"><h3>How the numbers are computed</h3>
<dl class="formulas">${r.methods.map((d) => html`<dt>${d.name}</dt><dd>${d.text}</dd>\n`)}</dl></div>`;
}
