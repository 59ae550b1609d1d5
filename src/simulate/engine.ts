/**
 * The simulation loop: people in order of their first visit, each one's events gathered in an
 * EventBlock and written at once, so memory holds per-customer latent state (typed arrays) and
 * never the events. Mechanisms live in ./mechanisms, one module each, and draw from their own
 * random streams (./streams.ts).
 *
 * Adding a mechanism (e.g. a peer effect, Bass adoption, votes and ideas):
 *   1. an options block in options.ts (schema + DEFAULT_SIMULATION entry);
 *   2. a module in mechanisms/ that takes its options and `stream(seed, '<its name>')`, adds
 *      events to the block, and counts what its truth needs;
 *   3. a call from `customer()` / `prospect()` below (or a new kind of person in `run()`);
 *   4. its block in truth.ts, filled in `truth()`.
 * A new stream leaves the other mechanisms' draws, and so their output, unchanged.
 */
import { MechanismSpend } from './mechanisms/spend.js';
import { exponential, poisson, type Xoshiro128 } from '../models/numeric/random.js';
import { CH, EventBlock, NONE, T } from './event-block.js';
import { bgnbdExpectedRepeats, gammaGammaMeanSpend } from './expectations.js';
import { Acquisition, type AcquisitionKind } from './mechanisms/acquisition.js';
import { BrandDynamics } from './mechanisms/brand.js';
import { Catalogue, round } from './mechanisms/catalogue.js';
import { Exposures } from './mechanisms/exposures.js';
import { ExperimentRun } from './mechanisms/experiment.js';
import { Funnel } from './mechanisms/funnel.js';
import { Network } from './mechanisms/network.js';
import { PeerEffects } from './mechanisms/peer-effects.js';
import { PurchaseProcess, WEEK_SECONDS } from './mechanisms/purchases.js';
import { RATING_SENTIMENT, REVIEW_TEXTS } from './mechanisms/review-text.js';
import { Social } from './mechanisms/social.js';
import { BEHAVIOUR_NAMES, Personas, type PersonaDraw } from './mechanisms/personas.js';
import type { SimulationParams } from './options.js';
import { CustomerTruthWriter } from './output/customer-truth.js';
import { EventCsvWriter, idFormat } from './output/event-writer.js';
import { TimestampFormatter } from './output/timestamps.js';
import { stream } from './streams.js';
import { TRUTH_SCHEMA_VERSION, type SimulationTruth } from './truth.js';

const DAY = 86_400;
/** Per-customer truth columns added when personas are on. */
export const PERSONA_TRUTH_FIELDS = ['segment', ...BEHAVIOUR_NAMES.map((b) => `p_${b}`), 'experience', 'replenish'] as const;
const PROGRESS_EVERY = 1 << 14;
const QUANTITY_EXTRA_MEAN = 0.2;

export interface EngineFiles {
  /** Where the events CSV goes (the output itself, or a temporary file for Parquet). */
  eventsCsv: string;
  /** Where the per-customer truth CSV goes, or null. */
  customersCsv: string | null;
  /** Names recorded in the truth JSON. */
  eventsName: string;
  customersName: string | null;
}

export async function runSimulation(
  params: SimulationParams,
  files: EngineFiles,
  onProgress?: (done: number, total: number) => void,
): Promise<SimulationTruth> {
  const sim = new Simulation(params);
  return sim.run(files, onProgress);
}

class Simulation {
  private readonly endSec: number;
  private readonly startMs: number;
  private readonly nCustomers: number;
  private readonly nProspects: number;
  private readonly catalogue: Catalogue;
  private readonly acquisition: Acquisition;
  private readonly purchases: PurchaseProcess;
  private readonly funnel: Funnel;
  private readonly exposures: Exposures;
  private readonly network: Network;
  private readonly social: Social;
  private readonly brand: BrandDynamics | null;
  private readonly peerEffects: PeerEffects | null;
  private readonly personas: Personas | null;
  private readonly experiment: ExperimentRun | null;
  private readonly rngItems: Xoshiro128;
  private readonly rngFollow: Xoshiro128;
  private readonly block = new EventBlock();

  // per-customer state (index = customer order of first visit)
  private readonly person: Int32Array;
  private readonly trialSec: Float64Array;
  private readonly dropoutSec: Float64Array;
  private followees: number[] = [];

