/**
 * The dashboard in a real headless Chromium against the real service (`startServer` on a free
 * loopback port) over a small simulated workspace: an admin runs the first analysis from the
 * "no analysis yet" page; then, signed in with a read key, every page shows the numbers the API
 * gives (read here from the API independently), the customer search opens a profile with the
 * profile's values, no console error, no request outside the server's origin. Builds the
 * dashboard first when dashboard/dist is missing or older than its sources (fresh clones, CI).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AnalysisResult } from '../../src/domain/result.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { ingestInto } from '../helpers/ingest.js';
import { REPO_ROOT, scratchDir } from '../helpers/paths.js';
import { makeKey } from '../server/helpers.js';
import { launchChromium } from './chromium.js';

const DASHBOARD = join(REPO_ROOT, 'dashboard');

// The page's globals, for the functions run inside Chromium (this file type-checks without the DOM lib).
declare const location: { hash: string };
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
declare const sessionStorage: { length: number; getItem(key: string): string | null };

/** Builds dashboard/dist with Vite unless it is there and newer than every source file. */
function ensureDashboardBuilt(): void {
  const index = join(DASHBOARD, 'dist', 'index.html');
  const sources = [join(DASHBOARD, 'index.html'), join(DASHBOARD, 'vite.config.ts'), ...readdirSync(join(DASHBOARD, 'src'), { recursive: true }).map((f) => join(DASHBOARD, 'src', String(f)))];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(index) && statSync(index).mtimeMs >= newest) return;
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(DASHBOARD, 'vite.config.ts')], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `vite build failed: ${r.stderr}${r.stdout}`);
}

interface Tab {
  /** Expects refusals (401/403/404/409), which Chromium logs as failed resource loads. */
  refusals: boolean;
  page: Page;
  context: BrowserContext;
  errors: string[];
  foreign: string[];
}

