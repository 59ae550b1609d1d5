/** The five behaviours: each one's rule, whether the store records it, and the brand's rate. */
import type { AnalysisResult } from '../../domain/result.js';
import { horizontalBarChart } from '../charts.js';
import { chartFigure, dataTable, emptyNote, kpiTiles } from '../components.js';
import { formatInteger, formatNumber, MISSING } from '../format.js';
import { html } from '../html.js';
import type { ReportSection } from '../section.js';

const ID = 'behaviours';

export function behavioursSection(result: AnalysisResult): ReportSection | null {
  const b = result.behaviours;
  if (b === undefined) return null;
  const avail = b.behaviours.filter((x) => x.available);
  const tiles = kpiTiles(b.behaviours.map((x) => x.available
    ? { key: x.behaviour, label: x.behaviour, value: formatNumber((x.brandRatePerWeek ?? 0) * 52, 1), raw: x.brandRatePerWeek, note: 'events per customer-year' }
    : { key: x.behaviour, label: x.behaviour, value: null, missingReason: x.reason ?? 'not recorded' }));
  const charts = avail.length
    ? [{ elementId: `${ID}-rates`, option: horizontalBarChart(avail.map((x) => ({ label: x.behaviour, value: Math.round((x.brandRatePerWeek ?? 0) * 52 * 100) / 100 })), 'events per customer-year') }]
    : [];
  const table = dataTable(
    [{ label: 'Behaviour' }, { label: 'Rule' }, { label: 'Events', numeric: true }, { label: 'Per customer-year', numeric: true }, { label: 'Status' }],
    b.behaviours.map((x) => [x.behaviour, x.rule, formatInteger(x.events), x.brandRatePerWeek === null ? MISSING : formatNumber(x.brandRatePerWeek * 52, 2), x.available ? 'scored' : `null: ${x.reason}`]),
  );
  return {
    id: ID,
    title: 'Five behaviours',
    html: html`${tiles}
<p class="caption">${formatInteger(b.customers)} customers scored 0–100 per behaviour. ${b.scoring}.</p>
${avail.length ? chartFigure({ elementId: `${ID}-rates`, title: 'How often customers show each behaviour', caption: 'Events that express each behaviour per customer-year, brand-wide.', table, height: 240 }) : emptyNote('Behaviours', b.message ?? 'the store records none of the behaviours')}
${avail.length ? '' : table}`,
    charts,
  };
}
