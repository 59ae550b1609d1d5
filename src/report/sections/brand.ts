/**
 * Brand flow and stock: flow by type, momentum, goodwill stock and the active base, the Spiral
 * In/Out impulse responses with their bootstrap bands, the Bass fit against actual adoptions, the
 * idea ranking with forecasts, sentiment over time and share of voice. Absent when the result has
 * no brand section.
 */
import type { AnalysisResult } from '../../domain/result.js';
import type { BrandSection } from '../../domain/sections/brand.js';
import { ACCENT, horizontalBarChart, timeSeriesChart, typeColors, type Series } from '../charts.js';
import { chartFigure, dataTable, emptyNote, kpiTiles, type KpiTile } from '../components.js';
import { formatInteger, formatNumber, formatPercent, MISSING } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { ChartSpec, JsonObject, ReportSection } from '../section.js';

const ID = 'brand';
const BAND = '#9fb3c8';
const SECOND = '#e6a23c';

const n3 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? MISSING : formatNumber(x, 3));
const r2 = (x: number): number => Math.round(x * 100) / 100;
const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;

export function brandSection(result: AnalysisResult): ReportSection | null {
  const b = result.brand;
  if (!b) return null;
  const charts: ChartSpec[] = [];
  const parts: SafeHtml[] = [kpiTiles(brandKpis(b))];
  if (b.message) parts.push(html`<p class="caption">${b.message}</p>`);
  parts.push(html`<p class="caption">Flow = ${b.flowTypes.join(', ')} events per ${b.period}. Active customers: ${b.activeRule.description}.${b.partialLastPeriod ? ` The ${b.period} of ${b.partialLastPeriod.period} is only ${formatPercent(b.partialLastPeriod.coverage, 0)} covered and is left out of the models.` : ''}</p>`);
  parts.push(flowByType(b, charts));
  parts.push(momentum(b, charts));
  parts.push(stock(b, charts));
  parts.push(impulses(b, charts));
  parts.push(bass(b, charts));
  parts.push(ideas(b));
  parts.push(shareOfVoice(b, charts));
  parts.push(sentiment(b, charts));
  return { id: ID, title: 'Brand flow and stock', html: html`${parts}`, charts };
}

function brandKpis(b: BrandSection): KpiTile[] {
  const tiles: KpiTile[] = [
    { key: 'brandFlow', label: 'Spontaneous actions', value: formatInteger(b.totals.flowEvents), raw: b.totals.flowEvents, note: `${formatInteger(b.totals.flowCustomers)} customers` },
  ];
  const m = b.overall.momentum;
  tiles.push(m.status === 'ok' && typeof m.growthPct === 'number' && m.pctInterval
    ? { key: 'momentum', label: `Momentum per ${b.period}`, value: formatPercent(m.growthPct), raw: m.growthPct, note: `95% ${formatPercent(m.pctInterval.lower)} to ${formatPercent(m.pctInterval.upper)} · ${m.direction ?? 'flat'}` }
    : { key: 'momentum', label: `Momentum per ${b.period}`, value: null, missingReason: m.message ?? 'not estimated' });
  const a = b.overall.stock.result;
  tiles.push(a.status === 'ok' && typeof a.lambda === 'number' && a.interval
    ? { key: 'lambda', label: 'Goodwill carry-over λ', value: formatNumber(a.lambda, 3), raw: a.lambda, note: `95% ${formatNumber(a.interval.lower, 3)}–${formatNumber(a.interval.upper, 3)} · explains next-${b.period} ${b.overall.stock.target}` }
    : { key: 'lambda', label: 'Goodwill carry-over λ', value: null, missingReason: a.message ?? 'not estimated' });
  const v = b.overall.spiral?.result;
  tiles.push(v && v.status === 'ok' && v.dominance
    ? { key: 'spiral', label: 'Spiral In / Out', value: v.dominance.direction, note: v.dominance.message }
    : { key: 'spiral', label: 'Spiral In / Out', value: null, missingReason: v?.message ?? 'no stock series to relate flow to' });
  const q = b.diffusion.result.q;
  tiles.push(q
    ? { key: 'bassQ', label: 'Word of mouth q', value: n3(q.estimate), raw: q.estimate, note: `per ${b.period}; p = ${n3(b.diffusion.result.p?.estimate)}` }
    : { key: 'bassQ', label: 'Word of mouth q', value: null, missingReason: b.diffusion.result.message ?? 'not estimated' });
  const r = b.cocreation.result.ordersPerVote;
  tiles.push(r
    ? { key: 'ordersPerVote', label: 'Orders per vote', value: formatNumber(r.estimate, 3), raw: r.estimate, note: `95% ${formatNumber(r.lower, 3)}–${formatNumber(r.upper, 3)}` }
    : { key: 'ordersPerVote', label: 'Orders per vote', value: null, missingReason: b.cocreation.result.message ?? 'no launched ideas' });
  return tiles;
}

