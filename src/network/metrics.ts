/**
 * Network-level measures of a directed simple graph (no self-loops, no parallel edges).
 *
 * - reciprocity: the share of directed edges u → v whose reverse v → u also exists
 *   (Wasserman & Faust 1994, §13.2; the "47.6 % reciprocated" of Ciao's trust network);
 * - density: m / (n(n−1)), the share of possible directed edges present;
 * - weakly connected components by union–find with path halving and union by size.
 */
import { hasEntry, type Csr } from './csr.js';

export function edgeCount(out: Csr): number {
  return out.targets.length;
}

/** Share of directed edges that are reciprocated; null for an edgeless graph. */
export function reciprocity(out: Csr): number | null {
  const m = out.targets.length;
  if (m === 0) return null;
  let r = 0;
  for (let u = 0; u < out.n; u++) {
    for (let p = out.offsets[u]; p < out.offsets[u + 1]; p++) if (hasEntry(out, out.targets[p], u)) r++;
  }
  return r / m;
}

/** Directed density m / (n(n−1)); null when n < 2. */
export function density(out: Csr): number | null {
  const n = out.n;
  if (n < 2) return null;
  return out.targets.length / (n * (n - 1));
}

export interface Components {
  /** Component id per node, 0 … count−1, numbered by decreasing size (ties: smallest node first). */
  component: Int32Array;
  count: number;
  sizes: Int32Array;
}

/** Weakly connected components (edge direction ignored). */
export function weakComponents(out: Csr): Components {
  const n = out.n;
  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (let u = 0; u < n; u++) {
    for (let p = out.offsets[u]; p < out.offsets[u + 1]; p++) {
      let a = find(u);
      let b = find(out.targets[p]);
      if (a === b) continue;
      if (size[a] < size[b]) [a, b] = [b, a];
      parent[b] = a;
      size[a] += size[b];
    }
  }
  const roots: number[] = [];
  for (let i = 0; i < n; i++) if (find(i) === i) roots.push(i);
  roots.sort((a, b) => size[b] - size[a] || a - b);
  const rootId = new Int32Array(n).fill(-1);
  const sizes = new Int32Array(roots.length);
  roots.forEach((r, k) => {
    rootId[r] = k;
    sizes[k] = size[r];
  });
  const component = new Int32Array(n);
  for (let i = 0; i < n; i++) component[i] = rootId[find(i)];
  return { component, count: roots.length, sizes };
}

/**
 * Renumbers arbitrary non-negative labels to 0 … k−1 by decreasing group size (ties: the group
 * whose first member has the smallest index first), so label 0 is always the largest group.
 */
export function relabelBySize(labels: Int32Array): { labels: Int32Array; sizes: Int32Array } {
  const n = labels.length;
  let maxLabel = -1;
  for (let i = 0; i < n; i++) if (labels[i] > maxLabel) maxLabel = labels[i];
  const count = new Int32Array(maxLabel + 1);
  const first = new Int32Array(maxLabel + 1).fill(n);
  for (let i = 0; i < n; i++) {
    count[labels[i]]++;
    if (first[labels[i]] === n) first[labels[i]] = i;
  }
  const used: number[] = [];
  for (let c = 0; c <= maxLabel; c++) if (count[c] > 0) used.push(c);
  used.sort((a, b) => count[b] - count[a] || first[a] - first[b]);
  const map = new Int32Array(maxLabel + 1);
  const sizes = new Int32Array(used.length);
  used.forEach((c, k) => {
    map[c] = k;
    sizes[k] = count[c];
  });
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = map[labels[i]];
  return { labels: out, sizes };
}
