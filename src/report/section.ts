/**
 * The contract between the report and its sections. A section is a pure function of the analysis
 * result: it returns its markup and the charts to draw into it, or null when the result does not
 * carry that section (e.g. no CLV was fitted), in which case the report leaves it out entirely —
 * no heading, no nav entry, no empty chart.
 */
import type { AnalysisResult } from '../domain/result.js';
import type { SafeHtml } from './html.js';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/**
 * One ECharts chart: `option` is serialised as JSON into the page, so it holds data only — no
 * functions. The page's runtime adds number formatting (thousands separators on value axes,
 * tooltips and series labels) and draws with the SVG renderer, animation off.
 */
export interface ChartSpec {
  /** The id of an element inside the section's html; unique in the report (prefix it with the section id). */
  readonly elementId: string;
  readonly option: JsonObject;
}

export interface ReportSection {
  /** Anchor id, unique in the report: letters, digits, `-`, `_`. */
  readonly id: string;
  /** Heading and nav label. */
  readonly title: string;
  /** The section body (the report adds the <section> and <h2>). Build it with `html`, which escapes. */
  readonly html: SafeHtml;
  readonly charts: readonly ChartSpec[];
}

export type SectionRenderer = (result: AnalysisResult) => ReportSection | null;
