/**
 * An experiment's readout: the store gives per-variant sufficient statistics (queries.ts), the
 * statistics run here on those few rows (models/stats). Definitions:
 *   - assignment: a customer's first exposure event with props.experiment = the id names the variant;
 *     customers seen in two variants are counted and excluded;
 *   - conversion: a purchase in [first exposure, first exposure + window); revenue: the purchases'
 *     amounts in that window per exposed customer (0 without a purchase);
 *   - customers whose window runs past the log's last event are counted and excluded;
 *   - lift vs the control: Welch on the 0/1 outcome, relative lift with a delta-method interval;
 *   - CUPED: the same metric in [first exposure − window, first exposure) as covariate, θ pooled;
 *   - SRM: χ² of the assigned customers (single-variant) against the planned split, flagged at p < 0.001;
 *   - CLV: relative conversion lift × the control's mean expected CLV (clv_scores), per customer.
 */
import { InvalidArgumentsError } from '../../models/numeric/errors.js';
import { compareArms, compareArmsCuped, type ArmMoments, type Comparison, type CupedComparison } from '../../models/stats/compare.js';
import { sampleRatioMismatch, SRM_DEFAULTS } from '../../models/stats/srm.js';
import type { ExperimentReadout, ExperimentSummary, Lift, VariantReadout } from '../../domain/sections/experiments.js';
import type { Store } from '../../store/types.js';
import { hasTable, listExperiments, queryVariantStats, type VariantStats } from './queries.js';
import { TABLES } from '../../sql/tables.js';

export const READOUT_DEFAULTS = { windowDays: 14, control: 'control', alpha: 0.05 } as const;

export interface ReadoutOptions {
  windowDays?: number;
  /** The control variant's name; default 'control'. */
  control?: string;
  /** Planned shares in the order control, then the other variants by name; or by variant name. Default equal. */
  split?: number[] | Record<string, number>;
  alpha?: number;
  /** Why there is no CLV (e.g. no clv_scores table); shown on every variant when CLV is missing. */
  clvReason?: string;
}

/** The experiment id is not in the log (carries the experiments that are, for the message). */
export class UnknownExperimentError extends InvalidArgumentsError {
  constructor(readonly experiment: string, readonly found: ExperimentSummary[]) {
    super(
      `experiment "${experiment}" is not in the log: ` +
        (found.length === 0
          ? 'there are no exposure events with props.experiment and props.variant'
          : `the experiments found are ${found.map((e) => `"${e.experiment}" (${e.variants.map((v) => v.variant).join(', ')}; ${e.customers} customers)`).join(', ')}`),
    );
  }
}

export const READOUT_METHODS = [
  { name: 'assignment', text: 'A customer\'s first exposure event with props.experiment = the experiment id assigns them to its props.variant; customers seen in two variants are counted and excluded.' },
  { name: 'conversion', text: 'A purchase in [first exposure, first exposure + window). Customers whose window runs past the last event in the log are counted and excluded.' },
  { name: 'lift', text: 'Welch t-test of the difference (absolute lift, its 95% interval and the p-value); relative lift = treatment/control − 1 with a delta-method 95% interval (lower/upper).' },
  { name: 'revenue', text: 'Revenue of purchases in the window per exposed customer (0 without a purchase), compared the same way (Welch, delta method).' },
  { name: 'CUPED', text: 'Covariate: the same metric in the window of the same length before the first exposure; θ = Cov(Y, X)/Var(X) pooled within the arms; variance reduction = 1 − Var(lift, CUPED)/Var(lift).' },
  { name: 'SRM', text: 'Chi-square goodness of fit of the customers assigned per variant against the planned split (equal unless --split), flagged at p < 0.001.' },
  { name: 'CLV', text: 'Implied change in expected CLV per customer = relative conversion lift × the control\'s mean CLV from clv_scores, assuming the lift carries over to the purchase rate behind CLV.' },
];

const NULL_LIFT: Lift = { absolute: null, relative: null, lower: null, upper: null, absoluteLower: null, absoluteUpper: null };

function liftOf(c: Comparison | null): Lift {
  if (c === null) return NULL_LIFT;
  return { absolute: c.absolute, relative: c.relative, lower: c.lower, upper: c.upper, absoluteLower: c.absoluteLower, absoluteUpper: c.absoluteUpper };
}

