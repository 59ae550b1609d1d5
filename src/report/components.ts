/** Building blocks shared by the sections: KPI tiles, chart figures with their data table, tables. */
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { MISSING } from './format.js';

export interface KpiTile {
  /** Stable key, written as data-kpi (tests and scripts read tiles by it). */
  readonly key: string;
  readonly label: string;
  /** The formatted value, or null for a missing number (shown as "—", never 0). */
  readonly value: string | null;
  /** The raw number behind `value`, written as data-value. */
  readonly raw?: number | null;
  /** Why the value is missing; required in spirit whenever value is null. */
  readonly missingReason?: string;
  /** A short line under the value: a breakdown, a unit, a date range. */
  readonly note?: HtmlValue;
}

export function kpiTiles(tiles: readonly KpiTile[]): SafeHtml {
  return html`<div class="kpis">${tiles.map(kpiTile)}</div>`;
}

function kpiTile(tile: KpiTile): SafeHtml {
  const raw = tile.raw === undefined || tile.raw === null ? null : String(tile.raw);
  if (tile.value === null) {
    const reason = tile.missingReason ?? 'not available';
    return html`<div class="kpi" data-kpi="${tile.key}">
<div class="kpi-label">${tile.label}</div>
<div class="kpi-value missing" title="${reason}">${MISSING}</div>
<div class="kpi-note">${reason}</div>
</div>`;
  }
  return html`<div class="kpi" data-kpi="${tile.key}"${raw === null ? '' : html` data-value="${raw}"`}>
<div class="kpi-label">${tile.label}</div>
<div class="kpi-value">${tile.value}</div>${tile.note === undefined ? '' : html`
<div class="kpi-note">${tile.note}</div>`}
</div>`;
}

export interface Column {
  readonly label: string;
  /** Right-aligned, tabular figures. */
  readonly numeric?: boolean;
}

export interface TableOptions {
  readonly caption?: string;
  /** A last row set apart as the total. */
  readonly footer?: readonly HtmlValue[];
}

export function dataTable(columns: readonly Column[], rows: readonly (readonly HtmlValue[])[], options: TableOptions = {}): SafeHtml {
  // The common shape — a label column, then numbers — is aligned by one class on the table instead
  // of one per cell: long weekly tables are most of a report's own bytes.
  const labelThenNumbers = columns.length > 1 && columns[0].numeric !== true && columns.slice(1).every((c) => c.numeric === true);
  const numClass = (i: number): SafeHtml | '' => (!labelThenNumbers && columns[i]?.numeric === true ? html` class="num"` : '');
  return html`<table class="data${labelThenNumbers ? ' label-then-numbers' : ''}">${options.caption === undefined ? '' : html`<caption>${options.caption}</caption>`}
<thead><tr>${columns.map((c, i) => html`<th scope="col"${numClass(i)}>${c.label}</th>`)}</tr></thead>
<tbody>
${rows.map((row) => html`<tr>${row.map((v, i) => html`<td${numClass(i)}>${v}</td>`)}</tr>\n`)}</tbody>
${options.footer === undefined ? '' : html`<tfoot><tr>${options.footer.map((v, i) => html`<th${numClass(i)}>${v}</th>`)}</tr></tfoot>`}
</table>`;
}

export interface ChartFigure {
  readonly elementId: string;
  readonly title: string;
  /** One sentence on how to read the chart. */
  readonly caption?: string;
  /** The chart's numbers as a table: the accessible view, and what tests read. */
  readonly table: SafeHtml;
  /** Height of the drawing area in px. */
  readonly height?: number;
}

export function chartFigure(figure: ChartFigure): SafeHtml {
  const height = figure.height ?? 320;
  return html`<figure class="chart-figure">
<figcaption><h3>${figure.title}</h3>${figure.caption === undefined ? '' : html`<p class="caption">${figure.caption}</p>`}</figcaption>
<div class="chart" id="${figure.elementId}" role="img" aria-label="${figure.title} (chart; the numbers are in the table below)" style="height:${height}px"></div>
<details class="chart-data"><summary>Show the numbers</summary>
${figure.table}
</details>
</figure>`;
}

/** A short "nothing to show" note in place of a chart whose data is empty. */
export function emptyNote(title: string, reason: string): SafeHtml {
  return html`<div class="empty-note"><h3>${title}</h3><p>${MISSING} ${reason}</p></div>`;
}
