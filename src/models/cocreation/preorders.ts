/**
 * Co-creation as pre-orders: customers' votes on product ideas read as early orders.
 *
 * For ideas that became products, first-period orders y_i follow votes v_i through the origin
 * (an idea nobody voted for pre-sells nothing):
 *
 *   y_i | λ_i ~ Poisson(r·λ_i·v_i),   λ_i ~ Gamma(k, k)  (mean 1)                              (1)
 *
 * the Poisson-gamma (negative binomial) mixture of Greenwood & Yule (1920) / Lawless (1987), so
 * Var(y_i) = μ_i + μ_i²/k with μ_i = r·v_i.
 *  - r̂ = Σy / Σv: the Poisson MLE of (1), consistent whatever k is.
 *  - Var(r̂): the larger of the sandwich (Huber–White) Σ(y_i − r̂v_i)² / (Σv)² · n/(n−1), robust to the
 *    variance function, and the model-based Σ(μ̂_i + μ̂_i²/k̂) / (Σv)²; interval exp(ln r̂ ± t_{n−1}·se/r̂). With no orders at all, the exact Poisson
 *    upper bound χ²₂(1 − α/2)/(2Σv).
 *  - 1/k by moments: Σ[(y_i − μ̂_i)² − μ̂_i] / Σ μ̂_i² (0 or less → plain Poisson).
 * For open ideas, first-period demand is forecast from the predictive of (1) with r drawn from its
 * sampling distribution: seeded draws r* ~ lognormal(ln r̂, se/r̂), λ* ~ Gamma(k̂, k̂), y* ~ Poisson(r*λ*v);
 * prediction interval = percentiles; ideas ranked by expected orders r̂·v.
 * The lag from votes to first orders is summarised from launched ideas' first-vote and first-order periods.
 */
import { createRng, gamma, normal, poisson, type Rng } from '../numeric/random.js';
import { InvalidArgumentsError } from '../var/errors.js';
import { chiSquareQuantile, quantileSorted, tQuantile } from '../var/special.js';

export const PREORDER_DEFAULTS = {
  level: 0.95,
  /** Fewest launched ideas for an orders-per-vote rate with a sandwich interval. */
  minLaunched: 3,
  /** Predictive draws per open idea. */
  draws: 4000,
  seed: 1,
};

export type PreorderStatus = 'ok' | 'insufficient-data' | 'no-votes' | 'no-orders';

export interface LaunchedIdea {
  id: string;
  /** Votes the idea received before launch. */
  votes: number;
  /** Orders in the first period after launch. */
  orders: number;
  /** Period index of the idea's first vote (for the lag), if known. */
  firstVotePeriod?: number;
  /** Period index of the product's first order (for the lag), if known. */
  firstOrderPeriod?: number;
}

export interface OpenIdea {
  id: string;
  votes: number;
}

export interface PreorderInput {
  launched: readonly LaunchedIdea[];
  open: readonly OpenIdea[];
}

export type PreorderOptions = Partial<typeof PREORDER_DEFAULTS> & { rng?: Rng };

export interface IdeaForecast {
  id: string;
  votes: number;
  rank: number;
  /** Expected first-period orders r̂·v. */
  expected: number;
  /** Prediction interval for the orders themselves (integers). */
  lower: number;
  upper: number;
  probabilityAnyOrder: number;
}

export interface PreorderResult {
  status: PreorderStatus;
  message: string | null;
  warnings: string[];
  level: number;
  nLaunched: number;
  /** Orders per vote r with its interval. */
  ordersPerVote: { estimate: number; se: number | null; lower: number; upper: number } | null;
  /** Poisson-gamma shape k̂ (larger = closer to Poisson); null = no overdispersion detected. */
  shape: number | null;
  /** Periods from an idea's first vote to its product's first order, over launched ideas that have both. */
  lag: { n: number; mean: number; median: number; min: number; max: number; lower: number | null; upper: number | null } | null;
  /** Open ideas ranked by expected first-period orders; empty when r is not estimated. */
  forecasts: IdeaForecast[];
}

function validate(input: PreorderInput, o: typeof PREORDER_DEFAULTS): void {
  const seen = new Set<string>();
  const check = (what: string, idea: { id: string; votes: number }, i: number): void => {
    if (typeof idea.id !== 'string') throw new InvalidArgumentsError(`preorders: ${what}[${i}].id must be a string`);
    if (seen.has(`${what}:${idea.id}`)) throw new InvalidArgumentsError(`preorders: ${what} idea "${idea.id}" appears twice`);
    seen.add(`${what}:${idea.id}`);
    if (!(Number.isFinite(idea.votes) && idea.votes >= 0)) throw new InvalidArgumentsError(`preorders: ${what} idea "${idea.id}": votes must be finite and >= 0, got ${idea.votes}`);
  };
  input.launched.forEach((idea, i) => {
    check('launched', idea, i);
    if (!(Number.isFinite(idea.orders) && idea.orders >= 0)) throw new InvalidArgumentsError(`preorders: launched idea "${idea.id}": orders must be finite and >= 0, got ${idea.orders}`);
    const { firstVotePeriod: a, firstOrderPeriod: b } = idea;
    if ((a !== undefined && !Number.isFinite(a)) || (b !== undefined && !Number.isFinite(b))) throw new InvalidArgumentsError(`preorders: launched idea "${idea.id}": periods must be finite`);
    if (a !== undefined && b !== undefined && b < a) throw new InvalidArgumentsError(`preorders: launched idea "${idea.id}": first order (${b}) before first vote (${a})`);
  });
  input.open.forEach((idea, i) => check('open', idea, i));
  if (!(o.level > 0 && o.level < 1)) throw new InvalidArgumentsError(`preorders: level must be in (0,1), got ${o.level}`);
  if (!(Number.isInteger(o.minLaunched) && o.minLaunched >= 2)) throw new InvalidArgumentsError(`preorders: minLaunched must be an integer >= 2, got ${o.minLaunched}`);
  if (!(Number.isInteger(o.draws) && o.draws >= 100)) throw new InvalidArgumentsError(`preorders: draws must be an integer >= 100, got ${o.draws}`);
}