function cupedOf(c: CupedComparison | null, message: string | null): VariantReadout['cuped']['revenue'] {
  if (c === null) return { ...NULL_LIFT, theta: null, varianceReduction: null, pValue: null, message: message ?? 'the pre-exposure period does not vary: no CUPED adjustment' };
  return { ...liftOf(c), theta: c.theta, varianceReduction: c.varianceReduction, pValue: c.pValue, message };
}

const safe = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidArgumentsError) return null;
    throw e;
  }
};

function plannedWeights(names: string[], split: ReadoutOptions['split']): number[] {
  if (split === undefined) return names.map(() => 1);
  if (Array.isArray(split)) {
    if (split.length !== names.length) {
      throw new InvalidArgumentsError(`--split has ${split.length} shares but the experiment has ${names.length} variants (${names.join(', ')}, in that order)`);
    }
    return split;
  }
  const missing = names.filter((v) => !(v in split));
  if (missing.length) throw new InvalidArgumentsError(`--split names no share for ${missing.join(', ')} (variants: ${names.join(', ')})`);
  return names.map((v) => split[v]);
}

/** Builds the readout from per-variant statistics (pure: no store). */
export function buildReadout(experiment: string, stats: VariantStats[], opts: ReadoutOptions = {}): ExperimentReadout {
  const windowDays = opts.windowDays ?? READOUT_DEFAULTS.windowDays;
  const alpha = opts.alpha ?? READOUT_DEFAULTS.alpha;
  const controlName = opts.control ?? READOUT_DEFAULTS.control;
  const names = stats.map((s) => s.variant);
  if (opts.control !== undefined && !names.includes(opts.control)) {
    throw new InvalidArgumentsError(`--control "${opts.control}" is not a variant of experiment "${experiment}" (variants: ${names.join(', ')})`);
  }
  const control = stats.find((s) => s.variant === controlName) ?? null;
  // control first, the others by name
  const ordered = control ? [control, ...stats.filter((s) => s !== control)] : stats;
  const weights = plannedWeights(ordered.map((s) => s.variant), opts.split);
  const observed = ordered.map((s) => s.assigned - s.inTwoVariants);
  const srmResult = ordered.length >= 2 ? sampleRatioMismatch(observed, weights, SRM_DEFAULTS.threshold) : null;
  const wsum = weights.reduce((a, b) => a + b, 0);
  const srm = {
    pValue: srmResult?.pValue ?? null,
    flagged: srmResult?.flagged ?? false,
    chiSquare: srmResult?.chiSquare ?? null,
    split: ordered.map((s, i) => ({ variant: s.variant, planned: weights[i] / wsum, observed: observed[i], expected: srmResult?.expected[i] ?? observed[i] })),
  };
  const exposed = stats.reduce((a, s) => a + s.assigned, 0);
  const inTwoVariants = stats.reduce((a, s) => a + s.inTwoVariants, 0);
  const incompleteWindow = stats.reduce((a, s) => a + s.incompleteWindow, 0);
  const analysed = stats.reduce((a, s) => a + s.conversion.n, 0);
  const conversions = stats.reduce((a, s) => a + s.conversion.sumY, 0);

  let status: ExperimentReadout['status'] = 'ok';
  let message: string | null = null;
  if (stats.length < 2) {
    status = 'one-variant';
    message = `only one variant (${names.join(', ')}) has exposed customers: nothing to compare`;
  } else if (!control) {
    status = 'no-control';
    message = `no variant is named "${controlName}": name the control with --control (variants: ${names.join(', ')})`;
  } else if (analysed === 0 && incompleteWindow > 0) {
    status = 'window-incomplete';
    message = `every exposed customer's ${windowDays}-day window runs past the end of the log: wait, or shorten --window-days`;
  } else if (ordered.some((s) => s.conversion.n < 2)) {
    status = 'too-few-customers';
    message = `a variant has fewer than 2 customers with a complete window (${ordered.map((s) => `${s.variant} ${s.conversion.n}`).join(', ')})`;
  } else if (conversions === 0) {
    status = 'no-conversions';
    message = `no exposed customer purchased within ${windowDays} days of exposure: the lift is undefined`;
  } else if (inTwoVariants > 0) {
    status = 'customers-in-two-variants';
    message = `${inTwoVariants} customers were exposed to two variants and are excluded; check the assignment`;
  }
  const notes: string[] = message ? [message] : [];
  if (incompleteWindow > 0 && status !== 'window-incomplete') notes.push(`${incompleteWindow} customers exposed less than ${windowDays} days before the end of the log are excluded`);
  if (srm.flagged) notes.push(`sample ratio mismatch (p = ${srm.pValue?.toExponential(2)}): the assignment does not match the planned split, so the lift may be biased`);

  const canCompare = status === 'ok' || status === 'customers-in-two-variants' || status === 'no-conversions';
  const rows: VariantReadout[] = ordered.map((s) => {
    const isControl = s === control;
    const compare = canCompare && !isControl && control !== null;
    const conv = compare ? safe(() => compareArms(control.conversion, s.conversion, alpha)) : null;
    const rev = compare ? safe(() => compareArms(control.revenue, s.revenue, alpha)) : null;
    const cConv = compare ? safe(() => compareArmsCuped(control.conversion, s.conversion, alpha)) : null;
    const cRev = compare ? safe(() => compareArmsCuped(control.revenue, s.revenue, alpha)) : null;
    const noCompare = isControl ? 'the control' : 'no comparison (see the status)';
    const n = s.conversion.n;
    const clvMessage = s.clvMean === null ? opts.clvReason ?? 'no CLV scores for these customers' : null;
    const rel = conv?.relative ?? null;
    const base = control?.clvMean ?? null;
    const clvChange = !isControl && rel !== null && base !== null ? rel * base : null;
    return {
      variant: s.variant,
      customers: n,
      conversions: s.conversion.sumY,
      rate: n > 0 ? s.conversion.sumY / n : null,
      lift: liftOf(conv),
      pValue: conv?.pValue ?? null,
      revenue: { ...liftOf(rev), perCustomer: n > 0 ? s.revenue.sumY / n : null, total: s.revenue.sumY, pValue: rev?.pValue ?? null },
      cuped: {
        ...cupedOf(cConv, compare ? null : noCompare),
        revenue: cupedOf(cRev, compare ? null : noCompare),
      },
      clv: {
        perCustomer: s.clvMean,
        change: clvChange,
        lower: clvChange !== null && conv?.lower != null && base !== null ? conv.lower * base : null,
        upper: clvChange !== null && conv?.upper != null && base !== null ? conv.upper * base : null,
        total: clvChange !== null ? clvChange * n : null,
        reason: clvMessage ?? (isControl ? 'the control' : clvChange === null ? 'no relative lift or no CLV for the control' : null),
      },
    };
  });
  const firsts = stats.map((s) => s.firstExposure).filter((x): x is string => x !== null).sort();
  const lasts = stats.map((s) => s.lastExposure).filter((x): x is string => x !== null).sort();
  return {
    experiment,
    control: control?.variant ?? null,
    status,
    message: notes.length ? notes.join('; ') : null,
    windowDays,
    variants: rows,
    srm,
    exposed,
    inTwoVariants,
    incompleteWindow,
    firstExposure: firsts[0] ?? null,
    lastExposure: lasts[lasts.length - 1] ?? null,
    methods: READOUT_METHODS,
  };
}

export interface StoreReadoutOptions extends ReadoutOptions {
  /** The experiments found, if the caller listed them already. */
  found?: ExperimentSummary[];
}

/** Reads an experiment out of the store; UnknownExperimentError (exit 2) when the log has no such experiment. */
export async function readoutExperiment(store: Store, experiment: string, opts: StoreReadoutOptions = {}): Promise<ExperimentReadout> {
  const windowDays = opts.windowDays ?? READOUT_DEFAULTS.windowDays;
  if (!(Number.isInteger(windowDays) && windowDays >= 1)) throw new InvalidArgumentsError(`window must be a whole number of days >= 1, got ${windowDays}`);
  const found = opts.found ?? (await listExperiments(store));
  if (!found.some((e) => e.experiment === experiment)) throw new UnknownExperimentError(experiment, found);
  const withClv = await hasTable(store, TABLES.clvScores, ['customer_id', 'clv']);
  const stats = await queryVariantStats(store, experiment, windowDays, withClv);
  const clvReason = withClv ? undefined : 'the store has no clv_scores table: run spiral clv score (or spiral analyze) first';
  return buildReadout(experiment, stats, { ...opts, windowDays, clvReason });
}
