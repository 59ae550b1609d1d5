/**
 * DOM helpers: elements built with textContent only (no innerHTML, so no value from the store can
 * become markup), key-number tiles that carry their raw value in data-value, tables, and ECharts
 * charts drawn with the SVG renderer. Number formats are the report's (src/report/format.ts).
 */
import * as echarts from 'echarts/core';
import { BarChart, GraphChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { MISSING, formatAmount, formatInteger, formatNumber, formatPercent, formatDate } from '../../src/report/format.js';

export { MISSING, formatAmount, formatInteger, formatNumber, formatPercent, formatDate };

echarts.use([BarChart, LineChart, GraphChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, SVGRenderer]);

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: HTMLElement, ...children: Child[]): HTMLElement {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
  return el;
}

/** A number for display: integers grouped, others with `decimals`; null → "—". */
export function num(v: unknown, decimals = 2): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v === null || v === undefined ? MISSING : String(v);
  return Number.isInteger(v) ? formatInteger(v) : formatNumber(v, decimals);
}

export interface Kpi {
  /** Stable name (data-kpi) the tests and users can rely on. */
  readonly id: string;
  readonly label: string;
  /** The raw value (data-value); null when not available. */
  readonly value: number | string | null;
  /** How to show it; defaults to num(value). */
  readonly text?: string;
  readonly note?: string;
}

export function kpis(items: readonly Kpi[]): HTMLElement {
  return h(
    'div',
    { class: 'kpis' },
    ...items.map((k) =>
      h(
        'div',
        { class: 'kpi', 'data-kpi': k.id, 'data-value': k.value === null ? '' : String(k.value) },
        h('div', { class: 'kpi-label' }, k.label),
        h('div', { class: 'kpi-value' }, k.text ?? (typeof k.value === 'number' ? num(k.value) : k.value ?? MISSING)),
        k.note ? h('div', { class: 'kpi-note' }, k.note) : null,
      ),
    ),
  );
}

export interface Column<T> {
  readonly label: string;
  readonly cell: (row: T) => Child;
  readonly numeric?: boolean;
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[], attrs: Attrs = {}): HTMLElement {
  return h(
    'table',
    attrs,
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { class: c.numeric ? 'n' : undefined }, c.label)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...columns.map((c) => h('td', { class: c.numeric ? 'n' : undefined }, c.cell(r)))))),
  );
}

/** A table of one row object's fields (for profile rows of any shape). */
export function fieldTable(row: Record<string, unknown>, attrs: Attrs = {}): HTMLElement {
  return h(
    'table',
    { class: 'fields', ...attrs },
    h(
      'tbody',
      {},
      ...Object.entries(row).map(([k, v]) =>
        h('tr', { 'data-field': k }, h('th', {}, k), h('td', { class: typeof v === 'number' ? 'n' : undefined, 'data-value': v === null ? '' : String(v) }, typeof v === 'number' ? num(v, 4) : v === null ? MISSING : String(v))),
      ),
    ),
  );
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

export function note(text: string, cls = 'note'): HTMLElement {
  return h('p', { class: cls }, text);
}

export function customerLink(id: string): HTMLElement {
  return h('a', { href: `#/customer/${encodeURIComponent(id)}`, 'data-customer': id }, id);
}

const charts = new Set<echarts.ECharts>();
const pending: { el: HTMLElement; option: Record<string, unknown> }[] = [];

/** A chart box; drawn by drawCharts() once it is in the document (ECharts needs its size). */
export function chart(id: string, option: Record<string, unknown>, height = 300): HTMLElement {
  const el = h('div', { class: 'chart', id: `chart-${id}`, style: `height:${height}px` });
  pending.push({ el, option });
  return el;
}

/** Draws every chart box created so far that is now in the document (SVG renderer). */
export function drawCharts(): void {
  for (const p of pending.splice(0)) {
    if (!p.el.isConnected) continue;
    const c = echarts.init(p.el, null, { renderer: 'svg' });
    c.setOption({ animation: false, ...p.option });
    charts.add(c);
  }
}

/** Disposes the previous page's charts before a new page is drawn. */
export function disposeCharts(): void {
  pending.length = 0;
  for (const c of charts) c.dispose();
  charts.clear();
}

window.addEventListener('resize', () => {
  for (const c of charts) c.resize();
});

/** Money for a tile: undefined (so the tile shows "—") when missing. */
export function money(v: number | null | undefined): string | undefined {
  return typeof v === 'number' ? formatAmount(v) : undefined;
}

/** A share as a percentage for a tile: undefined when missing. */
export function pct(v: number | null | undefined, decimals = 1): string | undefined {
  return typeof v === 'number' ? formatPercent(v, decimals) : undefined;
}
