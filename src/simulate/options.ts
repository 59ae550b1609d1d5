/**
 * The simulator's options: one zod schema (validated at the edge, errors name the field), the
 * defaults, and the resolved form the engine trusts. Every mechanism has its own block so a later
 * mechanism adds a block without touching the others.
 */
import { z } from 'zod';
import { InvalidArgumentsError } from '../models/numeric/random.js';

const positive = z.number().finite().positive();
const probability = z.number().finite().min(0).max(1);
const nonNegative = z.number().finite().min(0);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a real calendar date');

/**
 * BG/NBD (Fader, Hardie & Lee 2005), time unit = week: lambda ~ Gamma(r, alpha), p ~ Beta(a, b).
 * `dropout`: one fixed dropout probability per repeat purchase for every customer instead of
 * p ~ Beta(a, b) (0 = nobody ever drops out; the a, b → ∞ limit of BG/NBD with a/(a+b) = dropout).
 */
export const BgNbdParamsSchema = z.object({ r: positive, alpha: positive, a: positive, b: positive, dropout: z.number().min(0).max(1).optional() }).strict();
/** Gamma-Gamma spend (Fader, Hardie & Lee 2005 "RFM and CLV"): nu ~ Gamma(q, gamma), spend ~ Gamma(p, nu). */
export const GammaGammaParamsSchema = z.object({ p: positive, q: positive, gamma: positive }).strict();

export const AcquisitionSchema = z
  .object({
    /** Organic arrivals are uniform over the first `weeks` weeks of the window; default: the whole window. */
    weeks: positive.nullable(),
    /** Share of customers brought in by another customer's referral. */
    referredShare: probability,
    /** Mean days from a referral to the referred customer's first event. */
    referralDelayDays: positive,
    /** Share of non-referred customers acquired by a firm touch (an `ad` exposure before the first visit). */
    firmShare: probability,
    /** Mean days from the acquiring exposure to the first visit. */
    firmDelayDays: positive,
  })
  .strict();

export const ProspectsSchema = z
  .object({
    /** Visitors who never buy, per customer (0.25 = 250k prospects for 1M customers). */
    ratio: nonNegative.max(10),
  })
  .strict();

export const CatalogueSchema = z
  .object({
    items: z.number().int().min(1).max(1_000_000),
    /** Popularity of the item of rank k is proportional to k^-zipf. */
    zipf: nonNegative.max(5),
    /** Items' latent quality (the mean star rating of their reviews). */
    qualityMean: z.number().finite().min(1).max(5),
    qualitySd: nonNegative.max(3),
    /** A repeat purchase is of the customer's first item (replenishment) with this probability. */
    repeatItemProb: probability,
  })
  .strict();

export const FunnelSchema = z
  .object({
    /** P(search) at the start of a session (organic first visits always search). */
    searchProb: probability,
    /** Views of the item in a session = 1 + Poisson(extraViewsMean). */
    extraViewsMean: nonNegative.max(50),
    saveProb: probability,
    /** P(cart before a purchase); an abandoned session carts with `abandonCartProb`. */
    cartProb: probability,
    abandonCartProb: probability,
    /** Abandoned (non-buying) sessions per purchase opportunity: a Poisson process at rate abandonRatio·lambda while alive. */
    abandonRatio: nonNegative.max(50),
    /** Mean seconds between two steps of a session (plus a 5 s floor). */
    stepSeconds: positive.max(86_400),
  })
  .strict();

export const ExposuresSchema = z
  .object({
    /** An email campaign every this many weeks; 0 turns campaigns off. */
    campaignEveryWeeks: nonNegative.max(520),
    /** P(a given customer gets a given campaign). */
    campaignReach: probability,
  })
  .strict();

export const NetworkSchema = z
  .object({
    /** Follows a new customer makes at arrival: Poisson(followsMean), targets by preferential attachment. */
    followsMean: nonNegative.max(100),
    /** Share of attachment draws made uniformly over existing customers (the rest ∝ degree). */
    uniformShare: probability,
    /** P(a referred customer follows their referrer). */
    followReferrerProb: probability,
    /** Mean days from the first purchase to a follow. */
    followDelayDays: positive,
  })
  .strict();

