/**
 * ECharts option builders shared by the sections. Options are plain JSON (see ChartSpec): the
 * page's runtime adds number formatters and draws them with the SVG renderer.
 */
import type { JsonObject } from './section.js';

/**
 * One fixed colour per canonical event type, so a type has the same colour in every chart of
 * every report. Purchases are the strong blue, returns red; funnel-top types are muted.
 */
const TYPE_COLORS: Readonly<Record<string, string>> = {
  purchase: '#1f4e9c',
  return: '#c0392b',
  view: '#9fb3c8',
  search: '#6c8ebf',
  exposure: '#b8b8b8',
  save: '#e6a23c',
  cart: '#f08a24',
  share: '#2e9d78',
  review: '#7c5cbf',
  mention: '#b565a7',
  referral: '#13866f',
  follow: '#5aa469',
  signup: '#3aa0c9',
  vote: '#d4a017',
  idea: '#a0522d',
  support: '#8f6f3f',
  subscribe: '#4f7d9e',
  unsubscribe: '#8c8c8c',
};

/** For names outside the canonical list, in order of first use. */
const EXTRA_COLORS = ['#e377c2', '#17becf', '#bcbd22', '#8c564b', '#9467bd', '#ff7f0e', '#2ca02c', '#d62728'];

export const ACCENT = '#1f4e9c';

/** Colours for a list of event types: canonical ones fixed, others cycling through EXTRA_COLORS. */
export function typeColors(types: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  let extra = 0;
  for (const type of types) {
    if (colors.has(type)) continue;
    const fixed = Object.prototype.hasOwnProperty.call(TYPE_COLORS, type) ? TYPE_COLORS[type] : undefined;
    colors.set(type, fixed ?? EXTRA_COLORS[extra++ % EXTRA_COLORS.length]);
  }
  return colors;
}

const TEXT = '#333';
const LEGEND_PER_ROW = 7;
const GRID_LINE = '#e6e6e6';

function baseOption(): JsonObject {
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: TEXT },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
  };
}

function valueAxis(): JsonObject {
  return { type: 'value', splitLine: { lineStyle: { color: GRID_LINE } } };
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color?: string;
}

/** Horizontal bars, first bar at the top, each labelled with its value. */
export function horizontalBarChart(bars: readonly Bar[], seriesName: string): JsonObject {
  const shown = [...bars].reverse(); // ECharts draws category axes bottom-up
  return {
    ...baseOption(),
    grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: valueAxis(),
    yAxis: { type: 'category', data: shown.map((b) => b.label), axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        name: seriesName,
        barMaxWidth: 28,
        label: { show: true, position: 'right' },
        data: shown.map((b) => (b.color === undefined ? b.value : { value: b.value, itemStyle: { color: b.color } })),
      },
    ],
  };
}

export interface Series {
  readonly name: string;
  readonly values: readonly number[];
  readonly color?: string;
}

/**
 * Series over a shared category x axis (weeks, months). `stacked` stacks them; `kind` draws bars
 * or areas (areas read better past a few dozen periods). The legend toggles series on and off.
 */
export function timeSeriesChart(
  periods: readonly string[],
  series: readonly Series[],
  options: { readonly kind: 'bar' | 'area' | 'line'; readonly stacked?: boolean },
): JsonObject {
  const withLegend = series.length > 1;
  // A plain legend wraps instead of scrolling, so a printed page shows every series; leave room
  // for the rows it takes at print width (about LEGEND_PER_ROW entries a row).
  const legendRows = withLegend ? Math.ceil(series.length / LEGEND_PER_ROW) : 0;
  return {
    ...baseOption(),
    grid: { left: 8, right: 24, top: 16 + 24 * legendRows, bottom: periods.length > 30 ? 40 : 8, containLabel: true },
    tooltip: { trigger: 'axis', ...(series.length > 6 ? { confine: true } : {}) },
    ...(withLegend ? { legend: { type: 'plain', top: 0, icon: 'roundRect', itemWidth: 14, itemHeight: 10, data: series.map((s) => s.name) } } : {}),
    xAxis: {
      type: 'category',
      data: [...periods],
      boundaryGap: options.kind === 'bar',
      axisTick: { alignWithLabel: true },
    },
    yAxis: valueAxis(),
    ...(periods.length > 30 ? { dataZoom: [{ type: 'slider', height: 18, bottom: 4 }, { type: 'inside' }] } : {}),
    series: series.map((s) => ({
      name: s.name,
      type: options.kind === 'bar' ? 'bar' : 'line',
      ...(options.stacked === true ? { stack: 'total' } : {}),
      ...(options.kind === 'area' ? { areaStyle: { opacity: 0.85 }, lineStyle: { width: 1 }, showSymbol: false } : {}),
      ...(options.kind === 'line' ? { showSymbol: periods.length <= 30 } : {}),
      ...(options.kind === 'bar' ? { barMaxWidth: 32 } : {}),
      ...(s.color === undefined ? {} : { itemStyle: { color: s.color } }),
      emphasis: { focus: 'series' },
      data: [...s.values],
    })),
  };
}
