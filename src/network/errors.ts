/**
 * Typed errors of the network module (STYLE.md, after graphology): bad input is an
 * InvalidArgumentsError thrown up front; an iteration that does not reach its tolerance is a
 * ConvergenceError, never a silent wrong answer.
 */
import { InvalidArgumentsError } from '../models/numeric/random.js';

export { InvalidArgumentsError };

/** An iterative method stopped without meeting its convergence test. */
export class ConvergenceError extends Error {
  constructor(
    message: string,
    /** Iterations (or passes) used before giving up. */
    readonly iterations: number,
    /** The last change measured when it stopped (e.g. the L1 change of PageRank). */
    readonly residual: number,
  ) {
    super(message);
    this.name = 'ConvergenceError';
  }
}

/** A structure the algorithm relies on is violated (e.g. a referral forest with a cycle). */
export class GraphStructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphStructureError';
  }
}