export const SocialSchema = z
  .object({
    /** P(a purchase is shared with a peer) and the mean delay in days. */
    shareProb: probability,
    shareDelayDays: positive,
    /** P(a purchase is reviewed) and the mean delay in days. */
    reviewProb: probability,
    reviewDelayDays: positive,
    /** Sd of a rating around the item's quality before rounding to 1..5. */
    ratingSd: nonNegative.max(5),
  })
  .strict();

/** Brand dynamics with known parameters (mechanisms/brand.ts); off unless the block is given. */
export const BrandFlowSchema = z
  .object({
    /** c, φ (persistence on ln(1 + flow)), γ (stock effect on ln(1 + stock)), σ of the log-intensity. */
    intercept: z.number().finite(),
    persistence: z.number().finite().min(-0.95).max(0.95),
    stockEffect: z.number().finite().min(-0.95).max(0.95),
    sd: nonNegative.max(3),
  })
  .strict();
export const BrandIdeasSchema = z
  .object({
    count: z.number().int().min(0).max(10_000),
    openShare: probability,
    ordersPerVote: nonNegative.max(100),
    medianVotes: positive.max(1_000_000),
    minVotes: z.number().int().min(0),
    voteWeeks: z.number().int().min(1).max(52),
    launchLagWeeks: z.number().int().min(0).max(52),
  })
  .strict();
export const BrandSimSchema = z
  .object({
    /** Bass p and q per week for customers' first visits; null leaves arrivals uniform. */
    bass: z.object({ p: positive.max(1), q: nonNegative.max(3) }).strict().nullable(),
    /** Carry-over of the goodwill stock. */
    lambda: z.number().finite().min(0).lt(1),
    flow: BrandFlowSchema,
    /** Purchases of the brand item per week ~ Poisson(intercept + slope·S_{t−1}). */
    purchases: z.object({ intercept: nonNegative, slope: nonNegative }).strict(),
    /** Mean spend per brand purchase: each buyer ν ~ Gamma(q, ·), each purchase ~ Gamma(p, ν), with the core Gamma-Gamma p and q (mechanisms/spend.ts). */
    price: positive,
    ideas: BrandIdeasSchema,
  })
  .strict();
const BrandSimInputSchema = z
  .object({
    bass: BrandSimSchema.shape.bass.optional(),
    lambda: BrandSimSchema.shape.lambda.optional(),
    flow: BrandFlowSchema.partial().optional(),
    purchases: BrandSimSchema.shape.purchases.partial().optional(),
    price: positive.optional(),
    ideas: BrandIdeasSchema.partial().optional(),
  })
  .strict();

/** Peer and firm effects on a population of considerers (mechanisms/peer-effects.ts); off unless the block is given. */
export const PeerEffectsSchema = z
  .object({
    /** Considerers: people who view an item and then decide whether to buy it. */
    people: z.number().int().min(0).max(50_000_000),
    /** Their own items, after the catalogue's (and the brand's). */
    items: z.number().int().min(1).max(100_000),
    /** Views before the decision = min(5, 1 + Poisson(viewsMean)): the activity level k. */
    viewsMean: nonNegative.max(20),
    /** P(buy) at k = 1 without touches; ×(1 + activityLift·(k−1)) with activity. */
    baseConversion: probability,
    activityLift: nonNegative.max(10),
    /** P(a peer touch) at k = 1 (×(1 + activityLift·(k−1)) with activity) and P(a firm touch). */
    peerReach: probability,
    firmReach: probability,
    /** Risk ratios of buying given a peer touch / a firm touch. */
    peerEffect: positive.max(20),
    firmEffect: positive.max(20),
    /** Mean days from the first view to the decision. */
    decisionDays: positive.max(60),
    /** P(cart) of a buyer before the purchase, and of a non-buyer. */
    cartProb: probability,
    abandonCartProb: probability,
    /** P(a repeat purchase on another day) and its mean delay in days (after the first day). */
    loyaltyProb: probability,
    loyaltyDays: positive.max(365),
    /** P(a buyer answers another customer: a `support` event). */
    advocacyProb: probability,
    /** Mean spend per purchase, drawn as for brand purchases (mechanisms/spend.ts). */
    price: positive,
  })
  .strict();

