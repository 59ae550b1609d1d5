/**
 * Multi-touch attribution and touch effects over {peer, firm}, on path aggregates only (the few
 * distinct (stratum, touch path) cells with their customers and conversions — never events).
 *
 *  - Shapley (Shapley 1953; for attribution Dalessandro et al. 2012, "Causally motivated
 *    attribution for online advertising"): within a stratum s, v_s(S) is the conversion rate of
 *    the customers whose touch set is exactly S ⊆ {peer, firm}. A customer with both touches
 *    credits peer ½[(v(P) − v(∅)) + (v(PF) − v(F))] and firm symmetrically; with one touch it
 *    gets v(S) − v(∅); v(∅) is the baseline ("none"). Summed over customers and divided by the
 *    conversions, the three shares add to 1. Stratifying (by activity) compares like with like.
 *  - Markov removal effect (Anderl, Becker, von Wangenheim & Schumann 2016, "Mapping the customer
 *    journey"): a first-order chain start → touches → conversion / null from the paths' transition
 *    counts; RE_c = 1 − P(conv | c removed) / P(conv). Conversions on paths with a touch are split
 *    in proportion to RE; conversions without any touch are "none".
 *  - Mantel–Haenszel risk ratio (Rothman, Greenland & Lash, Modern Epidemiology, ch. 15) of
 *    conversion, touched vs untouched, within strata, with the Greenland–Robins (1985) variance of
 *    its logarithm for a 95% interval (src/models/stats/mantel-haenszel.ts, shared with the
 *    network's peer effect).
 */
import { mantelHaenszelRiskRatio } from '../models/stats/mantel-haenszel.js';

export interface PathCell {
  /** The matching stratum (e.g. the activity level). */
  stratum: string;
  /** Touches in order, collapsed, joined by '>' ('' = no touch). */
  path: string;
  customers: number;
  conversions: number;
}

export type Channel = 'peer' | 'firm';
export const CHANNELS: readonly Channel[] = ['peer', 'firm'];

export interface Credit {
  peer: number | null;
  firm: number | null;
  none: number | null;
}

export interface ShapleyResult extends Credit {
  peerConversions: number | null;
  firmConversions: number | null;
  noneConversions: number | null;
}

export interface MarkovResult extends Credit {
  peerRemovalEffect: number | null;
  firmRemovalEffect: number | null;
}

export interface EffectEstimate {
  status: 'ok' | 'insufficient';
  message: string | null;
  riskRatio: number | null;
  lower: number | null;
  upper: number | null;
  naiveRiskRatio: number | null;
  treated: number;
  controls: number;
  treatedConversion: number | null;
  controlConversion: number | null;
  strata: number;
  method: string;
}

const has = (path: string, c: Channel): boolean => path.split('>').includes(c);
/** 0 = none, 1 = peer, 2 = firm, 3 = both. */
const coalition = (path: string): number => (has(path, 'peer') ? 1 : 0) | (has(path, 'firm') ? 2 : 0);
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

interface Cells {
  n: Float64Array;
  y: Float64Array;
}

function cellsByStratum(cells: readonly PathCell[]): Map<string, Cells> {
  const m = new Map<string, Cells>();
  for (const c of cells) {
    let s = m.get(c.stratum);
    if (!s) m.set(c.stratum, (s = { n: new Float64Array(4), y: new Float64Array(4) }));
    const k = coalition(c.path);
    s.n[k] += c.customers;
    s.y[k] += c.conversions;
  }
  return m;
}

/** Shapley credits over {peer, firm}; a stratum missing a coalition its customers need borrows the pooled rate. */
export function shapleyAttribution(cells: readonly PathCell[], minCell = 5): ShapleyResult {
  const strata = cellsByStratum(cells);
  const pooled: Cells = { n: new Float64Array(4), y: new Float64Array(4) };
  for (const s of strata.values()) for (let k = 0; k < 4; k++) { pooled.n[k] += s.n[k]; pooled.y[k] += s.y[k]; }
  const total = pooled.y.reduce((a, b) => a + b, 0);
  const empty: ShapleyResult = { peer: null, firm: null, none: null, peerConversions: null, firmConversions: null, noneConversions: null };
  if (total === 0) return empty;
  const pooledRate = (k: number): number | null => (pooled.n[k] >= minCell ? pooled.y[k] / pooled.n[k] : null);
  let peer = 0;
  let firm = 0;
  for (const s of strata.values()) {
    const rate = (k: number): number | null => (s.n[k] >= minCell ? s.y[k] / s.n[k] : pooledRate(k));
    const v0 = rate(0);
    if (v0 === null) return empty; // no baseline anywhere: nothing to compare touches with
    const vP = s.n[1] + s.n[3] > 0 ? rate(1) : null;
    const vF = s.n[2] + s.n[3] > 0 ? rate(2) : null;
    const vPF = s.n[3] > 0 ? rate(3) : null;
    if (s.n[1] > 0 && vP !== null) peer += s.n[1] * (vP - v0);
    if (s.n[2] > 0 && vF !== null) firm += s.n[2] * (vF - v0);
    if (s.n[3] > 0 && vP !== null && vF !== null && vPF !== null) {
      peer += s.n[3] * 0.5 * ((vP - v0) + (vPF - vF));
      firm += s.n[3] * 0.5 * ((vF - v0) + (vPF - vP));
    } else if (s.n[3] > 0 && vPF !== null) {
      // no single-touch cell to split by: halve the joint increment
      peer += s.n[3] * 0.5 * (vPF - v0);
      firm += s.n[3] * 0.5 * (vPF - v0);
    }
  }
  const none = total - peer - firm;
  return {
    peer: finite(peer / total), firm: finite(firm / total), none: finite(none / total),
    peerConversions: finite(peer), firmConversions: finite(firm), noneConversions: finite(none),
  };
}

