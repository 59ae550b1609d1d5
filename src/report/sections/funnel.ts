/**
 * The networked funnel: stages with each stage's conversions split by the last touch (peer / firm /
 * none), the conversion table with time to convert (overall, by cohort, by channel), credit by
 * last touch, Shapley and Markov, the peer and firm effects against a matched baseline, the paths to
 * value as a sankey with the top paths and drop-off per step, and the recognize / request / respond
 * phase times per segment.
 */
import type { AnalysisResult } from '../../domain/result.js';
import type { FunnelSection } from '../../domain/sections/funnel.js';
import { ACCENT } from '../charts.js';
import { chartFigure, dataTable, emptyNote, kpiTiles, type KpiTile } from '../components.js';
import { formatInteger, formatNumber, formatPercent, MISSING } from '../format.js';
import { html, type SafeHtml } from '../html.js';
import type { ChartSpec, JsonObject, ReportSection } from '../section.js';

const ID = 'funnel';
const PEER = '#2a9d8f';
const FIRM = '#e6a23c';
const NONE = '#b0b7c3';
const MAX_LINKS = 60;

const pct = (v: number | null): string => (v === null ? MISSING : formatPercent(v));
const num = (v: number | null, d = 1): string => (v === null ? MISSING : formatNumber(v, d));
const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

export function funnelSection(result: AnalysisResult): ReportSection | null {
  const f = result.funnel;
  if (f === undefined) return null;
  const charts: ChartSpec[] = [];
  const parts: SafeHtml[] = [
    kpiTiles(kpis(f)),
    html`<p class="caption">${formatInteger(f.customers)} customers from ${f.span.start ?? MISSING} to ${f.span.end ?? MISSING}; touches credited within ${f.lookbackDays} days before a conversion.</p>`,
  ];
  if (f.message) parts.push(emptyNote('Funnel', f.message));
  parts.push(stages(f, charts), conversions(f), steps(f), credit(f), effects(f), paths(f, charts), topPaths(f), phases(f, charts), definitions(f));
  return { id: ID, title: 'Networked funnel and paths to value', html: html`${parts}`, charts };
}

function kpis(f: FunnelSection): KpiTile[] {
  const reached = (s: string): number => f.stages.find((x) => x.stage === s)?.reached ?? 0;
  const aw = reached('awareness');
  const a = f.attribution;
  const why = a.message ?? 'not computed';
  const share = (key: string, label: string, v: number | null, note: string): KpiTile =>
    v === null ? { key, label, value: null, missingReason: why } : { key, label, value: formatPercent(v), raw: v, note };
  const e = f.peerEffect;
  return [
    { key: 'customers', label: 'Customers in the funnel', value: formatInteger(f.customers), raw: f.customers },
    aw > 0
      ? { key: 'actionRate', label: 'Awareness → action', value: formatPercent(reached('action') / aw), raw: reached('action') / aw, note: `${formatInteger(reached('action'))} bought` }
      : { key: 'actionRate', label: 'Awareness → action', value: null, missingReason: 'nobody reached awareness' },
    share('peerShare', 'Peer share of purchases', a.shapley.peer, 'Shapley over {peer, firm}'),
    share('firmShare', 'Firm share of purchases', a.shapley.firm, 'Shapley over {peer, firm}'),
    e.riskRatio === null
      ? { key: 'peerEffect', label: 'Peer effect', value: null, missingReason: e.message ?? 'not estimated' }
      : { key: 'peerEffect', label: 'Peer effect', value: `×${formatNumber(e.riskRatio, 2)}`, raw: e.riskRatio, note: `95% ${num(e.lower, 2)}–${num(e.upper, 2)}; naive ×${num(e.naiveRiskRatio, 2)}` },
  ];
}