const behaviourRates = z.object({ access: nonNegative.max(50), engage: nonNegative.max(50), customize: nonNegative.max(50), connect: nonNegative.max(50), collaborate: nonNegative.max(50) }).strict();
/** Personas (mechanisms/personas.ts): latent segments, behaviour propensities, experience types; off unless the block is given. */
export const PersonasSchema = z
  .object({
    /** Latent segments: a share of customers each and a rate multiplier per behaviour. */
    segments: z.array(z.object({ name: z.string().min(1), share: positive, propensity: behaviourRates }).strict()).min(1).max(20),
    /** Events per week that express each behaviour at propensity 1. */
    baseRatePerWeek: behaviourRates,
    /** Sd of the log of a customer's propensity around the segment's multiplier. */
    propensitySd: nonNegative.max(3),
    experienceShares: z.object({ respond: nonNegative, curate: nonNegative, coach: nonNegative, automate: nonNegative }).strict(),
    /** Sessions per week of the respond / curate / coach types. */
    sessionsPerWeek: nonNegative.max(20),
    /** Replenishment cycles (days) of the automate type, their relative jitter, a second item's probability, max quantity. */
    cycleDays: z.object({ min: positive.max(365), max: positive.max(365) }).strict(),
    cycleJitter: nonNegative.max(1),
    secondItemProb: probability,
    maxQuantity: z.number().int().min(1).max(100),
    /** Spend of the mechanism's purchases: Gamma(spendShape) with mean meanSpend per unit. */
    meanSpend: positive,
    spendShape: positive,
  })
  .strict();

/**
 * An experiment with a known lift (mechanisms/experiment.ts); off unless the block is given. Customers
 * who bought before `start` are enrolled with probability `enrolledShare`, get one exposure event with
 * props experiment/variant at the start, and a variant's `lift` raises their probability of a purchase in
 * the `windowDays` after it by that relative amount.
 */
