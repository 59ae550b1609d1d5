/**
 * `spiral experiment design …` (sample size per arm, total and days) and
 * `spiral experiment readout …` (an experiment's lift, CUPED, SRM and CLV from the log).
 */
import type { Command } from 'commander';
import { twoProportionDesign, type Design } from '../../models/stats/design.js';
import type { ExperimentReadout } from '../../domain/sections/experiments.js';
import { designForSegment, KPIS, type Kpi, type SegmentDesign } from '../../strategy/experiments/design.js';
import { readoutExperiment } from '../../strategy/experiments/readout.js';
import { UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { intFlag } from '../options.js';
import { withStore } from '../store.js';

function numberFlag(name: string, value: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${value}"`);
  return n;
}

const open01 = (n: number): boolean => n > 0 && n < 1;

/** `--split 50,50` (control first, then the other variants by name) or `--split control=50,b=50`. */
export function parseSplit(value: string | undefined): number[] | Record<string, number> | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((s) => s.trim());
  const named = parts.every((p) => p.includes('='));
  const num = (s: string): number => {
    const n = Number(s);
    if (s === '' || !(n > 0) || !Number.isFinite(n)) throw new UsageError(`--split: "${s}" is not a positive share (e.g. --split 50,50 or --split control=90,treatment=10)`);
    return n;
  };
  if (named) return Object.fromEntries(parts.map((p) => { const [k, v] = p.split('='); return [k.trim(), num(v.trim())]; }));
  if (parts.some((p) => p.includes('='))) throw new UsageError('--split: give all shares by name (a=50,b=50) or none (50,50)');
  if (parts.length < 2) throw new UsageError('--split needs a share per variant, e.g. 50,50');
  return parts.map(num);
}

const pct = (x: number | null, d = 2): string => (x === null ? '—' : `${(x * 100).toFixed(d)}%`);
const money = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
const pv = (p: number | null): string => (p === null ? '—' : p < 1e-4 ? p.toExponential(1) : p.toFixed(4));

function designSummary(d: Design | SegmentDesign): string {
  const lines = [`${fmtInt(d.perArm)} customers per arm, ${fmtInt(d.total)} in all${d.days === null ? '' : `, ${fmtInt(d.days)} days of traffic`} (${d.method})`];
  if ('segment' in d) {
    lines.push(`segment ${d.segment}${d.segmentName ? ` "${d.segmentName}"` : ''}: ${fmtInt(d.segmentCustomers)} customers, ${d.kpi} baseline ${d.kpi === 'conversion' ? pct(d.baseline) : money(d.baseline)} over the last ${d.windowDays} days, ` +
      `MDE ${pct(d.mdeRelative, 1)} relative (${d.kpi === 'conversion' ? pct(d.mdeAbsolute) : money(d.mdeAbsolute)} absolute), traffic ${d.dailyTraffic === null ? '—' : d.dailyTraffic.toFixed(1)} customers a day`);
    if (d.message) lines.push(`note: ${d.message}`);
  }
  return lines.join('\n');
}

/** A few lines for people: status, each variant's rate and lift, revenue, CUPED, SRM. */
export function readoutSummary(r: ExperimentReadout): string {
  const lines = [`experiment ${r.experiment}: ${fmtInt(r.exposed)} exposed customers, control ${r.control ?? '—'}, window ${r.windowDays} days — ${r.status}`];
  if (r.message) lines.push(r.message);
  for (const v of r.variants) {
    const head = `  ${v.variant.padEnd(14)} ${fmtInt(v.customers).padStart(9)} customers  ${fmtInt(v.conversions).padStart(7)} conv  ${pct(v.rate).padStart(7)}  revenue/customer ${money(v.revenue.perCustomer)}`;
    lines.push(head);
    if (v.lift.relative !== null || v.lift.absolute !== null) {
      lines.push(`    lift ${pct(v.lift.relative, 1)} (95% ${pct(v.lift.lower, 1)} … ${pct(v.lift.upper, 1)}), absolute ${pct(v.lift.absolute)} (${pct(v.lift.absoluteLower)} … ${pct(v.lift.absoluteUpper)}), p = ${pv(v.pValue)}`);
      lines.push(`    revenue lift ${pct(v.revenue.relative, 1)} (${pct(v.revenue.lower, 1)} … ${pct(v.revenue.upper, 1)}), p = ${pv(v.revenue.pValue)}`);
      lines.push(v.cuped.theta === null
        ? `    CUPED: ${v.cuped.message ?? '—'}`
        : `    CUPED lift ${pct(v.cuped.relative, 1)} (${pct(v.cuped.lower, 1)} … ${pct(v.cuped.upper, 1)}), p = ${pv(v.cuped.pValue)}, variance −${pct(v.cuped.varianceReduction, 1)}`);
      lines.push(v.clv.change === null ? `    CLV: ${v.clv.reason ?? '—'}` : `    implied CLV change ${money(v.clv.change)} per customer (${money(v.clv.lower)} … ${money(v.clv.upper)})`);
    }
  }
  lines.push(`SRM: p = ${pv(r.srm.pValue)}${r.srm.flagged ? ' — FLAGGED (p < 0.001): the split is not what was planned' : ''} (${r.srm.split.map((s) => `${s.variant} ${fmtInt(s.observed)} vs ${Math.round(s.expected)} expected`).join(', ')})`);
  return lines.join('\n');
}

interface DesignFlags { baseline?: string; mde?: string; db?: string; segment?: string; kpi?: string; alpha?: string; power?: string; windowDays?: string; json?: boolean }
interface ReadoutFlags { db: string; experiment: string; windowDays?: string; control?: string; split?: string; json?: boolean }

