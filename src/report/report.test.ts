import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult } from '../domain/result.js';
import { buildEmptyResult, buildOverview, buildResult } from '../../test/fixtures/result.js';
import { echartsBundle } from './echarts-bundle.js';
import { html, renderReport, SECTIONS, type ReportSection, type SectionRenderer } from './index.js';

const HOSTILE = '</script><script>alert(1)</script>';

function jsonBlock(doc: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(doc);
  assert.ok(m, `no #${id} block`);
  return JSON.parse(m[1]);
}

/** The report without the inlined ECharts bundle: what Spiral itself wrote. */
function ownPart(doc: string): string {
  const bundle = echartsBundle().source;
  assert.ok(doc.includes(bundle), 'the ECharts bundle is inlined');
  return doc.replace(bundle, '');
}

function kpi(doc: string, key: string): string {
  const m = new RegExp(`<div class="kpi" data-kpi="${key}"[^>]*>([\\s\\S]*?</div>)\\n</div>`).exec(doc);
  assert.ok(m, `no KPI tile ${key}`);
  return m[1];
}

interface ChartJson {
  elementId: string;
  option: { series: { name?: string; data: (number | { value: number })[] }[]; yAxis?: { data?: string[] } };
}

describe('renderReport', () => {
  test('embeds the result and the chart data, and shows formatted numbers', () => {
    const result = buildResult();
    const doc = ownPart(renderReport(result, { title: 'Northwind Coffee', embedResult: true }));
    assert.deepEqual(jsonBlock(doc, 'spiral-result'), result);

    const charts = jsonBlock(doc, 'spiral-charts') as ChartJson[];
    assert.deepEqual(
      charts.map((c) => c.elementId),
      ['overview-events-by-type', 'overview-events-per-week', 'overview-new-customers'],
    );
    const byType = charts[0].option;
    const bars = new Map(byType.yAxis?.data?.map((label, i) => {
      const d = byType.series[0].data[i];
      return [label, typeof d === 'number' ? d : d.value];
    }));
    for (const t of result.overview.eventsByType) assert.equal(bars.get(t.type), t.events, t.type);

    const weekly = charts[1].option.series;
    const weeklyTotal = weekly.reduce((sum, s) => sum + s.data.reduce<number>((a, d) => a + (typeof d === 'number' ? d : d.value), 0), 0);
    assert.equal(weeklyTotal, result.overview.events);
    const newCustomers = charts[2].option.series[0].data as number[];
    assert.equal(newCustomers.reduce((a, b) => a + b, 0), result.overview.customers);

    assert.match(doc, /<h1>Northwind Coffee<\/h1>/);
    assert.match(doc, /spiral-demo\/demo\.duckdb/);
    assert.match(doc, /Generated 2024-07-01 09:30 UTC · result schema 1\.0\.0/);
    assert.match(kpi(doc, 'customers'), /<div class="kpi-value">20,000<\/div>/);
    const view = result.overview.eventsByType.find((t) => t.type === 'view')!;
    assert.ok(doc.includes(`<td>view</td><td>${view.events.toLocaleString('en-US')}</td>`));
    assert.match(kpi(doc, 'repeatRate'), /<div class="kpi-value">38\.6%<\/div>/);
  });

  test('is a pure function of the result: the same result gives the same bytes', () => {
    assert.equal(renderReport(buildResult()), renderReport(buildResult()));
  });

  test('asks for nothing from the network and forbids it', () => {
    const doc = renderReport(buildResult());
    assert.match(doc, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
    const own = ownPart(doc);
    assert.doesNotMatch(own, /https?:\/\//);
    assert.doesNotMatch(own, /@import|url\(|<link(?![^>]*href="data:)/);
    assert.doesNotMatch(own, /<script[^>]*\ssrc=/);
  });

  test('keeps its own markup small beside the ECharts bundle', () => {
    const own = ownPart(renderReport(buildResult()));
    assert.ok(own.length < 60_000, `report without ECharts is ${own.length} bytes`);
    assert.doesNotMatch(own, /id="spiral-result"/, 'the whole result is embedded only when asked');
  });

  test('escapes hostile text everywhere it appears', () => {
    const result = buildResult({
      store: { dialect: 'duckdb', location: HOSTILE },
      overview: buildOverview({
        sources: [{ source: HOSTILE, events: buildOverview().events }],
        eventsByType: [...buildOverview().eventsByType, { type: HOSTILE, events: 1, customers: 1 }],
      }),
      warnings: [{ section: HOSTILE, message: `<img src=x onerror=alert(2)> & ${HOSTILE}` }],
    });
    const doc = renderReport(result, { title: HOSTILE, embedResult: true });

    // every <script> the report opens is one it closes: user text closed none of them
    const opened = ownPart(doc).match(/<script/g)?.length;
    const closed = ownPart(doc).match(/<\/script>/g)?.length;
    assert.equal(opened, 4);
    assert.equal(closed, 4);
    assert.ok(!doc.includes('<script>alert(1)'));
    assert.ok(!doc.includes('<img src=x'));
    assert.ok(doc.includes('<td>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>'));
    assert.ok(doc.includes('&lt;img src=x onerror=alert(2)&gt; &amp; &lt;/script&gt;'));

    // and the JSON blocks still give the exact strings back
    assert.deepEqual(jsonBlock(doc, 'spiral-result'), result);
    const charts = jsonBlock(doc, 'spiral-charts') as ChartJson[];
    assert.ok(charts[0].option.yAxis?.data?.includes(HOSTILE));
  });

  test('shows a missing number as "—" with its reason, never as 0', () => {
    const doc = ownPart(renderReport(buildEmptyResult()));
    for (const [key, reason] of [
      ['revenue', 'no purchases in this data'],
      ['repeatRate', 'nobody bought in this data'],
      ['ordersPerPurchaser', 'nobody bought in this data'],
      ['span', 'no dated events'],
    ] as const) {
      const tile = kpi(doc, key);
      assert.match(tile, /<div class="kpi-value missing" title="[^"]+">—<\/div>/, key);
      assert.ok(tile.includes(reason), `${key}: ${tile}`);
      assert.doesNotMatch(tile, /\d/, `${key} shows a number: ${tile}`);
    }
    // counts that really are zero stay 0
    assert.match(kpi(doc, 'customers'), /<div class="kpi-value">0<\/div>/);
  });

  test('says why revenue is missing when purchases carry no amount', () => {
    const doc = renderReport(
      buildResult({ overview: buildOverview({ revenue: { purchases: null, returns: null, net: null, currencyNote: '' } }) }),
    );
    assert.ok(kpi(doc, 'revenue').includes('purchases carry no amount'));
  });

  test('an empty store draws no empty charts', () => {
    const doc = ownPart(renderReport(buildEmptyResult()));
    assert.deepEqual(jsonBlock(doc, 'spiral-charts'), []);
    assert.doesNotMatch(doc, /class="chart"/);
    assert.match(doc, /no events in the store/);
  });

  test('fills weeks without events with zeros instead of skipping them', () => {
    const base = buildOverview();
    const gapWeek = '2024-02-05';
    const doc = ownPart(renderReport(
      buildResult({
        overview: {
          ...base,
          eventsByWeek: base.eventsByWeek.filter((r) => r.week !== gapWeek),
          newCustomersByWeek: base.newCustomersByWeek.filter((r) => r.week !== gapWeek),
        },
      }),
    ));
    const charts = jsonBlock(doc, 'spiral-charts') as { option: { xAxis: { data: string[] } } }[];
    assert.equal(charts[1].option.xAxis.data.length, 26);
    assert.ok(charts[1].option.xAxis.data.includes(gapWeek));
    const zeros = '<td>0</td>'.repeat(base.eventsByType.length + 1);
    assert.ok(doc.includes(`<tr><td>${gapWeek}</td>${zeros}</tr>`), 'weekly table shows the empty week');
    assert.ok(doc.includes(`<tr><td>${gapWeek}</td><td>0</td>`), 'new-customer table shows the empty week');
  });

  test('leaves out sections the result does not carry', () => {
    const noWarnings = ownPart(renderReport(buildResult({ warnings: [] })));
    assert.doesNotMatch(noWarnings, /id="warnings"|href="#warnings"|class="warning-badge"/);

    const absent: SectionRenderer = () => null;
    const doc = ownPart(renderReport(buildResult(), { sections: [absent, ...SECTIONS, absent] }));
    const sectionIds = [...doc.matchAll(/<section class="report-section" id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(sectionIds, ['overview', 'warnings']);
    assert.deepEqual([...doc.matchAll(/<nav[\s\S]*?<\/nav>/g)].length, 1);
  });

  test('renders a plugged-in section with its charts, in registry order', () => {
    const extra: SectionRenderer = (result: AnalysisResult): ReportSection => ({
      id: 'clv',
      title: 'Customer lifetime value',
      html: html`<p>${result.overview.purchasers} purchasers</p><div class="chart" id="clv-distribution"></div>`,
      charts: [{ elementId: 'clv-distribution', option: { series: [{ type: 'bar', data: [1, 2, 3] }] } }],
    });
    const doc = ownPart(renderReport(buildResult(), { sections: [SECTIONS[0], extra] }));
    const charts = jsonBlock(doc, 'spiral-charts') as ChartJson[];
    assert.equal(charts.at(-1)?.elementId, 'clv-distribution');
    assert.match(doc, /<a href="#overview">Overview<\/a><a href="#clv">Customer lifetime value<\/a><\/nav>/);
  });

  test('rejects a section that breaks the contract', () => {
    const section = (s: Partial<ReportSection>): SectionRenderer => () => ({ id: 'x', title: 'X', html: html``, charts: [], ...s });
    assert.throws(
      () => renderReport(buildResult(), { sections: [section({ charts: [{ elementId: 'x-chart', option: {} }] })] }),
      /chart "x-chart" has no element with that id/,
    );
    assert.throws(() => renderReport(buildResult(), { sections: [section({}), section({})] }), /section id "x" is used twice/);
    assert.throws(() => renderReport(buildResult(), { sections: [section({ id: 'a b' })] }), /must be letters, digits/);
  });
});
