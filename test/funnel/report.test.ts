/** The funnel report section: the result's numbers in tiles, charts and tables; absent without a funnel; thin data without NaN; drawn in Chromium. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeFunnel } from '../../src/funnel/index.js';
import type { FunnelSection } from '../../src/domain/sections/funnel.js';
import { renderReport } from '../../src/report/index.js';
import { funnelSection } from '../../src/report/sections/funnel.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { buildResult } from '../fixtures/result.js';
import { launchChromium } from '../browser/chromium.js';
import { scratchDir } from '../helpers/paths.js';

let f: FunnelSection;
let thin: FunnelSection;
const scratch = scratchDir('spiral-funnel-report-');

async function section(rows: string): Promise<FunnelSection> {
  const s = await DuckDbStore.open(':memory:');
  await s.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id, peer_id, channel) VALUES ${rows}`);
  const r = await analyzeFunnel(s);
  await s.close();
  assert.ok('stages' in r);
  return r;
}

before(async () => {
  // 60 customers: views, carts, purchases, shares between them, exposures
  const rows: string[] = [];
  let id = 0;
  const add = (c: number, day: number, hour: number, type: string, peer: number | null = null, ch = 'web'): void => {
    rows.push(`('e${id++}', 'c${c}', TIMESTAMP '2024-01-01' + INTERVAL ${day} DAY + INTERVAL ${hour} HOUR, '${type}', 'i${c % 3}', ${peer === null ? 'NULL' : `'c${peer}'`}, '${ch}')`);
  };
  for (let c = 0; c < 60; c++) {
    const ch = c % 2 ? 'web' : 'app';
    if (c % 4 === 0) add(c, c, 0, 'exposure', null, 'email');
    if (c > 5 && c % 3 === 0) add(c - 5, c, 1, 'share', c, 'social');
    add(c, c, 2, 'view', null, ch);
    if (c % 2 === 0) add(c, c, 3, 'cart', null, ch);
    if (c % 3 !== 2) add(c, c, 4, 'purchase', null, ch);
    if (c % 5 === 0) add(c, c + 3, 4, 'purchase', null, ch);
  }
  f = await section(rows.join(', '));
  thin = await section(`('e1', 'a', TIMESTAMP '2024-01-01', 'view', 'i1', NULL, 'web')`);
});
after(() => scratch.cleanup());

test('funnel section: absent from results without a funnel', () => {
  assert.equal(funnelSection(buildResult()), null);
});

test('funnel section: tiles, stage split, sankey and phases carry the result\'s numbers', () => {
  const s = funnelSection(buildResult({ funnel: f }))!;
  assert.deepEqual(s.charts.map((c) => c.elementId), ['funnel-stages', 'funnel-paths', 'funnel-phases']);
  const body = s.html.toString();
  assert.match(body, new RegExp(`data-kpi="customers" data-value="${f.customers}"`));
  const stageSeries = (s.charts[0].option as { series: { name: string; data: number[] }[] }).series;
  const action = f.attribution.lastTouch.find((r) => r.stage === 'action')!;
  // bars are drawn bottom-up: action is the third from the top
  assert.equal(stageSeries[0].data[2], action.peer);
  assert.equal(stageSeries[1].data[2], action.firm);
  const sankey = (s.charts[1].option as { series: { type: string; links: { value: number }[] }[] }).series[0];
  assert.equal(sankey.type, 'sankey');
  assert.equal(sankey.links.reduce((a, l) => a + l.value, 0), f.paths.links.reduce((a, l) => a + l.customers, 0));
  assert.match(body, /Shapley \(within activity strata\)/);
  assert.match(body, /view → save\/cart → purchase/);
  assert.match(body, /Mantel–Haenszel/);
  assert.doesNotMatch(body, /NaN|undefined/);
});

test('funnel section: thin data shows reasons and — , no NaN', () => {
  const s = funnelSection(buildResult({ funnel: thin }))!;
  const body = s.html.toString();
  assert.match(body, /no purchases/);
  assert.match(body, /data-kpi="peerShare"/);
  assert.doesNotMatch(body, /data-kpi="peerShare" data-value/);
  assert.doesNotMatch(body, /NaN|Infinity|undefined/);
});

test('funnel section draws every chart as SVG in headless Chromium', async () => {
  const doc = renderReport(buildResult({ funnel: f }));
  assert.match(doc, /<section[^>]*id="funnel"/);
  const file = join(scratch.dir, 'report.html');
  writeFileSync(file, doc);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    for (const id of ['funnel-stages', 'funnel-paths', 'funnel-phases']) {
      await page.waitForSelector(`#${id} svg`, { timeout: 20_000 });
      const paths = await page.locator(`#${id} svg path`).count();
      assert.ok(paths > 0, `${id} drew nothing`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
