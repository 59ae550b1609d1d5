/** The HTML report: AnalysisResult → one self-contained HTML file. */
export { renderReport, type RenderReportOptions } from './render.js';
export { SECTIONS } from './sections/index.js';
export type { ChartSpec, JsonObject, JsonValue, ReportSection, SectionRenderer } from './section.js';
export { html, trusted, escapeHtml, SafeHtml } from './html.js';
