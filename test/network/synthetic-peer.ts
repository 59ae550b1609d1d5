/**
 * A small synthetic event log with a known peer effect, for the peer-effect tests.
 *
 * Customers buy as Poisson processes from a first purchase (uniform over the first half of the
 * year) to the end of the year, each at their own rate λ ~ Gamma(shape 1.5, mean `meanRate` per
 * day). Each customer may receive one share from another customer at a uniform time t0 between
 * their first purchase and `days − window`, with probability touchScale × (purchases so far):
 * active buyers are touched more, the confounding the matched baseline has to remove (a naive
 * touched-vs-untouched comparison is far off). A touch adds
 * `effectPerDay` to the customer's rate for `effectDays` days, so the true effect on the treated
 * is effectPerDay · effectDays purchases in the window (when effectDays ≤ the analysis window).
 * Senders are drawn from a small set of influencers, so their credited shares are known too.
 */
import { createRng, exponential, gamma, randomInt } from '../../src/models/numeric/random.js';
import type { Store } from '../../src/store/types.js';

export interface SyntheticPeerOptions {
  customers: number;
  days: number;
  meanRate: number;
  touchScale: number;
  effectPerDay: number;
  effectDays: number;
  window: number;
  influencers: number;
  seed: number;
}

export const SYNTHETIC_PEER_DEFAULTS: SyntheticPeerOptions = {
  customers: 6000,
  days: 365,
  meanRate: 0.03,
  touchScale: 0.04,
  effectPerDay: 0.02,
  effectDays: 30,
  window: 30,
  influencers: 20,
  seed: 1,
};

export interface SyntheticPeerTruth {
  /** True mean extra purchases per touched customer in the window. */
  effect: number;
  touched: number;
  /** Touched customers per influencer id. */
  byInfluencer: Map<string, number>;
  events: number;
}

const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** Inserts the log into `events` and returns the truth. */
export async function insertSyntheticPeerLog(store: Store, options: Partial<SyntheticPeerOptions> = {}): Promise<SyntheticPeerTruth> {
  const o = { ...SYNTHETIC_PEER_DEFAULTS, ...options };
  const rng = createRng(o.seed);
  const rows: string[] = [];
  const byInfluencer = new Map<string, number>();
  let touched = 0;
  const ts = (day: number): string => `'${new Date(START + day * DAY_MS).toISOString().replace('T', ' ').replace('Z', '')}'`;
  const id = (k: number): string => `c${String(k).padStart(6, '0')}`;
  let e = 0;
  const purchase = (c: number, day: number): void => {
    rows.push(`('p${e++}', '${id(c)}', ${ts(day)}, 'purchase', NULL, ${(20 + rng.next() * 60).toFixed(2)})`);
  };
  for (let c = o.influencers; c < o.customers; c++) {
    const lambda = gamma(rng, 1.5, 1.5 / o.meanRate);
    const fp = rng.next() * (o.days / 2);
    purchase(c, fp);
    // Baseline process.
    const times: number[] = [];
    for (let t = fp + exponential(rng, lambda); t < o.days; t += exponential(rng, lambda)) times.push(t);
    for (const t of times) purchase(c, t);
    // A candidate touch time; the touch happens with a probability that grows with the purchases so
    // far (selection on what the log shows, which the strata can match on).
    const t0 = fp + 1e-3 + rng.next() * (o.days - o.window - fp - 1e-3);
    const prior = 1 + times.filter((t) => t <= t0).length;
    if (rng.next() < Math.min(1, o.touchScale * prior)) {
      const sender = randomInt(rng, o.influencers);
      rows.push(`('s${e++}', '${id(sender)}', ${ts(t0)}, 'share', '${id(c)}', NULL)`);
      byInfluencer.set(id(sender), (byInfluencer.get(id(sender)) ?? 0) + 1);
      touched++;
      // The effect: an extra process at effectPerDay for effectDays after the touch.
      const end = Math.min(o.days, t0 + o.effectDays);
      if (o.effectPerDay > 0) for (let t = t0 + exponential(rng, o.effectPerDay); t < end; t += exponential(rng, o.effectPerDay)) purchase(c, t);
    }
  }
  // Influencers buy once, at the start, so they are customers too.
  for (let c = 0; c < o.influencers; c++) purchase(c, 0);
  for (let k = 0; k < rows.length; k += 5000) {
    await store.exec(`INSERT INTO events (event_id, customer_id, ts, type, peer_id, amount) VALUES ${rows.slice(k, k + 5000).join(', ')}`);
  }
  return { effect: o.effectPerDay * Math.min(o.effectDays, o.window), touched, byInfluencer, events: rows.length };
}