function stages(f: FunnelSection, charts: ChartSpec[]): SafeHtml {
  const title = 'Funnel: customers reaching each stage, by the last touch before it';
  if (f.customers === 0) return emptyNote(title, 'no customers reached awareness');
  const lt = new Map(f.attribution.lastTouch.map((r) => [r.stage, r]));
  const rows = f.stages.map((s) => {
    const r = lt.get(s.stage);
    return { stage: s.stage, reached: s.reached, furthest: s.furthest, peer: r?.peer ?? 0, firm: r?.firm ?? 0, none: r ? r.none : s.reached };
  });
  const shown = [...rows].reverse();
  const elementId = `${ID}-stages`;
  const bar = (name: string, color: string, values: number[]): JsonObject => ({ name, type: 'bar', stack: 'total', itemStyle: { color }, barMaxWidth: 28, emphasis: { focus: 'series' }, data: values });
  charts.push({
    elementId,
    option: {
      animation: false,
      grid: { left: 8, right: 32, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, data: ['Peer', 'Firm', 'None'] },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: shown.map((r) => r.stage), axisTick: { show: false } },
      series: [bar('Peer', PEER, shown.map((r) => r.peer)), bar('Firm', FIRM, shown.map((r) => r.firm)), bar('None', NONE, shown.map((r) => r.none))],
    },
  });
  return chartFigure({
    elementId, title, height: 300,
    caption: 'Customers who reached each stage (or a later one); each stage\'s customers split by the kind of their last touch in the lookback window before they reached it.',
    table: dataTable(
      [{ label: 'Stage' }, { label: 'Reached', numeric: true }, { label: 'Furthest here', numeric: true }, { label: 'Peer', numeric: true }, { label: 'Firm', numeric: true }, { label: 'None', numeric: true }],
      rows.map((r) => [r.stage, formatInteger(r.reached), formatInteger(r.furthest), formatInteger(r.peer), formatInteger(r.firm), formatInteger(r.none)]),
    ),
  });
}

function conversionRows(rows: FunnelSection['conversions'], withKey: boolean): (string | SafeHtml)[][] {
  return rows.map((c) => [...(withKey ? [c.key ?? MISSING] : []), `${c.from} → ${c.to}`, formatInteger(c.reached), formatInteger(c.converted), pct(c.rate), num(c.medianDays), num(c.p75Days)]);
}

function conversions(f: FunnelSection): SafeHtml {
  const cols = [{ label: 'Step' }, { label: 'Reached', numeric: true }, { label: 'Converted', numeric: true }, { label: 'Rate', numeric: true }, { label: 'Median days', numeric: true }, { label: 'p75 days', numeric: true }];
  const all = f.conversions.filter((c) => c.segment === 'all');
  const seg = (name: 'cohort' | 'channel', label: string): SafeHtml => {
    const rows = f.conversions.filter((c) => c.segment === name);
    return rows.length === 0 ? html`` : html`<details><summary>By ${label} (${formatInteger(new Set(rows.map((r) => r.key)).size)})</summary>
${dataTable([{ label }, ...cols], conversionRows(rows, true))}</details>`;
  };
  return html`<div class="table-block"><h3>Stage-to-stage conversion and time to convert</h3>
<p class="caption">Customers who reached the next stage among those who reached a stage; time from the first date at one stage to the first date at the next.</p>
${dataTable(cols, conversionRows(all, false))}
${seg('cohort', 'cohort (first-seen month)')}
${seg('channel', 'first channel')}</div>`;
}

function steps(f: FunnelSection): SafeHtml {
  return html`<div class="table-block"><h3>Ordered funnel: view → save/cart → purchase</h3>
<p class="caption">Each step counted only after the previous one (a save or cart after the first view; a purchase after that save or cart).</p>
${dataTable([{ label: 'Step' }, { label: 'Customers', numeric: true }, { label: 'From previous', numeric: true }, { label: 'From first', numeric: true }],
    f.steps.map((s) => [s.step, formatInteger(s.customers), pct(s.rate), pct(s.overall)]))}</div>`;
}

