/**
 * The typed errors the brand numerics throw (STYLE.md): bad input is an `InvalidArgumentsError`
 * (shared with numeric/random.ts), an iteration that does not converge is a `ConvergenceError` —
 * never a silent wrong answer. Thin or degenerate data is not an error: it is a `status` in the result.
 */
export { InvalidArgumentsError } from '../numeric/random.js';

export class ConvergenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConvergenceError';
  }
}
