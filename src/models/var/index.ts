export { fitVar, VAR_DEFAULTS } from './var.js';
export type {
  VarInput, VarOptions, VarResult, VarStatus, Estimate, LagCriterion, CoefficientRow, GrangerTest,
  ImpulseResponse, DirectionEffect, SpiralDominance,
} from './var.js';
export { impulseResponses, maCoefficients, irfIndex } from './irf.js';
export type { IrfKind, IrfScale } from './irf.js';
export { simulateVar } from './simulate.js';
export type { VarParameters } from './simulate.js';
export { ConvergenceError, InvalidArgumentsError } from './errors.js';
