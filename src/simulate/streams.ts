/**
 * One independent random stream per mechanism, all derived from the run's seed. A mechanism
 * added later draws from its own stream, so it does not shift the draws of the others: the
 * purchases of seed 7 stay the purchases of seed 7.
 */
import { createRng, type Xoshiro128 } from '../models/numeric/random.js';

function hashLabel(label: string): number {
  // FNV-1a, 32 bits
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A stream for `label` under `seed`; the same pair always gives the same stream. */
export function stream(seed: number, label: string): Xoshiro128 {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return createRng(fmix32(fmix32(lo ^ hashLabel(label)) ^ fmix32(hi + 0x632be5ab)));
}