function credit(f: FunnelSection): SafeHtml {
  const a = f.attribution;
  const row = (name: string, c: { peer: number | null; firm: number | null; none: number | null }): string[] => [name, pct(c.peer), pct(c.firm), pct(c.none)];
  return html`<div class="table-block"><h3>Who gets the credit for ${formatInteger(a.conversions)} purchases</h3>
<p class="caption">${formatInteger(f.touches.peerTouches)} peer touches reached ${formatInteger(f.touches.peerCustomers)} customers; ${formatInteger(f.touches.firmTouches)} firm touches reached ${formatInteger(f.touches.firmCustomers)}. ${a.message ?? ''}</p>
${dataTable([{ label: 'Model' }, { label: 'Peer', numeric: true }, { label: 'Firm', numeric: true }, { label: 'None', numeric: true }], [
    row('Last touch', a.lastTouchShares), row('Shapley (within activity strata)', a.shapley), row('Markov removal effect', a.markov),
  ])}
<details><summary>Touch paths (${formatInteger(a.paths.length)})</summary>
${dataTable([{ label: 'Path' }, { label: 'Customers', numeric: true }, { label: 'Purchases', numeric: true }, { label: 'Rate', numeric: true }],
    a.paths.map((p) => [p.path === '' ? '(no touch)' : p.path, formatInteger(p.customers), formatInteger(p.conversions), pct(p.rate)]))}</details></div>`;
}

function effects(f: FunnelSection): SafeHtml {
  const row = (name: string, e: FunnelSection['peerEffect']): string[] => [
    name, e.riskRatio === null ? `${MISSING} ${e.message ?? ''}` : `×${formatNumber(e.riskRatio, 2)}`, e.lower === null || e.upper === null ? MISSING : `${formatNumber(e.lower, 2)}–${formatNumber(e.upper, 2)}`,
    e.naiveRiskRatio === null ? MISSING : `×${formatNumber(e.naiveRiskRatio, 2)}`, formatInteger(e.treated), pct(e.treatedConversion), formatInteger(e.controls), pct(e.controlConversion),
  ];
  return html`<div class="table-block"><h3>Peer and firm effects against a matched baseline</h3>
<p class="caption">${f.peerEffect.method}</p>
${dataTable([{ label: 'Touch' }, { label: 'Risk ratio', numeric: true }, { label: '95% interval', numeric: true }, { label: 'Naive', numeric: true }, { label: 'Touched', numeric: true }, { label: 'Converted', numeric: true }, { label: 'Untouched', numeric: true }, { label: 'Converted', numeric: true }],
    [row('Peer', f.peerEffect), row('Firm', f.firmEffect)])}</div>`;
}

function paths(f: FunnelSection, charts: ChartSpec[]): SafeHtml {
  const title = 'Paths to value: steps from the first event to the first purchase or drop-off';
  const p = f.paths;
  if (p.links.length === 0) return emptyNote(title, 'no journeys with steps');
  const links = [...p.links].sort((a, b) => b.customers - a.customers).slice(0, MAX_LINKS);
  const names = [...new Set(links.flatMap((l) => [l.source, l.target]))];
  const color = (name: string): string => (name.endsWith('purchase') ? ACCENT : name === 'drop-off' ? '#c0392b' : name === 'more…' ? NONE : '#7f8fa6');
  const elementId = `${ID}-paths`;
  charts.push({
    elementId,
    option: {
      animation: false,
      tooltip: { trigger: 'item' },
      series: [{
        type: 'sankey', left: 8, right: 96, top: 8, bottom: 8, nodeAlign: 'left', layoutIterations: 16,
        emphasis: { focus: 'adjacency' }, lineStyle: { color: 'gradient', opacity: 0.35 },
        data: names.map((name) => ({ name, itemStyle: { color: color(name) } })),
        links: links.map((l) => ({ source: l.source, target: l.target, value: l.customers })),
      }],
    },
  });
  return chartFigure({
    elementId, title, height: 420,
    caption: `Each customer's own steps in order, repeats collapsed, numbered by position, up to ${p.maxSteps}; a journey ends at the purchase, at drop-off, or at "more…" past the cap.${p.links.length > MAX_LINKS ? ` The ${MAX_LINKS} largest of ${formatInteger(p.links.length)} links are drawn.` : ''}`,
    table: dataTable(
      [{ label: 'Position' }, { label: 'Customers', numeric: true }, { label: 'Purchased here', numeric: true }, { label: 'Continued', numeric: true }, { label: 'Dropped off', numeric: true }, { label: 'Past the cap', numeric: true }],
      p.dropoff.map((d) => [String(d.position), formatInteger(d.customers), formatInteger(d.purchased), formatInteger(d.continued), formatInteger(d.dropped), formatInteger(d.truncated)]),
    ),
  });
}

