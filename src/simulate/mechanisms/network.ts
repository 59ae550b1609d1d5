/**
 * The customer network, grown by preferential attachment (Barabási & Albert 1999) with a uniform
 * share (a "linear preferential attachment with initial attractiveness", Dorogovtsev, Mendes &
 * Samukhin 2000): a target is drawn uniformly over existing customers with probability
 * `uniformShare`, otherwise in proportion to its degree, by drawing a random endpoint of a
 * random existing edge. Edges are follows, referrals and shares; all feed the degrees.
 *
 * Referrals bring in new customers: the referrer is drawn the same way among customers who had
 * bought before the referral and had not dropped out.
 */
import { randomInt, type Rng } from '../../models/numeric/random.js';
import { NONE } from '../event-block.js';

const MAX_TRIES = 32;

export type EdgeKind = 'follow' | 'referral' | 'share';

export interface NetworkTruth {
  model: 'preferential attachment with a uniform share';
  uniformShare: number;
  edges: Record<EdgeKind, number>;
  /** In-degree over follow edges: the influence the attachment rule creates. */
  followInDegree: { mean: number; max: number; histogramLog2: { from: number; to: number; customers: number }[] };
  referrals: {
    referred: number;
    referrers: number;
    maxByOneReferrer: number;
    cascades: number;
    largestCascade: number;
    /** Customers by generation: depth 1 = referred by an organic/firm-acquired customer, … */
    depthCounts: Record<string, number>;
  };
}

export class Network {
  private pool: Int32Array;
  private poolLen = 0;
  readonly edges: Record<EdgeKind, number> = { follow: 0, referral: 0, share: 0 };
  readonly followIn: Int32Array;
  readonly referrer: Int32Array;
  readonly referralsMade: Int32Array;
  readonly depth: Int32Array;
  private readonly root: Int32Array;
  private readonly cascadeSize: Int32Array;

  constructor(customers: number, private readonly uniformShare: number, private readonly rng: Rng) {
    this.pool = new Int32Array(Math.max(1024, customers * 4));
    this.followIn = new Int32Array(customers);
    this.referrer = new Int32Array(customers).fill(NONE);
    this.referralsMade = new Int32Array(customers);
    this.depth = new Int32Array(customers);
    this.root = new Int32Array(customers);
    this.cascadeSize = new Int32Array(customers);
  }

  /**
   * A customer among [0, existing) chosen by the attachment rule and accepted by `ok`, or NONE
   * after MAX_TRIES rejections.
   */
  pick(existing: number, ok: (k: number) => boolean): number {
    if (existing <= 0) return NONE;
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const k =
        this.poolLen === 0 || this.rng.next() < this.uniformShare
          ? randomInt(this.rng, existing)
          : this.pool[randomInt(this.rng, this.poolLen)];
      if (k < existing && ok(k)) return k;
    }
    return NONE;
  }

  addEdge(kind: EdgeKind, from: number, to: number): void {
    if (this.poolLen + 2 > this.pool.length) {
      const grown = new Int32Array(this.pool.length * 2);
      grown.set(this.pool);
      this.pool = grown;
    }
    this.pool[this.poolLen++] = from;
    this.pool[this.poolLen++] = to;
    this.edges[kind]++;
    if (kind === 'follow') this.followIn[to]++;
  }

  /** Records that `referrer` brought in `customer` (and the referral edge). */
  addReferral(referrer: number, customer: number): void {
    this.referrer[customer] = referrer;
    this.referralsMade[referrer]++;
    this.depth[customer] = this.depth[referrer] + 1;
    const root = this.root[referrer];
    this.root[customer] = root;
    this.cascadeSize[root]++;
    this.addEdge('referral', referrer, customer);
  }

  /** Marks a customer who was not referred as the root of their own (possible) cascade. */
  addRoot(customer: number): void {
    this.root[customer] = customer;
    this.cascadeSize[customer] = 1;
  }

  truth(customers: number): NetworkTruth {
    let sumIn = 0;
    let maxIn = 0;
    const bins = new Map<number, number>();
    for (let k = 0; k < customers; k++) {
      const d = this.followIn[k];
      sumIn += d;
      if (d > maxIn) maxIn = d;
      const bin = d === 0 ? -1 : Math.floor(Math.log2(d));
      bins.set(bin, (bins.get(bin) ?? 0) + 1);
    }
    const histogramLog2 = [...bins.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([bin, n]) => ({ from: bin < 0 ? 0 : 2 ** bin, to: bin < 0 ? 0 : 2 ** (bin + 1) - 1, customers: n }));
    let referred = 0, referrers = 0, maxBy = 0, cascades = 0, largest = 0;
    const depthCounts: Record<string, number> = {};
    for (let k = 0; k < customers; k++) {
      if (this.referrer[k] !== NONE) {
        referred++;
        const key = String(this.depth[k]);
        depthCounts[key] = (depthCounts[key] ?? 0) + 1;
      }
      if (this.referralsMade[k] > 0) referrers++;
      if (this.referralsMade[k] > maxBy) maxBy = this.referralsMade[k];
      if (this.root[k] === k && this.cascadeSize[k] > 1) {
        cascades++;
        if (this.cascadeSize[k] > largest) largest = this.cascadeSize[k];
      }
    }
    return {
      model: 'preferential attachment with a uniform share',
      uniformShare: this.uniformShare,
      edges: { ...this.edges },
      followInDegree: { mean: customers ? sumIn / customers : 0, max: maxIn, histogramLog2 },
      referrals: { referred, referrers, maxByOneReferrer: maxBy, cascades, largestCascade: largest, depthCounts },
    };
  }
}
