/** Segments: sizes from GET /v1/segments (the store's customer_segments), named and valued from the analysis when it has a segments section. */
import { horizontalBarChart } from '../../../src/report/charts.js';
import { ApiError, analysis, getJson, type Segments, type Session } from '../api.js';
import { chart, formatAmount, h, kpis, note, num, pct, section, table } from '../ui.js';
import { noAnalysis } from './no-analysis.js';

interface NamedSegment { id: number; name: string; size: number; share: number; equity: number | null; meanClv: number | null; atRisk: number | null }

export async function segmentsPage(s: Session): Promise<HTMLElement> {
  let seg: Segments;
  try {
    seg = await getJson<Segments>(s, '/v1/segments');
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) return h('div', {}, h('h1', {}, 'Segments'), note(e.message), noAnalysis(s));
    throw e;
  }
  const section_ = (await analysis(s))?.segments ?? null;
  const named = (section_?.segments ?? []) as NamedSegment[];
  const byId = new Map(named.map((x) => [String(x.id), x]));
  const label = (id: string) => byId.get(id)?.name ?? id;
  const value = (id: string, field: 'equity' | 'meanClv' | 'atRisk') => { const v = byId.get(id)?.[field]; return v == null ? num(null) : formatAmount(v); };
  return h(
    'div',
    {},
    h('h1', {}, 'Segments'),
    section_?.method ? note(section_.method) : null,
    kpis([
      { id: 'segmented-customers', label: 'Customers in a segment', value: seg.customers },
      { id: 'segment-count', label: 'Segments', value: seg.segments.length },
      { id: 'segments-equity', label: 'Customer equity', value: section_?.customerEquity ?? null, text: section_?.customerEquity == null ? undefined : formatAmount(section_.customerEquity) },
    ]),
    section('Customers by segment', chart('segments-sizes', horizontalBarChart(seg.segments.map((x) => ({ label: label(x.segment), value: x.customers })), 'customers'), 40 + 30 * seg.segments.length)),
    section(
      'Segments',
      table(seg.segments, [
        { label: 'Segment', cell: (x) => label(x.segment) },
        { label: 'Customers', cell: (x) => num(x.customers), numeric: true },
        { label: 'Share', cell: (x) => pct(seg.customers ? x.customers / seg.customers : null) ?? num(null), numeric: true },
        { label: 'Equity', cell: (x) => value(x.segment, 'equity'), numeric: true },
        { label: 'Mean CLV', cell: (x) => value(x.segment, 'meanClv'), numeric: true },
        { label: 'Value at risk', cell: (x) => value(x.segment, 'atRisk'), numeric: true },
      ], { id: 'segments-table' }),
    ),
  );
}
