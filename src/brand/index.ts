/** Brand flow and stock, momentum, Spiral In / Spiral Out, word of mouth, co-creation demand and listening (issue 5). */
export { analyzeBrand, BRAND_DEFAULTS, type BrandOptions } from './analyze.js';
export { BRAND_PERIODS, ACTIVE_PERIODS, type BrandPeriod } from './periods.js';
export type * from './types.js';
