/**
 * The bridge to graphology: building a graphology Graph from the edge list (for the report's
 * interactive view of the top of the network, and for any graphology algorithm on a graph that fits),
 * and the CommonJS interop for graphology's algorithm packages.
 *
 * graphology-communities-louvain and graphology-metrics ship CommonJS with `export default` typings;
 * under NodeNext TypeScript sees the default import as the module object while Node hands over
 * module.exports (the function itself). `cjsDefault` gives the function in both readings.
 */
import { DirectedGraph, UndirectedGraph } from 'graphology';
import louvainModule from 'graphology-communities-louvain';
import modularityModule from 'graphology-metrics/graph/modularity.js';
import pagerankModule from 'graphology-metrics/centrality/pagerank.js';
import type { Csr } from './csr.js';

function cjsDefault<T>(mod: { default: T }): T {
  return (mod as { default?: T }).default ?? (mod as unknown as T);
}

export const graphologyLouvain: typeof louvainModule.default = cjsDefault(louvainModule);
export const graphologyModularity: typeof modularityModule.default = cjsDefault(modularityModule);
export const graphologyPagerank: typeof pagerankModule.default = cjsDefault(pagerankModule);

export interface EdgeAttributes {
  weight: number;
  [key: string]: unknown;
}

/** A directed graphology graph with node keys from `key` (default: the node index as a string). */
export function toDirectedGraph(out: Csr, key: (i: number) => string = String): DirectedGraph<Record<string, unknown>, EdgeAttributes> {
  const g = new DirectedGraph<Record<string, unknown>, EdgeAttributes>({ allowSelfLoops: false });
  for (let i = 0; i < out.n; i++) g.addNode(key(i));
  for (let u = 0; u < out.n; u++) {
    for (let p = out.offsets[u]; p < out.offsets[u + 1]; p++) g.addEdge(key(u), key(out.targets[p]), { weight: out.weights[p] });
  }
  return g;
}

/** An undirected graphology graph from a symmetric CSR (each pair added once). */
export function toUndirectedGraph(und: Csr, key: (i: number) => string = String): UndirectedGraph<Record<string, unknown>, EdgeAttributes> {
  const g = new UndirectedGraph<Record<string, unknown>, EdgeAttributes>({ allowSelfLoops: false });
  for (let i = 0; i < und.n; i++) g.addNode(key(i));
  for (let u = 0; u < und.n; u++) {
    for (let p = und.offsets[u]; p < und.offsets[u + 1]; p++) {
      const v = und.targets[p];
      if (u < v) g.addEdge(key(u), key(v), { weight: und.weights[p] });
    }
  }
  return g;
}
