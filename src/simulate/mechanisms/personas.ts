/**
 * Personas: each buying customer gets a latent segment, latent propensities for the five
 * behaviours of networked customers (access, engage, customize, connect, collaborate) and a latent
 * experience type (respond, curate, coach, automate), and adds the events that express them, so the
 * customer table, behaviour scores, segments and experience assignment can be checked against truth.
 *
 * - A behaviour b of propensity θ_b = m_{segment,b} · exp(σ z − σ²/2) (z ~ N(0,1)) adds
 *   Poisson(baseRate_b · θ_b · weeks observed) events, uniform from the first visit to the window end:
 *   access → app searches, engage → item views, customize → saves, connect → mentions and support
 *   answers, collaborate → votes and ideas.
 * - The experience type adds sessions from the first purchase to the window end at `sessionsPerWeek`:
 *   respond → search then purchase of a usual item within minutes (no views); curate → views of
 *   3 + Poisson(1) items then a purchase of one of them; coach → a view and a cart, no purchase;
 *   automate → 1 or 2 replenishment items bought every cycle·(1 + jitter·N(0,1)) days with a fixed
 *   quantity, cycle ~ U(cycleDays.min, cycleDays.max).
 * Every draw comes from the mechanism's own stream, so turning it on leaves the other mechanisms' events
 * unchanged.
 */
import { exponential, normal, poisson, randomInt, gamma, type Rng } from '../../models/numeric/random.js';
import { CH, T, type EventBlock } from '../event-block.js';
import type { PersonasOptions } from '../options.js';
import type { Catalogue } from './catalogue.js';

const DAY = 86_400;
const WEEK = 7 * DAY;

export const BEHAVIOUR_NAMES = ['access', 'engage', 'customize', 'connect', 'collaborate'] as const;
export type BehaviourName = (typeof BEHAVIOUR_NAMES)[number];
export const EXPERIENCE_TYPES = ['respond', 'curate', 'coach', 'automate'] as const;
export type ExperienceType = (typeof EXPERIENCE_TYPES)[number];

export interface ReplenishItem {
  item: number;
  cycleDays: number;
  quantity: number;
}

export interface PersonaDraw {
  segment: number;
  propensity: Float64Array;
  experience: ExperienceType;
  replenish: ReplenishItem[];
}

export interface PersonasTruth {
  params: PersonasOptions;
  segments: { id: number; name: string; customers: number }[];
  experiences: Record<ExperienceType, number>;
  /** Events the mechanism added, by behaviour and by experience type. */
  behaviourEvents: Record<BehaviourName, number>;
  experienceEvents: Record<ExperienceType, number>;
  replenishment: { pairs: number; purchases: number; meanCycleDays: number | null; jitter: number };
  note: string;
}

export class Personas {
  private readonly segmentCdf: number[];
  private readonly typeCdf: number[];
  readonly segmentCounts: number[];
  readonly experienceCounts: Record<ExperienceType, number> = { respond: 0, curate: 0, coach: 0, automate: 0 };
  readonly behaviourEvents: Record<BehaviourName, number> = { access: 0, engage: 0, customize: 0, connect: 0, collaborate: 0 };
  readonly experienceEvents: Record<ExperienceType, number> = { respond: 0, curate: 0, coach: 0, automate: 0 };
  private pairs = 0;
  private replenishPurchases = 0;
  private cycleSum = 0;

  constructor(private readonly opts: PersonasOptions, private readonly catalogue: Catalogue, private readonly endSec: number, private readonly rng: Rng) {
    this.segmentCdf = cdf(opts.segments.map((s) => s.share));
    this.typeCdf = cdf(EXPERIENCE_TYPES.map((t) => opts.experienceShares[t]));
    this.segmentCounts = opts.segments.map(() => 0);
  }

  /** Draws the customer's persona and adds its events to the block. */
  addEvents(block: EventBlock, person: number, firstSec: number, trialSec: number, usualItem: number): PersonaDraw {
    const o = this.opts;
    const rng = this.rng;
    const segment = pickCdf(this.segmentCdf, rng.next());
    this.segmentCounts[segment]++;
    const seg = o.segments[segment];
    const propensity = new Float64Array(BEHAVIOUR_NAMES.length);
    const weeks = Math.max(0, (this.endSec - firstSec) / WEEK);
    for (let b = 0; b < BEHAVIOUR_NAMES.length; b++) {
      const name = BEHAVIOUR_NAMES[b];
      const theta = seg.propensity[name] * Math.exp(o.propensitySd * normal(rng) - (o.propensitySd * o.propensitySd) / 2);
      propensity[b] = theta;
      const n = poisson(rng, o.baseRatePerWeek[name] * theta * weeks);
      for (let i = 0; i < n; i++) this.behaviourEvent(block, person, b, firstSec + Math.floor(rng.next() * (this.endSec - firstSec)));
      this.behaviourEvents[name] += n;
    }
    const experience = EXPERIENCE_TYPES[pickCdf(this.typeCdf, rng.next())];
    this.experienceCounts[experience]++;
    const replenish: ReplenishItem[] = [];
    if (experience === 'automate') this.replenishment(block, person, trialSec, usualItem, replenish);
    else this.sessions(block, person, trialSec, usualItem, experience);
    return { segment, propensity, experience, replenish };
  }