  // truth accumulators
  private repeatTotal = 0;
  private repeatDaysTotal = 0;
  private aliveAtEnd = 0;
  private revenue = 0;
  private transactions = 0;
  private adExposures = 0;
  /** Customers and their summed T (weeks from first purchase to the end) by day of T. */
  private readonly tCount: Float64Array;
  private readonly tSum: Float64Array;

  constructor(private readonly params: SimulationParams) {
    const seed = params.seed;
    this.endSec = params.weeks * WEEK_SECONDS;
    this.startMs = Date.parse(`${params.start}T00:00:00Z`);
    this.nCustomers = params.customers;
    this.nProspects = Math.round(params.prospects.ratio * params.customers);
    this.catalogue = new Catalogue(params.catalogue, stream(seed, 'catalogue'));
    this.acquisition = new Acquisition(params.acquisition, this.nCustomers, this.nProspects, this.endSec, stream(seed, 'acquisition'));
    this.purchases = new PurchaseProcess(params.bgnbd, params.gammaGamma, stream(seed, 'purchases'));
    this.funnel = new Funnel(params.funnel, stream(seed, 'funnel'));
    this.exposures = new Exposures(params.exposures, this.endSec, this.catalogue, stream(seed, 'exposures'));
    this.network = new Network(this.nCustomers, params.network.uniformShare, stream(seed, 'network'));
    this.social = new Social(params.social, this.catalogue, stream(seed, 'social'));
    const a = this.acquisition;
    this.brand = params.brand ? new BrandDynamics(params.brand, this.nCustomers, params.weeks, this.catalogue.size, a.customerArrivals, a.lastArrivalSec, stream(seed, 'brand'), new MechanismSpend(params.gammaGamma, params.brand.price, stream(seed, 'brand-spend'))) : null;
    this.peerEffects = params.peerEffects ? new PeerEffects(params.peerEffects, this.endSec, this.catalogue.size + (this.brand?.items ?? 0), stream(seed, 'peer-effects'), new MechanismSpend(params.gammaGamma, params.peerEffects.price, stream(seed, 'peer-effects-spend'))) : null;
    this.personas = params.personas ? new Personas(params.personas, this.catalogue, this.endSec, stream(seed, 'personas')) : null;
    this.experiment = params.experiment ? new ExperimentRun(params.experiment, this.startMs, params.weeks, params.gammaGamma.p, stream(seed, 'experiment')) : null;
    this.rngItems = stream(seed, 'items');
    this.rngFollow = stream(seed, 'follows');
    this.person = new Int32Array(this.nCustomers);
    this.trialSec = new Float64Array(this.nCustomers);
    this.dropoutSec = new Float64Array(this.nCustomers);
    const days = params.weeks * 7 + 1;
    this.tCount = new Float64Array(days);
    this.tSum = new Float64Array(days);
  }

  async run(files: EngineFiles, onProgress?: (done: number, total: number) => void): Promise<SimulationTruth> {
    const people = this.nCustomers + this.nProspects;
    const ts = new TimestampFormatter(this.startMs, this.params.weeks * 7 + 1);
    const ids = this.ids();
    const ex = this.experiment;
    const events = await EventCsvWriter.create(files.eventsCsv, ts, ids, this.social.texts, ex ? { id: ex.options.id, variants: ex.variantNames } : null);
    const customers = files.customersCsv ? await CustomerTruthWriter.create(files.customersCsv, ts, ids, this.personas ? PERSONA_TRUTH_FIELDS : []) : null;
    const cArr = this.acquisition.customerArrivals;
    const pArr = this.acquisition.prospectArrivals;
    let c = 0;
    let v = 0;
    for (let n = 0; n < people; n++) {
      this.block.clear();
      if (v >= pArr.length || (c < cArr.length && cArr[c] <= pArr[v])) {
        this.customer(c, n, customers);
        c++;
      } else {
        this.prospect(pArr[v], n);
        v++;
      }
      events.write(this.block);
      if (events.pending) await events.drain();
      if (customers?.pending) await customers.drain();
      if ((n & (PROGRESS_EVERY - 1)) === PROGRESS_EVERY - 1) onProgress?.(n + 1, people);
    }
    // considerers (peer effects) come after everyone else, numbered after them
    const pe = this.peerEffects;
    for (let i = 0; pe !== null && i < pe.people; i++) {
      this.block.clear();
      pe.addNext(this.block, people + i);
      events.write(this.block);
      if (events.pending) await events.drain();
    }
    await events.close();
    await customers?.close();
    onProgress?.(people, people);
    return this.truth(events, files, ts);
  }