function lagSummary(launched: readonly LaunchedIdea[], level: number): PreorderResult['lag'] {
  const lags = launched
    .filter((i) => i.firstVotePeriod !== undefined && i.firstOrderPeriod !== undefined)
    .map((i) => i.firstOrderPeriod! - i.firstVotePeriod!);
  if (lags.length === 0) return null;
  const s = Float64Array.from(lags).sort();
  const n = s.length;
  const mean = lags.reduce((a, b) => a + b, 0) / n;
  let lower: number | null = null;
  let upper: number | null = null;
  if (n >= 2) {
    const sd = Math.sqrt(lags.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const half = tQuantile(0.5 + level / 2, n - 1) * (sd / Math.sqrt(n));
    lower = mean - half;
    upper = mean + half;
  }
  return { n, mean, median: quantileSorted(s, 0.5), min: s[0], max: s[n - 1], lower, upper };
}

/** Orders per vote from launched ideas, and ranked first-period forecasts for open ones. */
export function fitPreorders(input: PreorderInput, options: PreorderOptions = {}): PreorderResult {
  const o = { ...PREORDER_DEFAULTS, ...options };
  validate(input, o);
  const { launched, open } = input;
  const n = launched.length;
  const base: PreorderResult = {
    status: 'ok', message: null, warnings: [], level: o.level, nLaunched: n, ordersPerVote: null, shape: null,
    lag: lagSummary(launched, o.level), forecasts: [],
  };
  if (n < o.minLaunched) {
    return { ...base, status: 'insufficient-data', message: `preorders: ${n} launched idea${n === 1 ? '' : 's'}; at least ${o.minLaunched} are needed to estimate orders per vote` };
  }
  let V = 0;
  let Y = 0;
  for (const i of launched) {
    V += i.votes;
    Y += i.orders;
  }
  if (V === 0) return { ...base, status: 'no-votes', message: 'preorders: the launched ideas received no votes, so votes cannot predict orders' };
  const alpha = 1 - o.level;
  if (Y === 0) {
    return {
      ...base,
      status: 'no-orders',
      message: 'preorders: no launched idea has any first-period orders; orders per vote is 0 with an exact Poisson upper bound',
      ordersPerVote: { estimate: 0, se: null, lower: 0, upper: chiSquareQuantile(1 - alpha / 2, 2) / (2 * V) },
    };
  }
  const r = Y / V;
  let sandwich = 0;
  let num = 0;
  let den = 0;
  for (const i of launched) {
    const mu = r * i.votes;
    sandwich += (i.orders - mu) ** 2;
    num += (i.orders - mu) ** 2 - mu;
    den += mu * mu;
  }
  const warnings: string[] = [];
  const zeroVoteOrders = launched.filter((i) => i.votes === 0 && i.orders > 0).length;
  if (n < 20) warnings.push(`only ${n} launched ideas: the orders-per-vote interval may be too narrow (measured coverage of a nominal 95% interval was 82% with 10 ideas)`);
  if (zeroVoteOrders > 0) warnings.push(`${zeroVoteOrders} launched idea(s) sold without any votes: demand exists that votes do not capture`);
  const invK = den > 0 ? num / den : 0;
  const shape = invK > 1e-9 ? 1 / invK : null;
  // the larger of the sandwich and the model-based Poisson-gamma variance Σ(μ_i + μ_i²/k̂)/V²:
  // the sandwich alone is too small with few ideas, the model alone trusts k̂ too much with many
  const seSandwich = Math.sqrt((sandwich / (V * V)) * (n / (n - 1)));
  const seModel = Math.sqrt((Y + Math.max(0, invK) * den) / (V * V));
  const seUsed = Math.max(seSandwich, seModel);
  const tq = tQuantile(1 - alpha / 2, n - 1);
  const seLog = seUsed / r;
  const ordersPerVote = { estimate: r, se: seUsed, lower: r * Math.exp(-tq * seLog), upper: r * Math.exp(tq * seLog) };

  const rng = o.rng ?? createRng(o.seed);
  const ranked = [...open].sort((a, b) => b.votes - a.votes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const forecasts: IdeaForecast[] = ranked.map((idea, idx) => {
    const draws = new Float64Array(o.draws);
    let any = 0;
    for (let d = 0; d < o.draws; d++) {
      const rs = r * Math.exp(normal(rng, 0, seLog));
      const lam = shape === null ? 1 : gamma(rng, shape, shape);
      const y = poisson(rng, rs * lam * idea.votes);
      draws[d] = y;
      if (y > 0) any++;
    }
    draws.sort();
    return {
      id: idea.id,
      votes: idea.votes,
      rank: idx + 1,
      expected: r * idea.votes,
      lower: Math.floor(quantileSorted(draws, alpha / 2)),
      upper: Math.ceil(quantileSorted(draws, 1 - alpha / 2)),
      probabilityAnyOrder: any / o.draws,
    };
  });
  return { ...base, warnings, ordersPerVote, shape, forecasts };
}