function flowByType(b: BrandSection, charts: ChartSpec[]): SafeHtml {
  const title = `Flow per ${b.period}, by type`;
  if (b.totals.flowEvents === 0) return emptyNote(title, 'no spontaneous actions in the data');
  const colors = typeColors(b.series.flowByType.map((s) => s.type));
  const elementId = `${ID}-flow`;
  charts.push({
    elementId,
    option: timeSeriesChart(b.periods, b.series.flowByType.map((s) => ({ name: s.type, values: s.values, color: colors.get(s.type) })), { kind: b.periods.length > 30 ? 'area' : 'bar', stacked: true }),
  });
  return chartFigure({
    elementId,
    title,
    caption: 'Spontaneous customer actions, stacked by type; the table adds active customers and flow per active customer.',
    table: dataTable(
      [{ label: 'Period' }, { label: 'Flow', numeric: true }, { label: 'Active customers', numeric: true }, { label: 'Flow per active', numeric: true }, { label: 'Purchases', numeric: true }, { label: 'New customers', numeric: true }],
      b.periods.map((p, i) => [p, formatInteger(b.series.flow[i]), formatInteger(b.series.activeCustomers[i]), b.series.flowPerActive[i] === null ? MISSING : formatNumber(b.series.flowPerActive[i]!, 3), formatInteger(b.series.purchases[i]), formatInteger(b.series.newCustomers[i])]),
    ),
  });
}

/** A line with its lower and upper band as two thin lines (nulls are gaps). */
function bandChart(periods: readonly string[], name: string, point: readonly (number | null)[], lower: readonly (number | null)[], upper: readonly (number | null)[]): JsonObject {
  const option = timeSeriesChart(periods, [
    { name, values: point.map((x) => (x === null ? 0 : x)), color: ACCENT },
    { name: 'lower 95%', values: lower.map((x) => (x === null ? 0 : x)), color: BAND },
    { name: 'upper 95%', values: upper.map((x) => (x === null ? 0 : x)), color: BAND },
  ], { kind: 'line' });
  const series = (option.series as readonly JsonObject[]).map((s, i) => ({
    ...s,
    data: [point, lower, upper][i].map((x) => (x === null ? null : r4(x))),
    ...(i > 0 ? { lineStyle: { type: 'dashed', width: 1 } } : {}),
  }));
  return { ...option, series };
}

function momentum(b: BrandSection, charts: ChartSpec[]): SafeHtml {
  const m = b.overall.momentum;
  const title = 'Brand momentum (growth of flow per period)';
  const pts = m.series ?? [];
  if (m.status !== 'ok' || pts.length === 0) return emptyNote(title, m.message ?? 'not estimated');
  const elementId = `${ID}-momentum`;
  const periods = pts.map((p, i) => p.period ?? String(i + 1));
  charts.push({ elementId, option: bandChart(periods, 'log growth per period', pts.map((p) => p.growthRate), pts.map((p) => p.lower), pts.map((p) => p.upper)) });
  return chartFigure({
    elementId,
    title,
    caption: `Log growth of flow per ${b.period} over a trailing ${m.window ?? ''}-${b.period} window, with its 95% interval; above 0 with the band clear of 0 is significant growth.`,
    table: dataTable(
      [{ label: 'Period' }, { label: 'Growth', numeric: true }, { label: 'Lower', numeric: true }, { label: 'Upper', numeric: true }],
      pts.map((p, i) => [periods[i], n3(p.growthRate), n3(p.lower), n3(p.upper)]),
    ),
  });
}

