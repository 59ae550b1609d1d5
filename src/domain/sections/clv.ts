/**
 * The CLV section of the analysis result: buy-till-you-die purchase model (BG/NBD) and Gamma-Gamma
 * spend fitted on the store's purchases, customer equity, the CLV distribution, the top customers,
 * holdout validation (tracking curve, calibration vs holdout by frequency) and a P(alive) heat map.
 * Every number is finite; a number that could not be computed is null, with a status and message.
 */
import { z } from 'zod';

const num = z.number();
const params = z.record(z.string(), num);

export const ClvFitSchema = z.object({
  /** 'bgnbd' | 'pnbd' | 'mbgnbd' | 'ggamma' */
  model: z.string(),
  params,
  stdErrors: z.record(z.string(), num.nullable()),
  /** Σ over customers, in the units of the data. */
  logLikelihood: num,
  converged: z.boolean(),
  iterations: z.number().int().nonnegative(),
  customers: z.number().int().nonnegative(),
  /** Distinct sufficient-statistic tuples the fit used. */
  tuples: z.number().int().nonnegative(),
});
export type ClvFit = z.infer<typeof ClvFitSchema>;

export const ClvTrackingRowSchema = z.object({
  /** Week index from the cohort's first purchase day (0-based). */
  week: z.number().int().nonnegative(),
  /** First day of the week, YYYY-MM-DD. */
  weekStart: z.string(),
  actual: num,
  predicted: num,
  holdout: z.boolean(),
});

export const ClvFrequencyRowSchema = z.object({
  /** Calibration repeat purchases: "0", "1", …, or a range like "7+". */
  frequency: z.string(),
  customers: z.number().int().nonnegative(),
  /** Mean holdout repeat purchases per customer. */
  actual: num,
  predicted: num,
});

export const ClvValidationSchema = z.object({
  calibrationEnd: z.string(),
  holdoutEnd: z.string(),
  /** Holdout length in the unit. */
  holdoutLength: num,
  fit: ClvFitSchema,
  customers: z.number().int().nonnegative(),
  /** Σ holdout repeat purchases of the calibration cohort, and the model's prediction. */
  actual: num,
  predicted: num,
  mae: num,
  rmse: num,
  tracking: z.array(ClvTrackingRowSchema),
  byFrequency: z.array(ClvFrequencyRowSchema),
});
export type ClvValidation = z.infer<typeof ClvValidationSchema>;

export const ClvTopCustomerSchema = z.object({
  customerId: z.string(),
  x: z.number().int().nonnegative(),
  t_x: num,
  T: num,
  monetary: num.nullable(),
  pAlive: num,
  expectedPurchases: num,
  expectedSpend: num.nullable(),
  clv: num.nullable(),
});

export const ClvSectionSchema = z.object({
  status: z.enum(['ok', 'insufficient', 'failed']),
  /** Why the section is incomplete (status other than ok), else null. */
  message: z.string().nullable(),
  unit: z.enum(['day', 'week', 'month']),
  firstPurchase: z.string().nullable(),
  lastPurchase: z.string().nullable(),
  purchasers: z.number().int().nonnegative(),
  /** How the calibration period (and holdout) were chosen, in words. */
  periodNote: z.string(),
  /** The full-history fit that the scores and customer equity come from. */
  calibrationEnd: z.string().nullable(),
  customers: z.number().int().nonnegative(),
  repeatBuyers: z.number().int().nonnegative(),
  model: ClvFitSchema.nullable(),
  spend: ClvFitSchema.nullable(),
  /** Population mean spend per purchase pγ/(q−1); null when q <= 1 or no spend model. */
  meanSpend: num.nullable(),
  discount: z.object({
    annualRate: num,
    perPeriodRate: num,
    horizonPeriods: z.number().int().positive(),
    margin: num,
  }),
  /** The formulas behind the numbers, as text (CLV, discounting, P(alive), expected purchases). */
  formulas: z.array(z.object({ name: z.string(), text: z.string() })),
  equity: z.object({
    customerEquity: num.nullable(),
    meanClv: num.nullable(),
    medianClv: num.nullable(),
    /** Share of customer equity held by the top 10% of customers by CLV. */
    top10Share: num.nullable(),
    /** Σ expected purchases over the horizon, and Σ P(alive) (expected customers still active). */
    expectedPurchases: num.nullable(),
    expectedActive: num.nullable(),
    /** Name of the store table with the per-customer scores. */
    scoresTable: z.string().nullable(),
  }),
  /** CLV histogram: equal-width bins up to the 99th percentile, then one bin to the maximum. */
  distribution: z.array(z.object({ from: num, to: num, customers: z.number().int().nonnegative() })),
  topCustomers: z.array(ClvTopCustomerSchema),
  validation: ClvValidationSchema.nullable(),
  /** Mean P(alive) by calibration frequency (rows) × periods since the last purchase (columns). */
  pAliveHeatmap: z.object({
    frequency: z.array(z.string()),
    recency: z.array(z.string()),
    /** recency label meaning, e.g. "weeks since the last purchase". */
    recencyNote: z.string(),
    cells: z.array(z.object({ f: z.number().int(), r: z.number().int(), customers: z.number().int().nonnegative(), pAlive: num.nullable() })),
  }).nullable(),
});
export type ClvSection = z.infer<typeof ClvSectionSchema>;
