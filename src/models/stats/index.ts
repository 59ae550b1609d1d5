/** Experiment statistics: sample sizes, arm comparisons (Welch, delta method, CUPED) and the SRM check. */
export * from './design.js';
export * from './compare.js';
export * from './srm.js';
