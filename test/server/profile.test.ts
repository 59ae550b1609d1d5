/**
 * The query API's profile and segments against the store itself: a small simulated workspace,
 * profiles before any analysis (each field that needs one is null and named in needsAnalysis),
 * then an analysis run as a job through POST /v1/analysis, after which one customer's profile
 * carries the rows the analysis wrote — facts, behaviours, segment and its generated name, CLV and
 * P(alive), network scores, experience, next action — each compared with the store's own tables
 * and with the customer view the segments step names segments in (an independent source of the
 * names); GET /v1/segments gives the same sizes and names; GET /v1/analysis?fields=… gives exactly
 * the asked parts of the whole result.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { ingestInto } from '../helpers/ingest.js';
import { appFixture, makeKey } from './helpers.js';

let read: string;
let admin: string;
const f = appFixture('spiral-profile-', async (dir) => {
  const csv = join(dir, 'events.csv');
  await simulate({ customers: 600, seed: 3, out: csv, customerTruth: false, personas: {}, brand: {}, peerEffects: {} });
  const store = await DuckDbStore.open(join(dir, 'acme.duckdb'));
  try {
    await ingestInto(store, [csv], 'simulated');
  } finally {
    await store.close();
  }
  read = await makeKey(dir, 'acme', 'read');
  admin = await makeKey(dir, 'acme', 'admin');
});

const call = async <T>(path: string, key: string, method = 'GET'): Promise<{ status: number; body: T }> => {
  const r = await f.app.request(path, { method, headers: { authorization: `Bearer ${key}` } });
  return { status: r.status, body: (await r.json()) as T };
};
const sql = async <T extends Record<string, unknown>>(q: string, params: unknown[] = []) => (await f.ctx.workspace('acme')).query.query<T>(q, params);

interface Profile {
  customerId: string;
  facts: { events: number; purchases: number; revenue: number | null };
  clv: Record<string, unknown> | null;
  network: Record<string, unknown> | null;
  behaviours: Record<string, unknown> | null;
  segment: Record<string, unknown> | null;
  experience: Record<string, unknown> | null;
  nextAction: { customerId: string; segment: string; experience: string; action: string; expectedValue: number } | null;
  needsAnalysis: { field: string; reason: string }[];
}

describe('GET /v1/customers/{id} and /v1/segments against the store', () => {
  test('before an analysis: facts from the events, every analysis field null and named with what to run', async () => {
    const [{ id, n }] = await sql<{ id: string; n: number }>('SELECT customer_id AS id, count(*) AS n FROM events GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1');
    const { status, body } = await call<Profile>(`/v1/customers/${encodeURIComponent(id)}`, read);
    assert.equal(status, 200);
    assert.equal(body.facts.events, n);
    for (const f of ['clv', 'network', 'behaviours', 'segment', 'experience', 'nextAction'] as const) {
      assert.equal(body[f], null, f);
      const need = body.needsAnalysis.find((x) => x.field === f);
      assert.ok(need && /analysis|spiral/.test(need.reason), `${f} is named in needsAnalysis: ${JSON.stringify(body.needsAnalysis)}`);
    }
    assert.equal((await call('/v1/segments', read)).status, 409);
  });

  test('after POST /v1/analysis: the profile carries the rows the analysis wrote, the segment named as the customer view names it', { timeout: 300_000 }, async () => {
    const started = await call<{ id: string }>('/v1/analysis', admin, 'POST');
    assert.equal(started.status, 202);
    let job: { status: string; error: string | null };
    for (;;) {
      job = (await call<{ status: string; error: string | null }>(`/v1/jobs/${started.body.id}`, read)).body;
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(job.status, 'succeeded', job.error ?? '');

    // A purchaser with an action, and one customer of each experience the store has.
    const picks = await sql<{ id: string }>(`SELECT any_value(customer_id ORDER BY customer_id) AS id FROM customer_actions GROUP BY experience ORDER BY 1`);
    assert.ok(picks.length >= 2, 'the simulated workspace has customers in two experiences or more');
    for (const { id } of picks) {
      const { status, body } = await call<Profile>(`/v1/customers/${encodeURIComponent(id)}`, read);
      assert.equal(status, 200, id);
      const [view] = await sql<Record<string, unknown>>('SELECT segment, segment_name FROM customer_table WHERE customer_id = ?', [id]);
      assert.equal(body.segment?.segment, view.segment, `${id}: segment id`);
      assert.equal(body.segment?.name, view.segment_name, `${id}: segment name as the customer view names it`);
      const [beh] = await sql<Record<string, unknown>>('SELECT * FROM customer_behaviours WHERE customer_id = ?', [id]);
      assert.deepEqual(body.behaviours, JSON.parse(JSON.stringify(beh)), `${id}: behaviours`);
      const [exp] = await sql<{ experience: string; reason: string }>('SELECT experience, reason FROM customer_experiences WHERE customer_id = ?', [id]);
      assert.equal(body.experience?.experience, exp.experience, `${id}: experience`);
      assert.equal(body.experience?.reason, exp.reason);
      const [act] = await sql<{ experience: string; action: string; segment: string; expected_value: number }>('SELECT * FROM customer_actions WHERE customer_id = ?', [id]);
      assert.ok(body.nextAction, `${id}: next action`);
      assert.equal(body.nextAction.customerId, id);
      assert.equal(body.nextAction.action, act.action);
      assert.equal(body.nextAction.experience, exp.experience, 'the action is of the customer\'s experience');
      assert.equal(body.nextAction.segment, act.segment);
      assert.equal(body.nextAction.expectedValue, act.expected_value ?? 0);
      const [clv] = await sql<{ p_alive: number; clv: number }>('SELECT p_alive, clv FROM clv_scores WHERE customer_id = ?', [id]);
      if (clv) {
        assert.equal(body.clv?.p_alive, clv.p_alive, `${id}: P(alive)`);
        assert.equal(body.clv?.clv, clv.clv, `${id}: CLV`);
      }
      for (const f of ['behaviours', 'segment', 'experience', 'nextAction']) {
        assert.ok(!body.needsAnalysis.some((x) => x.field === f), `${id}: ${f} no longer needs an analysis`);
      }
    }
  });

  test('GET /v1/analysis?fields=…: exactly the asked paths of the whole result, plus its identity and warnings; bad paths 400', async () => {
    const whole = await call<Record<string, any>>('/v1/analysis', read);
    assert.equal(whole.status, 200);
    const part = await call<Record<string, any>>('/v1/analysis?fields=overview,clv.equity,brand.overall.spiral,nothing.here', read);
    assert.equal(part.status, 200);
    const w = whole.body;
    const expected: Record<string, unknown> = {
      schemaVersion: w.schemaVersion, generatedAt: w.generatedAt, spiralVersion: w.spiralVersion, store: w.store, warnings: w.warnings,
      overview: w.overview,
    };
    if (w.clv?.equity !== undefined) expected.clv = { equity: w.clv.equity };
    if (w.brand?.overall?.spiral !== undefined) expected.brand = { overall: { spiral: w.brand.overall.spiral } };
    assert.deepEqual(part.body, expected);
    assert.ok(JSON.stringify(part.body).length < JSON.stringify(w).length / 2, 'the projection is smaller than the whole');
    for (const bad of ['overview;drop', '../keys', 'a..b', '', 'x'.repeat(1001), Array.from({ length: 51 }, () => 'overview').join(',')]) {
      assert.equal((await call(`/v1/analysis?fields=${encodeURIComponent(bad)}`, read)).status, 400, JSON.stringify(bad.slice(0, 40)));
    }
  });

  test('GET /v1/segments: the sizes of customer_segments with the names of the customer view', async () => {
    const { status, body } = await call<{ customers: number; segments: { segment: string; customers: number; name: string | null }[] }>('/v1/segments', read);
    assert.equal(status, 200);
    const truth = await sql<{ segment: string; customers: number; name: string }>(
      `SELECT CAST(segment AS VARCHAR) AS segment, count(*) AS customers, any_value(segment_name) AS name FROM customer_table WHERE segment IS NOT NULL GROUP BY 1`,
    );
    assert.equal(body.segments.length, truth.length);
    for (const t of truth) {
      const s = body.segments.find((x) => x.segment === t.segment);
      assert.ok(s, `segment ${t.segment} listed`);
      assert.equal(s.customers, t.customers, `segment ${t.segment} size`);
      assert.equal(s.name, t.name, `segment ${t.segment} name`);
      assert.ok(s.name && s.name.length > 0);
    }
    assert.equal(body.customers, truth.reduce((a, t) => a + t.customers, 0));
  });
});
