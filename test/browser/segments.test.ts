/**
 * The behaviours, segments and experiences sections in a real headless Chromium: built by the segments
 * step on a small simulated store with personas, they render with every chart drawn as SVG, no console
 * error and no request off the page; the tables show the result's numbers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { runSegmentsWithClv, type SegmentsStepResult } from '../../src/analysis/segments.js';
import { renderReport } from '../../src/report/index.js';
import { simulate } from '../../src/simulate/index.js';
import { buildResult } from '../fixtures/result.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';
import { launchChromium, openReportFile } from './chromium.js';

describe('behaviours, segments and experiences sections in headless Chromium', () => {
  const scratch = scratchDir('spiral-segments-browser-');
  let browser: Browser;
  let page: Page;
  let r: SegmentsStepResult;
  let errors: string[] = [];
  let foreign: string[] = [];

  before(async () => {
    const out = join(scratch.dir, 'events.csv');
    await simulate({ customers: 1200, seed: 6, weeks: 52, out, customerTruth: false, personas: {} });
    const { store } = await memoryStoreWith([out], 'simulated');
    try {
      r = await runSegmentsWithClv(store, {}, []);
    } finally {
      await store.close();
    }
    const file = join(scratch.dir, 'report.html');
    writeFileSync(file, renderReport(buildResult({ behaviours: r.behaviours, segments: r.segments, experiences: r.experiences })));
    browser = await launchChromium();
    ({ page, errors, foreign } = await openReportFile(browser, file));
  });
  after(async () => {
    await browser?.close();
    scratch.cleanup();
  });

  test('the three sections render, every chart of theirs draws as SVG, no error, no request', async () => {
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, []);
    for (const id of ['behaviours', 'segments', 'experiences']) assert.ok(await page.$(`section#${id}`), `section ${id}`);
    const charts = await page.$$eval('section#behaviours .chart, section#segments .chart, section#experiences .chart', (els) => els.map((el) => ({ id: el.id, svg: el.querySelector('svg') !== null, marks: el.querySelectorAll('svg path, svg rect, svg circle').length })));
    assert.deepEqual(charts.map((c) => c.id).sort(), ['behaviours-rates', 'experiences-customers', 'experiences-value', 'segments-value']);
    for (const c of charts) assert.ok(c.svg && c.marks > 0, `${c.id} drew nothing`);
  });

  test('the tables carry the result: one row per segment, customers per experience add up', async () => {
    const segRows = await page.$$eval('#segments-value ~ details table tbody tr', (rows) => rows.length);
    assert.equal(segRows, r.segments.segments.length);
    const tile = await page.$eval('section#experiences [data-kpi="automate"]', (el) => Number(el.getAttribute('data-value')));
    assert.equal(tile, r.experiences.byExperience.find((x) => x.experience === 'automate')!.customers);
    const top = await page.$$eval('section#experiences h3 + table tbody tr', (rows) => rows.length);
    assert.equal(top, Math.min(20, r.experiences.topActions.length));
  });
});
