/**
 * Peer and firm effects on the funnel (issue 6), switched on by the `peerEffects` options block:
 * a population of considerers — people who view an item of their own (items after the catalogue
 * and the brand items) and then decide whether to buy it — whose conversion has a known causal
 * structure, so attribution and the peer effect can be checked against truth.
 *
 * Each considerer i arrives at a uniform time, views their item k_i = min(5, 1 + Poisson(viewsMean))
 * times before deciding (k_i is their activity level), and before the decision may get
 *  - a peer touch: an earlier buyer among the considerers shares the item with them (a `share`
 *    event owned by that buyer, peer_id = i), with probability π_peer(k) = min(1, peerReach·(1 + activityLift·(k−1)));
 *  - a firm touch: an `exposure` (email) of the item, with probability firmReach, independent of k.
 * They buy with probability
 *      p_i = baseConversion · (1 + activityLift·(k_i − 1)) · peerEffect^{peer_i} · firmEffect^{firm_i},
 * so the peer effect is a risk ratio that holds within every activity level, while the peer touch
 * is more likely for the more active — a naive with/without comparison is biased upwards, a
 * comparison within strata of k is not. Buyers cart first with cartProb; non-buyers cart with
 * abandonCartProb; a buyer buys again on another day with loyaltyProb and answers another
 * customer (`support`, advocacy) with advocacyProb.
 *
 * Truth, all from the delivered touches (an early considerer with no earlier buyer to share from
 * gets no peer touch): the expected conversions Σ p_i and their Shapley split over {peer, firm},
 * v(S) = p0·Π_{c∈S} effect_c, per person — base p0, peer ½[(v(P)−v(∅)) + (v(PF)−v(F))] when both
 * touched, else v(P)−v(∅), firm likewise — summed and divided by Σ p_i; and the expected funnel
 * transitions consideration → preference (cart, or a second view) → action → loyalty.
 */
import type { MechanismSpend } from './spend.js';
import { exponential, poisson, type Rng } from '../../models/numeric/random.js';
import { CH, NONE, T, type EventBlock } from '../event-block.js';
import type { PeerEffectsOptions } from '../options.js';

const DAY = 86_400;
const MAX_VIEWS = 5;
/** No considerer arrives in the window's last two weeks, so decisions fit inside it. */
const END_MARGIN = 14 * DAY;
const MIN_DECISION_SECONDS = 3600;
const ADVOCATE_TRIES = 8;

export interface PeerEffectsTruth {
  people: number;
  /** Their items: ids after the catalogue's (and the brand's). */
  firstItemId: string;
  items: number;
  params: PeerEffectsOptions;
  /** The risk ratios of conversion given a peer / firm touch, within every activity level. */
  peerEffect: number;
  firmEffect: number;
  /** Expected conversions Σ p_i and their Shapley split over {peer, firm} (shares of the expected conversions). */
  attribution: { expectedConversions: number; base: number; peer: number; firm: number; peerShare: number; firmShare: number; noneShare: number; note: string };
  /** Expected stage-to-stage conversion rates of the considerers (Σ of probabilities over counts). */
  transitions: { considerationToPreference: number; preferenceToAction: number; actionToLoyalty: number; note: string };
  realized: { peerTouched: number; firmTouched: number; buyers: number; buyersPeerTouched: number; buyersFirmTouched: number; loyal: number; advocates: number; peerTouchesMissed: number };
  note: string;
}

export class PeerEffects {
  readonly people: number;
  private readonly arrivals: Float64Array;
  private readonly advocatePerson: number[] = [];
  private readonly advocateSec: number[] = [];
  private readonly sums = { p: 0, base: 0, peer: 0, firm: 0, preference: 0, action: 0 };
  private readonly realized = { peerTouched: 0, firmTouched: 0, buyers: 0, buyersPeerTouched: 0, buyersFirmTouched: 0, loyal: 0, advocates: 0, peerTouchesMissed: 0 };
  private readonly endSec: number;
  private next = 0;

  constructor(
    private readonly opts: PeerEffectsOptions,
    endSec: number,
    private readonly firstItem: number,
    private readonly rng: Rng,
    private readonly spend: MechanismSpend,
  ) {
    this.people = opts.people;
    const to = Math.max(1, endSec - END_MARGIN);
    const xs = new Float64Array(opts.people);
    for (let i = 0; i < xs.length; i++) xs[i] = rng.next() * to;
    this.arrivals = xs.sort();
    this.endSec = endSec;
  }

  get items(): number {
    return this.opts.items;
  }

