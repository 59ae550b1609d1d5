/**
 * The data overview: what is in the store — KPI tiles, events by type, events per week by type,
 * new customers per week, and where the events came from.
 */
import type { AnalysisResult, Overview } from '../../domain/result.js';
import { horizontalBarChart, timeSeriesChart, typeColors, ACCENT } from '../charts.js';
import { chartFigure, dataTable, emptyNote, kpiTiles, type KpiTile } from '../components.js';
import { formatAmount, formatDate, formatInteger, formatNumber, formatPercent, MISSING } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { ChartSpec, ReportSection } from '../section.js';
import { weekAxis, weekKey } from '../weeks.js';

const ID = 'overview';

export function overviewSection(result: AnalysisResult): ReportSection {
  const o = result.overview;
  const charts: ChartSpec[] = [];
  const parts: SafeHtml[] = [kpiTiles(overviewKpis(o))];

  const types = typesByVolume(o);
  const colors = typeColors(types.map((t) => t.type));

  if (types.length === 0) {
    parts.push(emptyNote('Events by type', 'no events in the store'));
  } else {
    const elementId = `${ID}-events-by-type`;
    charts.push({
      elementId,
      option: horizontalBarChart(
        types.map((t) => ({ label: t.type, value: t.events, color: colors.get(t.type) })),
        'Events',
      ),
    });
    parts.push(
      chartFigure({
        elementId,
        title: 'Events by type',
        height: Math.max(160, 32 * types.length + 40),
        table: dataTable(
          [{ label: 'Type' }, { label: 'Events', numeric: true }, { label: 'Customers', numeric: true }, { label: 'Share of events', numeric: true }],
          types.map((t) => [t.type, formatInteger(t.events), formatInteger(t.customers), share(t.events, o.events)]),
          { footer: ['Total', formatInteger(o.events), '', share(o.events, o.events)] },
        ),
      }),
    );
  }

  const weeks = weekAxis([...o.eventsByWeek.map((r) => r.week), ...o.newCustomersByWeek.map((r) => r.week)]);
  parts.push(eventsPerWeek(o, weeks, types.map((t) => t.type), colors, charts));
  parts.push(newCustomersPerWeek(o, weeks, charts));
  parts.push(sourcesTable(o));

  return { id: ID, title: 'Overview', html: html`${parts}`, charts };
}

function overviewKpis(o: Overview): KpiTile[] {
  const nobodyBought = 'nobody bought in this data';
  return [
    { key: 'customers', label: 'Customers', value: formatInteger(o.customers), raw: o.customers },
    {
      key: 'events',
      label: 'Events',
      value: formatInteger(o.events),
      raw: o.events,
      note: `${formatInteger(o.eventsByType.length)} event types`,
    },
    {
      key: 'purchasers',
      label: 'Purchasers',
      value: formatInteger(o.purchasers),
      raw: o.purchasers,
      note: o.customers > 0 ? `${formatPercent(o.purchasers / o.customers)} of customers` : undefined,
    },
    revenueKpi(o),
    o.repeatRate === null
      ? { key: 'repeatRate', label: 'Repeat rate', value: null, missingReason: nobodyBought }
      : {
          key: 'repeatRate',
          label: 'Repeat rate',
          value: formatPercent(o.repeatRate),
          raw: o.repeatRate,
          note: 'purchasers who bought on more than one day',
        },
    o.ordersPerPurchaser === null
      ? { key: 'ordersPerPurchaser', label: 'Orders per purchaser', value: null, missingReason: nobodyBought }
      : {
          key: 'ordersPerPurchaser',
          label: 'Orders per purchaser',
          value: formatNumber(o.ordersPerPurchaser, 2),
          raw: o.ordersPerPurchaser,
          note: 'purchase events per purchaser',
        },
    spanKpi(o),
  ];
}

function revenueKpi(o: Overview): KpiTile {
  const r = o.revenue;
  if (r.net === null) {
    const reason =
      o.purchasers === 0
        ? 'no purchases in this data'
        : r.purchases === null
          ? 'purchases carry no amount'
          : 'net revenue was not computed';
    return { key: 'revenue', label: 'Net revenue', value: null, missingReason: reason };
  }
  const amount = (label: string, v: number | null): SafeHtml => html`<span class="nowrap">${label} ${v === null ? MISSING : formatAmount(v)}</span>`;
  return {
    key: 'revenue',
    label: 'Net revenue',
    value: formatAmount(r.net),
    raw: r.net,
    note: html`${amount('purchases', r.purchases)} − ${amount('returns', r.returns)}${r.currencyNote === '' ? '' : html`<br>${r.currencyNote}`}`,
  };
}

