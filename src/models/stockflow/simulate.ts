/**
 * Draws flow, goodwill stock and purchases from known parameters, for ground-truth tests and the simulator:
 *   flow_t ~ Poisson(flowMean · e^{z_t}),  z_t = ρ z_{t−1} + volatility·ε_t   (so flow varies and λ is identified)
 *   S_t = λ S_{t−1} + flow_t                                                   (adstock.ts eq. 1)
 *   purchases_t ~ Poisson(intercept + slope · S_{t−lead})                     (adstock.ts eq. 2, Poisson noise)
 *   growth: flow intensity also trends by e^{growth·t}, for momentum tests.
 */
import { normal, poisson, type Rng } from '../numeric/random.js';
import { computeAdstock } from './adstock.js';
import { InvalidArgumentsError } from '../var/errors.js';

export interface StockFlowParameters {
  lambda: number;
  intercept: number;
  slope: number;
  flowMean: number;
  /** Standard deviation of the log-intensity innovations (default 0.3). */
  volatility?: number;
  /** AR(1) coefficient of the log intensity (default 0.7). */
  persistence?: number;
  /** Log growth of flow intensity per period (default 0). */
  growth?: number;
  lead?: number;
}

export interface StockFlowSample {
  flow: number[];
  stock: number[];
  purchases: number[];
}

export function simulateStockFlow(params: StockFlowParameters, T: number, rng: Rng): StockFlowSample {
  if (!(Number.isInteger(T) && T >= 1)) throw new InvalidArgumentsError(`simulateStockFlow: T must be an integer >= 1, got ${T}`);
  const vol = params.volatility ?? 0.3;
  const rho = params.persistence ?? 0.7;
  const growth = params.growth ?? 0;
  const lead = params.lead ?? 1;
  const flow: number[] = [];
  let z = normal(rng, 0, vol / Math.sqrt(1 - rho * rho));
  for (let t = 0; t < T; t++) {
    if (t > 0) z = rho * z + vol * normal(rng);
    flow.push(poisson(rng, params.flowMean * Math.exp(z + growth * t)));
  }
  const stock = Array.from(computeAdstock(flow, params.lambda));
  const purchases = flow.map((_, t) => poisson(rng, params.intercept + (t >= lead ? params.slope * stock[t - lead] : 0)));
  return { flow, stock, purchases };
}