function stock(b: BrandSection, charts: ChartSpec[]): SafeHtml {
  const a = b.overall.stock.result;
  const title = 'Goodwill stock and active customers';
  const M = b.modelPeriods;
  const periods = b.periods.slice(0, M);
  const series: Series[] = [{ name: 'active customers', values: b.series.activeCustomers.slice(0, M), color: SECOND }];
  if (a.status === 'ok' && a.stock) series.unshift({ name: `goodwill stock (λ = ${formatNumber(a.lambda ?? 0, 3)})`, values: a.stock.map(r2), color: ACCENT });
  if (periods.length === 0) return emptyNote(title, 'no periods');
  const elementId = `${ID}-stock`;
  charts.push({ elementId, option: timeSeriesChart(periods, series, { kind: 'line' }) });
  const note = a.status === 'ok'
    ? `S_t = λ·S_{t−1} + flow_t with λ estimated as the carry-over that best explains next-${b.period} ${b.overall.stock.target} (half-life ${a.halfLife === null || a.halfLife === undefined ? MISSING : `${formatNumber(a.halfLife, 1)} ${b.period}s`}).${b.clv ? ` From the CLV models: Σ P(alive) = ${formatNumber(b.clv.pAliveSum ?? Number.NaN, 0)}, customer equity ${formatNumber(b.clv.equity ?? Number.NaN, 0)}.` : ''}`
    : `Goodwill λ not estimated: ${a.message ?? ''}`;
  return chartFigure({
    elementId,
    title,
    caption: note,
    table: dataTable(
      [{ label: 'Period' }, ...series.map((s) => ({ label: s.name, numeric: true }))],
      periods.map((p, i) => [p, ...series.map((s) => formatNumber(s.values[i], 1))]),
    ),
  });
}

function impulses(b: BrandSection, charts: ChartSpec[]): SafeHtml {
  const title = 'Spiral Out (stock → flow) and Spiral In (flow → stock): impulse responses';
  const sp = b.overall.spiral;
  const v = sp?.result;
  if (!sp || !v || v.status !== 'ok' || !v.irf) return emptyNote(title, v?.message ?? 'no stock series to relate flow to');
  const parts: SafeHtml[] = [];
  const pairs: [string, string, string][] = [['ln stock', 'ln flow', 'out'], ['ln flow', 'ln stock', 'in'], ['ln flow', sp.variables[2]?.name ?? '', 'target']];
  for (const [impulse, response, key] of pairs) {
    const r = v.irf.responses.find((x) => x.impulse === impulse && x.response === response);
    if (!r) continue;
    const horizons = r.point.map((_, h) => String(h));
    const elementId = `${ID}-irf-${key}`;
    charts.push({ elementId, option: bandChart(horizons, `${response} after a shock to ${impulse}`, r.point, r.lower ?? r.point.map(() => null), r.upper ?? r.point.map(() => null)) });
    const e = r.elasticity;
    parts.push(chartFigure({
      elementId,
      title: `${impulse} → ${response}`,
      caption: `Response of ${response} to a one-SD shock in ${impulse}, ${b.period}s 0–${v.irf.horizon}, with ${v.irf.replications}-draw bootstrap 95% bands.${e ? ` Elasticity: short run ${n3(e.shortRun.estimate)}, long run ${n3(e.longRun.estimate)} (${n3(e.longRun.lower)} to ${n3(e.longRun.upper)}).` : ''} ${r.significantFrom === null ? 'Never significant.' : `Significant from ${b.period} ${r.significantFrom} for ${r.duration} ${b.period}${r.duration === 1 ? '' : 's'}${r.censored ? ' (still at the horizon)' : ''}.`}`,
      height: 260,
      table: dataTable(
        [{ label: 'Horizon' }, { label: 'Response', numeric: true }, { label: 'Lower', numeric: true }, { label: 'Upper', numeric: true }],
        r.point.map((p, h) => [String(h), n3(p), n3(r.lower?.[h]), n3(r.upper?.[h])]),
      ),
    }));
  }
  const dom = v.dominance ? html`<p class="caption"><strong>${v.dominance.direction}</strong>: ${v.dominance.message}</p>` : '';
  const granger = (v.granger ?? []).length
    ? dataTable(
      [{ label: 'Cause → effect' }, { label: 'F', numeric: true }, { label: 'p-value', numeric: true }],
      (v.granger ?? []).map((g) => [`${g.cause} → ${g.effect}`, formatNumber(g.fStat, 2), formatNumber(g.pValue, 4)]),
      { caption: `Granger causality (VAR lag ${v.lag ?? MISSING})` },
    )
    : '';
  return html`<h3>${title}</h3>${dom}${parts}${granger}`;
}

