/**
 * The path to purchase: sessions of search → view(s) → save → cart → purchase, and abandoned
 * sessions that stop before the purchase, so every funnel stage has drop-off with known rates.
 * A buying session ends at the purchase time the purchase process drew; an abandoned session
 * starts at a time drawn here.
 */
import { exponential, poisson, type Rng } from '../../models/numeric/random.js';
import { CH, T, type EventBlock } from '../event-block.js';
import type { FunnelOptions } from '../options.js';

/** How a session begins: `search` always searches, `link` never (arrived from an ad or a peer), `any` by searchProb. */
export type SessionEntry = 'search' | 'link' | 'any';

export interface FunnelCounts {
  buyingSessions: number;
  abandonedSessions: number;
  abandonedWithCart: number;
}

const MIN_STEP_SECONDS = 5;

export class Funnel {
  readonly counts: FunnelCounts = { buyingSessions: 0, abandonedSessions: 0, abandonedWithCart: 0 };
  private readonly steps: number[] = [];
  private readonly gaps: number[] = [];
  private stepCount = 0;

  constructor(private readonly opts: FunnelOptions, private readonly rng: Rng) {}

  sessionChannel(): number {
    return this.rng.next() < 0.6 ? CH.web : CH.app;
  }

  /** Plans the steps before a purchase (not the purchase itself); returns the session's duration in whole seconds. */
  private plan(entry: SessionEntry, buying: boolean): number {
    const o = this.opts;
    const rng = this.rng;
    this.stepCount = 0;
    const search = entry === 'search' || (entry === 'any' && rng.next() < o.searchProb);
    if (search) this.push(T.search);
    const views = 1 + poisson(rng, o.extraViewsMean);
    for (let v = 0; v < views; v++) this.push(T.view);
    if (rng.next() < o.saveProb) this.push(T.save);
    if (rng.next() < (buying ? o.cartProb : o.abandonCartProb)) this.push(T.cart);
    let duration = 0;
    // one gap after every planned step: the last one leads to the purchase (or to leaving)
    for (let i = 0; i < this.stepCount; i++) {
      const g = MIN_STEP_SECONDS + Math.floor(exponential(rng, 1 / o.stepSeconds));
      this.gaps[i] = g;
      duration += g;
    }
    return duration;
  }

  private push(t: number): void {
    this.steps[this.stepCount++] = t;
  }

  private place(block: EventBlock, owner: number, startSec: number, endSec: number, item: number, channel: number): void {
    let t = startSec;
    for (let i = 0; i < this.stepCount; i++) {
      if (t >= endSec) return;
      block.add(owner, t, this.steps[i], channel, item);
      t += this.gaps[i];
    }
  }

  /**
   * The steps of a buying session that ends with a purchase at `purchaseSec`. Returns the
   * session's start (its first event's time).
   */
  beforePurchase(block: EventBlock, owner: number, purchaseSec: number, item: number, channel: number, entry: SessionEntry): number {
    const start = purchaseSec - this.planBuying(entry);
    this.placePlan(block, owner, start, purchaseSec, item, channel);
    return start;
  }

  /**
   * Plans a buying session (a first visit whose start is not known yet) and returns its
   * duration: the purchase comes that many seconds after the first step. Place it with `placePlan`.
   */
  planBuying(entry: SessionEntry): number {
    this.counts.buyingSessions++;
    return this.plan(entry, true);
  }

  /** Adds the planned steps from `startSec`, dropping any at or after `endSec`. */
  placePlan(block: EventBlock, owner: number, startSec: number, endSec: number, item: number, channel: number): void {
    this.place(block, owner, startSec, endSec, item, channel);
  }

  /** A session that ends without a purchase; steps at or after `endSec` are dropped. */
  abandoned(block: EventBlock, owner: number, startSec: number, endSec: number, item: number, entry: SessionEntry): void {
    this.plan(entry, false);
    const carted = this.steps[this.stepCount - 1] === T.cart;
    this.place(block, owner, startSec, endSec, item, this.sessionChannel());
    this.counts.abandonedSessions++;
    if (carted) this.counts.abandonedWithCart++;
  }

  /** Number of abandoned sessions of a customer with purchase rate lambda (per week) over `weeks` weeks alive. */
  abandonedCount(lambda: number, weeks: number): number {
    const mean = this.opts.abandonRatio * lambda * weeks;
    return mean > 0 ? poisson(this.rng, mean) : 0;
  }
}
