/**
 * k-core numbers (coreness) of an undirected graph.
 *
 * [Reference] Batagelj & Zaversnik (2003), "An O(m) algorithm for cores decomposition of networks",
 * arXiv:cs/0310049: process vertices in increasing order of current degree, kept in a bucket sort
 * (bin/pos/vert arrays) so each degree decrement moves a vertex one bucket down in O(1).
 *
 * The core number of v is the largest k such that v belongs to a subgraph where every vertex has
 * degree ≥ k. Degree here counts distinct neighbours of the undirected simple view (see csr.ts:
 * `undirected`), so a customer who both follows and is followed by the same peer counts that peer once.
 */
import type { Csr } from './csr.js';
import { InvalidArgumentsError } from './errors.js';

export function coreNumbers(g: Csr): Int32Array {
  const { n, offsets, targets } = g;
  const deg = new Int32Array(n);
  let maxDeg = 0;
  for (let v = 0; v < n; v++) {
    const d = offsets[v + 1] - offsets[v];
    for (let p = offsets[v]; p < offsets[v + 1]; p++) {
      if (targets[p] === v) throw new InvalidArgumentsError(`coreNumbers: self-loop at node ${v}; pass a simple graph`);
    }
    deg[v] = d;
    if (d > maxDeg) maxDeg = d;
  }
  // bin[d] = start of the block of vertices with degree d in `vert`.
  const bin = new Int32Array(maxDeg + 1);
  for (let v = 0; v < n; v++) bin[deg[v]]++;
  let start = 0;
  for (let d = 0; d <= maxDeg; d++) {
    const num = bin[d];
    bin[d] = start;
    start += num;
  }
  const pos = new Int32Array(n);
  const vert = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    pos[v] = bin[deg[v]];
    vert[pos[v]] = v;
    bin[deg[v]]++;
  }
  for (let d = maxDeg; d > 0; d--) bin[d] = bin[d - 1];
  bin[0] = 0;
  for (let i = 0; i < n; i++) {
    const v = vert[i];
    const dv = deg[v];
    for (let p = offsets[v]; p < offsets[v + 1]; p++) {
      const u = targets[p];
      const du = deg[u];
      if (du > dv) {
        // Swap u with the first vertex of its bucket, then shrink the bucket by one.
        const pu = pos[u];
        const pw = bin[du];
        const w = vert[pw];
        if (u !== w) {
          pos[u] = pw;
          vert[pu] = w;
          pos[w] = pu;
          vert[pw] = u;
        }
        bin[du]++;
        deg[u] = du - 1;
      }
    }
  }
  return deg;
}
