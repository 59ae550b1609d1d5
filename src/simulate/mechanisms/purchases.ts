/**
 * Purchases: the BG/NBD process (Fader, Hardie & Lee 2005, "Counting your customers the easy
 * way", section 2) and Gamma-Gamma spend (Fader, Hardie & Lee 2005, "RFM and CLV", section 3;
 * Fader & Hardie, "The Gamma-Gamma model of monetary value", 2013).
 *
 * Per customer: lambda ~ Gamma(r, alpha) (purchases per week while alive), p ~ Beta(a, b).
 * The trial purchase is at arrival; inter-purchase times are Exp(lambda); after each repeat
 * purchase the customer drops out with probability p (BG/NBD assumption iii: dropout happens
 * only after a repeat transaction, never right after the trial); with `dropout` set, p is that
 * fixed value for everyone (no draw). Spend: nu ~ Gamma(q, gamma),
 * each transaction's value ~ Gamma(p, nu), independent of the purchase process.
 */
import { beta, exponential, gamma, type Rng } from '../../models/numeric/random.js';
import type { BgNbdParams, GammaGammaParams } from '../options.js';

export const WEEK_SECONDS = 604_800;

export class PurchaseProcess {
  lambda = 0;
  p = 0;
  nu = 0;
  /** Repeat-purchase times (seconds since the window start) of the current customer. */
  readonly repeats: number[] = [];
  /** Whether the current customer is still alive at the window's end, and when they dropped out. */
  alive = true;
  dropoutSec = Infinity;

  constructor(
    private readonly bg: BgNbdParams,
    private readonly gg: GammaGammaParams,
    private readonly rng: Rng,
  ) {}

  /** Draws a new customer's latent lambda, p and nu. */
  drawCustomer(): void {
    this.lambda = gamma(this.rng, this.bg.r, this.bg.alpha);
    this.p = this.bg.dropout ?? beta(this.rng, this.bg.a, this.bg.b);
    this.nu = gamma(this.rng, this.gg.q, this.gg.gamma);
  }

  /** Repeat purchases after a trial at `trialSec`, up to (not including) `endSec`. */
  drawRepeats(trialSec: number, endSec: number): number {
    const out = this.repeats;
    out.length = 0;
    this.alive = true;
    this.dropoutSec = Infinity;
    const rate = this.lambda / WEEK_SECONDS;
    if (!(rate > 0)) return 0;
    let t = trialSec;
    for (;;) {
      t += exponential(this.rng, rate);
      if (t >= endSec) break;
      out.push(t);
      if (this.rng.next() < this.p) {
        this.alive = false;
        this.dropoutSec = t;
        break;
      }
    }
    return out.length;
  }

  /** One transaction's value, in cents precision, at least 0.01. */
  spend(): number {
    const v = gamma(this.rng, this.gg.p, this.nu);
    return Math.max(1, Math.round(v * 100)) / 100;
  }
}
