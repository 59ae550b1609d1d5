/**
 * Reach: how many distinct customers lie within `hops` steps downstream of each customer along
 * out-edges (v itself excluded). With hops = 2 it is the size of a customer's audience plus their
 * audience's audience — the people a share or referral can reach in two forwards.
 *
 * Breadth-first search bounded at `hops` from every node, with a stamp array instead of a cleared
 * visited set, so the cost is the number of (node, reached node) pairs, about Σ_u in(u)·out(u) for
 * hops = 2.
 */
import type { Csr } from './csr.js';
import { InvalidArgumentsError } from './errors.js';

export function reachWithin(out: Csr, hops: number): Int32Array {
  if (!(Number.isInteger(hops) && hops >= 1)) throw new InvalidArgumentsError(`reach: hops must be an integer >= 1, got ${hops}`);
  const { n, offsets, targets } = out;
  const reach = new Int32Array(n);
  const stamp = new Int32Array(n); // stamp[u] = v+1 when u was reached from v
  const queue = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const mark = v + 1;
    stamp[v] = mark;
    let head = 0;
    let tail = 0;
    queue[tail++] = v;
    let count = 0;
    for (let level = 0; level < hops && head < tail; level++) {
      const levelEnd = tail;
      const last = level === hops - 1;
      while (head < levelEnd) {
        const u = queue[head++];
        for (let p = offsets[u]; p < offsets[u + 1]; p++) {
          const w = targets[p];
          if (stamp[w] !== mark) {
            stamp[w] = mark;
            count++;
            if (!last) queue[tail++] = w;
          }
        }
      }
    }
    reach[v] = count;
  }
  return reach;
}
