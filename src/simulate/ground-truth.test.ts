/**
 * The simulated log against its ground truth, read back through DuckDB (not through the
 * generator's own bookkeeping), so a wrong generator fails here.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../../test/helpers/paths.js';
import { REVIEW_TEXTS, simulate, type SimulationSummary, type SimulationTruth } from './index.js';
import { openDuck, type Duck } from '../../test/helpers/duck.js';


const CUSTOMERS = 30_000;
const scratch = scratchDir('spiral-simulate-truth-');
let db: Duck;
let summary: SimulationSummary;
let truth: SimulationTruth;
let endEpoch: number;

before(async () => {
  const out = join(scratch.dir, 'events.csv');
  summary = await simulate({ customers: CUSTOMERS, seed: 2024, out });
  truth = JSON.parse(readFileSync(summary.truthPath, 'utf8')) as SimulationTruth;
  endEpoch = Date.parse(truth.window.end) / 1000;
  db = await openDuck();
  await db.all(`CREATE TABLE ev AS SELECT * FROM read_csv('${out}')`);
  await db.all(`CREATE TABLE cust AS SELECT * FROM read_csv('${summary.customerTruthPath}')`);
});

after(() => {
  db?.close();
  scratch.cleanup();
});

/** 2F1(a, b; c; z) by its series, written independently of the simulator's. */
function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 1_000_000; n++) {
    term *= ((a + n) * (b + n)) / ((c + n) * (n + 1)) * z;
    sum += term;
    if (Math.abs(term) < 1e-13 * Math.abs(sum) * (1 - z)) return sum;
  }
  throw new Error('hyp2f1 did not converge');
}

/** FHL (2005) eq. 9. */
function expectedRepeats(t: number, r: number, alpha: number, a: number, b: number): number {
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, t / (alpha + t)));
}

function meanAndSe(xs: number[]): { mean: number; se: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const v = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, se: Math.sqrt(v / xs.length) };
}

describe('the CSV file', () => {
  test('DuckDB reads it with the canonical columns and types, and as many rows as the summary says', async () => {
    const cols = await db.all(`DESCRIBE SELECT * FROM ev`);
    const types = Object.fromEntries(cols.map((r) => [r.column_name, r.column_type]));
    assert.deepEqual(Object.keys(types), ['event_id', 'customer_id', 'ts', 'type', 'item_id', 'amount', 'quantity', 'peer_id', 'channel', 'rating', 'text']);
    assert.match(String(types.ts), /^TIMESTAMP( WITH TIME ZONE)?$/);
    assert.equal(types.amount, 'DOUBLE');
    assert.equal(types.quantity, 'BIGINT');
    assert.equal(types.rating, 'BIGINT');
    for (const c of ['event_id', 'customer_id', 'type', 'item_id', 'peer_id', 'channel', 'text']) assert.equal(types[c], 'VARCHAR', c);
    const [n] = await db.all(`SELECT count(*) AS n, count(DISTINCT event_id) AS ids, min(epoch(ts)) AS lo, max(epoch(ts)) AS hi FROM ev`);
    assert.equal(n.n, summary.events);
    assert.equal(n.ids, summary.events);
    assert.ok((n.lo as number) >= Date.parse(truth.window.start) / 1000);
    assert.ok((n.hi as number) < endEpoch);
    const byType = await db.all(`SELECT type, count(*) AS n FROM ev GROUP BY type`);
    for (const { type, n: k } of byType) assert.equal(k, summary.countsByType[type as keyof typeof summary.countsByType], String(type));
  });

  test('defaults give roughly 8–12 events per customer', () => {
    const perCustomer = summary.events / summary.customers;
    assert.ok(perCustomer > 8 && perCustomer < 12, `${perCustomer} events per customer`);
  });
});

describe('purchases follow the BG/NBD truth', () => {
  let x: number[];
  let T: number[];

  before(async () => {
    const rows = await db.all(
      `SELECT count(*) - 1 AS x, (${endEpoch} - min(epoch(ts))) / 604800 AS T FROM ev WHERE type = 'purchase' GROUP BY customer_id`,
    );
    x = rows.map((r) => r.x as number);
    T = rows.map((r) => r.T as number);
  });

  test('every customer has a first purchase', () => {
    assert.equal(x.length, CUSTOMERS);
  });

  test('mean repeat purchases match E[X(T_i)] (FHL 2005 eq. 9) within 4 standard errors', () => {
    const { r, alpha, a, b } = truth.params.bgnbd;
    const expected = T.map((t) => expectedRepeats(t, r, alpha, a, b));
    const { mean, se } = meanAndSe(x.map((xi, i) => xi - expected[i]));
    assert.ok(Math.abs(mean) < 4 * se, `mean residual ${mean} vs se ${se}`);
    const expectedTotal = expected.reduce((s, e) => s + e, 0);
    assert.ok(Math.abs(expectedTotal / truth.purchases.expectedRepeatPurchasesInWindow! - 1) < 1e-3);
    assert.equal(x.reduce((s, v) => s + v, 0), truth.purchases.realizedRepeatPurchasesInWindow);
  });

  test('the share with no repeat purchase matches P(X(T)=0) = (alpha/(alpha+T))^r within 4 standard errors', () => {
    const { r, alpha } = truth.params.bgnbd;
    const { mean, se } = meanAndSe(x.map((xi, i) => (xi === 0 ? 1 : 0) - Math.pow(alpha / (alpha + T[i]), r)));
    assert.ok(Math.abs(mean) < 4 * se, `mean residual ${mean} vs se ${se}`);
  });

  test('mean transaction value matches the Gamma-Gamma p·gamma/(q−1) within 4 standard errors', async () => {
    const rows = await db.all(`SELECT avg(amount) AS m FROM ev WHERE type = 'purchase' GROUP BY customer_id`);
    const { p, q, gamma } = truth.params.gammaGamma;
    const { mean, se } = meanAndSe(rows.map((r) => r.m as number));
    const expected = (p * gamma) / (q - 1);
    assert.equal(truth.spend.expectedTransactionValue, expected);
    assert.ok(Math.abs(mean - expected) < 4 * se, `mean ${mean} vs ${expected} (se ${se})`);
  });
});