export function registerExperiment(program: Command, out: (json: boolean) => Output): void {
  const exp = program.command('experiment').description('experiments: sample sizes before, lift with CUPED and SRM checks after');

  exp
    .command('design')
    .description('customers per arm, in all, and days of traffic an experiment needs')
    .option('--baseline <rate>', 'control conversion rate in (0, 1)')
    .option('--mde <effect>', 'minimum detectable effect: absolute with --baseline (0.02), relative with --segment (0.1 = +10%)')
    .option('--db <location>', 'store: DuckDB file, postgres://…, chdb:<dir> or clickhouse://… (with --segment)')
    .option('--segment <id|name>', 'a segment of the store table customer_segments, by id (3) or name (app-first); an unknown one lists them (exit 2)')
    .option('--kpi <name>', `the segment KPI: ${KPIS.join('|')}`, 'conversion')
    .option('--window-days <n>', 'the KPI window (with --segment)', '14')
    .option('--alpha <a>', 'two-sided significance level', '0.05')
    .option('--power <p>', 'power', '0.8')
    .option('--json', 'print {"perArm","total","days",…} as the last line of stdout')
    .addHelpText('after', `
Two proportions (Fleiss et al. 2003, eq. 4.14): n = [z(1−α/2)√(2p̄q̄) + z(1−β)√(p1q1 + p2q2)]² / (p2 − p1)²;
revenue (Welch means): n = (t(1−α/2) + t(1−β))² (σc² + σt²) / δ². days = total / the segment's daily active customers.

Examples:
  spiral experiment design --baseline 0.10 --mde 0.02 --json          → {"perArm":3841,"total":7682,"days":null,…}
  spiral experiment design --db shop.duckdb --segment 3 --kpi conversion --mde 0.1
  spiral experiment design --db shop.duckdb --segment app-first --kpi revenue --mde 0.05`)
    .action(async (flags: DesignFlags) => {
      const o = out(Boolean(flags.json));
      const alpha = numberFlag('alpha', flags.alpha, open01, 'a number in (0, 1)');
      const power = numberFlag('power', flags.power, open01, 'a number in (0, 1)');
      const mde = numberFlag('mde', flags.mde, (n) => n !== 0, 'a non-zero number');
      if (mde === undefined) throw new UsageError('--mde is required');
      if (flags.segment !== undefined || flags.db !== undefined) {
        if (flags.baseline !== undefined) throw new UsageError('give either --baseline or --db with --segment, not both');
        if (!flags.db || !flags.segment) throw new UsageError('--db and --segment go together');
        const kpi = flags.kpi ?? 'conversion';
        if (!(KPIS as readonly string[]).includes(kpi)) throw new UsageError(`--kpi must be one of ${KPIS.join(', ')}, got "${kpi}"`);
        const windowDays = intFlag('window-days', flags.windowDays, 1) ?? 14;
        const segment = flags.segment;
        const d = await withStore(flags.db, (store) => designForSegment(store, { segment, kpi: kpi as Kpi, mdeRelative: mde, alpha, power, windowDays }), { anyEngine: true });
        o.result(d, designSummary(d));
        return;
      }
      const baseline = numberFlag('baseline', flags.baseline, open01, 'a rate in (0, 1)');
      if (baseline === undefined) throw new UsageError('give --baseline <rate> --mde <abs>, or --db <path> --segment <id> --kpi <name> --mde <rel>');
      if (!(baseline + mde > 0 && baseline + mde < 1)) throw new UsageError(`--baseline + --mde must stay in (0, 1), got ${baseline + mde}`);
      const d = twoProportionDesign({ baseline, mde, alpha, power });
      o.result({ perArm: d.perArm, total: d.total, days: d.days, exact: d.exact, method: d.method, baseline, mde, alpha: alpha ?? 0.05, power: power ?? 0.8 }, designSummary(d));
    });

  exp
    .command('readout')
    .description('an experiment\'s readout from the log: conversion and revenue lift with intervals, CUPED, SRM, implied CLV change')
    .requiredOption('--db <location>', 'store: DuckDB file, postgres://…, chdb:<dir> or clickhouse://…')
    .requiredOption('--experiment <id>', 'the experiment id (props.experiment of its exposure events)')
    .option('--window-days <n>', 'conversion window after the first exposure, in days', '14')
    .option('--control <name>', 'the control variant (default: the variant named "control")')
    .option('--split <shares>', 'planned split for the SRM check: 50,50 (control first, then the others by name) or control=90,b=10; default equal')
    .option('--json', 'print the readout as JSON on the last line of stdout')
    .addHelpText('after', `
Assignment: a customer's first exposure event with props.experiment = <id> names their variant (props.variant);
customers seen in two variants are counted and excluded. Conversion: a purchase within the window after the
first exposure. Exit codes: 0 readout printed (its "status" says whether a comparison was possible),
2 bad usage or an experiment id not in the log (the message lists the experiments found).`)
    .action(async (flags: ReadoutFlags) => {
      const o = out(Boolean(flags.json));
      const windowDays = intFlag('window-days', flags.windowDays, 1) ?? 14;
      if (windowDays > 3650) throw new UsageError(`--window-days must be at most 3650, got "${flags.windowDays}"`);
      const split = parseSplit(flags.split);
      const r = await withStore(flags.db, (store) => readoutExperiment(store, flags.experiment, { windowDays, control: flags.control, split }), { anyEngine: true });
      o.result(r, readoutSummary(r));
    });
}
