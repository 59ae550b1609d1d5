export { fitAdstock, computeAdstock, ADSTOCK_DEFAULTS } from './adstock.js';
export type { AdstockInput, AdstockOptions, AdstockResult, AdstockStatus, AdstockEstimate } from './adstock.js';
export { brandMomentum, fitLogLinearTrend, MOMENTUM_DEFAULTS } from './momentum.js';
export type { MomentumInput, MomentumOptions, MomentumResult, MomentumStatus, MomentumPoint, TrendFit } from './momentum.js';
export { simulateStockFlow } from './simulate.js';
export type { StockFlowParameters, StockFlowSample } from './simulate.js';