const ExperimentVariantSchema = z
  .object({
    name: z.string().min(1).max(64).regex(/^[^,"\n\r]+$/, 'must not contain commas, quotes or line breaks'),
    /** Planned share (any positive scale: 50/50, 0.9/0.1). */
    split: positive,
    /** True relative lift of the window's purchase probability (0 = none, 0.1 = +10%). */
    lift: nonNegative.max(10),
  })
  .strict();
export const ExperimentSimSchema = z
  .object({
    id: z.string().min(1).max(64).regex(/^[^,"\n\r]+$/, 'must not contain commas, quotes or line breaks'),
    variants: z.array(ExperimentVariantSchema).min(1).max(20),
    enrolledShare: probability,
    /** Exposure day, YYYY-MM-DD; default: the middle of the window. */
    start: isoDate.nullable(),
    windowDays: z.number().int().min(1).max(365),
  })
  .strict();

const OUT_RE = /\.(csv|parquet)$/i;

export const SimulateOptionsSchema = z
  .object({
    /** Buying customers (each has a first purchase in the window); prospects come on top (prospects.ratio). */
    customers: z.number().int().min(1).max(50_000_000),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    /** The events file; .csv or .parquet decides the format. */
    out: z.string().min(1).regex(OUT_RE, 'must end in .csv or .parquet'),
    /** First day of the window (UTC midnight), YYYY-MM-DD. */
    start: isoDate.optional(),
    /** Length of the window in weeks (the BG/NBD time unit). */
    weeks: z.number().int().min(1).max(1040).optional(),
    bgnbd: BgNbdParamsSchema.partial().optional(),
    gammaGamma: GammaGammaParamsSchema.partial().optional(),
    acquisition: AcquisitionSchema.partial().optional(),
    prospects: ProspectsSchema.partial().optional(),
    catalogue: CatalogueSchema.partial().optional(),
    funnel: FunnelSchema.partial().optional(),
    exposures: ExposuresSchema.partial().optional(),
    network: NetworkSchema.partial().optional(),
    social: SocialSchema.partial().optional(),
    /** Brand dynamics (Bass adoption, flow/stock/purchases of a brand item, ideas and votes); off when absent. */
    brand: BrandSimInputSchema.optional(),
    /** Peer and firm effects on a population of considerers with known risk ratios; off when absent. */
    peerEffects: PeerEffectsSchema.partial().optional(),
    /** Latent segments, behaviour propensities and experience types with the events that express them; off when absent. */
    personas: PersonasSchema.partial().optional(),
    /** An experiment with a known lift (exposures with props experiment/variant); off when absent. */
    experiment: ExperimentSimSchema.partial().optional(),
    /** Also write per-customer truth (lambda, p, nu, alive, referrer, …) beside the output. */
    customerTruth: z.boolean().optional(),
    /** Called now and then with people done and people in all (customers + prospects); the Parquet conversion comes after. */
    onProgress: z.custom<(done: number, total: number) => void>((v) => typeof v === 'function', 'must be a function').optional(),
  })
  .strict();

export type BgNbdParams = z.infer<typeof BgNbdParamsSchema>;
export type GammaGammaParams = z.infer<typeof GammaGammaParamsSchema>;
export type AcquisitionOptions = z.infer<typeof AcquisitionSchema>;
export type ProspectsOptions = z.infer<typeof ProspectsSchema>;
export type CatalogueOptions = z.infer<typeof CatalogueSchema>;
export type FunnelOptions = z.infer<typeof FunnelSchema>;
export type ExposuresOptions = z.infer<typeof ExposuresSchema>;
export type NetworkOptions = z.infer<typeof NetworkSchema>;
export type SocialOptions = z.infer<typeof SocialSchema>;
export type BrandSimOptions = z.infer<typeof BrandSimSchema>;
export type PeerEffectsOptions = z.infer<typeof PeerEffectsSchema>;
export type PersonasOptions = z.infer<typeof PersonasSchema>;
export type ExperimentSimOptions = z.infer<typeof ExperimentSimSchema>;
export type SimulateOptions = z.input<typeof SimulateOptionsSchema>;

/** The fully resolved parameters: what the engine runs and what the truth JSON records. */
export interface SimulationParams {
  customers: number;
  seed: number;
  start: string;
  weeks: number;
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  acquisition: AcquisitionOptions;
  prospects: ProspectsOptions;
  catalogue: CatalogueOptions;
  funnel: FunnelOptions;
  exposures: ExposuresOptions;
  network: NetworkOptions;
  social: SocialOptions;
  /** Present only when brand dynamics are on (so the truth of a run without them is unchanged). */
  brand?: BrandSimOptions;
  /** Present only when peer effects are on. */
  peerEffects?: PeerEffectsOptions;
  /** Present only when personas are on. */
  personas?: PersonasOptions;
  /** Present only when an experiment runs. */
  experiment?: ExperimentSimOptions;
}

export interface ResolvedOptions {
  params: SimulationParams;
  out: string;
  format: 'csv' | 'parquet';
  customerTruth: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The defaults: about 10 events per customer. Purchases are weekly BG/NBD draws (mean lambda
 * 0.035/week, E[p] = 0.23, about one repeat purchase per customer in the window); spend is the
 * Gamma-Gamma fit to CDNOW (Fader, Hardie & Lee 2005).
 */
export const DEFAULT_SIMULATION: Omit<SimulationParams, 'customers' | 'seed'> = {
  start: '2024-01-01',
  weeks: 104,
  bgnbd: { r: 0.35, alpha: 10, a: 1.2, b: 4 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
  acquisition: { weeks: null, referredShare: 0.12, referralDelayDays: 3, firmShare: 0.4, firmDelayDays: 1 },
  prospects: { ratio: 0.25 },
  catalogue: { items: 200, zipf: 1.05, qualityMean: 3.9, qualitySd: 0.6, repeatItemProb: 0.3 },
  funnel: {
    searchProb: 0.25,
    extraViewsMean: 0.3,
    saveProb: 0.08,
    cartProb: 0.7,
    abandonCartProb: 0.25,
    abandonRatio: 0.5,
    stepSeconds: 90,
  },
  exposures: { campaignEveryWeeks: 4, campaignReach: 0.03 },
  network: { followsMean: 0.7, uniformShare: 0.25, followReferrerProb: 0.7, followDelayDays: 2 },
  social: { shareProb: 0.06, shareDelayDays: 1, reviewProb: 0.12, reviewDelayDays: 5, ratingSd: 0.9 },
};

/** Brand dynamics defaults: flow ≈ 300 a week at steady state, λ = 0.7, purchases 20 + 0.05·S, 40 ideas. */
export const DEFAULT_BRAND_SIMULATION: BrandSimOptions = {
  bass: { p: 0.005, q: 0.08 },
  lambda: 0.7,
  flow: { intercept: 1.124, persistence: 0.5, stockEffect: 0.25, sd: 0.3 },
  purchases: { intercept: 20, slope: 0.05 },
  price: 30,
  ideas: { count: 40, openShare: 0.25, ordersPerVote: 0.15, medianVotes: 60, minVotes: 20, voteWeeks: 4, launchLagWeeks: 2 },
};

/** Peer-effect defaults: 20% of considerers buy at k = 1, a peer touch doubles it, a firm touch ×1.3. */
export const DEFAULT_PEER_EFFECTS: PeerEffectsOptions = {
  people: 20_000,
  items: 50,
  viewsMean: 1,
  baseConversion: 0.08,
  activityLift: 0.5,
  peerReach: 0.15,
  firmReach: 0.3,
  peerEffect: 2,
  firmEffect: 1.3,
  decisionDays: 3,
  cartProb: 0.8,
  abandonCartProb: 0.2,
  loyaltyProb: 0.3,
  loyaltyDays: 14,
  advocacyProb: 0.2,
  price: 25,
};

/**
 * Personas defaults: four segments whose multipliers form a Latin square over the levels 0.2, 0.7, 2.5, 8
 * (each behaviour separates all four segments), experience types in equal shares.
 */
export const DEFAULT_PERSONAS: PersonasOptions = {
  segments: [
    { name: 'connectors', share: 0.25, propensity: { access: 2.5, engage: 0.7, customize: 0.2, connect: 8, collaborate: 8 } },
    { name: 'explorers', share: 0.25, propensity: { access: 0.2, engage: 8, customize: 8, connect: 0.7, collaborate: 0.2 } },
    { name: 'mobile-first', share: 0.25, propensity: { access: 8, engage: 2.5, customize: 0.7, connect: 0.2, collaborate: 0.7 } },
    { name: 'steady', share: 0.25, propensity: { access: 0.7, engage: 0.2, customize: 2.5, connect: 2.5, collaborate: 2.5 } },
  ],
  baseRatePerWeek: { access: 0.04, engage: 0.035, customize: 0.02, connect: 0.025, collaborate: 0.02 },
  propensitySd: 0.3,
  experienceShares: { respond: 1, curate: 1, coach: 1, automate: 1 },
  sessionsPerWeek: 0.08,
  cycleDays: { min: 14, max: 42 },
  cycleJitter: 0.1,
  secondItemProb: 0.2,
  maxQuantity: 3,
  meanSpend: 30,
  spendShape: 6,
};

/** Experiment defaults: half the customers enrolled, 50/50, treatment +10% purchase probability over 14 days. */
export const DEFAULT_EXPERIMENT: ExperimentSimOptions = {
  id: 'exp-1',
  variants: [
    { name: 'control', split: 50, lift: 0 },
    { name: 'treatment', split: 50, lift: 0.1 },
  ],
  enrolledShare: 0.5,
  start: null,
  windowDays: 14,
};

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(options)'}: ${i.message}`)
    .join('; ');
}

/** Validates user options and fills in the defaults; throws InvalidArgumentsError naming the field. */
export function resolveOptions(input: unknown): ResolvedOptions {
  const parsed = SimulateOptionsSchema.safeParse(input);
  if (!parsed.success) throw new InvalidArgumentsError(`simulate: ${describeIssues(parsed.error)}`);
  const o = parsed.data;
  const d = DEFAULT_SIMULATION;
  const params: SimulationParams = {
    customers: o.customers,
    seed: o.seed,
    start: o.start ?? d.start,
    weeks: o.weeks ?? d.weeks,
    bgnbd: { ...d.bgnbd, ...o.bgnbd },
    gammaGamma: { ...d.gammaGamma, ...o.gammaGamma },
    acquisition: { ...d.acquisition, ...o.acquisition },
    prospects: { ...d.prospects, ...o.prospects },
    catalogue: { ...d.catalogue, ...o.catalogue },
    funnel: { ...d.funnel, ...o.funnel },
    exposures: { ...d.exposures, ...o.exposures },
    network: { ...d.network, ...o.network },
    social: { ...d.social, ...o.social },
  };
  if (o.brand) {
    const b = DEFAULT_BRAND_SIMULATION;
    params.brand = {
      bass: o.brand.bass === undefined ? b.bass : o.brand.bass,
      lambda: o.brand.lambda ?? b.lambda,
      flow: { ...b.flow, ...o.brand.flow },
      purchases: { ...b.purchases, ...o.brand.purchases },
      price: o.brand.price ?? b.price,
      ideas: { ...b.ideas, ...o.brand.ideas },
    };
    if (params.brand.flow.persistence + params.brand.flow.stockEffect >= 1) {
      throw new InvalidArgumentsError('simulate: brand.flow: persistence + stockEffect must be < 1 for a stationary flow');
    }
  }
  if (o.peerEffects) {
    const pe = { ...DEFAULT_PEER_EFFECTS, ...o.peerEffects };
    const top = pe.baseConversion * (1 + pe.activityLift * 4) * Math.max(1, pe.peerEffect) * Math.max(1, pe.firmEffect);
    if (top > 1) throw new InvalidArgumentsError(`simulate: peerEffects: baseConversion·(1 + 4·activityLift)·peerEffect·firmEffect must be <= 1 (a probability), got ${top.toFixed(3)}`);
    params.peerEffects = pe;
  }
  if (o.personas) {
    const pe = { ...DEFAULT_PERSONAS, ...o.personas };
    if (pe.cycleDays.min > pe.cycleDays.max) throw new InvalidArgumentsError('simulate: personas.cycleDays: min must be <= max');
    params.personas = pe;
  }
  if (o.experiment) {
    const ex = { ...DEFAULT_EXPERIMENT, ...o.experiment };
    const names = new Set(ex.variants.map((v) => v.name));
    if (names.size !== ex.variants.length) throw new InvalidArgumentsError('simulate: experiment.variants: names must be distinct');
    const startDay = ex.start === null ? Math.floor((params.weeks * 7) / 2) : (Date.parse(`${ex.start}T00:00:00Z`) - Date.parse(`${params.start}T00:00:00Z`)) / 86_400_000;
    if (!(startDay >= 0 && startDay + ex.windowDays + 1 <= params.weeks * 7)) {
      throw new InvalidArgumentsError(`simulate: experiment: start + windowDays must fall inside the ${params.weeks}-week window starting ${params.start}`);
    }
    params.experiment = ex;
  }
  const acqWeeks = params.acquisition.weeks;
  if (acqWeeks !== null && acqWeeks > params.weeks) {
    throw new InvalidArgumentsError(`simulate: acquisition.weeks: must be <= weeks (${params.weeks}), got ${acqWeeks}`);
  }
  const format = /\.parquet$/i.test(o.out) ? 'parquet' : 'csv';
  return { params, out: o.out, format, customerTruth: o.customerTruth ?? true, onProgress: o.onProgress };
}
