/** Draws launched and open ideas from model (1) of preorders.ts with a known orders-per-vote rate, for ground-truth tests and the simulator. */
import { gamma, normal, poisson, type Rng } from '../numeric/random.js';
import type { LaunchedIdea } from './preorders.js';

export interface VoteOrderParameters {
  ordersPerVote: number;
  /** Poisson-gamma shape k; Infinity = plain Poisson. */
  shape: number;
  /** Median votes per idea (votes are lognormal with log-sd 1). */
  medianVotes: number;
  /** Mean lag from first vote to first order, in periods (geometric). */
  meanLag?: number;
}

export function simulateIdeas(params: VoteOrderParameters, n: number, rng: Rng): LaunchedIdea[] {
  const ideas: LaunchedIdea[] = [];
  for (let i = 0; i < n; i++) {
    const votes = Math.max(1, Math.round(params.medianVotes * Math.exp(normal(rng))));
    const lam = Number.isFinite(params.shape) ? gamma(rng, params.shape, params.shape) : 1;
    const orders = poisson(rng, params.ordersPerVote * lam * votes);
    const firstVotePeriod = Math.floor(rng.next() * 20);
    const lag = params.meanLag === undefined ? 0 : poisson(rng, params.meanLag);
    ideas.push({ id: `idea-${i}`, votes, orders, firstVotePeriod, firstOrderPeriod: firstVotePeriod + lag });
  }
  return ideas;
}
