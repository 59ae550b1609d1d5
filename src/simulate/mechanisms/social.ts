/**
 * Word of mouth after a purchase: a share of the item with a peer (one the customer follows or
 * was referred by, else one drawn by the network's attachment rule), and a review whose star
 * rating is drawn around the item's latent quality and whose wording follows the rating.
 */
import { exponential, normal, randomInt, type Rng } from '../../models/numeric/random.js';
import { CH, NONE, T, type EventBlock } from '../event-block.js';
import type { SocialOptions } from '../options.js';
import type { Catalogue } from './catalogue.js';
import { reviewTextTable } from './review-text.js';

const DAY = 86_400;

export interface SocialCounts {
  shares: number;
  sharesToOwnNetwork: number;
  reviews: number;
  ratings: Record<'1' | '2' | '3' | '4' | '5', number>;
}

export class Social {
  readonly counts: SocialCounts = {
    shares: 0,
    sharesToOwnNetwork: 0,
    reviews: 0,
    ratings: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
  };
  readonly texts: string[];
  private readonly byRating: number[][];

  constructor(private readonly opts: SocialOptions, private readonly catalogue: Catalogue, private readonly rng: Rng) {
    const table = reviewTextTable();
    this.texts = table.texts;
    this.byRating = table.byRating;
  }

  /** Whether the purchase is shared, and when (NONE if not, or if it would fall after `endSec`). */
  shareTime(purchaseSec: number, endSec: number): number {
    if (!(this.rng.next() < this.opts.shareProb)) return NONE;
    const ts = purchaseSec + 1 + Math.floor(exponential(this.rng, 1 / (this.opts.shareDelayDays * DAY)));
    return ts < endSec ? ts : NONE;
  }

  share(block: EventBlock, owner: number, ts: number, item: number, peer: number, own: boolean): void {
    block.add(owner, ts, T.share, CH.social, item, peer);
    this.counts.shares++;
    if (own) this.counts.sharesToOwnNetwork++;
  }

  /** A review of the purchased item, if the customer writes one before `endSec`. */
  maybeReview(block: EventBlock, owner: number, purchaseSec: number, item: number, endSec: number): void {
    if (!(this.rng.next() < this.opts.reviewProb)) return;
    const ts = purchaseSec + 1 + Math.floor(exponential(this.rng, 1 / (this.opts.reviewDelayDays * DAY)));
    if (ts >= endSec) return;
    const q = this.catalogue.quality[item];
    const rating = Math.min(5, Math.max(1, Math.round(normal(this.rng, q, this.opts.ratingSd)))) as 1 | 2 | 3 | 4 | 5;
    const choices = this.byRating[rating];
    const e = block.add(owner, ts, T.review, CH.web, item);
    block.rating[e] = rating;
    block.text[e] = choices[randomInt(this.rng, choices.length)];
    this.counts.reviews++;
    this.counts.ratings[rating]++;
  }
}