  /** Adds the next considerer's events (and the share that reaches them) to the block. */
  addNext(block: EventBlock, person: number): void {
    const o = this.opts;
    const rng = this.rng;
    const t0 = Math.floor(this.arrivals[this.next++]);
    const item = this.firstItem + Math.floor(rng.next() * o.items);
    const channel = rng.next() < 0.6 ? CH.web : CH.app;
    const k = Math.min(MAX_VIEWS, 1 + poisson(rng, o.viewsMean));
    const lift = 1 + o.activityLift * (k - 1);
    const span = MIN_DECISION_SECONDS + Math.floor(exponential(rng, 1 / (o.decisionDays * DAY)));
    const decision = Math.min(t0 + span, this.endSec - 2 * 3600);
    const width = decision - 120 - t0;
    // views: the first at arrival, the rest before the decision
    block.add(person, t0, T.view, channel, item);
    for (let v = 1; v < k; v++) block.add(person, t0 + 1 + Math.floor(rng.next() * width), T.view, channel, item);

    let peer = false;
    if (rng.next() < Math.min(1, o.peerReach * lift)) {
      const ts = t0 + 1 + Math.floor(rng.next() * 0.8 * width);
      const from = this.advocate(ts);
      if (from !== NONE) {
        block.add(from, ts, T.share, CH.social, item, person);
        peer = true;
        this.realized.peerTouched++;
      } else {
        this.realized.peerTouchesMissed++;
      }
    }
    const firm = rng.next() < o.firmReach;
    if (firm) {
      block.add(person, t0 + 1 + Math.floor(rng.next() * 0.8 * width), T.exposure, CH.email, item);
      this.realized.firmTouched++;
    }

    const p0 = o.baseConversion * lift;
    const a = o.peerEffect;
    const b = o.firmEffect;
    const p = p0 * (peer ? a : 1) * (firm ? b : 1);
    this.sums.p += p;
    this.sums.base += p0;
    if (peer && firm) {
      this.sums.peer += 0.5 * p0 * ((a - 1) + (a * b - b));
      this.sums.firm += 0.5 * p0 * ((b - 1) + (a * b - a));
    } else if (peer) {
      this.sums.peer += p0 * (a - 1);
    } else if (firm) {
      this.sums.firm += p0 * (b - 1);
    }
    this.sums.action += p;
    this.sums.preference += k >= 2 ? 1 : p + (1 - p) * o.abandonCartProb;

    const buys = rng.next() < p;
    if (!buys) {
      if (rng.next() < o.abandonCartProb) block.add(person, decision - 60, T.cart, channel, item);
      return;
    }
    this.realized.buyers++;
    if (peer) this.realized.buyersPeerTouched++;
    if (firm) this.realized.buyersFirmTouched++;
    if (rng.next() < o.cartProb) block.add(person, decision - 60, T.cart, channel, item);
    this.purchase(block, person, decision, item, channel);
    this.advocatePerson.push(person);
    this.advocateSec.push(decision);
    if (rng.next() < o.loyaltyProb) {
      const ts = decision + DAY + Math.floor(exponential(rng, 1 / (o.loyaltyDays * DAY)));
      if (ts < this.endSec) {
        this.purchase(block, person, ts, item, channel);
        this.realized.loyal++;
      }
    }
    if (rng.next() < o.advocacyProb) {
      const ts = decision + 1 + Math.floor(exponential(rng, 1 / (2 * DAY)));
      if (ts < this.endSec) {
        block.add(person, ts, T.support, CH.web, item);
        this.realized.advocates++;
      }
    }
  }

  private purchase(block: EventBlock, person: number, ts: number, item: number, channel: number): void {
    const e = block.add(person, ts, T.purchase, channel, item);
    block.amount[e] = this.spend.amount(person);
    block.quantity[e] = 1;
  }

  /** An earlier buyer (bought before `ts`), or NONE. */
  private advocate(ts: number): number {
    const n = this.advocatePerson.length;
    if (n === 0) return NONE;
    for (let i = 0; i < ADVOCATE_TRIES; i++) {
      const j = Math.floor(this.rng.next() * n);
      if (this.advocateSec[j] < ts) return this.advocatePerson[j];
    }
    return NONE;
  }

  truth(itemId: (k: number) => string): PeerEffectsTruth {
    const s = this.sums;
    const r = this.realized;
    const o = this.opts;
    const share = (x: number): number => (s.p > 0 ? x / s.p : 0);
    const n = this.people;
    return {
      people: n,
      firstItemId: itemId(this.firstItem),
      items: o.items,
      params: o,
      peerEffect: o.peerEffect,
      firmEffect: o.firmEffect,
      attribution: {
        expectedConversions: s.p,
        base: s.base,
        peer: s.peer,
        firm: s.firm,
        peerShare: share(s.peer),
        firmShare: share(s.firm),
        noneShare: share(s.base),
        note: 'Shapley over {peer, firm} of v(S) = p0·Π effect, per considerer, summed; shares of the expected conversions Σ p_i.',
      },
      transitions: {
        considerationToPreference: n > 0 ? s.preference / n : 0,
        preferenceToAction: s.preference > 0 ? s.action / s.preference : 0,
        actionToLoyalty: o.loyaltyProb,
        note: 'Preference = a cart or a second view of the item; a purchase implies it. actionToLoyalty ignores repeats cut off by the window end.',
      },
      realized: { ...r },
      note: 'Considerers view their own item k = min(5, 1 + Poisson(viewsMean)) times; P(buy) = baseConversion·(1 + activityLift·(k−1))·peerEffect^peer·firmEffect^firm. Peer touches are shares from earlier buyers, more likely for the more active (π = peerReach·(1 + activityLift·(k−1))).',
    };
  }
}