function bass(b: BrandSection, charts: ChartSpec[]): SafeHtml {
  const d = b.diffusion;
  const r = d.result;
  const title = `Word of mouth: Bass fit to new customers (${d.adopters}) per ${b.period}`;
  if (d.actual.length === 0 || !r.fitted) return emptyNote(title, r.message ?? 'not estimated');
  const start = d.from ? b.periods.indexOf(d.from) : 0;
  const periods = d.actual.map((_, i) => b.periods[start + i] ?? String(i + 1));
  const elementId = `${ID}-bass`;
  const option = timeSeriesChart(periods, [
    { name: 'actual', values: d.actual, color: BAND },
    { name: 'Bass fit', values: r.fitted.map(r2), color: ACCENT },
  ], { kind: 'bar' });
  const series = (option.series as readonly JsonObject[]).map((s, i) => (i === 1 ? { ...s, type: 'line', showSymbol: false } : s));
  charts.push({ elementId, option: { ...option, series } });
  const est = (label: string, e: { estimate: number; lower: number | null; upper: number | null } | null | undefined): string =>
    `${label} = ${n3(e?.estimate)} (${n3(e?.lower)}–${n3(e?.upper)})`;
  const share = r.imitationShare ? ` Share of adoptions from imitation so far: ${formatPercent(r.imitationShare.observed.estimate)}.` : '';
  return chartFigure({
    elementId,
    title,
    caption: `${est('p', r.p)}, ${est('q', r.q)}, ${est('m', r.m)} per ${b.period}.${share}${r.status !== 'ok' && r.message ? ` ${r.message}` : ''}`,
    table: dataTable(
      [{ label: 'Period' }, { label: 'Actual', numeric: true }, { label: 'Fitted', numeric: true }],
      periods.map((p, i) => [p, formatInteger(d.actual[i]), formatNumber(r.fitted![i] ?? Number.NaN, 1)]),
    ),
  });
}

function ideas(b: BrandSection): SafeHtml {
  const c = b.cocreation;
  const title = 'Co-creation: open ideas ranked by forecast first-period orders';
  const f = c.result.forecasts ?? [];
  if (c.result.status !== 'ok' || f.length === 0) return emptyNote(title, c.result.message ?? 'no open ideas');
  return html`<h3>${title}</h3><p class="caption">${c.rule}. Orders per vote from ${formatInteger(c.result.nLaunched ?? 0)} launched ideas.</p>${dataTable(
    [{ label: 'Rank' }, { label: 'Idea', numeric: false }, { label: 'Votes', numeric: true }, { label: 'Expected orders', numeric: true }, { label: '95% interval', numeric: true }, { label: 'P(any order)', numeric: true }],
    f.slice(0, 25).map((x) => [String(x.rank), x.id, formatInteger(x.votes), formatNumber(x.expected, 1), `${formatInteger(x.lower)}–${formatInteger(x.upper)}`, formatPercent(x.probabilityAnyOrder)]),
  )}`;
}

