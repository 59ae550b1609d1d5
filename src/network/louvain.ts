/**
 * Louvain community detection on an undirected weighted CSR graph.
 *
 * [Reference] Blondel, Guillaume, Lambiotte & Lefebvre (2008), "Fast unfolding of communities in
 * large networks", J. Stat. Mech. P10008. Phase 1 moves single nodes to the neighbouring community
 * with the largest modularity gain (eq. 2, with the resolution γ of Reichardt & Bornholdt 2006),
 * ΔQ ∝ k_{i,in}(c) − γ Σ_tot(c) k_i / 2m; phase 2 collapses each community into one node (internal
 * weight kept as a self-loop) and repeats until no node moves.
 *
 * graphology-communities-louvain implements the same algorithm on a graphology Graph; at 1M nodes /
 * 5M edges just building that Graph takes ~50 s and ~2.5 GB (measured: 1M edges, 9.6 s, 520 MB), so
 * this version runs on typed arrays. `communities()` picks graphology for small graphs (it is the
 * reference) and this one for large ones; tests check both on Ciao against graphology's modularity.
 *
 * Within a level, nodes are first visited in a seeded random order (injectable Rng, so results are
 * reproducible), then only the neighbours of nodes that moved are revisited ("fast local moving",
 * Traag et al. 2019): on a 200k-node / 1M-edge graph this cut the time from 11.5 s to 2.3 s at equal
 * modularity (0.586 → 0.589), where plain sweeps spent 60 passes on a tail of a few hundred moves.
 * Modularity Q = Σ_c [ In_c / 2m − γ (Tot_c / 2m)² ] (Newman & Girvan 2004, eq. 7).
 */
import { createRng, shuffle, type Rng } from '../models/numeric/random.js';
import type { Csr } from './csr.js';
import { ConvergenceError, InvalidArgumentsError } from './errors.js';
import { graphologyLouvain, toUndirectedGraph } from './graphology.js';
import { relabelBySize } from './metrics.js';

export interface LouvainOptions {
  /** γ: above 1 favours smaller communities, below 1 larger ones. */
  resolution: number;
  /** Stop aggregating when a level improves modularity by less than this. */
  minGain: number;
  /** Node visits per level, in sweeps of n, before giving up with a ConvergenceError. */
  maxPasses: number;
  /** 'auto': graphology when the undirected graph has ≤ graphologyMaxEdges edges, else typed arrays. */
  engine: 'auto' | 'csr' | 'graphology';
  graphologyMaxEdges: number;
  rng: Rng;
}

export const LOUVAIN_DEFAULTS: Omit<LouvainOptions, 'rng'> = {
  resolution: 1,
  minGain: 1e-6,
  maxPasses: 1000,
  engine: 'auto',
  graphologyMaxEdges: 300_000,
};

export interface CommunityResult {
  /** Community per node, 0 … count−1, numbered by decreasing size. */
  community: Int32Array;
  count: number;
  sizes: Int32Array;
  /** Modularity of the partition on the input graph; null for a graph without edges. */
  modularity: number | null;
  engine: 'csr' | 'graphology';
  /** Aggregation levels performed (csr engine; null for graphology). */
  levels: number | null;
}

function resolve(options: Partial<LouvainOptions>): LouvainOptions {
  const o = { ...LOUVAIN_DEFAULTS, rng: options.rng ?? createRng(42), ...options };
  if (!(o.resolution > 0 && Number.isFinite(o.resolution))) throw new InvalidArgumentsError(`louvain: resolution must be > 0, got ${o.resolution}`);
  if (!(o.minGain >= 0)) throw new InvalidArgumentsError(`louvain: minGain must be >= 0, got ${o.minGain}`);
  if (!(Number.isInteger(o.maxPasses) && o.maxPasses >= 1)) throw new InvalidArgumentsError(`louvain: maxPasses must be an integer >= 1, got ${o.maxPasses}`);
  if (!['auto', 'csr', 'graphology'].includes(o.engine)) throw new InvalidArgumentsError(`louvain: unknown engine ${String(o.engine)}`);
  return o;
}

/** Which implementation `communities` will use for this graph. */
export function louvainEngineFor(g: Csr, options: Partial<Pick<LouvainOptions, 'engine' | 'graphologyMaxEdges'>> = {}): 'csr' | 'graphology' {
  const engine = options.engine ?? LOUVAIN_DEFAULTS.engine;
  const max = options.graphologyMaxEdges ?? LOUVAIN_DEFAULTS.graphologyMaxEdges;
  if (engine !== 'auto') return engine;
  return g.targets.length / 2 <= max ? 'graphology' : 'csr';
}

/** Communities of an undirected symmetric CSR graph (see csr.ts `undirected`). */
export function communities(g: Csr, options: Partial<LouvainOptions> = {}): CommunityResult {
  const o = resolve(options);
  const engine = louvainEngineFor(g, o);
  const raw = engine === 'graphology' ? louvainViaGraphology(g, o) : louvainCsr(g, o);
  const { labels, sizes } = relabelBySize(raw.community);
  return {
    community: labels,
    count: sizes.length,
    sizes,
    modularity: modularity(g, labels, o.resolution),
    engine,
    levels: raw.levels,
  };
}

