/**
 * Spend of the purchases a mechanism adds (brand dynamics, peer effects): Gamma-Gamma like the core
 * purchase process (Fader, Hardie & Lee 2005) — each buyer has a latent ν ~ Gamma(q, γ′), each
 * purchase's value ~ Gamma(p, ν) — with γ′ chosen so the population's mean spend per unit is the
 * mechanism's `price` (E[value] = p·γ′/(q − 1)). A fixed price for every purchase made all these
 * buyers' spend constant, which no spend model can fit (Gamma-Gamma's p runs to infinity): the demo
 * store then had no CLV in money.
 *
 * Draws come from their own stream, so the events a mechanism adds (and their timestamps) are the
 * same as with a fixed price; only the amounts differ.
 */
import { gamma, type Rng } from '../../models/numeric/random.js';
import type { GammaGammaParams } from '../../models/clv/types.js';

export class MechanismSpend {
  private readonly nu = new Map<number, number>();
  private readonly rate: number;

  constructor(
    private readonly gg: GammaGammaParams,
    price: number,
    private readonly rng: Rng,
  ) {
    if (!(gg.q > 1)) throw new RangeError(`mechanism spend needs Gamma-Gamma q > 1 for a finite mean (got ${gg.q})`);
    this.rate = (price * (gg.q - 1)) / gg.p;
  }

  /** One purchase's value for `person`, in cents precision, times `quantity` units. */
  amount(person: number, quantity = 1): number {
    let nu = this.nu.get(person);
    if (nu === undefined) {
      nu = gamma(this.rng, this.gg.q, this.rate);
      this.nu.set(person, nu);
    }
    return Math.max(0.01, Math.round(gamma(this.rng, this.gg.p, nu) * quantity * 100) / 100);
  }
}