function spanKpi(o: Overview): KpiTile {
  const { start, end, days } = o.span;
  if (days === null) {
    return { key: 'span', label: 'Time span', value: null, missingReason: 'no dated events' };
  }
  const range = start !== null && end !== null ? `${formatDate(start)} → ${formatDate(end)}` : undefined;
  return {
    key: 'span',
    label: 'Time span',
    value: `${formatNumber(days, Number.isInteger(days) || Math.abs(days) >= 10 ? 0 : 1)} days`,
    raw: days,
    note: range,
  };
}

interface TypeTotal {
  readonly type: string;
  readonly events: number;
  readonly customers: number;
}

/** Event types, largest first; ties by name so the order is stable. */
function typesByVolume(o: Overview): TypeTotal[] {
  return [...o.eventsByType].sort((a, b) => b.events - a.events || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function eventsPerWeek(o: Overview, weeks: readonly string[], typeOrder: readonly string[], colors: Map<string, string>, charts: ChartSpec[]): SafeHtml {
  const title = 'Events per week, by type';
  if (o.eventsByWeek.length === 0) return emptyNote(title, 'no dated events');
  const index = new Map(weeks.map((w, i) => [w, i]));
  const byType = new Map<string, number[]>();
  for (const type of typeOrder) byType.set(type, new Array<number>(weeks.length).fill(0));
  for (const row of o.eventsByWeek) {
    let values = byType.get(row.type);
    if (values === undefined) {
      values = new Array<number>(weeks.length).fill(0);
      byType.set(row.type, values);
    }
    const i = index.get(weekKey(row.week));
    if (i !== undefined) values[i] += row.events;
  }
  const types = [...byType.keys()];
  const allColors = typeColors([...colors.keys(), ...types]);
  const elementId = `${ID}-events-per-week`;
  charts.push({
    elementId,
    option: timeSeriesChart(
      weeks,
      types.map((type) => ({ name: type, values: byType.get(type) ?? [], color: allColors.get(type) })),
      { kind: weeks.length > 26 ? 'area' : 'bar', stacked: true },
    ),
  });
  const totals = weeks.map((_, i) => types.reduce((sum, type) => sum + (byType.get(type)?.[i] ?? 0), 0));
  return chartFigure({
    elementId,
    title,
    caption: 'Stacked by event type; click a type in the legend to hide or show it.',
    height: 360,
    table: dataTable(
      [{ label: 'Week of' }, ...types.map((t) => ({ label: t, numeric: true })), { label: 'Total', numeric: true }],
      weeks.map((week, i) => [week, ...types.map((t) => formatInteger(byType.get(t)?.[i] ?? 0)), formatInteger(totals[i])]),
    ),
  });
}

function newCustomersPerWeek(o: Overview, weeks: readonly string[], charts: ChartSpec[]): SafeHtml {
  const title = 'New customers per week';
  if (o.newCustomersByWeek.length === 0) return emptyNote(title, 'no dated first events');
  const counts = new Map<string, number>();
  for (const row of o.newCustomersByWeek) counts.set(weekKey(row.week), (counts.get(weekKey(row.week)) ?? 0) + row.customers);
  const values = weeks.map((w) => counts.get(w) ?? 0);
  const elementId = `${ID}-new-customers`;
  charts.push({
    elementId,
    option: timeSeriesChart(weeks, [{ name: 'New customers', values, color: ACCENT }], { kind: weeks.length > 26 ? 'line' : 'bar' }),
  });
  let cumulative = 0;
  return chartFigure({
    elementId,
    title,
    caption: 'Customers by the week of their first event.',
    height: 280,
    table: dataTable(
      [{ label: 'Week of' }, { label: 'New customers', numeric: true }, { label: 'Cumulative', numeric: true }],
      weeks.map((week, i) => {
        cumulative += values[i];
        return [week, formatInteger(values[i]), formatInteger(cumulative)];
      }),
    ),
  });
}

function sourcesTable(o: Overview): SafeHtml {
  const title = 'Sources';
  if (o.sources.length === 0) return emptyNote(title, 'no sources recorded');
  const total = o.sources.reduce((sum, s) => sum + s.events, 0);
  return html`<div class="table-block"><h3>${title}</h3>
${dataTable(
  [{ label: 'Source' }, { label: 'Events', numeric: true }, { label: 'Share of events', numeric: true }],
  o.sources.map((s) => [s.source, formatInteger(s.events), share(s.events, total)]),
  o.sources.length > 1 ? { footer: ['Total', formatInteger(total), share(total, total)] } : {},
)}</div>`;
}

function share(part: number, whole: number): string {
  return whole > 0 ? formatPercent(part / whole) : MISSING;
}
