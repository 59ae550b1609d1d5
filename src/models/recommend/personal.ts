/**
 * The customer's own items ("buy again"): a time-decayed, type-weighted frequency score per
 * (customer, item), after TIFU-KNN's personal item frequency (Hu, He et al., SIGIR 2020) and the
 * repeat-consumption baselines of Li et al. (TOIS 2023):
 *   w_ui = exp(−age_ui / τ) · n_ui^a · d_ui^b · (1 + β_cart·[carted] + β_save·[saved] + β_buy·[bought] + β_like·[rated ≥ 4])
 *          · (1 − δ·[the customer bought another item of i's category after their last event on i])
 * with age_ui the days from the customer's last event on the item to the cutoff, n_ui the events and
 * d_ui the distinct days on which the customer touched the item. The last factor damps items whose
 * need a purchase has already met (the alternatives one compared before buying one of them); it
 * needs item categories, so the grid tries δ > 0 only when the events carry them. The score is
 * evaluated in SQL; the parameters are chosen on an inner validation split from the grid below.
 */
export interface PersonalWeights {
  /** Recency decay in days; null = no decay (pure frequency). */
  tauDays: number | null;
  countExponent: number;
  daysExponent: number;
  cart: number;
  save: number;
  purchase: number;
  like: number;
  /** δ: damping of items of a category the customer bought from after last touching them (0 = none). */
  categoryBought: number;
}

export const RECENT_ONLY: PersonalWeights = { tauDays: null, countExponent: 0, daysExponent: 0, cart: 0, save: 0, purchase: 0, like: 0, categoryBought: 0 };

/**
 * The grid `--model auto` searches: decay × (count, days) exponents × action boosts (12 settings),
 * each also with the category damping δ = 0.9 when the events carry item categories (24).
 */
export function personalGrid(categories = false): PersonalWeights[] {
  const grid: PersonalWeights[] = [];
  for (const tauDays of [1, 4, null]) {
    for (const [countExponent, daysExponent] of [[1, 0], [0.5, 1]] as const) {
      for (const [cart, save, purchase, like] of [[0, 0, 0, 0], [4, 0.5, 2, 2]] as const) {
        for (const categoryBought of categories ? [0, 0.9] : [0]) grid.push({ tauDays, countExponent, daysExponent, cart, save, purchase, like, categoryBought });
      }
    }
  }
  return grid;
}

/** A short label for reports, e.g. "τ=4d n^0.5 d^1 cart+4 save+0.5 buy+2 like+2". */
export function describePersonal(w: PersonalWeights): string {
  const parts = [w.tauDays === null ? 'no decay' : `τ=${w.tauDays}d`, `n^${w.countExponent}`, `d^${w.daysExponent}`];
  if (w.cart || w.save || w.purchase || w.like) parts.push(`cart+${w.cart} save+${w.save} buy+${w.purchase} like+${w.like}`);
  if (w.categoryBought) parts.push(`category bought after ×${Math.round((1 - w.categoryBought) * 1e6) / 1e6}`);
  return parts.join(' ');
}
