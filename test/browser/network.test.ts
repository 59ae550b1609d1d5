/**
 * The network section in a real headless Chromium: the graph of the top of the network draws as SVG,
 * hovering a customer shows their tooltip, clicking and zooming work, all without a console error
 * or a request off the page. The network comes from analyzeNetwork on a small simulated store.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { analyzeNetwork } from '../../src/network/analyze.js';
import type { NetworkResult } from '../../src/domain/sections/network.js';
import { renderReport } from '../../src/report/index.js';
import { simulate } from '../../src/simulate/index.js';
import { buildResult } from '../fixtures/result.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';
import { launchChromium, openReportFile } from './chromium.js';

describe('network report section in headless Chromium', () => {
  const scratch = scratchDir('spiral-network-browser-');
  let browser: Browser;
  let network: NetworkResult;
  let page: Page;
  let errors: string[] = [];
  let foreign: string[] = [];

  before(async () => {
    const out = join(scratch.dir, 'events.parquet');
    await simulate({ customers: 3000, seed: 4, weeks: 52, out, customerTruth: false, peerEffects: { people: 3000 } });
    const { store } = await memoryStoreWith([out], 'simulated');
    try {
      network = await analyzeNetwork(store, { topN: 10, homophily: { permutations: 99 }, graphSampleNodes: 300 });
    } finally {
      await store.close();
    }
    const file = join(scratch.dir, 'report.html');
    writeFileSync(file, renderReport(buildResult({ network })));
    browser = await launchChromium();
    ({ page, errors, foreign } = await openReportFile(browser, file));
  });
  after(async () => {
    await browser?.close();
    scratch.cleanup();
  });

  test('the graph and the distributions draw as SVG, with no error and no request', async () => {
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
    const sample = network.graphSample!;
    assert.equal(sample.nodes.length, 300);
    assert.ok(sample.edges.length > 0);
    const drawn = await page.$$eval('#network .chart', (els) =>
      els.map((el) => ({ id: el.id, paths: el.querySelectorAll('svg path').length })),
    );
    const ids = drawn.map((d) => d.id);
    for (const id of ['network-graph', 'network-degree', 'network-communities', 'network-core', 'network-cascade-size']) assert.ok(ids.includes(id), `${id} drawn`);
    const graph = drawn.find((d) => d.id === 'network-graph')!;
    // one symbol per node plus a line (and arrow) per edge
    assert.ok(graph.paths >= sample.nodes.length + sample.edges.length, `${graph.paths} paths for ${sample.nodes.length} nodes and ${sample.edges.length} edges`);
    const kpi = await page.$eval('[data-kpi="nodes"]', (el) => el.getAttribute('data-value'));
    assert.equal(Number(kpi), network.graph.nodes);
  });

  test('hovering a customer shows their tooltip; clicking and zooming do not throw', async () => {
    const box = (await page.locator('#network-graph').boundingBox())!;
    await page.locator('#network-graph').scrollIntoViewIfNeeded();
    const px = await page.$eval('#network-graph', (el) => {
      type Chart = { convertToPixel(f: object, v: number[]): number[]; getOption(): { series: { data: { x: number; y: number }[] }[] } };
      const { echarts } = globalThis as unknown as { echarts: { getInstanceByDom(e: unknown): Chart } };
      const chart = echarts.getInstanceByDom(el);
      const d = chart.getOption().series[0].data[0];
      return chart.convertToPixel({ seriesIndex: 0 }, [d.x, d.y]);
    });
    const b2 = (await page.locator('#network-graph').boundingBox())!;
    assert.ok(px[0] >= 0 && px[0] <= box.width && px[1] >= 0 && px[1] <= box.height, `node at ${px} inside the chart`);
    await page.mouse.move(b2.x + px[0] - 3, b2.y + px[1] - 3);
    await page.mouse.move(b2.x + px[0], b2.y + px[1], { steps: 3 });
    // The tooltip names the customer under the pointer (the top node, or a smaller one drawn over it).
    await page.locator('#network-graph', { hasText: ' · community ' }).waitFor({ timeout: 5_000 });
    const text = (await page.locator('#network-graph').textContent()) ?? '';
    const shown = /(\S+) · community (\d+)/.exec(text)!;
    const node = network.graphSample!.nodes.find((x) => x.customerId === shown[1]);
    assert.ok(node, `tooltip customer ${shown[1]} is a drawn node`);
    assert.equal(String(node.community), shown[2]);
    await page.mouse.click(b2.x + px[0], b2.y + px[1]);
    await page.mouse.wheel(0, -300);
    await page.mouse.move(b2.x + 5, b2.y + 5);
    await page.waitForTimeout(100);
    assert.deepEqual(errors, []);
  });
});