/** Modularity of a partition of an undirected symmetric CSR graph; null without edges. */
export function modularity(g: Csr, community: Int32Array, resolution = 1): number | null {
  const { n, offsets, targets, weights } = g;
  let k = 0;
  for (let i = 0; i < n; i++) if (community[i] + 1 > k) k = community[i] + 1;
  const inW = new Float64Array(k);
  const tot = new Float64Array(k);
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const c = community[i];
    for (let p = offsets[i]; p < offsets[i + 1]; p++) {
      const w = weights[p];
      m2 += w;
      tot[c] += w;
      if (community[targets[p]] === c) inW[c] += w;
    }
  }
  if (m2 === 0) return null;
  let q = 0;
  for (let c = 0; c < k; c++) q += inW[c] / m2 - resolution * (tot[c] / m2) ** 2;
  return q;
}

function louvainViaGraphology(g: Csr, o: LouvainOptions): { community: Int32Array; levels: null } {
  const graph = toUndirectedGraph(g);
  const mapping = graphologyLouvain(graph, {
    getEdgeWeight: 'weight',
    resolution: o.resolution,
    rng: () => o.rng.next(),
  });
  const community = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) community[i] = mapping[String(i)];
  return { community, levels: null };
}

interface Level {
  n: number;
  offsets: Int32Array;
  targets: Int32Array;
  weights: Float64Array;
  /** Self-loop weight per node: the (double-counted) internal weight of the community it stands for. */
  loops: Float64Array;
}

/** Louvain on typed arrays; returns raw community labels of the input nodes. */
export function louvainCsr(g: Csr, options: Partial<LouvainOptions> = {}): { community: Int32Array; levels: number } {
  const o = resolve(options);
  const gamma = o.resolution;
  const membership = new Int32Array(g.n);
  for (let i = 0; i < g.n; i++) membership[i] = i;
  let level: Level = { n: g.n, offsets: g.offsets, targets: g.targets, weights: g.weights, loops: new Float64Array(g.n) };
  let m2 = 0;
  for (let p = 0; p < g.weights.length; p++) m2 += g.weights[p];
  if (m2 === 0) return { community: membership, levels: 0 };
  let levels = 0;
  for (;;) {
    const { n, offsets, targets, weights, loops } = level;
    const k = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = loops[i];
      for (let p = offsets[i]; p < offsets[i + 1]; p++) s += weights[p];
      k[i] = s;
    }
    const comm = new Int32Array(n);
    for (let i = 0; i < n; i++) comm[i] = i;
    const tot = Float64Array.from(k);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    shuffle(o.rng, order);
    const q0 = levelModularity(level, comm, k, m2, gamma);
    const movedThisLevel = moveNodes(level, k, comm, tot, order, m2, gamma, o.minGain, o.maxPasses, levels + 1);
    if (!movedThisLevel) break;
    levels++;
    const levelGain = levelModularity(level, comm, k, m2, gamma) - q0;
    // Renumber communities 0 … nc−1 and fold the level into the original nodes' membership.
    const renum = new Int32Array(n).fill(-1);
    let nc = 0;
    for (let i = 0; i < n; i++) if (renum[comm[i]] === -1) renum[comm[i]] = nc++;
    for (let i = 0; i < n; i++) comm[i] = renum[comm[i]];
    for (let v = 0; v < g.n; v++) membership[v] = comm[membership[v]];
    if (nc === n || levelGain < o.minGain) break;
    level = aggregate(level, comm, nc);
  }
  return { community: membership, levels };
}

/**
 * Phase 1 with fast local moving (Traag, Waltman & van Eck 2019, "From Louvain to Leiden", §2.2;
 * graphology's fastLocalMoves): after one sweep in random order, only neighbours of a node that moved
 * are revisited. A circular queue of capacity n suffices since a node is queued at most once.
 * Modularity gained over each window of n visits (one sweep's worth) is tracked: when a whole window
 * gains less than minGain the level stops, so a long tail of tiny moves around hubs (each revisit of
 * a hub scans its whole row) cannot dominate the run. Returns whether any node moved.
 */
const SHORT_ROW = 24;

