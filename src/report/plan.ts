/**
 * A strategy plan as a one-page Markdown or self-contained HTML document: the five steps in order,
 * every number with the analysis-result fields it comes from (a footnote-like "from" line), and a
 * step without data with its reason.
 */
import type { Metric, StrategyPlan } from '../strategy/plan.js';
import { formatNumber } from './format.js';
import { escapeHtml } from './html.js';
import { REPORT_CSS } from './style.js';

/** A metric's value for people: shares as %, counts with separators, money with 2 decimals. */
export function metricText(m: Metric): string {
  if (m.value === null) return `— (${m.reason ?? 'not available'})`;
  const v = m.value;
  if (/share|rate|prevalence|gap|target|association/i.test(m.label) && Math.abs(v) <= 1) return `${(v * 100).toFixed(1)}%`;
  if (Number.isInteger(v)) return formatNumber(v, 0);
  return formatNumber(v, Math.abs(v) >= 100 ? 0 : 2);
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderPlanMarkdown(plan: StrategyPlan): string {
  const o = plan.objective;
  const L: string[] = [];
  L.push(`# Strategy plan: ${o.title}`, '');
  L.push(`Generated from the analysis of ${plan.generatedFrom.store} (${plan.generatedFrom.generatedAt}, result schema ${plan.generatedFrom.schemaVersion}). Every number names the result fields it comes from.`, '');
  L.push('## 1. Objective', '');
  L.push(`- **KPI** — ${o.kpiDefinition}: **${metricText(o.kpi)}** (from \`${o.kpi.formula}\`)`);
  L.push(`- **Higher-order objective** — ${o.higherOrderDefinition}: **${metricText(o.higherOrder)}** (from \`${o.higherOrder.formula}\`)`, '');
  L.push('## 2. Customer selection', '');
  L.push(`Relevance: ${plan.customerSelection.relevance}.`, '');
  if (plan.customerSelection.segments.length === 0) L.push(`_${plan.customerSelection.message ?? 'no segments'}_`, '');
  else {
    L.push('| segment | customers | relevance | selected |', '|---|---:|---:|:---:|');
    for (const s of plan.customerSelection.segments) L.push(`| ${cell(s.name === s.segment ? s.segment : `${s.segment} ${s.name}`)} | ${formatNumber(s.customers, 0)} | ${metricText(s.relevance)} | ${s.selected ? '✓' : ''} |`);
    L.push('');
    for (const s of plan.customerSelection.segments.filter((x) => x.selected && (x.barriers.length > 0 || x.equity.value !== null))) {
      L.push(`**${s.segment} ${s.name}** — objective: ${s.uniqueObjective}. Value proposition: ${s.valueProposition}. Equity ${metricText(s.equity)}, at risk ${metricText(s.atRisk)}.`, '');
      for (const b of s.barriers) L.push(`- barrier (${b.kind}): ${b.text}`);
      L.push('');
    }
  }
  L.push('## 3. Strategy selection', '');
  if (plan.strategySelection.message) L.push(`_${plan.strategySelection.message}_`, '');
  L.push('| strategy | prevalence | gap | segment gap | association with the KPI (95%) | gap × association | selected | why |', '|---|---:|---:|---:|---|---:|:---:|---|');
  const pts = (m: Metric): string => (m.value === null ? '—' : `${(m.value * 100).toFixed(1)}`);
  for (const s of plan.strategySelection.strategies) {
    const assoc = s.association.value === null ? metricText(s.association) : `${pts(s.association)} points (${pts(s.associationLower)} … ${pts(s.associationUpper)})${s.associationOverlap ? ' †' : ''}`;
    const score = s.score.value === null ? '—' : formatNumber(s.score.value * 100, 2);
    L.push(`| ${s.strategy} | ${metricText(s.prevalence)} | ${metricText(s.gap)} | ${metricText(s.segmentGap)} | ${cell(assoc)} | ${score} | ${s.selected ? '✓' : ''} | ${cell(s.why)} |`);
  }
  if (plan.strategySelection.strategies.some((s) => s.associationOverlap && s.association.value !== null)) L.push('', '† the behaviour score counts some of the KPI\'s own events: the association is partly by construction.');
  L.push('', plan.strategySelection.note, '');
  L.push('## 4. Concepts', '');
  for (const c of plan.concepts) L.push(`- **${c.strategy}: ${c.concept}** — ${c.guidingQuestion} ${c.detail ? `${c.detail} ` : ''}(${c.evidence.map((e) => `${e.label} ${metricText(e)}`).join('; ')})`);
  L.push('', '## 5. Impact', '');
  L.push('| concept | baseline | target | per arm | in all | days | days on the selected segments | Δ customer equity |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const i of plan.impact) {
    L.push(`| ${i.strategy}: ${cell(i.concept)} | ${metricText(i.baseline)} | ${metricText(i.target)} | ${metricText(i.perArm)} | ${metricText(i.total)} | ${metricText(i.days)} | ${metricText(i.segmentDays)} | ${metricText(i.equityChange)} |`);
  }
  L.push('', `KPI: ${plan.objective.kpiDefinition}. Sample sizes: ${plan.impact[0]?.perArm.formula ?? '—'}. Δ customer equity: ${plan.impact[0]?.equityChange.formula ?? '—'}.`, '');
  L.push('## Where the numbers come from', '');
  const seen = new Set<string>();
  for (const m of [o.kpi, o.higherOrder, ...plan.customerSelection.segments.map((s) => s.relevance), ...plan.strategySelection.strategies.flatMap((s) => [s.prevalence, s.association, s.segmentGap]), ...plan.impact.flatMap((i) => [i.days, i.segmentDays, i.equityChange])]) {
    for (const x of m.inputs) {
      if (seen.has(x.path)) continue;
      seen.add(x.path);
      L.push(`- \`${x.path}\` = ${x.value === null ? '—' : x.value}`);
    }
  }
  return `${L.join('\n')}\n`;
}

/** A self-contained HTML page of the plan (the Markdown's content, tables as tables). */
export function renderPlanHtml(plan: StrategyPlan): string {
  const md = renderPlanMarkdown(plan);
  const out: string[] = [];
  let table: string[][] | null = null;
  const inline = (s: string): string =>
    escapeHtml(s).replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/`([^`]+)`/g, '<code>$1</code>').replace(/(^|\s)_([^_]+)_(\s|$)/g, '$1<em>$2</em>$3');
  const flush = (): void => {
    if (!table) return;
    const [head, , ...rows] = table;
    out.push(`<table class="data"><thead><tr>${head.map((h) => `<th>${inline(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`);
    table = null;
  };
  let list = false;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      table ??= [];
      table.push(line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|')));
      continue;
    }
    flush();
    if (line.startsWith('- ')) {
      if (!list) out.push('<ul>');
      list = true;
      out.push(`<li>${inline(line.slice(2))}</li>`);
      continue;
    }
    if (list) out.push('</ul>');
    list = false;
    if (line.startsWith('# ')) out.push(`<h1>${inline(line.slice(2))}</h1>`);
    else if (line.startsWith('## ')) out.push(`<h2>${inline(line.slice(3))}</h2>`);
    else if (line.trim()) out.push(`<p>${inline(line)}</p>`);
  }
  flush();
  if (list) out.push('</ul>');
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`Strategy plan: ${plan.objective.title}`)}</title><style>${REPORT_CSS}</style></head>\n<body><main>\n${out.join('\n')}\n</main></body></html>\n`;
}
