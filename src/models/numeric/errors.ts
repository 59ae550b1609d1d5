/**
 * Typed errors of the numeric core. A model never returns a silent wrong answer: bad input is an
 * InvalidArgumentsError, data that cannot identify a model is a DegenerateDataError, and an
 * iteration that does not reach its tolerance is a ConvergenceError.
 */
import { InvalidArgumentsError } from './random.js';

export { InvalidArgumentsError };

/** An iterative method stopped without meeting its convergence test. */
export class ConvergenceError extends Error {
  constructor(
    message: string,
    /** Iterations (or series terms) used before giving up. */
    readonly iterations: number,
    /** The largest absolute gradient component (or last relative term) when it stopped. */
    readonly residual: number,
  ) {
    super(message);
    this.name = 'ConvergenceError';
  }
}

/** The data cannot identify the model (e.g. nobody ever repeats, or a single customer). */
export class DegenerateDataError extends InvalidArgumentsError {
  constructor(message: string) {
    super(message);
    this.name = 'DegenerateDataError';
  }
}