describe('the network', () => {
  test('a referral precedes the referred customer’s first event, and comes from a customer who had bought', async () => {
    const [r] = await db.all(`
      WITH firsts AS (SELECT customer_id, min(ts) AS first_ts FROM ev WHERE type <> 'referral' GROUP BY 1),
           buyers AS (SELECT customer_id, min(ts) AS first_purchase FROM ev WHERE type = 'purchase' GROUP BY 1),
           r AS (SELECT customer_id AS referrer, peer_id AS referred, ts FROM ev WHERE type = 'referral')
      SELECT count(*) AS n,
             count(DISTINCT referred) AS distinct_referred,
             count(*) FILTER (WHERE f.first_ts > r.ts) AS after_referral,
             count(*) FILTER (WHERE b.first_purchase < r.ts) AS referrer_bought_before,
             count(*) FILTER (WHERE rb.customer_id IS NOT NULL) AS referred_bought
      FROM r LEFT JOIN firsts f ON f.customer_id = r.referred
             LEFT JOIN buyers b ON b.customer_id = r.referrer
             LEFT JOIN buyers rb ON rb.customer_id = r.referred`);
    assert.equal(r.n, truth.acquisition.referral);
    assert.ok((r.n as number) > CUSTOMERS * 0.05);
    for (const k of ['distinct_referred', 'after_referral', 'referrer_bought_before', 'referred_bought']) assert.equal(r[k], r.n, k);
    const [t] = await db.all(`
      SELECT count(*) AS n FROM cust c JOIN ev ON ev.type = 'referral' AND ev.peer_id = c.customer_id AND ev.customer_id = c.referrer_id`);
    assert.equal(t.n, r.n);
  });

  test('every follow and share names a peer who was already a customer then', async () => {
    const [r] = await db.all(`
      SELECT count(*) AS n, count(*) FILTER (WHERE b.customer_id IS NULL OR b.first_purchase >= ev.ts) AS bad
      FROM ev LEFT JOIN (SELECT customer_id, min(ts) AS first_purchase FROM ev WHERE type = 'purchase' GROUP BY 1) b
        ON b.customer_id = ev.peer_id
      WHERE ev.type IN ('follow', 'share')`);
    assert.ok((r.n as number) > 0);
    assert.equal(r.bad, 0);
    const [nulls] = await db.all(`SELECT count(*) AS n FROM ev WHERE type IN ('follow', 'share', 'referral') AND peer_id IS NULL`);
    assert.equal(nulls.n, 0);
  });

  test('preferential attachment gives a heavy-tailed follow in-degree', async () => {
    const [r] = await db.all(`SELECT max(n) AS top, avg(n) AS mean FROM (SELECT peer_id, count(*) AS n FROM ev WHERE type = 'follow' GROUP BY 1)`);
    assert.equal(r.top, truth.network.followInDegree.max);
    assert.ok((r.top as number) > 20 * (r.mean as number), `max ${r.top} vs mean ${r.mean}`);
  });
});

describe('funnel and reviews', () => {
  test('every purchase follows a view of its item by the same customer within a day; prospects only browse', async () => {
    const [r] = await db.all(`
      SELECT count(*) AS n FROM ev p WHERE p.type = 'purchase' AND NOT EXISTS (
        SELECT 1 FROM ev v WHERE v.customer_id = p.customer_id AND v.type = 'view' AND v.item_id = p.item_id
          AND v.ts <= p.ts AND v.ts > p.ts - INTERVAL 1 DAY)`);
    assert.equal(r.n, 0);
    const [b] = await db.all(`
      SELECT count(*) AS n FROM (SELECT customer_id FROM ev GROUP BY 1 HAVING count(*) FILTER (WHERE type = 'purchase') = 0)`);
    assert.equal(b.n, truth.counts.prospects);
  });

  test('review wording matches the rating, and items’ mean ratings track their true quality', async () => {
    const pairs = await db.all(`SELECT DISTINCT rating, text FROM ev WHERE type = 'review'`);
    for (const { rating, text } of pairs) {
      assert.ok(REVIEW_TEXTS[rating as 1 | 2 | 3 | 4 | 5].includes(String(text)), `${rating}: ${text}`);
    }
    const items = await db.all(`SELECT item_id, avg(rating) AS m FROM ev WHERE type = 'review' GROUP BY 1 HAVING count(*) >= 30`);
    assert.ok(items.length >= 10);
    const quality = items.map((r) => truth.catalogue.quality[Number(String(r.item_id).slice(1)) - 1]);
    const mean = items.map((r) => r.m as number);
    assert.ok(correlation(quality, mean) > 0.8, `correlation ${correlation(quality, mean)}`);
  });
});

function correlation(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