  /** Customer and item ids: everyone simulated, every item (catalogue, brand, considerers'). */
  private ids(): ReturnType<typeof idFormat> {
    const people = this.nCustomers + this.nProspects + (this.peerEffects?.people ?? 0);
    return idFormat(people, this.catalogue.size + (this.brand?.items ?? 0) + (this.peerEffects?.items ?? 0));
  }

  /** A buying customer: acquisition, first visit and trial, repeat purchases, sessions, follows, word of mouth. */
  private customer(j: number, person: number, out: CustomerTruthWriter | null): void {
    const block = this.block;
    const acq = this.acquisition;
    const pp = this.purchases;
    const end = this.endSec;
    this.person[j] = person;
    pp.drawCustomer();
    const firstItem = this.catalogue.pick(this.rngItems);

    // first visit: plan the session first so the visit can be placed before the window ends
    let kind: AcquisitionKind = acq.intendedKind();
    const duration = this.funnel.planBuying(kind === 'organic' ? 'search' : 'link');
    const firstSec = Math.max(0, Math.min(Math.floor(acq.customerArrivals[j]), end - 1 - duration));
    let referrer = NONE;
    let fellBack = false;
    if (kind === 'referral') {
      const tRef = acq.referralTime(firstSec);
      if (tRef !== NONE) {
        referrer = this.network.pick(j, (k) => this.trialSec[k] < tRef && this.dropoutSec[k] > tRef);
      }
      if (referrer !== NONE) {
        block.add(this.person[referrer], tRef, T.referral, CH.app, firstItem, person);
        this.network.addReferral(referrer, j);
      } else {
        kind = 'firm';
        fellBack = true;
      }
    }
    if (referrer === NONE) this.network.addRoot(j);
    if (kind === 'firm') {
      block.add(person, acq.adTime(firstSec), T.exposure, CH.ad, firstItem);
      this.adExposures++;
    }
    acq.record(kind, fellBack);
    const channel = this.funnel.sessionChannel();
    this.funnel.placePlan(block, person, firstSec, end, firstItem, channel);
    const trial = firstSec + duration;
    this.trialSec[j] = trial;
    this.purchase(person, trial, firstItem, channel);

    // repeat purchases, each after a buying session
    const repeats = pp.drawRepeats(trial, end);
    let lastDay = Math.floor(trial / DAY);
    let repeatDays = 0;
    for (let i = 0; i < repeats; i++) {
      const t = Math.floor(pp.repeats[i]);
      const day = Math.floor(t / DAY);
      if (day !== lastDay) repeatDays++;
      lastDay = day;
      const item = this.rngItems.next() < this.params.catalogue.repeatItemProb ? firstItem : this.catalogue.pick(this.rngItems);
      const ch = this.funnel.sessionChannel();
      this.funnel.beforePurchase(block, person, t, item, ch, 'any');
      this.purchase(person, t, item, ch);
    }
    this.dropoutSec[j] = pp.dropoutSec;

    // abandoned sessions while alive
    const activeEnd = Math.min(pp.dropoutSec, end);
    const nAbandoned = this.funnel.abandonedCount(pp.lambda, (activeEnd - trial) / WEEK_SECONDS);
    for (let i = 0; i < nAbandoned; i++) {
      const start = Math.floor(trial + this.rngItems.next() * (activeEnd - trial));
      this.funnel.abandoned(block, person, start, end, this.catalogue.pick(this.rngItems), 'any');
    }

    this.exposures.campaigns(block, person, firstSec);
    this.follows(j, person, trial, referrer);
    this.wordOfMouth(j, person);
    this.brand?.addEvents(block, j, person);
    const persona = this.personas?.addEvents(block, person, firstSec, trial, firstItem) ?? null;
    // last, so the purchase it may add is not seen by word of mouth (whose draws would shift)
    this.enrolInExperiment(person, trial, firstItem);

    // truth
    const weeksObserved = (end - trial) / WEEK_SECONDS;
    const day = Math.min(this.tCount.length - 1, Math.floor((end - trial) / DAY));
    this.tCount[day]++;
    this.tSum[day] += weeksObserved;
    this.repeatTotal += repeats;
    this.repeatDaysTotal += repeatDays;
    if (pp.alive) this.aliveAtEnd++;
    out?.write({
      person,
      acquisition: kind,
      referrer: referrer === NONE ? NONE : this.person[referrer],
      depth: this.network.depth[j],
      firstSec,
      trialSec: trial,
      lambda: pp.lambda,
      p: pp.p,
      nu: pp.nu,
      purchases: repeats + 1,
      repeatDays,
      alive: pp.alive,
      dropoutSec: pp.dropoutSec,
      ...(persona ? { extra: this.personaColumns(persona) } : {}),
    });
  }

