/**
 * Shared shapes of the buy-till-you-die models. Models fit on COMPRESSED sufficient statistics:
 * one row per distinct tuple with the number of customers who have it, as typed columns.
 * Vocabulary follows lifetimes / BTYD: x = frequency (repeat purchases), t_x = recency (time of the
 * last purchase, measured from the first), T = age (first purchase to calibration end), n = number
 * of transaction opportunities (BG/BB), monetary = mean value of the repeat purchases.
 */

export type ClvModelName = 'bgnbd' | 'pnbd' | 'mbgnbd' | 'bgbb' | 'ggamma' | 'nbd';

/** Continuous-time RFM tuples (BG/NBD, MBG/NBD, Pareto/NBD). */
export interface RfmTuples {
  x: Float64Array;
  t_x: Float64Array;
  T: Float64Array;
  /** Customers with this tuple (>= 0; may be fractional weights). */
  count: Float64Array;
}

/** Discrete-time tuples (BG/BB): x repeat transactions in n opportunities, the last at t_x. */
export interface DiscreteTuples {
  x: Float64Array;
  t_x: Float64Array;
  n: Float64Array;
  count: Float64Array;
}

/** Spend tuples (Gamma-Gamma): repeat buyers only (x >= 1), monetary = mean repeat spend. */
export interface SpendTuples {
  x: Float64Array;
  monetary: Float64Array;
  count: Float64Array;
}

export interface BgnbdParams { r: number; alpha: number; a: number; b: number }
export type MbgnbdParams = BgnbdParams;
export interface PnbdParams { r: number; alpha: number; s: number; beta: number }
export interface BgbbParams { alpha: number; beta: number; gamma: number; delta: number }
export interface GammaGammaParams { p: number; q: number; gamma: number }
/** NBD: no dropout, λ ~ Gamma(r, α). */
export interface NbdParams { r: number; alpha: number }
/** BG/NBD or MBG/NBD at a, b → ∞ with a/(a+b) = p: one dropout probability p for everyone. */
export interface HomogeneousDropoutParams { r: number; alpha: number; p: number }

/** How a fit that ran along a flat ridge toward the no-dropout boundary is reported. */
export interface BoundaryNote {
  /**
   * 'homogeneous-dropout': BG/NBD or MBG/NBD at a, b → ∞ with a/(a+b) fixed, reported as that
   * limit; 'no-dropout': the limit is the NBD (reported as the NBD); 'ridge': Pareto/NBD with s, β
   * large, kept at the fitted point (its predictions are finite there) with the finite parametrisation.
   */
  limit: 'homogeneous-dropout' | 'no-dropout' | 'ridge';
  /** One sentence for the user: what ran off, and what is reported instead. */
  message: string;
  /** The parametrisation that stays finite on the ridge (mean and concentration of the dropout). */
  finiteParams: Record<string, number>;
  /** Where the unconstrained fit got to, and its log-likelihood; null when it failed. */
  ridge: { params: Record<string, number>; logLikelihood: number } | null;
  /** Why the unconstrained fit failed, when it did. */
  ridgeError: string | null;
}

export interface FitResult<M extends ClvModelName, P> {
  model: M;
  params: P;
  /** Asymptotic standard errors from the inverse observed information (natural scale). */
  stdErrors: P;
  /** Σ over customers of the log-likelihood, in the units of the data (as the papers report it). */
  logLikelihood: number;
  converged: boolean;
  /** BFGS iterations of the winning run (plus the polish on full data when a subsample screened the starts). */
  iterations: number;
  /** Σ count. */
  customers: number;
  /** Present when the fit ran to the no-dropout boundary (see BoundaryNote). */
  boundary?: BoundaryNote;
}

export interface FitOptions {
  /** Start points in natural parameters, in the model's parameter order; default: a few spread starts. */
  starts?: readonly (readonly number[])[];
  /** Max |∂f/∂log θ| of the mean negative log-likelihood at convergence. */
  gradTol?: number;
  /**
   * With more tuples than this, the starts are screened on a seeded subsample of customers and
   * only the best is polished on the full data (the 1M-customer path). 0 disables screening.
   */
  screenAbove?: number;
  /** Seed of the screening subsample. */
  seed?: number;
  /** false: return the best run with converged = false instead of throwing ConvergenceError. */
  throwOnNonConvergence?: boolean;
}
