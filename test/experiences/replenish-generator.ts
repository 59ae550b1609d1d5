/**
 * A small seeded generator of repeat purchases with known cycles, for the replenishment tests
 * (until the simulator's persona mechanism with replenishment cycles is merged): each item has a
 * cycle; each (customer, item) pair a cycle = item cycle · exp(N(0, pairSd²)); each interval =
 * pair cycle · exp(N(0, intervalSd²)) — exactly the hierarchy the model assumes — with a random
 * start, written as CSV in Spiral's canonical columns (ingest with the `simulated` mapping).
 */
import { writeFileSync } from 'node:fs';
import { createRng, normal, randomInt, poisson } from '../../src/models/numeric/random.js';

export interface CycleData {
  file: string;
  start: Date;
  end: Date;
  itemCycles: number[];
  pairs: number;
}

export function writeCycleData(
  file: string,
  o: { customers: number; items: number; seed: number; days: number; pairSd: number; intervalSd: number; withItems?: boolean; withQuantity?: boolean },
): CycleData {
  const rng = createRng(o.seed);
  const start = new Date('2022-01-01T00:00:00Z');
  const end = new Date(start.getTime() + o.days * 86_400_000);
  const itemCycles = Array.from({ length: o.items }, (_, i) => 7 + (i * 53) % 50 + randomInt(rng, 5));
  const lines = ['event_id,customer_id,ts,type,item_id,amount,quantity,peer_id,channel,rating,text'];
  let id = 0;
  let pairs = 0;
  for (let c = 0; c < o.customers; c++) {
    const owned = o.withItems === false ? [0] : [...new Set(Array.from({ length: 1 + randomInt(rng, 3) }, () => randomInt(rng, o.items)))];
    for (const item of owned) {
      pairs++;
      const cycle = itemCycles[item] * Math.exp(normal(rng, 0, o.pairSd));
      const baseQty = 1 + randomInt(rng, 3);
      // Customers start buying an item at a random time in the window, so some pairs have only a couple of purchases.
      let t = rng.next() * o.days;
      while (t < o.days) {
        const ts = new Date(start.getTime() + t * 86_400_000).toISOString();
        const qty = o.withQuantity === false ? '' : String(baseQty + poisson(rng, 0.3));
        lines.push(`e${id++},c${c},${ts},purchase,${o.withItems === false ? '' : `i${item}`},10,${qty},,web,,`);
        t += cycle * Math.exp(normal(rng, 0, o.intervalSd));
      }
    }
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, start, end, itemCycles, pairs };
}
