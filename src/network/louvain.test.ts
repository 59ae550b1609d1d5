import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, randomInt } from '../models/numeric/random.js';
import { outCsr, undirected } from './csr.js';
import { InvalidArgumentsError } from './errors.js';
import { graphologyModularity, toUndirectedGraph } from './graphology.js';
import { communities, louvainCsr, modularity } from './louvain.js';

/** Two 5-cliques joined by one bridge edge 4–5. */
function twoCliques() {
  const src: number[] = [];
  const dst: number[] = [];
  for (const base of [0, 5]) for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) {
    src.push(base + i);
    dst.push(base + j);
  }
  src.push(4);
  dst.push(5);
  return undirected(outCsr(10, src, dst));
}

test('modularity of two 5-cliques split at the bridge is 20/21 − 1/2 by hand', () => {
  // m = 21 edges; each side holds 10 internal edges and total degree 21: Q = 2·(10/21 − (21/42)²).
  const g = twoCliques();
  const split = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  assert.ok(Math.abs(modularity(g, split)! - (20 / 21 - 0.5)) < 1e-12);
  assert.equal(modularity(g, new Int32Array(10)), 0);
});

test('Louvain (csr and graphology engines) finds the two cliques', () => {
  for (const engine of ['csr', 'graphology'] as const) {
    const r = communities(twoCliques(), { engine, rng: createRng(1) });
    assert.equal(r.count, 2, engine);
    assert.deepEqual(Array.from(r.sizes), [5, 5]);
    const c = r.community;
    for (let i = 1; i < 5; i++) assert.equal(c[i], c[0]);
    for (let i = 6; i < 10; i++) assert.equal(c[i], c[5]);
    assert.notEqual(c[0], c[5]);
    assert.ok(Math.abs(r.modularity! - (20 / 21 - 0.5)) < 1e-12);
  }
});

/** A planted partition: 20 groups of 25, 90% of edges inside a group. */
function planted(seed: number) {
  const rng = createRng(seed);
  const n = 500;
  const src: number[] = [];
  const dst: number[] = [];
  for (let e = 0; e < 4000; e++) {
    const u = randomInt(rng, n);
    const v = rng.next() < 0.9 ? Math.floor(u / 25) * 25 + randomInt(rng, 25) : randomInt(rng, n);
    src.push(u);
    dst.push(v);
  }
  return undirected(outCsr(n, src, dst));
}

test('csr Louvain: modularity matches graphology-metrics on its partition, close to graphology Louvain, reproducible', () => {
  const g = planted(3);
  const a = communities(g, { engine: 'csr', rng: createRng(9) });
  const b = communities(g, { engine: 'csr', rng: createRng(9) });
  assert.deepEqual(Array.from(a.community), Array.from(b.community), 'same seed, same partition');
  const graph = toUndirectedGraph(g);
  const theirQ = graphologyModularity(graph, { getNodeCommunity: (node: string) => a.community[Number(node)], getEdgeWeight: 'weight' });
  assert.ok(Math.abs(a.modularity! - theirQ) < 1e-10, `${a.modularity} vs graphology-metrics ${theirQ}`);
  const ref = communities(g, { engine: 'graphology', rng: createRng(9) });
  assert.ok(Math.abs(a.modularity! - ref.modularity!) < 0.02, `csr ${a.modularity} vs graphology ${ref.modularity}`);
  assert.ok(a.count >= 15 && a.count <= 30, `planted 20 groups, found ${a.count}`);
});

test('Louvain handles an edgeless graph and rejects bad options', () => {
  const empty = undirected(outCsr(3, [], []));
  const r = communities(empty, { engine: 'csr' });
  assert.equal(r.count, 3);
  assert.equal(r.modularity, null);
  assert.equal(louvainCsr(empty).levels, 0);
  assert.throws(() => communities(empty, { resolution: 0 }), InvalidArgumentsError);
  assert.throws(() => communities(empty, { maxPasses: 0 }), InvalidArgumentsError);
});

test('Louvain on a worker thread gives the same partition as in-thread for the same seed', async () => {
  const { communitiesInWorker } = await import('./louvain-parallel.js');
  const inThread = communities(planted(3), { engine: 'csr', rng: createRng(9) });
  const inWorker = await communitiesInWorker(planted(3), { engine: 'csr' }, 9);
  assert.deepEqual(Array.from(inWorker.community), Array.from(inThread.community));
  assert.equal(inWorker.modularity, inThread.modularity);
  await assert.rejects(communitiesInWorker(planted(3), { engine: 'csr', resolution: -1 }, 9), InvalidArgumentsError);
});
