/**
 * The experiments section of the analysis result (issue 11), and the readout document that
 * `spiral experiment readout --json` prints: per experiment found in the log (exposure events with
 * props.experiment and props.variant), each variant against the control — conversion within the
 * window after the first exposure, revenue per exposed customer (Welch), a CUPED-adjusted estimate
 * with the variance reduction it achieved, the implied change in expected CLV — and a sample ratio
 * mismatch check against the planned split. A number that could not be computed is null, never NaN.
 */
import { z } from 'zod';

const nnum = z.number().nullable();
const count = z.number().int().nonnegative();

export const READOUT_STATUSES = ['ok', 'customers-in-two-variants', 'one-variant', 'no-control', 'no-conversions', 'too-few-customers', 'window-incomplete'] as const;

/** A lift with its 95% intervals: `lower`/`upper` bound the relative lift (delta method). */
export const LiftSchema = z.object({
  absolute: nnum,
  relative: nnum,
  lower: nnum,
  upper: nnum,
  absoluteLower: nnum,
  absoluteUpper: nnum,
});
export type Lift = z.infer<typeof LiftSchema>;

export const CupedEstimateSchema = LiftSchema.extend({
  /** θ = Cov(Y, X)/Var(X), pooled within the two arms. */
  theta: nnum,
  /** 1 − Var(lift, CUPED)/Var(lift, unadjusted). */
  varianceReduction: nnum,
  pValue: nnum,
  message: z.string().nullable(),
});

export const VariantReadoutSchema = z.object({
  variant: z.string(),
  /** Exposed customers assigned to the variant (first exposure), with a complete window, not in two variants. */
  customers: count,
  /** … who purchased within the window after their first exposure. */
  conversions: count,
  rate: nnum,
  /** Against the control; all null on the control's own row. */
  lift: LiftSchema,
  pValue: nnum,
  revenue: LiftSchema.extend({
    /** Revenue in the window per exposed customer (customers without a purchase count as 0). */
    perCustomer: nnum,
    total: z.number(),
    pValue: nnum,
  }),
  /** CUPED on conversion (covariate: a purchase in the same-length window before exposure) and on revenue. */
  cuped: CupedEstimateSchema.extend({ revenue: CupedEstimateSchema }),
  clv: z.object({
    /** Mean expected CLV (clv_scores) of the variant's customers. */
    perCustomer: nnum,
    /** Implied change in expected CLV per customer: relative conversion lift × the control's mean CLV; with its interval. */
    change: nnum,
    lower: nnum,
    upper: nnum,
    /** change × the variant's customers. */
    total: nnum,
    reason: z.string().nullable(),
  }),
});
export type VariantReadout = z.infer<typeof VariantReadoutSchema>;

export const ExperimentReadoutSchema = z.object({
  experiment: z.string(),
  control: z.string().nullable(),
  status: z.enum(READOUT_STATUSES),
  message: z.string().nullable(),
  windowDays: z.number().positive(),
  variants: z.array(VariantReadoutSchema),
  srm: z.object({
    pValue: nnum,
    flagged: z.boolean(),
    chiSquare: nnum,
    /** Planned share and observed / expected customers per variant (all assigned customers, before the window filter). */
    split: z.array(z.object({ variant: z.string(), planned: z.number(), observed: count, expected: z.number() })),
  }),
  /** Customers exposed to the experiment (first exposure), seen in two variants (excluded), and whose window runs past the log's end (excluded). */
  exposed: count,
  inTwoVariants: count,
  incompleteWindow: count,
  firstExposure: z.string().nullable(),
  lastExposure: z.string().nullable(),
  methods: z.array(z.object({ name: z.string(), text: z.string() })),
});
export type ExperimentReadout = z.infer<typeof ExperimentReadoutSchema>;

export const ExperimentSummarySchema = z.object({
  experiment: z.string(),
  variants: z.array(z.object({ variant: z.string(), customers: count })),
  customers: count,
  firstExposure: z.string().nullable(),
  lastExposure: z.string().nullable(),
});
export type ExperimentSummary = z.infer<typeof ExperimentSummarySchema>;

export const ExperimentsSectionSchema = z.object({
  windowDays: z.number().positive(),
  found: z.array(ExperimentSummarySchema),
  readouts: z.array(ExperimentReadoutSchema),
});
export type ExperimentsSection = z.infer<typeof ExperimentsSectionSchema>;
