/**
 * An experiment with a known lift. Customers whose trial purchase came before the experiment's start
 * are enrolled with probability `enrolledShare` and assigned a variant by its planned split; each gets
 * one email exposure on the start day (props experiment, variant) at a uniform time of day.
 *
 * The BG/NBD process (purchases.ts) already decides whether the customer buys in the window
 * [e, e + w) after exposure e. Given alive at e (no dropout before e), the next purchase is at
 * e + Exp(λ), so the baseline probability is p₀ = 1 − exp(−λw), and 0 once dropped out. A variant with
 * relative lift L adds one purchase at a uniform time in the window to a customer who did not buy
 * there with probability q = L·p₀/(1 − p₀) (capped at 1), so that P(buy in window) = p₀ + (1 − p₀)q
 * = p₀(1 + L) exactly: the expected conversion of the variant is (1 + L) times the control's. The truth
 * records L, and the lift implied by the realised customers' p₀ after the cap (equal to L unless p₀ is
 * close to 1). Spend of an added purchase is Gamma(p, ν) like any purchase. Its own random stream.
 */
import { gamma, type Xoshiro128 } from '../../models/numeric/random.js';
import { CH, T, type EventBlock } from '../event-block.js';
import type { ExperimentSimOptions } from '../options.js';
import { WEEK_SECONDS } from './purchases.js';

const DAY = 86_400;

export interface ExperimentVariantTruth {
  name: string;
  split: number;
  /** The configured true relative lift of P(purchase in the window). */
  lift: number;
  /** Σ(1+L)p₀-with-cap / Σp₀ − 1 over the variant's customers (the lift the data can show). */
  expectedLift: number | null;
  customers: number;
  /** Σ p₀ / customers: the expected window conversion without the treatment. */
  expectedBaseline: number | null;
  /** Σ P(buy in window) / customers with the treatment. */
  expectedConversion: number | null;
  conversions: number;
  addedPurchases: number;
}

export interface ExperimentTruth {
  id: string;
  start: string;
  windowDays: number;
  enrolledShare: number;
  variants: ExperimentVariantTruth[];
  note: string;
}

export class ExperimentRun {
  readonly startSec: number;
  private readonly windowSec: number;
  private readonly cumulative: number[];
  private readonly n: number[];
  private readonly p0Sum: number[];
  private readonly pSum: number[];
  private readonly conv: number[];
  private readonly added: number[];

  constructor(
    readonly options: ExperimentSimOptions,
    windowStartMs: number,
    weeks: number,
    private readonly spendShape: number,
    private readonly rng: Xoshiro128,
  ) {
    const startDay = options.start === null ? Math.floor((weeks * 7) / 2) : (Date.parse(`${options.start}T00:00:00Z`) - windowStartMs) / 86_400_000;
    this.startSec = startDay * DAY;
    this.windowSec = options.windowDays * DAY;
    const total = options.variants.reduce((s, v) => s + v.split, 0);
    let acc = 0;
    this.cumulative = options.variants.map((v) => (acc += v.split / total));
    const k = options.variants.length;
    this.n = new Array<number>(k).fill(0);
    this.p0Sum = new Array<number>(k).fill(0);
    this.pSum = new Array<number>(k).fill(0);
    this.conv = new Array<number>(k).fill(0);
    this.added = new Array<number>(k).fill(0);
  }

  get variantNames(): string[] {
    return this.options.variants.map((v) => v.name);
  }

  /**
   * Enrols a customer (maybe): adds the exposure and any purchase the treatment adds to the block.
   * Returns the added purchase's time, or -1. `repeats` are the customer's repeat purchase times.
   */
  enrol(block: EventBlock, person: number, trialSec: number, lambdaPerWeek: number, dropoutSec: number, repeats: readonly number[], nu: number): number {
    const rng = this.rng;
    if (!(trialSec < this.startSec)) return -1;
    if (rng.next() >= this.options.enrolledShare) return -1;
    const u = rng.next();
    let k = 0;
    while (k < this.cumulative.length - 1 && u >= this.cumulative[k]) k++;
    const e = this.startSec + Math.floor(rng.next() * (DAY - 1));
    const x = block.add(person, e, T.exposure, CH.email);
    block.variant[x] = k;
    const end = e + this.windowSec;
    let bought = false;
    for (const t of repeats) if (t >= e && t < end) bought = true;
    const alive = dropoutSec > e;
    const p0 = alive ? 1 - Math.exp((-lambdaPerWeek * this.windowSec) / WEEK_SECONDS) : 0;
    const lift = this.options.variants[k].lift;
    const q = p0 >= 1 ? 0 : Math.min(1, (lift * p0) / (1 - p0));
    this.n[k]++;
    this.p0Sum[k] += p0;
    this.pSum[k] += p0 + (1 - p0) * q;
    let addedAt = -1;
    if (!bought && q > 0 && rng.next() < q) {
      addedAt = e + 1 + Math.floor(rng.next() * (this.windowSec - 2));
      bought = true;
      this.added[k]++;
    }
    if (bought) this.conv[k]++;
    return addedAt;
  }

  /** One added purchase's value: Gamma(p, ν) from this mechanism's own stream, at least 0.01. */
  spend(nu: number): number {
    const v = gamma(this.rng, this.spendShape, nu);
    return Math.max(1, Math.round(v * 100)) / 100;
  }

  truth(startIso: string): ExperimentTruth {
    const o = this.options;
    return {
      id: o.id,
      start: startIso,
      windowDays: o.windowDays,
      enrolledShare: o.enrolledShare,
      variants: o.variants.map((v, k) => ({
        name: v.name,
        split: v.split,
        lift: v.lift,
        expectedLift: this.p0Sum[k] > 0 ? this.pSum[k] / this.p0Sum[k] - 1 : null,
        customers: this.n[k],
        expectedBaseline: this.n[k] ? this.p0Sum[k] / this.n[k] : null,
        expectedConversion: this.n[k] ? this.pSum[k] / this.n[k] : null,
        conversions: this.conv[k],
        addedPurchases: this.added[k],
      })),
      note:
        'Enrolled: customers whose trial purchase precedes the start, each with probability enrolledShare; one email exposure ' +
        'on the start day carries props experiment and variant. p0 = 1 − exp(−λ·window) while alive (0 after dropout); a ' +
        'variant with lift L adds a purchase in the window to non-buyers with probability L·p0/(1 − p0), so P(buy) = (1 + L)·p0. ' +
        'expectedLift is the lift implied after capping that probability at 1.',
    };
  }
}