/** Conversion probability of a first-order chain over states start(0), peer(1), firm(2), given transition counts to conv / null. */
function chainConversion(counts: Float64Array, removed: number): number {
  // counts[from*5 + to], to: 0 unused, 1 peer, 2 firm, 3 conv, 4 null
  const p = (from: number, to: number): number => {
    const row = counts.subarray(from * 5, from * 5 + 5);
    const sum = row[1] + row[2] + row[3] + row[4];
    return sum > 0 ? row[to] / sum : 0;
  };
  // x_s = P(conv | at s); x_removed = 0 (removal sends its traffic to null)
  // x1 = p13 + p11 x1 + p12 x2 ; x2 = p23 + p21 x1 + p22 x2 — a 2×2 solve
  const x = [0, 0, 0];
  const alive = [1, 2].filter((s) => s !== removed);
  if (alive.length === 2) {
    const a11 = 1 - p(1, 1), a12 = -p(1, 2), a21 = -p(2, 1), a22 = 1 - p(2, 2);
    const det = a11 * a22 - a12 * a21;
    if (Math.abs(det) > 1e-12) {
      x[1] = (p(1, 3) * a22 - a12 * p(2, 3)) / det;
      x[2] = (a11 * p(2, 3) - a21 * p(1, 3)) / det;
    }
  } else if (alive.length === 1) {
    const s = alive[0];
    const d = 1 - p(s, s);
    x[s] = d > 1e-12 ? p(s, 3) / d : 0;
  }
  return p(0, 3) + p(0, 1) * x[1] + p(0, 2) * x[2];
}

/** Markov-chain removal effects over the touch paths (strata are pooled). */
export function markovAttribution(cells: readonly PathCell[]): MarkovResult {
  const idx: Record<string, number> = { peer: 1, firm: 2 };
  const counts = new Float64Array(15);
  let total = 0;
  let touched = 0;
  for (const c of cells) {
    const steps = c.path === '' ? [] : c.path.split('>').map((s) => idx[s]).filter((s) => s !== undefined);
    let from = 0;
    for (const s of steps) {
      counts[from * 5 + s] += c.customers;
      from = s;
    }
    counts[from * 5 + 3] += c.conversions;
    counts[from * 5 + 4] += c.customers - c.conversions;
    total += c.conversions;
    if (steps.length > 0) touched += c.conversions;
  }
  const empty: MarkovResult = { peer: null, firm: null, none: null, peerRemovalEffect: null, firmRemovalEffect: null };
  if (total === 0) return empty;
  const base = chainConversion(counts, 0);
  if (!(base > 0)) return empty;
  const re = (c: number): number => Math.max(0, 1 - chainConversion(counts, c) / base);
  const rP = re(1);
  const rF = re(2);
  const sum = rP + rF;
  const none = (total - touched) / total;
  const share = (r: number): number => (sum > 0 ? (touched / total) * (r / sum) : 0);
  return { peer: share(rP), firm: share(rF), none: sum > 0 ? none : 1, peerRemovalEffect: rP, firmRemovalEffect: rF };
}

/**
 * Mantel–Haenszel risk ratio of conversion for customers with `channel` in their path vs without,
 * within strata = the cell's stratum × whether the other channel touched them.
 */
export function touchEffect(cells: readonly PathCell[], channel: Channel, minTreated = 20): EffectEstimate {
  const other: Channel = channel === 'peer' ? 'firm' : 'peer';
  const strata = new Map<string, { a: number; n1: number; c: number; n0: number }>();
  let A = 0, N1 = 0, C = 0, N0 = 0;
  for (const cell of cells) {
    const key = `${cell.stratum}|${has(cell.path, other) ? 1 : 0}`;
    let s = strata.get(key);
    if (!s) strata.set(key, (s = { a: 0, n1: 0, c: 0, n0: 0 }));
    if (has(cell.path, channel)) { s.a += cell.conversions; s.n1 += cell.customers; A += cell.conversions; N1 += cell.customers; }
    else { s.c += cell.conversions; s.n0 += cell.customers; C += cell.conversions; N0 += cell.customers; }
  }
  const method = `Mantel–Haenszel risk ratio of conversion, customers with a ${channel} touch in the lookback window vs without, within strata of activity (views and searches before the decision) × ${other} touch (yes/no); 95% interval from the Greenland–Robins variance of ln RR.`;
  const base = {
    treated: N1, controls: N0,
    treatedConversion: N1 > 0 ? A / N1 : null, controlConversion: N0 > 0 ? C / N0 : null,
    naiveRiskRatio: N1 > 0 && N0 > 0 && C > 0 ? (A / N1) / (C / N0) : null,
    method,
  };
  const none = (message: string, k = 0): EffectEstimate => ({ status: 'insufficient', message, riskRatio: null, lower: null, upper: null, strata: k, ...base });
  if (N1 < minTreated) return none(`${N1} customers had a ${channel} touch; the ${channel} effect needs at least ${minTreated}`);
  const mh = mantelHaenszelRiskRatio(strata.values(), { level: 0.95, minControls: 1 });
  if (mh.estimate === null) return none(`no stratum has both converting ${channel}-touched and untouched customers`, mh.strata);
  return { status: 'ok', message: null, riskRatio: mh.estimate, lower: mh.lower, upper: mh.upper, strata: mh.strata, ...base };
}
