/** Overview: events, customers, span and the key numbers of the latest analysis, events over time. */
import { horizontalBarChart, timeSeriesChart, typeColors } from '../../../src/report/charts.js';
import { weekAxis, weekKey } from '../../../src/report/weeks.js';
import type { AnalysisResult, Session } from '../api.js';
import { chart, formatAmount, formatDate, formatPercent, h, kpis, note, num, section } from '../ui.js';

export { OVERVIEW_FIELDS } from '../../../src/server/overview-fields.js';

export function overviewPage(s: Session, r: AnalysisResult): HTMLElement {
  const o = r.overview;
  const weeks = weekAxis(o.eventsByWeek.map((w) => w.week));
  const types = o.eventsByType.map((t) => t.type);
  const colors = typeColors(types);
  const byTypeWeek = new Map<string, number>();
  for (const w of o.eventsByWeek) byTypeWeek.set(`${w.type}|${weekKey(w.week)}`, w.events);
  const newByWeek = new Map(o.newCustomersByWeek.map((w) => [weekKey(w.week), w.customers]));
  return h(
    'div',
    {},
    h('h1', {}, `Overview of ${s.workspace}`),
    note(`Analysis generated ${r.generatedAt} by Spiral ${r.spiralVersion}.`),
    kpis([
      { id: 'events', label: 'Events', value: o.events },
      { id: 'customers', label: 'Customers', value: o.customers },
      { id: 'span-days', label: 'Span', value: o.span.days, text: o.span.start && o.span.end ? `${formatDate(o.span.start)} → ${formatDate(o.span.end)}` : undefined, note: o.span.days === null ? undefined : `${num(o.span.days, 0)} days` },
      { id: 'purchasers', label: 'Purchasers', value: o.purchasers },
      { id: 'revenue', label: 'Net revenue', value: o.revenue.net, text: o.revenue.net === null ? undefined : formatAmount(o.revenue.net) },
      { id: 'repeat-rate', label: 'Repeat rate', value: o.repeatRate, text: o.repeatRate === null ? undefined : formatPercent(o.repeatRate) },
      { id: 'orders-per-purchaser', label: 'Orders per purchaser', value: o.ordersPerPurchaser },
      { id: 'customer-equity', label: 'Customer equity', value: r.clv?.equity?.customerEquity ?? null, text: r.clv?.equity?.customerEquity == null ? undefined : formatAmount(r.clv.equity.customerEquity) },
      { id: 'spiral', label: 'Brand spiral', value: r.brand?.overall?.spiral?.result?.dominance?.direction ?? null },
    ]),
    section(
      'Events by week',
      chart('events-by-week', timeSeriesChart(weeks, types.map((t) => ({ name: t, color: colors.get(t), values: weeks.map((w) => byTypeWeek.get(`${t}|${w}`) ?? 0) })), { kind: 'area', stacked: true }), 340),
    ),
    h(
      'div',
      { class: 'two' },
      section('Events by type', chart('events-by-type', horizontalBarChart(o.eventsByType.map((t) => ({ label: t.type, value: t.events, color: colors.get(t.type) })), 'events'), 40 + 26 * types.length)),
      section('New customers by week', chart('new-customers', timeSeriesChart(weeks, [{ name: 'new customers', values: weeks.map((w) => newByWeek.get(w) ?? 0) }], { kind: 'bar' }), 40 + 26 * types.length)),
    ),
    r.warnings.length > 0 ? section('Warnings', h('ul', { class: 'warnings' }, ...r.warnings.map((w) => h('li', {}, `${w.section}: ${w.message}`)))) : null,
  );
}
