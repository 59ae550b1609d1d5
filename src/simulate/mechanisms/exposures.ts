/**
 * Firm touches: email campaigns on a fixed calendar, each promoting one item and reaching each
 * known customer independently with probability `campaignReach`; and the `ad` that acquires a
 * firm-acquired customer before their first visit. In this version exposures have no causal
 * effect on purchases (the BG/NBD process ignores them); the truth says so.
 */
import { geometric, type Rng } from '../../models/numeric/random.js';
import { CH, T, type EventBlock } from '../event-block.js';
import type { ExposuresOptions } from '../options.js';
import type { Catalogue } from './catalogue.js';
import { WEEK_SECONDS } from './purchases.js';

const SEND_SPREAD_SECONDS = 6 * 3600;

export interface CampaignTruth {
  ts: number;
  item: number;
}

export class Exposures {
  readonly campaignSec: number[] = [];
  readonly campaignItem: number[] = [];
  reached = 0;

  constructor(private readonly opts: ExposuresOptions, endSec: number, catalogue: Catalogue, private readonly rng: Rng) {
    if (opts.campaignEveryWeeks > 0 && opts.campaignReach > 0) {
      const every = opts.campaignEveryWeeks * WEEK_SECONDS;
      for (let t = every / 2; t < endSec - SEND_SPREAD_SECONDS; t += every) {
        this.campaignSec.push(Math.floor(t));
        this.campaignItem.push(catalogue.pick(rng));
      }
    }
  }

  /** The campaign emails a customer who joined at `fromSec` receives (geometric skips, not one draw per campaign). */
  campaigns(block: EventBlock, owner: number, fromSec: number): void {
    const n = this.campaignSec.length;
    if (n === 0) return;
    let k = lowerBound(this.campaignSec, fromSec);
    const reach = this.opts.campaignReach;
    k += geometric(this.rng, reach);
    while (k < n) {
      const ts = this.campaignSec[k] + Math.floor(this.rng.next() * SEND_SPREAD_SECONDS);
      block.add(owner, ts, T.exposure, CH.email, this.campaignItem[k]);
      this.reached++;
      k += 1 + geometric(this.rng, reach);
    }
  }
}

function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