function moveNodes(
  level: Level,
  k: Float64Array,
  comm: Int32Array,
  tot: Float64Array,
  order: Int32Array,
  m2: number,
  gamma: number,
  minGain: number,
  maxPasses: number,
  levelNo: number,
): boolean {
  const { n, offsets, targets, weights } = level;
  const neighW = new Float64Array(n);
  const touched = new Int32Array(n);
  const acc = new Float64Array(n);
  const queue = Int32Array.from(order);
  const queued = new Uint8Array(n).fill(1);
  const eps = 1e-12 * m2;
  let head = 0;
  let size = n;
  let visits = 0;
  const maxVisits = maxPasses * n;
  let windowGain = 0;
  let windowLeft = n;
  let moved = false;
  while (size > 0) {
    if (--windowLeft === 0) {
      if (windowGain < minGain) break;
      windowGain = 0;
      windowLeft = n;
    }
    if (++visits > maxVisits) {
      throw new ConvergenceError(`louvain: level ${levelNo} still moving after ${maxPasses} sweeps' worth of node visits`, visits, size);
    }
    const i = queue[head];
    head = head + 1 === n ? 0 : head + 1;
    size--;
    queued[i] = 0;
    const ci = comm[i];
    const ki = k[i];
    const lo = offsets[i];
    const hi = offsets[i + 1];
    // Weight from i to each neighbouring community: short rows (most of them) search a tiny local
    // list, which stays in L1 cache; long rows index a dense array by community id.
    let nt = 0;
    if (hi - lo <= SHORT_ROW) {
      for (let p = lo; p < hi; p++) {
        const c = comm[targets[p]];
        let t = 0;
        while (t < nt && touched[t] !== c) t++;
        if (t === nt) {
          touched[nt] = c;
          acc[nt++] = weights[p];
        } else acc[t] += weights[p];
      }
    } else {
      for (let p = lo; p < hi; p++) {
        const c = comm[targets[p]];
        if (neighW[c] === 0) touched[nt++] = c;
        neighW[c] += weights[p];
      }
      for (let t = 0; t < nt; t++) {
        acc[t] = neighW[touched[t]];
        neighW[touched[t]] = 0;
      }
    }
    let kin = 0;
    for (let t = 0; t < nt; t++) if (touched[t] === ci) kin = acc[t];
    tot[ci] -= ki;
    let best = ci;
    const scale = (gamma * ki) / m2;
    const stayGain = kin - tot[ci] * scale;
    let bestGain = stayGain;
    for (let t = 0; t < nt; t++) {
      const c = touched[t];
      const gain = acc[t] - tot[c] * scale;
      if (gain > bestGain + eps) {
        bestGain = gain;
        best = c;
      }
    }
    tot[best] += ki;
    if (best === ci) continue;
    windowGain += (2 * (bestGain - stayGain)) / m2;
    comm[i] = best;
    moved = true;
    for (let p = lo; p < hi; p++) {
      const j = targets[p];
      if (queued[j] === 0 && comm[j] !== best) {
        queued[j] = 1;
        let tail = head + size;
        if (tail >= n) tail -= n;
        queue[tail] = j;
        size++;
      }
    }
  }
  return moved;
}

function levelModularity(level: Level, comm: Int32Array, k: Float64Array, m2: number, gamma: number): number {
  const { n, offsets, targets, weights, loops } = level;
  const inW = new Float64Array(n);
  const tot = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = comm[i];
    tot[c] += k[i];
    inW[c] += loops[i];
    for (let p = offsets[i]; p < offsets[i + 1]; p++) if (comm[targets[p]] === c) inW[c] += weights[p];
  }
  let q = 0;
  for (let c = 0; c < n; c++) if (tot[c] > 0) q += inW[c] / m2 - gamma * (tot[c] / m2) ** 2;
  return q;
}

/** Phase 2: one node per community; internal weight becomes the node's self-loop. */
function aggregate(level: Level, comm: Int32Array, nc: number): Level {
  const { n, offsets, targets, weights, loops } = level;
  // Members of each community, contiguous (counting sort by community).
  const start = new Int32Array(nc + 1);
  for (let i = 0; i < n; i++) start[comm[i] + 1]++;
  for (let c = 0; c < nc; c++) start[c + 1] += start[c];
  const fill = start.slice(0, nc);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[comm[i]]++] = i;
  const newOffsets = new Int32Array(nc + 1);
  const newTargets = new Int32Array(targets.length);
  const newWeights = new Float64Array(targets.length);
  const newLoops = new Float64Array(nc);
  const acc = new Float64Array(nc);
  const touched = new Int32Array(nc);
  let w = 0;
  for (let c = 0; c < nc; c++) {
    newOffsets[c] = w;
    let nt = 0;
    let loop = 0;
    for (let s = start[c]; s < start[c + 1]; s++) {
      const i = members[s];
      loop += loops[i];
      for (let p = offsets[i]; p < offsets[i + 1]; p++) {
        const d = comm[targets[p]];
        if (d === c) {
          loop += weights[p];
        } else {
          if (acc[d] === 0) touched[nt++] = d;
          acc[d] += weights[p];
        }
      }
    }
    newLoops[c] = loop;
    for (let t = 0; t < nt; t++) {
      const d = touched[t];
      newTargets[w] = d;
      newWeights[w++] = acc[d];
      acc[d] = 0;
    }
  }
  newOffsets[nc] = w;
  return { n: nc, offsets: newOffsets, targets: newTargets.slice(0, w), weights: newWeights.slice(0, w), loops: newLoops };
}
