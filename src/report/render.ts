/**
 * AnalysisResult → one self-contained HTML file: styles, ECharts, the chart data and the result
 * itself are inline, and a Content-Security-Policy forbids every network request, so the file
 * opens the same from file://, an e-mail attachment or a web server. Output depends only on the
 * result and the options (no clock, no locale), so the same result gives the same bytes.
 */
import type { AnalysisResult } from '../domain/result.js';
import { echartsBundle } from './echarts-bundle.js';
import { formatInteger, formatTimestamp } from './format.js';
import { html, isSafeId, jsonForScript, trusted, type SafeHtml } from './html.js';
import { RUNTIME_JS } from './runtime.js';
import type { ChartSpec, ReportSection, SectionRenderer } from './section.js';
import { SECTIONS } from './sections/index.js';
import { REPORT_CSS } from './style.js';

export interface RenderReportOptions {
  /** The report's heading, e.g. the brand's name. Default "Spiral report". */
  readonly title?: string;
  /** The sections to render, in order. Default: the registry in sections/index.ts. */
  readonly sections?: readonly SectionRenderer[];
  /**
   * Also embed the whole analysis result as JSON in #spiral-result, so the file carries its numbers
   * in machine-readable form. Default false: the charts' data is always inline, and the result can
   * be several times the size of what the report shows.
   */
  readonly embedResult?: boolean;
}

/** Everything off the network: only inline scripts and styles, data: images (the favicon). */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export function renderReport(result: AnalysisResult, options: RenderReportOptions = {}): string {
  const title = options.title ?? 'Spiral report';
  const sections = renderSections(result, options.sections ?? SECTIONS);
  const charts = sections.flatMap((s) => s.charts);
  const echarts = echartsBundle();
  const warnings = result.warnings.length;
  const hasWarningsSection = sections.some((s) => s.id === 'warnings');

  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="generator" content="Spiral ${result.spiralVersion}">
<title>${title} — ${result.store.location}</title>
<link rel="icon" href="data:,">
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<div class="page">
<header class="report-header">
<h1>${title}</h1>
<p class="meta">${result.store.dialect} store <code>${result.store.location}</code></p>
<p class="meta">Generated ${formatTimestamp(result.generatedAt)} · result schema ${result.schemaVersion} · Spiral ${result.spiralVersion}</p>
${warnings === 0 ? '' : html`<a class="warning-badge" href="${hasWarningsSection ? '#warnings' : '#'}">⚠ ${formatInteger(warnings)} ${warnings === 1 ? 'warning' : 'warnings'}</a>`}
</header>
${sections.length > 1 ? html`<nav class="toc" aria-label="Sections">${sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>` : ''}
<main>
${sections.map((s) => html`<section class="report-section" id="${s.id}" aria-labelledby="${s.id}-title">
<h2 id="${s.id}-title">${s.title}</h2>
${s.html}
</section>
`)}</main>
<footer class="report-footer">Made with Spiral ${result.spiralVersion}. Charts: Apache ECharts ${echarts.version} (Apache License 2.0), inlined. This file is self-contained and works offline.</footer>
</div>
<script type="application/json" id="spiral-charts">${trusted(jsonForScript(charts))}</script>
${options.embedResult !== true ? '' : html`<script type="application/json" id="spiral-result">${trusted(jsonForScript(result))}</script>`}
<script>${trusted(echarts.source)}</script>
<script>${trusted(RUNTIME_JS)}</script>
</body>
</html>
`;
  return doc.value;
}

function renderSections(result: AnalysisResult, renderers: readonly SectionRenderer[]): ReportSection[] {
  const sections: ReportSection[] = [];
  const ids = new Set<string>();
  for (const render of renderers) {
    const section = render(result);
    if (section === null) continue;
    checkSection(section, ids);
    sections.push(section);
  }
  return sections;
}

/** A section that breaks the contract is a bug in Spiral, caught here rather than as a blank chart. */
function checkSection(section: ReportSection, ids: Set<string>): void {
  const claim = (id: string, what: string): void => {
    if (!isSafeId(id)) throw new Error(`report: section "${section.id}": ${what} id "${id}" must be letters, digits, - or _`);
    if (ids.has(id)) throw new Error(`report: section "${section.id}": ${what} id "${id}" is used twice`);
    ids.add(id);
  };
  claim(section.id, 'section');
  claim(`${section.id}-title`, 'heading');
  for (const chart of section.charts) {
    claim(chart.elementId, 'chart');
    if (!hasElement(section.html, chart)) {
      throw new Error(`report: section "${section.id}": chart "${chart.elementId}" has no element with that id in the section's html`);
    }
  }
}

function hasElement(markup: SafeHtml, chart: ChartSpec): boolean {
  return markup.value.includes(`id="${chart.elementId}"`);
}
