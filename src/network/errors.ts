/**
 * Typed errors of the network module (STYLE.md, after graphology): bad input is an
 * InvalidArgumentsError thrown up front; an iteration that does not reach its tolerance is a
 * ConvergenceError, never a silent wrong answer. Both are the numeric core's own classes
 * (models/numeric/errors.ts), so one `instanceof` catches them wherever they were thrown.
 */
export { ConvergenceError, InvalidArgumentsError } from '../models/numeric/errors.js';

/** A structure the algorithm relies on is violated (e.g. a referral forest with a cycle). */
export class GraphStructureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphStructureError';
  }
}
