import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClvSection, buildResult } from '../../../test/fixtures/result.js';
import { renderReport } from '../index.js';
import { clvSection } from './clv.js';

interface Series { name: string; data: (number | number[])[] }
const seriesOf = (option: unknown): Series[] => (option as { series: Series[] }).series;

test('clv section: absent from results without CLV', () => {
  assert.equal(clvSection(buildResult()), null);
});

test('clv section: equity tiles, histogram, tracking, frequency and P(alive) charts carry the result\'s numbers', () => {
  const clv = buildClvSection();
  const s = clvSection(buildResult({ clv }))!;
  assert.deepEqual(s.charts.map((c) => c.elementId), ['clv-distribution', 'clv-tracking', 'clv-by-frequency', 'clv-palive']);
  const body = s.html.toString();
  assert.match(body, /data-kpi="customerEquity" data-value="612345.67"/);
  assert.match(body, /612,345\.67/);
  assert.match(body, /52\.0%/); // top 10% share
  const hist = seriesOf(s.charts[0].option)[0].data as number[];
  assert.equal(hist.reduce((a, b) => a + b, 0), clv.customers);
  const [actual, predicted] = seriesOf(s.charts[1].option);
  assert.equal(actual.data.length, clv.validation!.tracking.length);
  assert.equal(actual.data.at(-1), clv.validation!.tracking.at(-1)!.actual);
  assert.equal(predicted.name, 'Predicted');
  const byF = seriesOf(s.charts[2].option)[0].data as number[];
  assert.deepEqual(byF, clv.validation!.byFrequency.map((f) => f.actual));
  // Heat map: one point per cell that has customers, none for the empty cell.
  const heat = seriesOf(s.charts[3].option)[0].data as number[][];
  assert.equal(heat.length, clv.pAliveHeatmap!.cells.filter((c) => c.pAlive !== null).length);
  assert.ok(heat.every(([r, f, p]) => Number.isInteger(r) && Number.isInteger(f) && p >= 0 && p <= 1));
  assert.match(body, /c1000/);
  assert.match(body, /0\.3100/); // r with its standard error beside it
  assert.match(body, /0\.0060/);
  assert.match(body, /CLV = margin/);
});

test('clv section: insufficient data shows the reason, missing numbers as —, and no charts', () => {
  const clv = buildClvSection({
    status: 'insufficient', message: 'only 7 customers bought; CLV needs at least 20', model: null, spend: null, meanSpend: null,
    equity: { customerEquity: null, meanClv: null, medianClv: null, top10Share: null, expectedPurchases: null, expectedActive: null, scoresTable: null },
    distribution: [], topCustomers: [], validation: null, pAliveHeatmap: null, customers: 0, repeatBuyers: 0,
  });
  const s = clvSection(buildResult({ clv }))!;
  assert.equal(s.charts.length, 0);
  const body = s.html.toString();
  assert.match(body, /only 7 customers bought/);
  assert.match(body, /data-kpi="customerEquity"/);
  assert.doesNotMatch(body, /data-kpi="customerEquity" data-value/);
  assert.doesNotMatch(body, /NaN/);
});

test('clv section renders inside the full report with unique chart ids', () => {
  const doc = renderReport(buildResult({ clv: buildClvSection() }));
  assert.match(doc, /<section[^>]*id="clv"/);
  assert.match(doc, /id="clv-palive"/);
});