  /** The persona truth columns (PERSONA_TRUTH_FIELDS) of one customer. */
  private personaColumns(d: PersonaDraw): string {
    const ids = this.ids();
    const pairs = d.replenish.map((r) => `${ids.item(r.item)}:${r.cycleDays.toFixed(3)}:${r.quantity}`).join(';');
    return `${d.segment},${Array.from(d.propensity, (x) => x.toPrecision(6)).join(',')},${d.experience},${pairs}`;
  }

  /** The experiment (if any): an exposure, and the purchase the treatment adds, written like any purchase. */
  private enrolInExperiment(person: number, trial: number, item: number): void {
    const ex = this.experiment;
    if (ex === null) return;
    const pp = this.purchases;
    const at = ex.enrol(this.block, person, trial, pp.lambda, pp.dropoutSec, pp.repeats, pp.nu);
    if (at < 0) return;
    const e = this.block.add(person, at, T.purchase, CH.email, item);
    this.block.amount[e] = ex.spend(pp.nu);
    this.block.quantity[e] = 1;
  }

  private purchase(person: number, ts: number, item: number, channel: number): void {
    const e = this.block.add(person, ts, T.purchase, channel, item);
    const amount = this.purchases.spend();
    this.block.amount[e] = amount;
    this.block.quantity[e] = 1 + poisson(this.rngItems, QUANTITY_EXTRA_MEAN);
    this.revenue += amount;
    this.transactions++;
  }

  /** Follows made after the first purchase: the referrer (maybe), then Poisson(followsMean) by attachment. */
  private follows(j: number, person: number, trial: number, referrer: number): void {
    const o = this.params.network;
    const rng = this.rngFollow;
    const followees = this.followees;
    followees.length = 0;
    const delay = 1 / (o.followDelayDays * DAY);
    if (referrer !== NONE && rng.next() < o.followReferrerProb) {
      const ts = trial + 1 + Math.floor(exponential(rng, delay));
      if (ts < this.endSec) {
        this.block.add(person, ts, T.follow, CH.app, NONE, this.person[referrer]);
        this.network.addEdge('follow', j, referrer);
        followees.push(referrer);
      }
    }
    const m = poisson(rng, o.followsMean);
    for (let i = 0; i < m; i++) {
      const ts = trial + 1 + Math.floor(exponential(rng, delay));
      if (ts >= this.endSec) continue;
      const k = this.network.pick(j, (x) => this.trialSec[x] < ts && !followees.includes(x));
      if (k === NONE) continue;
      this.block.add(person, ts, T.follow, CH.app, NONE, this.person[k]);
      this.network.addEdge('follow', j, k);
      followees.push(k);
    }
  }

  /** Shares and reviews after each of the customer's purchases (the block holds them). */
  private wordOfMouth(j: number, person: number): void {
    const social = this.social;
    const end = this.endSec;
    // the purchases are read back from the block, so shares and reviews name the item bought
    const block = this.block;
    const n = block.length;
    for (let e = 0; e < n; e++) {
      if (block.type[e] !== T.purchase) continue;
      const t = block.ts[e];
      const item = block.item[e];
      const shareTs = social.shareTime(t, end);
      if (shareTs !== NONE) {
        // a peer the customer follows (or was referred by), else one drawn by attachment;
        // either way someone who was already a customer when the share was made
        let peer = NONE;
        let own = false;
        if (this.followees.length > 0) {
          peer = this.followees[Math.floor(this.rngFollow.next() * this.followees.length)];
          own = this.trialSec[peer] < shareTs;
          if (!own) peer = NONE;
        }
        if (peer === NONE) peer = this.network.pick(j, (x) => this.trialSec[x] < shareTs);
        if (peer !== NONE) {
          social.share(block, person, shareTs, item, this.person[peer], own);
          this.network.addEdge('share', j, peer);
        }
      }
      social.maybeReview(block, person, t, item, end);
    }
  }

  /** A prospect: maybe an ad, then one session that does not buy. */
  private prospect(arrival: number, person: number): void {
    const first = Math.floor(arrival);
    const fromAd = this.acquisition.prospectFromAd();
    const item = this.catalogue.pick(this.rngItems);
    if (fromAd) {
      this.block.add(person, this.acquisition.adTime(first), T.exposure, CH.ad, item);
      this.adExposures++;
    }
    this.funnel.abandoned(this.block, person, first, this.endSec, item, fromAd ? 'link' : 'search');
  }

