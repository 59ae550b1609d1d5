/** The four connected experiences: customers and expected value per experience, and the top actions. */
import type { AnalysisResult } from '../../domain/result.js';
import { horizontalBarChart } from '../charts.js';
import { chartFigure, dataTable, emptyNote, kpiTiles } from '../components.js';
import { formatAmount, formatInteger, formatPercent, MISSING } from '../format.js';
import { html } from '../html.js';
import type { ReportSection } from '../section.js';

const ID = 'experiences';
const LABEL: Record<string, string> = { respond: 'Respond to desire', curate: 'Curated offering', coach: 'Coach behaviour', automate: 'Automatic execution', none: 'None' };

export function experiencesSection(result: AnalysisResult): ReportSection | null {
  const e = result.experiences;
  if (e === undefined) return null;
  const rows = e.byExperience;
  const charts = e.customers > 0
    ? [
      { elementId: `${ID}-customers`, option: horizontalBarChart(rows.map((r) => ({ label: LABEL[r.experience], value: r.customers })), 'customers') },
      { elementId: `${ID}-value`, option: horizontalBarChart(rows.filter((r) => r.experience !== 'none').map((r) => ({ label: LABEL[r.experience], value: Math.round(r.expectedValue) })), 'expected value') },
    ]
    : [];
  const table = dataTable(
    [{ label: 'Experience' }, { label: 'Customers', numeric: true }, { label: 'Share', numeric: true }, { label: 'Expected value', numeric: true }, { label: 'Per customer', numeric: true }],
    rows.map((r) => [LABEL[r.experience], formatInteger(r.customers), formatPercent(r.share), formatAmount(r.expectedValue), r.meanExpectedValue === null ? MISSING : formatAmount(r.meanExpectedValue)]),
  );
  const top = dataTable(
    [{ label: 'Customer' }, { label: 'Segment' }, { label: 'Experience' }, { label: 'Action' }, { label: 'Due' }, { label: 'Expected value', numeric: true }, { label: 'Why' }],
    e.topActions.map((a) => [a.customerId, a.segment, a.experience, a.action, a.due ?? MISSING, formatAmount(a.expectedValue), a.reason]),
  );
  const tiles = kpiTiles(rows.filter((r) => r.experience !== 'none').map((r) => ({ key: r.experience, label: LABEL[r.experience], value: formatInteger(r.customers), raw: r.customers, note: `expected value ${formatAmount(r.expectedValue)}` })));
  return {
    id: ID,
    title: 'Connected experiences and next actions',
    html: html`${tiles}
<p class="caption">Every customer (${formatInteger(e.customers)}) gets one experience and one action (store table ${e.table}). Enough data to judge: ${e.enoughData.definition} (${formatInteger(e.enoughData.customers)} customers).</p>
${e.customers > 0 ? html`${chartFigure({ elementId: `${ID}-customers`, title: 'Customers per experience', table, height: 220 })}
${chartFigure({ elementId: `${ID}-value`, title: 'Expected value per experience', caption: 'Lift × expected purchases × order value; the lifts are assumptions listed below.', table, height: 200 })}` : emptyNote('Experiences', e.message ?? 'no customers')}
<h3>Top actions by expected value</h3>
${e.topActions.length ? top : emptyNote('Top actions', 'no customer has an action')}
<h3>How experiences are chosen</h3>
<ul>${e.rules.map((r) => html`<li>${r}</li>`)}</ul>
<h3>Assumptions</h3>
<ul>${e.assumptions.map((r) => html`<li>${r}</li>`)}</ul>`,
    charts,
  };
}