  private behaviourEvent(block: EventBlock, person: number, b: number, ts: number): void {
    const rng = this.rng;
    switch (BEHAVIOUR_NAMES[b]) {
      case 'access': block.add(person, ts, T.search, CH.app); break;
      case 'engage': block.add(person, ts, T.view, CH.web, this.catalogue.pick(rng)); break;
      case 'customize': block.add(person, ts, T.save, CH.web, this.catalogue.pick(rng)); break;
      case 'connect': block.add(person, ts, rng.next() < 0.6 ? T.mention : T.support, CH.social); break;
      default: block.add(person, ts, rng.next() < 0.15 ? T.idea : T.vote, CH.web); break;
    }
  }

  private sessions(block: EventBlock, person: number, trialSec: number, usualItem: number, type: ExperienceType): void {
    const rng = this.rng;
    const o = this.opts;
    const n = poisson(rng, o.sessionsPerWeek * Math.max(0, (this.endSec - trialSec) / WEEK));
    const usual = [usualItem, this.catalogue.pick(rng)];
    let added = 0;
    for (let i = 0; i < n; i++) {
      let t = trialSec + DAY + Math.floor(rng.next() * (this.endSec - trialSec - DAY));
      if (t + 3600 >= this.endSec) continue;
      const step = (): number => (t += 20 + Math.floor(exponential(rng, 1 / 60)));
      if (type === 'respond') {
        block.add(person, t, T.search, CH.web);
        this.purchase(block, person, step(), usual[rng.next() < 0.7 ? 0 : 1], 1);
        added += 2;
      } else if (type === 'curate') {
        const k = 3 + poisson(rng, 1);
        const seen: number[] = [];
        for (let v = 0; v < k; v++) {
          const item = this.catalogue.pick(rng);
          seen.push(item);
          block.add(person, step(), T.view, CH.web, item);
        }
        this.purchase(block, person, step(), seen[randomInt(rng, seen.length)], 1);
        added += k + 1;
      } else {
        const item = this.catalogue.pick(rng);
        block.add(person, t, T.view, CH.web, item);
        block.add(person, step(), T.cart, CH.web, item);
        added += 2;
      }
    }
    this.experienceEvents[type] += added;
  }

  private replenishment(block: EventBlock, person: number, trialSec: number, usualItem: number, out: ReplenishItem[]): void {
    const rng = this.rng;
    const o = this.opts;
    const items = rng.next() < o.secondItemProb ? [usualItem, this.catalogue.pick(rng)] : [usualItem];
    if (items.length === 2 && items[1] === items[0]) items.pop();
    for (const item of items) {
      const cycleDays = o.cycleDays.min + rng.next() * (o.cycleDays.max - o.cycleDays.min);
      const quantity = 1 + randomInt(rng, o.maxQuantity);
      out.push({ item, cycleDays, quantity });
      this.pairs++;
      this.cycleSum += cycleDays;
      let t = trialSec + Math.floor(rng.next() * cycleDays * DAY);
      while (t < this.endSec) {
        this.purchase(block, person, t, item, quantity);
        this.replenishPurchases++;
        this.experienceEvents.automate++;
        const gap = cycleDays * (1 + o.cycleJitter * normal(rng));
        t += Math.max(DAY, Math.floor(gap * DAY));
      }
    }
  }

  private purchase(block: EventBlock, person: number, ts: number, item: number, quantity: number): void {
    const e = block.add(person, ts, T.purchase, CH.web, item);
    const o = this.opts;
    block.amount[e] = Math.round(gamma(this.rng, o.spendShape, o.spendShape / o.meanSpend) * quantity * 100) / 100;
    block.quantity[e] = quantity;
  }

  truth(): PersonasTruth {
    return {
      params: this.opts,
      segments: this.opts.segments.map((s, id) => ({ id, name: s.name, customers: this.segmentCounts[id] })),
      experiences: { ...this.experienceCounts },
      behaviourEvents: { ...this.behaviourEvents },
      experienceEvents: { ...this.experienceEvents },
      replenishment: {
        pairs: this.pairs,
        purchases: this.replenishPurchases,
        meanCycleDays: this.pairs ? this.cycleSum / this.pairs : null,
        jitter: this.opts.cycleJitter,
      },
      note:
        'Per customer (truth CSV): segment, the five latent propensities (rate multipliers), experience type and, for automate, ' +
        'replenishment pairs item:cycleDays:quantity. Behaviour events run from the first visit, experience sessions and ' +
        'replenishment purchases from the first purchase, both to the window end (they do not stop at the BG/NBD dropout).',
    };
  }
}

function cdf(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
}

function pickCdf(c: number[], u: number): number {
  for (let i = 0; i < c.length; i++) if (u < c[i]) return i;
  return c.length - 1;
}
