/**
 * Brand dynamics with known parameters (issue 5), switched on by the `brand` options block:
 *
 *  - Adoption: customers' first visits follow a Bass (1969) diffusion instead of arriving
 *    uniformly. The acquisition module's sorted uniform arrivals u·L are mapped through the
 *    inverse of the Bass CDF truncated at the window, t = F⁻¹(u·F(W)) with F in weeks — a monotone
 *    map, so the order (and every other mechanism's draws) is unchanged. New customers per week are
 *    then multinomial with cell probabilities ΔF_t / F(W), i.e. Bass with m = N / F(W).
 *  - Flow, stock and purchases of one brand item (an item id after the catalogue's):
 *      ℓ_t = c + φ·ln(1 + F_{t−1}) + γ·ln(1 + S_{t−1}) + σ·ε_t,   F_t ~ Poisson(e^{ℓ_t})   (Spiral Out: γ)
 *      S_t = λ·S_{t−1} + F_t                                          (goodwill stock, Nerlove & Arrow 1962)
 *      P_t ~ Poisson(a + b·S_{t−1})  for t ≥ 1                         (stock → purchases)
 *    so the flow equation of a VAR on (ln(1+F), ln(1+S), ·) has lag-1 coefficients φ and γ, and the
 *    adstock regression P_{t+1} = a + b·S_t has slope b at carry-over λ.
 *    Flow events (search, mention, share) go to customers drawn uniformly; purchases go to customers
 *    whose first visit was at least a day before the week began (so a customer's first purchase
 *    stays their trial).
 *  - Co-creation: idea items; each has an idea event, then votes over `voteWeeks` weeks (lognormal
 *    count, median `medianVotes`, at least `minVotes`); launched ideas sell y ~ Poisson(r·votes)
 *    in their launch week, `launchLagWeeks` after the last vote week; open ideas never sell.
 *
 * Everything is drawn up front from the mechanism's own stream and kept per customer (sorted by
 * customer), so the engine only adds each customer's brand events to their block.
 */
import type { MechanismSpend } from './spend.js';
import { normal, poisson, type Rng } from '../../models/numeric/random.js';
import { CH, T, type EventBlock } from '../event-block.js';
import type { BrandSimOptions } from '../options.js';
import { WEEK_SECONDS } from './purchases.js';

const DAY = 86_400;

export interface BrandTruth {
  /** The brand item's id, and the weeks the series cover (week 0 starts at the window's start). */
  itemId: string;
  weeks: number;
  lambda: number;
  flow: BrandSimOptions['flow'] & { note: string };
  purchases: BrandSimOptions['purchases'];
  /** The true lag-1 coefficients of the flow equation of a VAR on (ln flow, ln stock, ln purchases). */
  var: { equation: 'ln flow'; 'ln flow.l1': number; 'ln stock.l1': number; 'ln purchases.l1': number; note: string };
  bass: { p: number; q: number; m: number; customers: number; windowWeeks: number; timeUnit: 'week'; adopters: string } | null;
  ideas: {
    ordersPerVote: number;
    launched: { itemId: string; votes: number; orders: number; launchWeek: number }[];
    open: { itemId: string; votes: number }[];
  };
  /** The realised weekly series of the brand item. */
  realized: { flow: number[]; stock: number[]; purchases: number[]; droppedPurchases: number };
}

/** Bass CDF in weeks. */
function bassF(t: number, p: number, q: number): number {
  if (t <= 0) return 0;
  const e = Math.exp(-(p + q) * t);
  return -Math.expm1(-(p + q) * t) / (1 + (q / p) * e);
}

/** t with F(t) = y, y in [0, 1). */
function bassInverse(y: number, p: number, q: number): number {
  return Math.log((1 + (q / p) * y) / (1 - y)) / (p + q);
}

