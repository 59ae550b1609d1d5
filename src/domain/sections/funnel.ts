/**
 * The funnel section of the analysis result (issue 6): the networked funnel (awareness →
 * consideration → preference → action → loyalty → advocacy) with each customer's furthest stage,
 * stage-to-stage conversion and time to convert by cohort and channel; each conversion credited to
 * a peer touch, a firm touch or none (last touch, Shapley over {peer, firm}, Markov removal effect);
 * the peer and firm effects against a matched baseline; and the paths to value (the step sequences
 * before and after a purchase, drop-off per step, and the recognize / request / respond phases).
 * A number that could not be computed is null, never 0 and never NaN.
 */
import { z } from 'zod';

const num = z.number();
const nnum = z.number().nullable();
const count = z.number().int().nonnegative();

export const FUNNEL_STAGES = ['awareness', 'consideration', 'preference', 'action', 'loyalty', 'advocacy'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];
export const FunnelStageSchema = z.enum(FUNNEL_STAGES);

export const StageRowSchema = z.object({
  stage: FunnelStageSchema,
  /** Customers who reached the stage or one after it (reaching a stage counts as passing the ones before). */
  reached: count,
  /** Customers whose furthest stage this is. */
  furthest: count,
  /** Customers with an event of the stage itself (not only implied by a later one). */
  direct: count,
});

export const ConversionRowSchema = z.object({
  /** 'all', 'cohort' (first-seen month, YYYY-MM) or 'channel' (the channel of the customer's first event). */
  segment: z.enum(['all', 'cohort', 'channel']),
  key: z.string().nullable(),
  from: FunnelStageSchema,
  to: FunnelStageSchema,
  reached: count,
  converted: count,
  rate: nnum,
  medianDays: nnum,
  p75Days: nnum,
});
export type ConversionRow = z.infer<typeof ConversionRowSchema>;

export const StepRowSchema = z.object({
  step: z.string(),
  customers: count,
  /** Share of the previous step's customers; null for the first step or when it had none. */
  rate: nnum,
  /** Share of the first step's customers. */
  overall: nnum,
});

export const CreditSchema = z.object({
  peer: nnum,
  firm: nnum,
  none: nnum,
});

export const LastTouchRowSchema = z.object({
  stage: FunnelStageSchema,
  conversions: count,
  peer: count,
  firm: count,
  none: count,
});

export const TouchPathSchema = z.object({
  /** Touches in time order within the lookback window, repeats collapsed ('firm>peer'), '' = none. */
  path: z.string(),
  customers: count,
  conversions: count,
  rate: nnum,
});

export const EffectSchema = z.object({
  status: z.enum(['ok', 'insufficient']),
  message: z.string().nullable(),
  /** Mantel–Haenszel risk ratio of conversion, touched vs not, within strata. */
  riskRatio: nnum,
  lower: nnum,
  upper: nnum,
  /** The unstratified ratio, for contrast. */
  naiveRiskRatio: nnum,
  treated: count,
  controls: count,
  treatedConversion: nnum,
  controlConversion: nnum,
  strata: count,
  method: z.string(),
});
export type Effect = z.infer<typeof EffectSchema>;

export const AttributionSchema = z.object({
  /** The stage whose conversions are credited by the multi-touch models. */
  target: FunnelStageSchema,
  /** Customers at risk (reached awareness) and those who converted (own purchase event). */
  customers: count,
  conversions: count,
  /** Last touch within the lookback window before each stage was reached. */
  lastTouch: z.array(LastTouchRowSchema),
  /** Shares of the target's conversions (peer + firm + none = 1). */
  lastTouchShares: CreditSchema,
  shapley: CreditSchema.extend({ peerConversions: nnum, firmConversions: nnum, noneConversions: nnum }),
  markov: CreditSchema.extend({ peerRemovalEffect: nnum, firmRemovalEffect: nnum }),
  paths: z.array(TouchPathSchema),
  message: z.string().nullable(),
});

export const PathRowSchema = z.object({ path: z.string(), customers: count });
export const LinkSchema = z.object({ source: z.string(), target: z.string(), customers: count });
export const DropoffRowSchema = z.object({
  position: z.number().int().positive(),
  /** Customers whose journey has a step at this position. */
  customers: count,
  /** … whose step here is the purchase. */
  purchased: count,
  /** … who go on to another step. */
  continued: count,
  /** … whose journey ends here without a purchase (or is cut at the length cap: see `truncated`). */
  dropped: count,
  truncated: count,
});

export const PhaseStatsSchema = z.object({ customers: count, medianHours: nnum, p75Hours: nnum });
export const PhaseRowSchema = z.object({
  /** 'all', 'acquisition' (referred: a peer share/referral reached them before their first own event) or 'channel'. */
  segment: z.enum(['all', 'acquisition', 'channel']),
  key: z.string().nullable(),
  recognized: count,
  requested: count,
  purchased: count,
  recognize: PhaseStatsSchema,
  request: PhaseStatsSchema,
  respond: PhaseStatsSchema,
  total: PhaseStatsSchema,
});

export const PathsSchema = z.object({
  maxSteps: z.number().int().positive(),
  /** Most frequent collapsed step sequences ending in the first purchase (the last steps before it). */
  before: z.array(PathRowSchema),
  /** Most frequent sequences starting with the first purchase. */
  after: z.array(PathRowSchema),
  /** Sankey links between position-numbered steps ('1 view' → '2 cart'), terminal 'purchase' / 'drop-off'. */
  links: z.array(LinkSchema),
  dropoff: z.array(DropoffRowSchema),
  phases: z.array(PhaseRowSchema),
  phaseNote: z.string(),
});

export const FunnelSectionSchema = z.object({
  status: z.enum(['ok', 'no-purchases']),
  message: z.string().nullable(),
  warnings: z.array(z.string()),
  lookbackDays: num,
  customers: count,
  span: z.object({ start: z.string().nullable(), end: z.string().nullable() }),
  stages: z.array(StageRowSchema),
  conversions: z.array(ConversionRowSchema),
  /** The ordered event funnel view → save/cart → purchase (each step after the previous one). */
  steps: z.array(StepRowSchema),
  touches: z.object({ peerCustomers: count, firmCustomers: count, peerTouches: count, firmTouches: count, definition: z.string() }),
  attribution: AttributionSchema,
  peerEffect: EffectSchema,
  firmEffect: EffectSchema,
  paths: PathsSchema,
  definitions: z.array(z.object({ name: z.string(), text: z.string() })),
});
export type FunnelSection = z.infer<typeof FunnelSectionSchema>;
