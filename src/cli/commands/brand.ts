/**
 * `spiral brand --db <db> [--period day|week|month] [--json]`: brand flow and stock, momentum,
 * Spiral In/Out, Bass diffusion, co-creation and listening from the store. With --json the brand
 * section (the same JSON as in the analysis result) is the last line of stdout.
 */
import { printSection } from '../store.js';
import type { Command } from 'commander';
import { brandModelNotes, runBrandSection } from '../../analysis/brand.js';
import { BRAND_PERIODS, type BrandPeriod } from '../../brand/index.js';
import type { BrandSection } from '../../domain/sections/brand.js';
import { UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';

function periodFlag(v: string | undefined): BrandPeriod {
  if (v === undefined) return 'week';
  if (!(BRAND_PERIODS as readonly string[]).includes(v)) throw new UsageError(`--period must be one of ${BRAND_PERIODS.join(', ')}, got "${v}"`);
  return v as BrandPeriod;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : x.toPrecision(3));

/** A few lines for people: flow, momentum, λ, Spiral verdict, Bass, co-creation, share of voice. */
export function brandSummary(s: BrandSection): string {
  const lines: string[] = [];
  const n = s.periods.length;
  lines.push(`brand flow per ${s.period}: ${fmtInt(s.totals.flowEvents)} spontaneous actions (${s.flowByType.map((t) => `${t.type} ${fmtInt(t.events)}`).join(', ') || 'none'}) over ${fmtInt(n)} ${s.period}s${n ? ` (${s.periods[0]} → ${s.periods[n - 1]})` : ''}`);
  if (s.message) lines.push(s.message);
  const m = s.overall.momentum;
  if (m.status === 'ok' && typeof m.growthPct === 'number' && m.pctInterval) {
    lines.push(`momentum: ${pct(m.growthPct)} per ${s.period} (95% ${pct(m.pctInterval.lower)} to ${pct(m.pctInterval.upper)}), ${m.direction ?? 'flat'}`);
  }
  const a = s.overall.stock.result;
  if (a.status === 'ok' && typeof a.lambda === 'number' && a.interval) {
    lines.push(`goodwill stock: λ = ${a.lambda.toFixed(3)} (95% ${a.interval.lower.toFixed(3)}–${a.interval.upper.toFixed(3)}), half-life ${a.halfLife === null || a.halfLife === undefined ? '—' : `${a.halfLife.toFixed(1)} ${s.period}s`}, explaining next-${s.period} ${s.overall.stock.target}`);
  }
  const v = s.overall.spiral?.result;
  if (v && v.status === 'ok' && v.dominance) lines.push(`Spiral In/Out (VAR lag ${v.lag ?? '—'}): ${v.dominance.message}`);
  const b = s.diffusion.result;
  if (b.p && b.q && b.m) lines.push(`Bass on new customers (${s.diffusion.adopters}): p = ${f3(b.p.estimate)}, q = ${f3(b.q.estimate)}, m = ${fmtInt(Math.round(b.m.estimate))}${b.status !== 'ok' ? ` [${b.status}]` : ''}`);
  const c = s.cocreation.result;
  if (c.status === 'ok' && c.ordersPerVote) lines.push(`co-creation: ${c.ordersPerVote.estimate.toFixed(3)} orders per vote (95% ${c.ordersPerVote.lower.toFixed(3)}–${c.ordersPerVote.upper.toFixed(3)}); ${(c.forecasts ?? []).length} open ideas ranked`);
  if (s.shareOfVoice) lines.push(`share of voice: ${s.shareOfVoice.items.slice(0, 6).map((i) => `${i.itemId} ${pct(i.share)}`).join(', ')}`);
  const l = s.listening;
  if (l && l.status === 'ok' && l.overall) lines.push(`listening: ${fmtInt(l.overall.scored)} texts scored, net sentiment ${l.overall.netSentiment === null ? '—' : l.overall.netSentiment.toFixed(3)}`);
  for (const note of s.status === 'ok' ? brandModelNotes(s) : []) lines.push(`note: ${note}`);
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

export function registerBrand(program: Command, out: (json: boolean) => Output): void {
  program
    .command('brand')
    .description('brand flow and stock, momentum, Spiral In/Out, Bass word of mouth, co-creation and listening')
    .requiredOption('--db <location>', 'store: a DuckDB file, postgres://…, clickhouse://… or chdb:<dir>')
    .option('--period <period>', 'day, week or month', 'week')
    .option('--json', 'print the brand section as JSON on the last line of stdout')
    .action(async (flags: { db: string; period?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const period = periodFlag(flags.period);
      await printSection(o, flags.db, 'brand', (store, warnings) =>
        runBrandSection(store, { onProgress: (step) => o.info(step), brand: { period } }, warnings), brandSummary, undefined, { anyEngine: true });
    });
}