/** Number of sorted arrivals strictly below x. */
function countBelow(arr: Float64Array, x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const FLOW_KINDS = [
  { type: T.search, channel: CH.web, share: 0.5 },
  { type: T.mention, channel: CH.social, share: 0.3 },
  { type: T.share, channel: CH.social, share: 0.2 },
];

export class BrandDynamics {
  /** Extra items after the catalogue: the brand item, then the idea items. */
  readonly items: number;
  private readonly brandItem: number;
  // events, grouped by customer (CSR over customers)
  private readonly offsets: Int32Array;
  private readonly evTs: Float64Array;
  private readonly evType: Uint8Array;
  private readonly evChannel: Uint8Array;
  private readonly evItem: Int32Array;
  private readonly truthCore: Omit<BrandTruth, 'itemId' | 'ideas'> & { ideas: { launched: { item: number; votes: number; orders: number; launchWeek: number }[]; open: { item: number; votes: number }[] } };

  constructor(
    private readonly opts: BrandSimOptions,
    customers: number,
    weeks: number,
    catalogueSize: number,
    arrivals: Float64Array,
    lastArrivalSec: number,
    rng: Rng,
    private readonly spend: MechanismSpend,
  ) {
    // 1. Bass adoption: reshape the arrivals in place (monotone, so still sorted)
    let bassTruth: BrandTruth['bass'] = null;
    if (opts.bass) {
      const { p, q } = opts.bass;
      const W = lastArrivalSec / WEEK_SECONDS;
      const FW = bassF(W, p, q);
      for (let j = 0; j < arrivals.length; j++) {
        const u = arrivals[j] / lastArrivalSec;
        arrivals[j] = Math.min(lastArrivalSec - 1, bassInverse(u * FW, p, q) * WEEK_SECONDS);
      }
      bassTruth = {
        p, q, m: customers / FW, customers, windowWeeks: W, timeUnit: 'week',
        adopters: 'customers by the week of their first purchase (their first visit plus one session)',
      };
    }

    // 2. flow, stock, purchases of the brand item
    this.brandItem = catalogueSize;
    const { lambda } = opts;
    const f = opts.flow;
    const flow: number[] = [];
    const stock: number[] = [];
    const purchases: number[] = [];
    let S = 0;
    let F = 0;
    const ts: number[] = [];
    const type: number[] = [];
    const channel: number[] = [];
    const item: number[] = [];
    const owner: number[] = [];
    let dropped = 0;
    const eligible = (week: number): number => countBelow(arrivals, week * WEEK_SECONDS - DAY);
    const inWeek = (week: number): number => week * WEEK_SECONDS + Math.floor(rng.next() * WEEK_SECONDS);
    const add = (j: number, t: number, ty: number, ch: number, it: number): void => {
      owner.push(j); ts.push(t); type.push(ty); channel.push(ch); item.push(it);
    };
    for (let t = 0; t < weeks; t++) {
      const ell = t === 0
        ? (f.intercept - f.stockEffect * Math.log(1 - lambda)) / (1 - f.persistence - f.stockEffect) + f.sd * normal(rng)
        : f.intercept + f.persistence * Math.log1p(F) + f.stockEffect * Math.log1p(S) + f.sd * normal(rng);
      const Pmean = t === 0 ? 0 : opts.purchases.intercept + opts.purchases.slope * S;
      F = poisson(rng, Math.exp(Math.min(ell, 20)));
      S = lambda * S + F;
      let P = poisson(rng, Pmean);
      flow.push(F);
      stock.push(S);
      for (let e = 0; e < F; e++) {
        const u = rng.next();
        const kind = u < FLOW_KINDS[0].share ? FLOW_KINDS[0] : u < FLOW_KINDS[0].share + FLOW_KINDS[1].share ? FLOW_KINDS[1] : FLOW_KINDS[2];
        add(Math.floor(rng.next() * customers), inWeek(t), kind.type, kind.channel, this.brandItem);
      }
      const n = eligible(t);
      if (n === 0) {
        dropped += P;
        P = 0;
      }
      for (let e = 0; e < P; e++) add(Math.floor(rng.next() * n), inWeek(t), T.purchase, CH.web, this.brandItem);
      purchases.push(P);
    }

    // 3. ideas and votes
    const io = opts.ideas;
    const launched: { item: number; votes: number; orders: number; launchWeek: number }[] = [];
    const open: { item: number; votes: number }[] = [];
    const nOpen = Math.round(io.count * io.openShare);
    const latestStart = Math.max(1, weeks - io.voteWeeks - io.launchLagWeeks - 1);
    for (let i = 0; i < io.count; i++) {
      const it = catalogueSize + 1 + i;
      const votes = Math.max(io.minVotes, Math.round(io.medianVotes * Math.exp(normal(rng))));
      const start = 1 + Math.floor(rng.next() * (latestStart - 1));
      add(Math.floor(rng.next() * customers), inWeek(start), T.idea, CH.web, it);
      for (let v = 0; v < votes; v++) {
        add(Math.floor(rng.next() * customers), inWeek(start + Math.floor(rng.next() * io.voteWeeks)), T.vote, CH.web, it);
      }
      if (i < io.count - nOpen) {
        const launchWeek = start + io.voteWeeks + io.launchLagWeeks;
        const orders = poisson(rng, io.ordersPerVote * votes);
        const n = eligible(launchWeek);
        for (let e = 0; e < orders && n > 0; e++) add(Math.floor(rng.next() * n), inWeek(launchWeek), T.purchase, CH.web, it);
        launched.push({ item: it, votes, orders: n > 0 ? orders : 0, launchWeek });
      } else {
        open.push({ item: it, votes });
      }
    }
    this.items = 1 + io.count;

    // 4. group by customer
    const N = owner.length;
    this.offsets = new Int32Array(customers + 1);
    for (let e = 0; e < N; e++) this.offsets[owner[e] + 1]++;
    for (let j = 0; j < customers; j++) this.offsets[j + 1] += this.offsets[j];
    const next = this.offsets.slice(0, customers);
    this.evTs = new Float64Array(N);
    this.evType = new Uint8Array(N);
    this.evChannel = new Uint8Array(N);
    this.evItem = new Int32Array(N);
    for (let e = 0; e < N; e++) {
      const k = next[owner[e]]++;
      this.evTs[k] = ts[e];
      this.evType[k] = type[e];
      this.evChannel[k] = channel[e];
      this.evItem[k] = item[e];
    }

    this.truthCore = {
      weeks,
      lambda,
      flow: { ...f, note: 'ℓ_t = intercept + persistence·ln(1 + F_{t−1}) + stockEffect·ln(1 + S_{t−1}) + sd·ε_t; F_t ~ Poisson(e^{ℓ_t}); ℓ_0 at its steady state' },
      purchases: { ...opts.purchases },
      var: {
        equation: 'ln flow',
        'ln flow.l1': f.persistence,
        'ln stock.l1': f.stockEffect,
        'ln purchases.l1': 0,
        note: 'variables ln(1 + x) per week; stock = the adstock at the true λ (a fit uses λ̂)',
      },
      bass: bassTruth,
      ideas: { launched, open },
      realized: { flow, stock, purchases, droppedPurchases: dropped },
    };
  }

  /** Adds customer j's brand events to the block. */
  addEvents(block: EventBlock, j: number, person: number): void {
    for (let k = this.offsets[j]; k < this.offsets[j + 1]; k++) {
      const e = block.add(person, this.evTs[k], this.evType[k], this.evChannel[k], this.evItem[k]);
      if (this.evType[k] === T.purchase) {
        block.amount[e] = this.spend.amount(person);
        block.quantity[e] = 1;
      }
    }
  }

  truth(itemId: (item: number) => string): BrandTruth {
    const c = this.truthCore;
    return {
      ...c,
      itemId: itemId(this.brandItem),
      ideas: {
        ordersPerVote: this.opts.ideas.ordersPerVote,
        launched: c.ideas.launched.map((i) => ({ itemId: itemId(i.item), votes: i.votes, orders: i.orders, launchWeek: i.launchWeek })),
        open: c.ideas.open.map((i) => ({ itemId: itemId(i.item), votes: i.votes })),
      },
    };
  }
}
