/**
 * The strategy section: each objective's plan in one line (KPI, the segment to start with, the
 * strategies), the measured association of each behaviour score with each objective's KPI (an
 * association, not a causal effect) and each segment's barriers (funnel drop-off, journey times,
 * complaint topics). `spiral strategy --objective <name>` writes the full five-step plan.
 */
import type { AnalysisResult } from '../../domain/result.js';
import { dataTable, emptyNote } from '../components.js';
import { formatInteger, formatNumber, formatPercent, MISSING } from '../format.js';
import { html } from '../html.js';
import type { ReportSection } from '../section.js';

const ID = 'strategy';
const share = (v: number | null): string => (v === null ? MISSING : formatPercent(v));
const days = (v: number | null): string => (v === null ? MISSING : formatNumber(v, 1));
const pts = (v: number | null): string => (v === null ? MISSING : formatNumber(v * 100, 1));

export function strategySection(result: AnalysisResult): ReportSection | null {
  const s = result.strategy;
  if (s === undefined) return null;
  const headlines = dataTable(
    [{ label: 'Objective' }, { label: 'KPI', numeric: true }, { label: 'Start with segment' }, { label: 'Strategies' }],
    s.headlines.map((h) => [h.title, h.kpi === null ? MISSING : Math.abs(h.kpi) <= 1 ? formatPercent(h.kpi) : formatNumber(h.kpi, 2), h.topSegment ? `${h.topSegment.id} ${h.topSegment.name}` : MISSING, h.strategies.join(', ')]),
  );
  const kpiTitle = new Map(s.kpis.map((k) => [k.kpi, k.definition]));
  const assoc = dataTable(
    [{ label: 'Behaviour' }, { label: 'KPI' }, { label: 'Customers', numeric: true }, { label: 'Bottom quartile', numeric: true }, { label: 'Top quartile', numeric: true }, { label: 'Top − bottom (points)', numeric: true }, { label: '95% interval' }],
    s.associations.map((a) => [
      a.behaviour + (a.overlap ? ' †' : ''), a.kpi, formatInteger(a.customers), share(a.quartiles[0].mean), share(a.quartiles[3].mean),
      a.difference === null ? `${MISSING} (${a.reason ?? 'no data'})` : pts(a.difference), a.lower === null ? MISSING : `${pts(a.lower)} … ${pts(a.upper)}`,
    ]),
  );
  const segs = dataTable(
    [{ label: 'Segment' }, { label: 'Customers', numeric: true }, { label: 'Repeat rate', numeric: true }, { label: 'Lapsed', numeric: true }, { label: 'Funnel drop-off' }, { label: 'Days to 1st purchase', numeric: true }, { label: 'Days between purchases', numeric: true }, { label: 'Complaint topics' }],
    s.segments.map((g) => [
      `${g.id} ${g.name}`, formatInteger(g.customers), share(g.repeatRate), share(g.lapsedShare),
      g.funnel.rate === null ? MISSING : `${g.funnel.dropFrom} → ${g.funnel.dropTo}: ${formatPercent(g.funnel.rate)}`,
      days(g.journey.toFirstPurchaseDays), days(g.journey.betweenPurchasesDays),
      g.complaints === null ? `${MISSING} (no scored texts)` : g.complaints.terms.map((t) => t.term).join(', ') || MISSING,
    ]),
  );
  return {
    id: ID,
    title: 'Strategy',
    html: html`<p class="caption">Each objective's plan in one line; <code>spiral strategy --objective &lt;name&gt;</code> writes the five steps with every number's source.</p>
${s.status === 'ok' ? headlines : emptyNote('Plans', s.message ?? 'no segments')}
<h3>Behaviour scores and the objectives' KPIs</h3>
<p class="caption">${s.note} KPIs: ${s.kpis.map((k) => `${k.kpi} = ${kpiTitle.get(k.kpi)}`).join('; ')}.</p>
${s.associations.length ? assoc : emptyNote('Associations', 'no behaviour scores')}
<h3>Segment barriers</h3>
${s.segments.length ? segs : emptyNote('Segment barriers', s.message ?? 'no segments')}`,
    charts: [],
  };
}
