/**
 * The typed errors the brand numerics throw (STYLE.md), shared with the numeric core: bad input is an
 * `InvalidArgumentsError`, an iteration that does not converge is a `ConvergenceError` — never a silent
 * wrong answer. Thin or degenerate data is not an error here: it is a `status` in the result.
 */
export { ConvergenceError, InvalidArgumentsError } from '../numeric/errors.js';
