import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, randomInt } from '../models/numeric/random.js';
import { outCsr, transpose, undirected, hasEntry, type Csr } from './csr.js';
import { coreNumbers } from './kcore.js';
import { density, reciprocity, relabelBySize, weakComponents } from './metrics.js';
import { reachWithin } from './reach.js';
import { integerHistogram } from './histogram.js';
import { InvalidArgumentsError } from './errors.js';

function edges(list: [number, number][]): { src: Int32Array; dst: Int32Array } {
  return { src: Int32Array.from(list.map((e) => e[0])), dst: Int32Array.from(list.map((e) => e[1])) };
}

function rows(g: Csr): number[][] {
  return Array.from({ length: g.n }, (_, i) => Array.from(g.targets.subarray(g.offsets[i], g.offsets[i + 1])));
}

test('outCsr sorts rows, merges parallel edges and drops self-loops', () => {
  const g = outCsr(3, [0, 0, 0, 1, 2, 0], [2, 1, 2, 1, 0, 1], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(rows(g), [[1, 2], [], [0]]);
  assert.deepEqual(Array.from(g.weights), [8, 4, 5]);
});

test('outCsr rejects endpoints out of range and non-positive weights', () => {
  assert.throws(() => outCsr(2, [0], [2]), InvalidArgumentsError);
  assert.throws(() => outCsr(2, [0], [1], [0]), InvalidArgumentsError);
});

test('undirected merges u→v and v→u into one weighted pair, stored both ways', () => {
  const { src, dst } = edges([[0, 1], [1, 0], [1, 2]]);
  const out = outCsr(3, src, dst, [2, 3, 1]);
  const und = undirected(out);
  assert.deepEqual(rows(und), [[1], [0, 2], [1]]);
  assert.deepEqual(Array.from(und.weights), [5, 5, 1, 1]);
  assert.deepEqual(rows(transpose(out)), [[1], [0], [1]]);
});

test('reciprocity and density of a hand-solved graph: 2 of 4 edges reciprocated, 4 of 12 possible', () => {
  const { src, dst } = edges([[0, 1], [1, 0], [1, 2], [2, 3]]);
  const g = outCsr(4, src, dst);
  assert.equal(reciprocity(g), 0.5);
  assert.equal(density(g), 1 / 3);
  assert.equal(reciprocity(outCsr(2, [], [])), null);
  assert.equal(density(outCsr(1, [], [])), null);
});

test('k-core numbers of a hand-solved graph: K4, a triangle on it, a pendant, a separate pair', () => {
  // K4 on 0-3; triangle 3-4-5; pendant 6 on 5; pair 7-8; isolated 9.
  const list: [number, number][] = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3], [3, 4], [4, 5], [5, 3], [5, 6], [7, 8]];
  const { src, dst } = edges(list);
  const core = coreNumbers(undirected(outCsr(10, src, dst)));
  assert.deepEqual(Array.from(core), [3, 3, 3, 3, 2, 2, 1, 1, 1, 0]);
});

/** Independent k-core by repeated peeling: for k = 1, 2, …, delete vertices of degree < k until none is left. */
function peelCores(n: number, adj: Set<number>[]): number[] {
  const core = new Array<number>(n).fill(0);
  const alive = new Array<boolean>(n).fill(true);
  const deg = adj.map((s) => s.size);
  for (let k = 1; alive.some(Boolean); k++) {
    let changed = true;
    while (changed) {
      changed = false;
      for (let v = 0; v < n; v++) {
        if (alive[v] && deg[v] < k) {
          alive[v] = false;
          changed = true;
          for (const u of adj[v]) if (alive[u]) deg[u]--;
        }
      }
    }
    for (let v = 0; v < n; v++) if (alive[v]) core[v] = k;
  }
  return core;
}

test('k-core (Batagelj–Zaversnik) equals brute-force peeling on a random graph', () => {
  const rng = createRng(7);
  const n = 300;
  const src: number[] = [];
  const dst: number[] = [];
  const adj = Array.from({ length: n }, () => new Set<number>());
  for (let e = 0; e < 1500; e++) {
    const u = randomInt(rng, n);
    const v = Math.floor(n * rng.next() ** 2);
    src.push(u);
    dst.push(v);
    if (u !== v) {
      adj[u].add(v);
      adj[v].add(u);
    }
  }
  const core = coreNumbers(undirected(outCsr(n, src, dst)));
  assert.deepEqual(Array.from(core), peelCores(n, adj));
  assert.ok(Math.max(...core) >= 3, 'the test graph has a non-trivial core');
});

test('reach within 1, 2 and 3 hops on a chain with a back edge', () => {
  // 0→1→2→3, 3→1, 4 isolated from the rest except 4→0
  const { src, dst } = edges([[0, 1], [1, 2], [2, 3], [3, 1], [4, 0]]);
  const g = outCsr(5, src, dst);
  assert.deepEqual(Array.from(reachWithin(g, 1)), [1, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(reachWithin(g, 2)), [2, 2, 2, 2, 2]);
  assert.deepEqual(Array.from(reachWithin(g, 3)), [3, 2, 2, 2, 3]);
  assert.throws(() => reachWithin(g, 0), InvalidArgumentsError);
});

test('weak components and relabelling by size', () => {
  const { src, dst } = edges([[0, 1], [2, 1], [3, 4]]);
  const c = weakComponents(outCsr(6, src, dst));
  assert.equal(c.count, 3);
  assert.deepEqual(Array.from(c.sizes), [3, 2, 1]);
  assert.deepEqual(Array.from(c.component), [0, 0, 0, 1, 1, 2]);
  const r = relabelBySize(Int32Array.from([5, 5, 9, 9, 9, 2]));
  assert.deepEqual(Array.from(r.labels), [1, 1, 0, 0, 0, 2]);
  assert.deepEqual(Array.from(r.sizes), [3, 2, 1]);
});

test('hasEntry binary search agrees with a linear scan', () => {
  const rng = createRng(3);
  const src = Array.from({ length: 400 }, () => randomInt(rng, 40));
  const dst = Array.from({ length: 400 }, () => randomInt(rng, 40));
  const g = outCsr(40, src, dst);
  const r = rows(g);
  for (let u = 0; u < 40; u++) for (let v = 0; v < 40; v++) assert.equal(hasEntry(g, u, v), r[u].includes(v));
});

test('integerHistogram: one bin per value when small, powers of two for heavy tails', () => {
  const h = integerHistogram([1, 1, 2, 4]);
  assert.equal(h.scale, 'linear');
  assert.deepEqual(h.bins.map((b) => [b.lo, b.count]), [[1, 2], [2, 1], [3, 0], [4, 1]]);
  assert.equal(h.median, 1.5);
  const t = integerHistogram([0, 1, 2, 3, 100], { exactUpTo: 10 });
  assert.equal(t.scale, 'log2');
  assert.deepEqual(t.bins.map((b) => [b.lo, b.hi, b.count]), [[0, 0, 1], [1, 1, 1], [2, 3, 2], [4, 7, 0], [8, 15, 0], [16, 31, 0], [32, 63, 0], [64, 127, 1]]);
  assert.equal(integerHistogram([]).mean, null);
  assert.throws(() => integerHistogram([1.5]), InvalidArgumentsError);
});
