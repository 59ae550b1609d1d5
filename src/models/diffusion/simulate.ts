/** Draws adoptions per period from a Bass model: a_t ~ Poisson(m·(F(t) − F(t−1))), for ground-truth tests and the simulator. */
import { poisson, type Rng } from '../numeric/random.js';
import { bassAdoptions } from './bass.js';

export function simulateBass(params: { p: number; q: number; m: number }, T: number, rng: Rng): number[] {
  return Array.from(bassAdoptions(T, params.p, params.q, params.m), (mu) => poisson(rng, mu));
}
