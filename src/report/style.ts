/** The report's stylesheet: system fonts only (no web fonts), light, and readable on paper. */
export const REPORT_CSS = `
:root {
  --text: #222; --muted: #666; --line: #e2e2e2; --panel: #f7f8fa; --accent: #1f4e9c; --warn: #8a5a00; --warn-bg: #fff6e0;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
.page { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; }
header.report-header { border-bottom: 2px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
header h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
.meta { color: var(--muted); font-size: 13px; margin: 0; }
.meta code { font-size: 12px; background: var(--panel); padding: 1px 4px; border-radius: 3px; word-break: break-all; }
.warning-badge { display: inline-block; margin-top: 6px; color: var(--warn); background: var(--warn-bg); border-radius: 3px; padding: 1px 8px; font-size: 13px; text-decoration: none; }
nav.toc { font-size: 14px; margin: 8px 0 4px; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 16px; }
nav.toc a:hover { text-decoration: underline; }
section.report-section { margin-top: 28px; }
section.report-section > h2 { font-size: 20px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 0 0 2px; }
.caption { color: var(--muted); font-size: 13px; margin: 0 0 6px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; margin: 8px 0 20px; }
.kpi { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; break-inside: avoid; }
.kpi-label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.kpi-value { font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; line-height: 1.25; }
.kpi-value.missing { color: #999; }
.kpi-note { color: var(--muted); font-size: 12px; line-height: 1.35; }
.nowrap { white-space: nowrap; }
.chart-figure { margin: 0 0 24px; break-inside: avoid; }
.chart { width: 100%; }
.chart-failed { display: flex; align-items: center; justify-content: center; color: var(--muted); background: var(--panel); }
details.chart-data { font-size: 13px; margin-top: 2px; }
details.chart-data summary { color: var(--accent); cursor: pointer; width: max-content; }
details.chart-data[open] { max-height: 420px; overflow: auto; border: 1px solid var(--line); border-radius: 4px; padding: 0 8px 6px; }
table.data { border-collapse: collapse; font-size: 13px; margin: 4px 0; }
table.data caption { text-align: left; color: var(--muted); }
table.data th, table.data td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
table.data thead th { position: sticky; top: 0; background: #fff; border-bottom: 2px solid #ccc; }
table.data tfoot th { border-top: 2px solid #ccc; border-bottom: none; }
table.data .num, table.label-then-numbers td:not(:first-child), table.label-then-numbers th:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td:first-child { word-break: break-word; max-width: 520px; }
.table-block { margin: 0 0 24px; break-inside: avoid; }
.empty-note { margin: 0 0 20px; }
.empty-note p { color: var(--muted); margin: 0; }
ul.warnings { margin: 0; padding-left: 20px; }
ul.warnings li { margin: 2px 0; }
.warning-section { display: inline-block; min-width: 72px; font-size: 12px; color: var(--warn); background: var(--warn-bg); border-radius: 3px; padding: 0 6px; margin-right: 6px; }
footer.report-footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  nav.toc, details.chart-data summary { display: none; }
  section.report-section { break-before: auto; }
  section.report-section > h2 { break-after: avoid; }
  .kpi { background: none; }
  a { color: inherit; text-decoration: none; }
}
`;
