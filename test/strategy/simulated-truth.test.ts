/**
 * The strategy generator on simulated ground truth (the simulator's personas: latent segments with
 * known behaviour propensities): the segment chosen for grow-referrals has a low true connect
 * propensity; every clear measured behaviour–KPI association has the sign the latent propensities
 * give (computed here from the truth file, independently of the scores); experiment design finds a
 * segment by id or name; the strategy section renders.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { analyze } from '../../src/analysis/analyze.js';
import type { AnalysisResult } from '../../src/domain/result.js';
import { buildPlan } from '../../src/strategy/generate.js';
import { CUSTOMER_KPI_DEFINITIONS } from '../../src/strategy/evidence.js';
import { designForSegment } from '../../src/strategy/experiments/design.js';
import { InvalidArgumentsError } from '../../src/models/numeric/errors.js';
import { strategySection } from '../../src/report/sections/strategy.js';
import { renderPlanMarkdown } from '../../src/report/plan.js';
import { ingestInto } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-strategy-truth-');
let store: DuckDbStore;
let result: AnalysisResult;
let truth: string;

before(async () => {
  const out = join(scratch.dir, 'p.csv');
  const sim = await simulate({ customers: 3000, seed: 3, out, personas: {} });
  truth = sim.customerTruthPath!;
  store = await DuckDbStore.open(':memory:');
  await ingestInto(store, [out], 'simulated');
  result = await analyze(store, { now: () => new Date('2026-01-01T00:00:00Z') });
});
after(async () => {
  await store?.close();
  scratch.cleanup();
});

test('grow-referrals selects first the segment with a low true connect propensity (reach × (1 − connect score))', async () => {
  assert.equal(result.strategy?.status, 'ok');
  const plan = buildPlan(result, 'grow-referrals');
  assert.equal(plan.customerSelection.status, 'ok');
  const rows = await store.query(`SELECT s.segment, count(*) AS n, avg(t.p_connect) AS connect FROM customer_segments s JOIN read_csv('${truth}') t USING (customer_id) GROUP BY 1`);
  const [all] = await store.query(`SELECT avg(p_connect) AS connect FROM read_csv('${truth}')`);
  // the first selected segment whose customers have personas (prospects have none)
  const top = plan.customerSelection.segments.find((s) => s.selected && rows.some((r) => String(r.segment) === s.segment && Number(r.n) >= 0.5 * s.customers))!;
  assert.ok(top, 'a selected segment of buyers');
  const t = Number(rows.find((r) => String(r.segment) === top.segment)!.connect);
  assert.ok(t < 0.5 * Number(all.connect), `segment ${top.segment} "${top.name}": true connect propensity ${t.toFixed(2)} vs ${Number(all.connect).toFixed(2)} over all buyers`);
  const segConnect = rows.map((r) => Number(r.connect)).sort((a, b) => a - b);
  assert.ok(t <= segConnect[1], `among the two segments with the lowest true connect (${segConnect.map((x) => x.toFixed(2)).join(', ')})`);
  // its relevance is the stated formula over the result's fields
  const ev = result.strategy!.segments.find((s) => String(s.id) === top.segment)!;
  assert.ok(Math.abs(top.relevance.value! - ev.reach! * (1 - ev.scores.connect! / 100)) < 1e-12);
  assert.match(renderPlanMarkdown(plan), new RegExp(`barrier \\(`));
  // the selected segments' own traffic: days = ceil(2 × per arm / (their customers / days spanned))
  const chosen = plan.customerSelection.segments.filter((s) => s.selected).reduce((a, s) => a + s.customers, 0);
  for (const i of plan.impact) assert.equal(i.segmentDays.value, Math.ceil(i.total.value! / (chosen / result.overview.span.days!)));
});

test('every clear measured association (95% interval excludes 0) has the sign the latent propensities give', async () => {
  let checked = 0;
  for (const kpi of ['contributed', 'support'] as const) {
    for (const b of ['access', 'engage', 'customize', 'connect', 'collaborate'] as const) {
      const a = result.strategy!.associations.find((x) => x.behaviour === b && x.kpi === kpi)!;
      if (a.overlap) continue; // the score counts the KPI's own events: by construction, not a check
      // truth: the KPI's mean in the top quartile of the true propensity minus the bottom one (buyers with personas)
      const [t] = await store.query(`WITH j AS (SELECT ntile(4) OVER (ORDER BY t.p_${b}) AS q, ${CUSTOMER_KPI_DEFINITIONS[kpi].sql} AS y FROM customer_facts f JOIN read_csv('${truth}') t USING (customer_id))
        SELECT avg(y) FILTER (WHERE q = 4) - avg(y) FILTER (WHERE q = 1) AS d,
          sqrt(var_samp(y) FILTER (WHERE q = 4) / count(*) FILTER (WHERE q = 4) + var_samp(y) FILTER (WHERE q = 1) / count(*) FILTER (WHERE q = 1)) AS se FROM j`);
      const z = Number(t.d) / Number(t.se);
      const clear = a.lower! > 0 || a.upper! < 0;
      if (Math.abs(z) < 10 || !clear) continue;
      checked++;
      assert.equal(Math.sign(a.difference!), Math.sign(Number(t.d)), `${b} × ${kpi}: measured ${a.difference!.toFixed(3)} (${a.lower!.toFixed(3)} … ${a.upper!.toFixed(3)}) vs truth ${Number(t.d).toFixed(3)} (z ${z.toFixed(1)})`);
    }
  }
  assert.ok(checked >= 4, `${checked} associations checked against the truth`);
  // the plan selects by gap × association in the objective's direction, and says it is an association
  const plan = buildPlan(result, 'launch-idea');
  for (const s of plan.strategySelection.strategies.filter((x) => x.selected && x.score.value !== null && x.score.value > 0)) assert.ok(s.association.value! > 0 && s.associationLower.value! > 0, s.strategy);
  assert.match(plan.strategySelection.note, /not causal/);
});

test('experiment design finds a segment by id or by name, and an unknown one lists them', async () => {
  const seg = result.segments!.segments.find((s) => !s.name.startsWith('prospects'))!;
  const byId = await designForSegment(store, { segment: String(seg.id), kpi: 'revenue', mdeRelative: 0.1 });
  const byName = await designForSegment(store, { segment: seg.name.toUpperCase(), kpi: 'revenue', mdeRelative: 0.1 });
  assert.equal(byId.segmentCustomers, seg.size);
  assert.equal(byName.segment, String(seg.id));
  assert.equal(byName.segmentName, seg.name);
  assert.equal(byName.perArm, byId.perArm);
  await assert.rejects(designForSegment(store, { segment: '999', kpi: 'conversion', mdeRelative: 0.1 }), (e: Error) => {
    assert.ok(e instanceof InvalidArgumentsError);
    assert.match(e.message, new RegExp(`${seg.id} "${seg.name}" \\(${seg.size}\\)`));
    return true;
  });
});

test('the strategy section: six headlines, 30 associations, every segment; the report renders it', () => {
  const s = result.strategy!;
  assert.equal(s.headlines.length, 6);
  assert.equal(s.associations.length, 30);
  assert.equal(s.segments.length, result.segments!.segments.length);
  assert.equal(s.segments.reduce((a, g) => a + g.customers, 0), result.segments!.assignedCustomers);
  const attrition = s.headlines.find((h) => h.objective === 'reduce-attrition')!;
  const maxRisk = [...result.segments!.segments].sort((a, b) => (b.atRisk ?? -1) - (a.atRisk ?? -1))[0];
  assert.equal(attrition.topSegment!.id, String(maxRisk.id));
  const r = strategySection(result)!;
  assert.match(r.html.value, /Behaviour scores and the objectives/);
  assert.ok(r.html.value.includes(maxRisk.name));
  assert.ok(!/NaN/.test(r.html.value));
});
