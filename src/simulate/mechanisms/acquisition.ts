/**
 * How people arrive. Customers' first visits are uniform over the acquisition window (order
 * statistics, so they are processed in time order and every referrer or followee already
 * exists); prospects (visitors who never buy) likewise. Each customer is referred (a referral
 * event from an existing customer precedes the first visit), acquired by the firm (an `ad`
 * exposure precedes it) or organic (the first visit starts with a search).
 */
import { exponential, type Rng } from '../../models/numeric/random.js';
import { NONE } from '../event-block.js';
import type { AcquisitionOptions } from '../options.js';
import { WEEK_SECONDS } from './purchases.js';

const DAY = 86_400;
/** No first visit in the window's last two days, so a first session always fits before the end. */
const END_MARGIN = 2 * DAY;
const MIN_REFERRAL_LEAD = 60;

export type AcquisitionKind = 'organic' | 'firm' | 'referral';

export interface AcquisitionCounts {
  organic: number;
  firm: number;
  referral: number;
  /** Customers drawn as referred for whom no eligible referrer existed yet (acquired as `firm`). */
  referralFallbacks: number;
}

function sortedUniform(n: number, to: number, rng: Rng): Float64Array {
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = rng.next() * to;
  return xs.sort();
}

export class Acquisition {
  readonly customerArrivals: Float64Array;
  readonly prospectArrivals: Float64Array;
  readonly lastArrivalSec: number;
  readonly counts: AcquisitionCounts = { organic: 0, firm: 0, referral: 0, referralFallbacks: 0 };

  constructor(
    private readonly opts: AcquisitionOptions,
    customers: number,
    prospects: number,
    endSec: number,
    private readonly rng: Rng,
  ) {
    const window = opts.weeks === null ? endSec : Math.min(endSec, opts.weeks * WEEK_SECONDS);
    this.lastArrivalSec = Math.max(1, Math.min(window, endSec - END_MARGIN));
    this.customerArrivals = sortedUniform(customers, this.lastArrivalSec, rng);
    this.prospectArrivals = sortedUniform(prospects, Math.max(1, endSec - END_MARGIN), rng);
  }

  /** The intended way in of the next customer; a referral may still fall back to `firm`. */
  intendedKind(): AcquisitionKind {
    if (this.rng.next() < this.opts.referredShare) return 'referral';
    return this.rng.next() < this.opts.firmShare ? 'firm' : 'organic';
  }

  /** Whether a prospect came from an ad. */
  prospectFromAd(): boolean {
    return this.rng.next() < this.opts.firmShare;
  }

  /** When the referral of a customer whose first visit is at `firstSec` happened (NONE if before the window). */
  referralTime(firstSec: number): number {
    const lead = MIN_REFERRAL_LEAD + Math.floor(exponential(this.rng, 1 / (this.opts.referralDelayDays * DAY)));
    const ts = firstSec - lead;
    return ts >= 0 ? ts : NONE;
  }

  /** When the acquiring ad reached a customer whose first visit is at `firstSec` (at the earliest, the window's start). */
  adTime(firstSec: number): number {
    const lead = Math.floor(exponential(this.rng, 1 / (this.opts.firmDelayDays * DAY)));
    return Math.max(0, firstSec - lead);
  }

  record(kind: AcquisitionKind, fellBack: boolean): void {
    this.counts[kind]++;
    if (fellBack) this.counts.referralFallbacks++;
  }
}