describe('dashboard in headless Chromium against spiral serve', () => {
  const scratch = scratchDir('spiral-dashboard-');
  let server: RunningServer;
  let browser: Browser;
  const keys: Record<string, string> = {};
  const tabs: Tab[] = [];
  const serverLog: string[] = [];

  before(async () => {
    ensureDashboardBuilt();
    const csv = join(scratch.dir, 'events.csv');
    await simulate({ customers: 2000, seed: 1, out: csv, customerTruth: false, personas: {}, brand: {}, peerEffects: {} });
    const store = await DuckDbStore.open(join(scratch.dir, 'acme.duckdb'));
    try {
      await ingestInto(store, [csv], 'simulated');
    } finally {
      await store.close();
    }
    keys.read = await makeKey(scratch.dir, 'acme', 'read');
    keys.admin = await makeKey(scratch.dir, 'acme', 'admin');
    keys.write = await makeKey(scratch.dir, 'acme', 'write');
    server = await startServer({ dataDir: scratch.dir, port: 0, host: '127.0.0.1', log: (l) => serverLog.push(l) });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    scratch.cleanup();
  });

  async function open(refusals = false): Promise<Tab> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab: Tab = { refusals, page: await context.newPage(), context, errors: [], foreign: [] };
    const origin = new URL(server.url).origin;
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
      tab.foreign.push(url);
      return route.abort();
    });
    tab.page.on('websocket', (ws) => tab.foreign.push(ws.url()));
    tab.page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') tab.errors.push(`console.${m.type()}: ${m.text()}`);
    });
    tab.page.on('pageerror', (e) => tab.errors.push(`pageerror: ${e.message}`));
    tabs.push(tab);
    return tab;
  }

  async function signIn(tab: Tab, key: string, workspace = 'acme'): Promise<void> {
    await tab.page.goto(`${server.url}/`, { waitUntil: 'load' });
    await tab.page.waitForSelector('form#signin');
    await tab.page.fill('#workspace', workspace);
    await tab.page.fill('#key', key);
    await tab.page.click('form#signin button[type=submit]');
  }

  async function visit(tab: Tab, hash: string, page: string): Promise<void> {
    await tab.page.evaluate((h) => (location.hash = h), hash);
    await tab.page.waitForSelector(`main[data-page="${page}"][data-ready]`, { timeout: 20_000 });
  }

  const api = async <T>(path: string, key = keys.read): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  /** A tile's raw value: a number, a string, or null when the tile shows "—". */
  const kpi = async (tab: Tab, id: string): Promise<number | string | null> => {
    const v = await tab.page.$eval(`main [data-kpi="${id}"]`, (el) => el.getAttribute('data-value'));
    if (v === null || v === '') return null;
    return Number.isNaN(Number(v)) ? v : Number(v);
  };
  const chartsDrawn = (tab: Tab) =>
    tab.page.$$eval('main .chart', (els) => els.map((el) => ({ id: el.id, marks: el.querySelectorAll('svg path, svg rect, svg circle').length })));
  async function assertCharts(tab: Tab, ids: string[]): Promise<void> {
    const charts = await chartsDrawn(tab);
    for (const id of ids) {
      const c = charts.find((x) => x.id === `chart-${id}`);
      assert.ok(c && c.marks > 0, `chart ${id} drew nothing (${JSON.stringify(charts)})`);
    }
  }

  test('the service serves the dashboard at / with the right types; the API routes are unchanged', async () => {
    const index = await fetch(`${server.url}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    const html = await index.text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    assert.ok(js && css, `index.html names its script and style: ${html}`);
    assert.match((await fetch(`${server.url}${js}`)).headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match((await fetch(`${server.url}${css}`)).headers.get('content-type') ?? '', /^text\/css/);
    assert.equal((await fetch(`${server.url}/v1/health`)).status, 200);
    assert.equal((await fetch(`${server.url}/v1/analysis`)).status, 401, 'the data still needs a key');
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string };
    assert.equal(doc.openapi, '3.1.0');
    assert.match(await (await fetch(`${server.url}/docs`)).text(), /openapi\.json/);
    assert.equal((await fetch(`${server.url}/assets/..%2f..%2fkeys.json`)).headers.get('content-type'), 'text/html; charset=utf-8', 'a path out of the folder falls back to index.html');
  });

  test('a wrong key or a write key is refused at sign-in with the API reason', async () => {
    const tab = await open(true);
    await signIn(tab, 'spk_0000000000000000_nope');
    await tab.page.waitForSelector('#signin-error:not([hidden])');
    assert.match(await tab.page.textContent('#signin-error') ?? '', /not valid/);
    await tab.page.fill('#key', keys.write);
    await tab.page.click('form#signin button[type=submit]');
    await tab.page.waitForFunction(() => /read or admin key/.test(document.querySelector('#signin-error')?.textContent ?? ''));
    await tab.page.fill('#workspace', 'beta');
    await tab.page.fill('#key', keys.read);
    await tab.page.click('form#signin button[type=submit]');
    await tab.page.waitForFunction(() => /another workspace/.test(document.querySelector('#signin-error')?.textContent ?? ''));
    assert.equal(await tab.page.evaluate(() => sessionStorage.length), 0, 'a refused key is not kept');
  });

  test('with no analysis the overview says so; an admin runs one from the page', { timeout: 180_000 }, async () => {
    const tab = await open(true);
    await signIn(tab, keys.admin);
    await tab.page.waitForSelector('main[data-page="overview"][data-ready] #no-analysis');
    await tab.page.click('#run-analysis');
    await tab.page.waitForSelector('main[data-page="overview"][data-ready] [data-kpi="events"]', { timeout: 170_000 });
    const r = await api<AnalysisResult>('/v1/analysis');
    assert.equal(await kpi(tab, 'events'), r.overview.events);
  });

  test('signed in with a read key, every page shows the API numbers', { timeout: 120_000 }, async () => {
    const r = await api<AnalysisResult>('/v1/analysis');
    const tab = await open();
    await signIn(tab, keys.read);
    await tab.page.waitForSelector('main[data-page="overview"][data-ready] [data-kpi="events"]');
    assert.equal(await tab.page.evaluate(() => JSON.parse(sessionStorage.getItem('spiral.session') ?? '{}').workspace), 'acme');

    // Overview
    assert.equal(await kpi(tab, 'events'), r.overview.events);
    assert.equal(await kpi(tab, 'customers'), r.overview.customers);
    assert.equal(await kpi(tab, 'purchasers'), r.overview.purchasers);
    assert.equal(await kpi(tab, 'span-days'), r.overview.span.days);
    assert.ok(r.overview.events > 10_000 && r.overview.purchasers > 100, 'the simulated workspace has data');
    await assertCharts(tab, ['events-by-week', 'events-by-type', 'new-customers']);

    // CLV
    await visit(tab, '#/clv', 'clv');
    assert.ok(r.clv, 'CLV section');
    // (the CLV fit itself is the engine's business; the page must show whatever it gave, null as —)
    assert.equal(await kpi(tab, 'customer-equity'), r.clv.equity.customerEquity);
    if (r.clv.equity.customerEquity === null) assert.equal(await tab.page.textContent('main [data-kpi="customer-equity"] .kpi-value'), '—');
    assert.equal(await kpi(tab, 'repeat-buyers'), r.clv.repeatBuyers);
    if (r.clv.model) assert.ok(await tab.page.$(`main [data-model="${r.clv.model.model}"]`), 'the fitted model is named');
    assert.equal(await tab.page.$$eval('#top-customers tbody tr', (rows) => rows.length), r.clv.topCustomers.length);
    if (r.clv.topCustomers.length > 0) assert.equal(await tab.page.$eval('#top-customers tbody tr a', (a) => a.textContent), r.clv.topCustomers[0].customerId);
    await assertCharts(tab, ['clv-distribution']);

    // Brand flow and stock
    await visit(tab, '#/brand', 'brand');
    assert.ok(r.brand, 'brand section');
    assert.equal(await kpi(tab, 'flow-events'), r.brand.totals.flowEvents);
    const dominance = r.brand.overall?.spiral?.result?.dominance;
    assert.equal(await kpi(tab, 'spiral-direction'), dominance?.direction ?? null);
    if (dominance) assert.equal(await tab.page.textContent('#spiral-message'), dominance.message);
    assert.equal(await kpi(tab, 'stock-lambda'), r.brand.overall?.stock?.result?.lambda ?? null);
    await assertCharts(tab, ['brand-flow', 'brand-stock', 'brand-flow-types']);
    // the flow chart carries every period's flow count
    const flowSum = r.brand.series.flow.reduce((a, b) => a + b, 0);
    assert.ok(flowSum > 0, 'flow');

    // Network
    await visit(tab, '#/network', 'network');
    assert.ok(r.network, 'network section');
    assert.equal(await kpi(tab, 'nodes'), r.network.graph.nodes);
    assert.equal(await kpi(tab, 'edges'), r.network.graph.edges);
    assert.equal(await kpi(tab, 'communities'), r.network.communities.count);
    assert.equal(await tab.page.$eval('#pagerank-top tbody tr a', (a) => a.textContent), r.network.pagerank.top[0].customerId);
    await assertCharts(tab, ['network-graph', 'network-in-degree', 'network-communities']);

    // Funnel
    await visit(tab, '#/funnel', 'funnel');
    assert.ok(r.funnel, 'funnel section');
    for (const s of r.funnel.stages) assert.equal(await kpi(tab, `stage-${s.stage}`), s.reached, s.stage);
    await assertCharts(tab, ['funnel-stages']);

    // Segments, from GET /v1/segments
    const seg = await api<{ customers: number; segments: { segment: string; customers: number }[] }>('/v1/segments');
    await visit(tab, '#/segments', 'segments');
    assert.equal(await kpi(tab, 'segmented-customers'), seg.customers);
    const segRows = await tab.page.$$eval('#segments-table tbody tr', (rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.equal(segRows.length, seg.segments.length);
    const names = new Map((r.segments?.segments ?? []).map((x) => [String(x.id), x.name]));
    seg.segments.forEach((x, i) => {
      assert.equal(segRows[i][0], names.get(x.segment) ?? x.segment);
      assert.equal(Number(segRows[i][1]!.replace(/,/g, '')), x.customers);
    });
    await assertCharts(tab, ['segments-sizes']);

    // Experiences and actions, paged from GET /v1/actions
    const ex = r.experiences!.byExperience.find((b) => b.customers > 25) ?? r.experiences!.byExperience[0];
    const first = await api<{ total: number; actions: Record<string, unknown>[] }>(`/v1/actions?experience=${ex.experience}&limit=25&offset=25`);
    await visit(tab, '#/actions', 'actions');
    assert.equal(await kpi(tab, `experience-${ex.experience}`), ex.customers);
    await tab.page.selectOption('#experience-filter', ex.experience);
    await tab.page.waitForFunction((e) => location.hash === `#/actions/${e}/0` && document.querySelector('main[data-ready] #actions-range') !== null, ex.experience);
    assert.equal(Number(await tab.page.getAttribute('#actions-range', 'data-total')), first.total);
    assert.equal(first.total, ex.customers, 'the API pages every customer of the experience');
    if (first.total > 25) {
      await tab.page.click('a.pager:has-text("next")');
      await tab.page.waitForFunction((e) => location.hash === `#/actions/${e}/25`, ex.experience);
      await tab.page.waitForSelector('main[data-page="actions"][data-ready]');
      const ids = await tab.page.$$eval('#actions-table tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
      assert.deepEqual(ids, first.actions.map((a) => a.customer_id));
    }
  });

  test('the customer search finds a customer and shows their profile values', { timeout: 60_000 }, async () => {
    const r = await api<AnalysisResult>('/v1/analysis');
    const id = r.clv?.topCustomers[0]?.customerId ?? r.network!.pagerank.top[0].customerId;
    const profile = await api<{ customerId: string; facts: { events: number; purchases: number; revenue: number | null }; clv: Record<string, number> | null; segment: Record<string, unknown> | null }>(`/v1/customers/${id}`);
    const tab = await open(true);
    await signIn(tab, keys.read);
    await tab.page.waitForSelector('main[data-page="overview"][data-ready]');
    await tab.page.click('#nav a[data-nav="customers"]');
    await tab.page.waitForSelector('main[data-page="customers"][data-ready] #customer-search');
    await tab.page.fill('#customer-search', id);
    await tab.page.press('#customer-search', 'Enter');
    await tab.page.waitForSelector(`main[data-page="customer"][data-ready] [data-customer-id="${id}"]`);
    assert.equal(await kpi(tab, 'events'), profile.facts.events);
    assert.equal(await kpi(tab, 'purchases'), profile.facts.purchases);
    assert.equal(await kpi(tab, 'revenue'), profile.facts.revenue);
    assert.ok(profile.clv, 'the analysis scored this customer');
    assert.equal(await kpi(tab, 'clv'), profile.clv.clv ?? null);
    assert.equal(await kpi(tab, 'p-alive'), profile.clv.p_alive ?? null);
    assert.equal(Number(await tab.page.getAttribute('#customer-clv [data-field="x"] td', 'data-value')), profile.clv.x);
    if (profile.segment) assert.ok(await tab.page.$('#customer-segment'), 'the segment row is shown');

    // an unknown id says so, and stays on the search
    await tab.page.fill('#customer-search', 'no-such-customer');
    await tab.page.press('#customer-search', 'Enter');
    await tab.page.waitForSelector('main[data-page="customer"][data-ready] #customer-not-found');
  });

  test('no page logged an error or asked anything outside the server; the log holds no key', () => {
    assert.ok(tabs.length >= 4 && tabs.some((t) => !t.refusals));
    for (const t of tabs) {
      // Chromium logs every non-2xx fetch as a failed resource load; the API's documented refusals
      // (bad key, no analysis yet, unknown customer) are expected in the tabs that provoke them, and
      // shown on the page. Any other message, and any message at all in the read-key tab, fails.
      const unexpected = t.refusals ? t.errors.filter((e) => !/^console\.error: Failed to load resource: the server responded with a status of (401|403|404|409) /.test(e)) : t.errors;
      assert.deepEqual(unexpected, [], 'console errors');
      assert.deepEqual(t.foreign, [], 'requests outside the server');
    }
    const log = serverLog.join('\n');
    for (const k of Object.values(keys)) assert.ok(!log.includes(k.slice(-20)), 'a key reached the log');
  });
});
