/**
 * `spiral funnel --db <db> [--lookback-days N] [--json]`: the networked funnel (furthest stage,
 * stage-to-stage conversion and time to convert), each conversion credited to peer / firm / none
 * (last touch, Shapley, Markov), the peer and firm effects against a matched baseline, and the paths
 * to value. With --json the funnel section (the same JSON as in the analysis result) is the last
 * line of stdout.
 */
import { printSection } from '../store.js';
import type { Command } from 'commander';
import { runFunnelSection } from '../../analysis/funnel.js';
import type { FunnelSection } from '../../domain/sections/funnel.js';
import { UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { intFlag } from '../options.js';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const days = (x: number | null): string => (x === null ? '—' : `${x.toFixed(1)} d`);
const ratio = (x: number | null): string => (x === null ? '—' : x.toFixed(2));

/** A few lines for people: stages, conversions, the ordered steps, credit, effects, top paths. */
export function funnelSummary(s: FunnelSection): string {
  const lines: string[] = [];
  lines.push(`networked funnel of ${fmtInt(s.customers)} customers (${s.span.start ?? '—'} → ${s.span.end ?? '—'}), lookback ${s.lookbackDays} days`);
  if (s.message) lines.push(s.message);
  for (const st of s.stages) lines.push(`  ${st.stage.padEnd(13)} reached ${fmtInt(st.reached).padStart(11)}   furthest ${fmtInt(st.furthest).padStart(11)}`);
  lines.push('conversion (median / p75 time to convert):');
  for (const c of s.conversions.filter((r) => r.segment === 'all')) {
    lines.push(`  ${`${c.from} → ${c.to}`.padEnd(28)} ${pct(c.rate).padStart(7)}  (${fmtInt(c.converted)} of ${fmtInt(c.reached)}; ${days(c.medianDays)} / ${days(c.p75Days)})`);
  }
  lines.push(`steps: ${s.steps.map((x) => `${x.step} ${fmtInt(x.customers)}${x.rate === null ? '' : ` (${pct(x.rate)})`}`).join(' → ')}`);
  const a = s.attribution;
  lines.push(`touches: peer ${fmtInt(s.touches.peerTouches)} on ${fmtInt(s.touches.peerCustomers)} customers, firm ${fmtInt(s.touches.firmTouches)} on ${fmtInt(s.touches.firmCustomers)}`);
  lines.push(`credit for ${fmtInt(a.conversions)} purchases (peer / firm / none): last touch ${pct(a.lastTouchShares.peer)} / ${pct(a.lastTouchShares.firm)} / ${pct(a.lastTouchShares.none)}; ` +
    `Shapley ${pct(a.shapley.peer)} / ${pct(a.shapley.firm)} / ${pct(a.shapley.none)}; Markov ${pct(a.markov.peer)} / ${pct(a.markov.firm)} / ${pct(a.markov.none)}`);
  for (const [name, e] of [['peer', s.peerEffect], ['firm', s.firmEffect]] as const) {
    lines.push(e.status === 'ok'
      ? `${name} effect: risk ratio ${ratio(e.riskRatio)} (95% ${ratio(e.lower)}–${ratio(e.upper)}) within ${e.strata} strata; naive ${ratio(e.naiveRiskRatio)}`
      : `${name} effect: not estimated (${e.message ?? 'insufficient data'})`);
  }
  const top = s.paths.before.slice(0, 3).map((p) => `${p.path} (${fmtInt(p.customers)})`).join('; ');
  if (top) lines.push(`top paths to purchase: ${top}`);
  const all = s.paths.phases.find((p) => p.segment === 'all');
  if (all) lines.push(`phases (median hours): recognize ${ratio(all.recognize.medianHours)}, request ${ratio(all.request.medianHours)}, respond ${ratio(all.respond.medianHours)}`);
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function registerFunnel(program: Command, out: (json: boolean) => Output): void {
  program
    .command('funnel')
    .description('the networked funnel with peer/firm credit, the peer effect, and the paths to value')
    .requiredOption('--db <location>', 'store: a DuckDB file, postgres://…, clickhouse://… or chdb:<dir>')
    .option('--lookback-days <n>', 'days before a conversion within which a touch is credited', '30')
    .option('--json', 'print the funnel section as JSON on the last line of stdout')
    .action(async (flags: { db: string; lookbackDays?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const lookbackDays = intFlag('lookback-days', flags.lookbackDays, 1) ?? 30;
      if (lookbackDays > 3650) throw new UsageError(`--lookback-days must be at most 3650, got "${flags.lookbackDays}"`);
      await printSection(o, flags.db, 'funnel', (store, warnings) =>
        runFunnelSection(store, { onProgress: (step) => o.info(step), funnel: { lookbackDays } }, warnings), funnelSummary, undefined, { anyEngine: true });
    });
}