  private truth(events: EventCsvWriter, files: EngineFiles, ts: TimestampFormatter): SimulationTruth {
    const p = this.params;
    const n = this.nCustomers;
    let expected: number | null = 0;
    let x52: number | null = null;
    try {
      for (let d = 0; d < this.tCount.length; d++) {
        if (this.tCount[d] > 0) expected += this.tCount[d] * bgnbdExpectedRepeats(this.tSum[d] / this.tCount[d], p.bgnbd);
      }
      x52 = bgnbdExpectedRepeats(52, p.bgnbd);
    } catch {
      expected = null;
    }
    const funnel = this.funnel.counts;
    const sessions = funnel.buyingSessions + funnel.abandonedSessions;
    const sentiment: Record<string, number> = {};
    const texts: Record<string, readonly string[]> = {};
    for (const r of [1, 2, 3, 4, 5] as const) {
      sentiment[r] = RATING_SENTIMENT[r];
      texts[r] = REVIEW_TEXTS[r];
    }
    const ids = this.ids();
    return {
      schemaVersion: TRUTH_SCHEMA_VERSION,
      generator: 'spiral simulate',
      params: p,
      window: {
        start: new Date(this.startMs).toISOString(),
        end: new Date(this.startMs + this.endSec * 1000).toISOString(),
        weeks: p.weeks,
      },
      files: { events: files.eventsName, customers: files.customersName },
      counts: { events: events.events, customers: n, prospects: this.nProspects, byType: { ...events.countsByType } },
      purchases: {
        model: 'bgnbd',
        timeUnit: 'week',
        params: p.bgnbd,
        meanLambda: p.bgnbd.r / p.bgnbd.alpha,
        meanDropout: p.bgnbd.dropout ?? p.bgnbd.a / (p.bgnbd.a + p.bgnbd.b),
        expectedRepeatPurchases52Weeks: x52,
        expectedRepeatPurchasesInWindow: expected,
        realizedRepeatPurchasesInWindow: this.repeatTotal,
        realizedRepeatPurchaseDaysInWindow: this.repeatDaysTotal,
        meanExpectedRepeatPerCustomer: expected === null ? null : expected / n,
        meanRealizedRepeatPerCustomer: this.repeatTotal / n,
        transactions: this.transactions,
        aliveAtEnd: this.aliveAtEnd,
        note:
          'Continuous time in weeks; every repeat transaction is counted. A summary that counts purchase days (several ' +
          'purchases on one UTC day as one) sees realizedRepeatPurchaseDaysInWindow instead. T_i runs from the first ' +
          'purchase to the window end.',
      },
      spend: {
        model: 'gamma-gamma',
        params: p.gammaGamma,
        expectedTransactionValue: gammaGammaMeanSpend(p.gammaGamma),
        realizedMeanTransactionValue: this.transactions ? round(this.revenue / this.transactions, 6) : null,
        revenue: round(this.revenue, 2),
      },
      acquisition: {
        ...this.acquisition.counts,
        note:
          'referral: a referral event by an existing, not dropped-out customer precedes the first visit (peer_id = the new ' +
          'customer); firm: an ad exposure precedes it; organic: the first visit starts with a search.',
      },
      funnel: {
        ...funnel,
        sessionConversion: sessions ? funnel.buyingSessions / sessions : 0,
        note: 'Prospects (visitors who never buy) have one abandoned session each and are counted in abandonedSessions.',
      },
      exposures: {
        campaigns: this.exposures.campaignSec.map((s, k) => ({ ts: ts.format(s), item_id: ids.item(this.exposures.campaignItem[k]) })),
        campaignExposures: this.exposures.reached,
        adExposures: this.adExposures,
        effectOnPurchases: 'none',
      },
      network: this.network.truth(n),
      social: { ...this.social.counts, reviewTexts: texts, sentimentByRating: sentiment },
      catalogue: this.catalogue.truth(),
      ...(this.brand ? { brand: this.brand.truth((k) => ids.item(k)) } : {}),
      ...(this.peerEffects ? { peerEffects: this.peerEffects.truth((k) => ids.item(k)) } : {}),
      ...(this.personas ? { personas: this.personas.truth() } : {}),
      ...(this.experiment ? { experiment: this.experiment.truth(ts.format(this.experiment.startSec)) } : {}),
    };
  }
}
