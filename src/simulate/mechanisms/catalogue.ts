/**
 * A small catalogue: item popularity follows Zipf's law (rank k ∝ k^-s) and each item has a
 * latent quality, the mean star rating its reviews are drawn around.
 */
import { normal, type Rng } from '../../models/numeric/random.js';
import type { CatalogueOptions } from '../options.js';

export interface CatalogueTruth {
  items: number;
  zipf: number;
  /** P(an item is chosen) by item index (item ids are i001, i002, … in this order). */
  popularity: number[];
  /** Each item's latent quality on the 1..5 star scale. */
  quality: number[];
}

export class Catalogue {
  readonly size: number;
  readonly quality: Float64Array;
  private readonly cumulative: Float64Array;
  private readonly weights: Float64Array;

  constructor(private readonly opts: CatalogueOptions, rng: Rng) {
    const n = opts.items;
    this.size = n;
    this.weights = new Float64Array(n);
    this.cumulative = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      this.weights[k] = Math.pow(k + 1, -opts.zipf);
      total += this.weights[k];
      this.cumulative[k] = total;
    }
    for (let k = 0; k < n; k++) {
      this.weights[k] /= total;
      this.cumulative[k] /= total;
    }
    this.cumulative[n - 1] = 1;
    this.quality = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      this.quality[k] = Math.min(5, Math.max(1, normal(rng, opts.qualityMean, opts.qualitySd)));
    }
  }

  /** An item drawn by popularity (binary search on the cumulative weights). */
  pick(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  truth(): CatalogueTruth {
    return {
      items: this.size,
      zipf: this.opts.zipf,
      popularity: Array.from(this.weights, (w) => round(w, 6)),
      quality: Array.from(this.quality, (q) => round(q, 4)),
    };
  }
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
