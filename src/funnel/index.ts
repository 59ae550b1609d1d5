/** The networked funnel and paths to value (issue 6): see ./analyze.ts. */
export { analyzeFunnel, FUNNEL_DEFAULTS, type FunnelOptions, type FunnelOutcome } from './analyze.js';
export { markovAttribution, shapleyAttribution, touchEffect, type PathCell, type EffectEstimate } from './attribution.js';