function topPaths(f: FunnelSection): SafeHtml {
  const t = (rows: FunnelSection['paths']['before']): SafeHtml =>
    rows.length === 0 ? html`<p>${MISSING} no purchases</p>` : dataTable([{ label: 'Path' }, { label: 'Customers', numeric: true }], rows.map((r) => [r.path, formatInteger(r.customers)]));
  return html`<div class="table-block"><h3>Most frequent paths before and after the first purchase</h3>
<p class="caption">Repeats collapsed; the last ${f.paths.maxSteps - 1} steps before the purchase, the first ${f.paths.maxSteps} from it; … marks a cut.</p>
<h4>Before</h4>${t(f.paths.before)}<h4>After</h4>${t(f.paths.after)}</div>`;
}

function phases(f: FunnelSection, charts: ChartSpec[]): SafeHtml {
  const title = 'The networked journey: recognize → request → respond (median hours)';
  const rows = f.paths.phases;
  if (rows.length === 0) return emptyNote(title, 'no customer showed a need signal (search or view)');
  const label = (r: (typeof rows)[number]): string => (r.segment === 'all' ? 'all' : `${r.segment}: ${r.key ?? MISSING}`);
  const elementId = `${ID}-phases`;
  const series = (name: string, color: string, pick: (r: (typeof rows)[number]) => number | null): JsonObject => ({
    name, type: 'bar', barMaxWidth: 24, itemStyle: { color }, data: rows.map((r) => { const v = pick(r); return v === null ? null : round(v, 2); }),
  });
  charts.push({
    elementId,
    option: {
      animation: false,
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: ['Recognize', 'Request', 'Respond'] },
      xAxis: { type: 'category', data: rows.map(label) },
      yAxis: { type: 'value', name: 'hours' },
      series: [series('Recognize', '#7f8fa6', (r) => r.recognize.medianHours), series('Request', FIRM, (r) => r.request.medianHours), series('Respond', PEER, (r) => r.respond.medianHours)],
    },
  });
  const st = (s: (typeof rows)[number]['recognize']): string => (s.customers === 0 ? MISSING : `${num(s.medianHours)} / ${num(s.p75Hours)} (${formatInteger(s.customers)})`);
  return chartFigure({
    elementId, title, height: 320,
    caption: f.paths.phaseNote,
    table: dataTable(
      [{ label: 'Segment' }, { label: 'Recognized', numeric: true }, { label: 'Requested', numeric: true }, { label: 'Purchased', numeric: true },
        { label: 'Recognize h (median / p75, n)', numeric: true }, { label: 'Request h', numeric: true }, { label: 'Respond h', numeric: true }, { label: 'Total h', numeric: true }],
      rows.map((r) => [label(r), formatInteger(r.recognized), formatInteger(r.requested), formatInteger(r.purchased), st(r.recognize), st(r.request), st(r.respond), st(r.total)]),
    ),
  });
}

function definitions(f: FunnelSection): SafeHtml {
  return html`<div class="table-block"><h3>How the numbers are computed</h3>
<dl class="formulas">${f.definitions.map((d) => html`<dt>${d.name}</dt><dd>${d.text}</dd>\n`)}</dl></div>`;
}
