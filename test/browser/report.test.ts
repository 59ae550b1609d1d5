/**
 * The report in a real headless Chromium, opened from file:// with every other request aborted:
 * it must make no request, log no error, draw every chart as SVG, and show the result's numbers.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { AnalysisResult } from '../../src/domain/result.js';
import { renderReport, type RenderReportOptions } from '../../src/report/index.js';
import { buildEmptyResult, buildOverview, buildResult } from '../fixtures/result.js';
import { scratchDir } from '../helpers/paths.js';
import { launchChromium } from './chromium.js';

interface Opened {
  readonly page: Page;
  /** Requests for anything but the report file itself (all aborted). */
  readonly foreignRequests: string[];
  readonly errors: string[];
  readonly dialogs: string[];
}

const HOSTILE = '</script><script>alert(1)</script>';

test('a missing Chromium fails with the apt advice, not a skip', async () => {
  await assert.rejects(launchChromium('/nonexistent/chromium'), /Chromium not found at \/nonexistent\/chromium\. .*CI installs it with `apt-get install -y chromium`/);
});

describe('report in headless Chromium', () => {
  const scratch = scratchDir('spiral-report-browser-');
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    scratch.cleanup();
  });

  async function open(result: AnalysisResult, name: string, options: RenderReportOptions = {}): Promise<Opened> {
    const file = join(scratch.dir, `${name}.html`);
    writeFileSync(file, renderReport(result, { title: 'Northwind Coffee', ...options }));
    const url = pathToFileURL(file).href;
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const opened: Opened = { page: await context.newPage(), foreignRequests: [], errors: [], dialogs: [] };
    await context.route('**/*', async (route) => {
      if (route.request().url() === url) return route.continue();
      opened.foreignRequests.push(route.request().url());
      return route.abort();
    });
    opened.page.on('request', (r) => {
      if (r.url() !== url && !opened.foreignRequests.includes(r.url())) opened.foreignRequests.push(r.url());
    });
    opened.page.on('websocket', (ws) => opened.foreignRequests.push(ws.url()));
    opened.page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') opened.errors.push(`console.${m.type()}: ${m.text()}`);
    });
    opened.page.on('pageerror', (e) => opened.errors.push(`pageerror: ${e.message}`));
    opened.page.on('dialog', async (d) => {
      opened.dialogs.push(d.message());
      await d.dismiss();
    });
    await opened.page.goto(url, { waitUntil: 'load' });
    await opened.page.waitForSelector('html[data-charts]', { timeout: 15_000 });
    return opened;
  }

  test('the full report makes no request, logs no error, and draws every chart as SVG', async (t) => {
    const result = buildResult();
    const { page, foreignRequests, errors } = await open(result, 'full');

    assert.deepEqual(foreignRequests, [], 'the report must not request anything but itself');
    assert.deepEqual(errors, []);

    const charts = await page.$$eval('.chart', (els) =>
      els.map((el) => ({
        id: el.id,
        svgs: el.querySelectorAll('svg').length,
        drawnPaths: [...el.querySelectorAll('svg path')].filter((p) => (p.getAttribute('d') ?? '').length > 10).length,
        width: el.getBoundingClientRect().width,
      })),
    );
    const specs = JSON.parse(await page.$eval('#spiral-charts', (el) => el.textContent ?? '')) as { elementId: string }[];
    assert.deepEqual(
      charts.map((c) => c.id),
      specs.map((s) => s.elementId),
      'one drawn container per chart in the data, in order',
    );
    for (const id of ['overview-events-by-type', 'overview-events-per-week', 'overview-new-customers']) {
      assert.ok(specs.some((s) => s.elementId === id), `${id} is drawn`);
    }
    for (const c of charts) {
      assert.equal(c.svgs >= 1, true, `${c.id} has no <svg>`);
      // bars and areas are paths: 10 type bars, 10 stacked series, 26 weekly bars
      assert.equal(c.drawnPaths >= 10, true, `${c.id} drew only ${c.drawnPaths} paths`);
      assert.equal(c.width > 500, true, `${c.id} is ${c.width}px wide`);
    }
    assert.equal(await page.getAttribute('html', 'data-charts'), String(specs.length));

    // for a person to look at; outside the repo, never committed
    const shot = process.env.SPIRAL_REPORT_SCREENSHOT ?? join(tmpdir(), 'spiral-report-screenshot.png');
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
  });

  test('clicking a type in the legend hides it from the weekly chart', async () => {
    const { page, errors } = await open(buildResult(), 'legend');
    const chart = page.locator('#overview-events-per-week');
    const axisLabels = async (): Promise<string[]> => chart.locator('svg text').allTextContents();
    assert.ok((await axisLabels()).includes('50,000'), 'views push the axis to 50,000');
    await chart.locator('svg text', { hasText: /^view$/ }).click();
    // without views (58% of events) the stack is far lower, so the axis rescales
    await chart.locator('svg text', { hasText: /^50,000$/ }).waitFor({ state: 'detached', timeout: 5_000 });
    assert.ok(!(await axisLabels()).includes('50,000'));
    assert.deepEqual(errors, []);
  });

  test('the KPI tiles read back the result’s numbers', async () => {
    const result = buildResult();
    const o = result.overview;
    const { page } = await open(result, 'kpis');
    const tiles = await page.$$eval('[data-kpi]', (els) =>
      els.map((el) => ({
        key: el.getAttribute('data-kpi') ?? '',
        raw: el.getAttribute('data-value'),
        text: el.querySelector('.kpi-value')?.textContent?.trim() ?? '',
      })),
    );
    const byKey = new Map(tiles.map((t) => [t.key, t]));
    const number = (key: string): number => Number((byKey.get(key)?.text ?? '').replace(/,/g, ''));

    assert.equal(number('customers'), o.customers);
    assert.equal(number('events'), o.events);
    assert.equal(number('purchasers'), o.purchasers);
    assert.equal(number('revenue'), o.revenue.net);
    assert.equal(byKey.get('repeatRate')?.text, `${(o.repeatRate! * 100).toFixed(1)}%`);
    assert.equal(byKey.get('ordersPerPurchaser')?.text, o.ordersPerPurchaser!.toFixed(2));
    assert.equal(byKey.get('span')?.text, `${Math.round(o.span.days!)} days`);
    // the exact numbers ride along in data-value
    assert.equal(Number(byKey.get('ordersPerPurchaser')?.raw), o.ordersPerPurchaser);
    assert.equal(Number(byKey.get('revenue')?.raw), o.revenue.net);
  });

  test('a hostile source name is shown as text and runs nothing', async () => {
    const result = buildResult({
      overview: buildOverview({ sources: [{ source: HOSTILE, events: buildOverview().events }] }),
      warnings: [{ section: HOSTILE, message: `<img src=x onerror=alert(2)> ${HOSTILE}` }],
    });
    const { page, foreignRequests, errors, dialogs } = await open(result, 'hostile', { embedResult: true });
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
    assert.deepEqual(foreignRequests, []);
    const cells = await page.$$eval('#overview .table-block td:first-child', (els) => els.map((e) => e.textContent));
    assert.deepEqual(cells, [HOSTILE]);
    const drawn = Number(await page.getAttribute('html', 'data-charts'));
    assert.ok(drawn > 0 && drawn === (await page.locator('.chart svg').count()), 'the charts after the data still drew');
    const embedded = await page.$eval('#spiral-result', (el) => el.textContent ?? '');
    const parsed = JSON.parse(embedded) as AnalysisResult;
    assert.equal(parsed.overview.sources[0].source, HOSTILE);
  });

  test('an empty store renders dashes and no charts, without errors', async () => {
    const { page, errors, foreignRequests } = await open(buildEmptyResult(), 'empty');
    assert.deepEqual(errors, []);
    assert.deepEqual(foreignRequests, []);
    assert.equal(await page.getAttribute('html', 'data-charts'), '0');
    assert.equal(await page.locator('.chart').count(), 0);
    const missing = await page.$$eval('.kpi-value.missing', (els) => els.map((e) => e.textContent));
    assert.deepEqual(missing, ['—', '—', '—', '—']);
  });
});