function shareOfVoice(b: BrandSection, charts: ChartSpec[]): SafeHtml {
  const s = b.shareOfVoice;
  const title = 'Share of voice (flow by brand)';
  if (!s) return emptyNote(title, 'the flow names fewer than two brands (item ids)');
  const elementId = `${ID}-share-of-voice`;
  charts.push({ elementId, option: horizontalBarChart(s.items.map((i) => ({ label: i.itemId, value: r4(i.share * 100) })), 'Share of voice, %') });
  const modelled = new Map(b.brands.map((x) => [x.itemId, x]));
  return chartFigure({
    elementId,
    title,
    caption: `${formatInteger(s.brands)} brands with flow; the largest ${s.items.length} shown.`,
    height: Math.max(160, 26 * s.items.length + 40),
    table: dataTable(
      [{ label: 'Brand' }, { label: 'Flow', numeric: true }, { label: 'Customers', numeric: true }, { label: 'Share', numeric: true }, { label: 'Momentum', numeric: true }],
      s.items.map((i) => {
        const m = modelled.get(i.itemId)?.momentum;
        return [i.itemId, formatInteger(i.events), formatInteger(i.customers), formatPercent(i.share), m && m.status === 'ok' && typeof m.growthPct === 'number' ? formatPercent(m.growthPct) : MISSING];
      }),
    ),
  });
}

function sentiment(b: BrandSection, charts: ChartSpec[]): SafeHtml {
  const l = b.listening;
  const title = 'Sentiment over time, by brand';
  if (!l) return emptyNote(title, 'no review or mention text to listen to');
  if (l.status !== 'ok' || !l.overTime) return emptyNote(title, l.message ?? 'listening failed');
  const periods = [...new Set(l.overTime.map((r) => r.period))].sort();
  const items = (l.items ?? []).slice(0, 8).map((i) => i.itemId);
  const index = new Map(periods.map((p, i) => [p, i]));
  const series: Series[] = items.map((item) => {
    const values = new Array<number>(periods.length).fill(0);
    for (const r of l.overTime!) if (r.itemId === item && r.netSentiment !== null) values[index.get(r.period)!] = r4(r.netSentiment);
    return { name: item ?? '(no brand)', values };
  });
  const parts: SafeHtml[] = [];
  if (periods.length > 0 && series.length > 0) {
    const elementId = `${ID}-sentiment`;
    charts.push({ elementId, option: timeSeriesChart(periods, series, { kind: 'line' }) });
    parts.push(chartFigure({
      elementId,
      title,
      caption: `Net sentiment (share positive − share negative) of ${l.method ?? ''}-scored texts per ${b.period}, for the largest brands.`,
      table: dataTable([{ label: 'Period' }, ...series.map((s) => ({ label: s.name, numeric: true }))], periods.map((p, i) => [p, ...series.map((s) => formatNumber(s.values[i], 3))])),
    }));
  } else {
    parts.push(emptyNote(title, 'no scored texts'));
  }
  const terms = (l.complaintTerms ?? []).filter((c) => c.terms.length > 0).slice(0, 8);
  if (terms.length) {
    parts.push(dataTable(
      [{ label: 'Brand' }, { label: 'Negative texts', numeric: true }, { label: 'Top complaint terms (lift)' }],
      terms.map((c) => [c.itemId ?? '(no brand)', formatInteger(c.negativeTexts), c.terms.slice(0, 6).map((t) => `${t.term} (${formatNumber(t.lift, 1)})`).join(', ')]),
      { caption: 'Complaint terms per brand' },
    ));
  }
  const ra = l.ratingAgreement;
  if (ra) parts.push(html`<p class="caption">Review sentiment vs star rating: Spearman ρ = ${n3(ra.spearman)} over ${formatInteger(ra.reviews)} reviews; label agrees with the star bucket for ${ra.bucketAccuracy === null ? MISSING : formatPercent(ra.bucketAccuracy)}.</p>`);
  return html`${parts}`;
}
