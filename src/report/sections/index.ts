/**
 * The section registry: the report renders these in order and leaves out any that return null.
 *
 * Adding a section (clv, brand, network, funnel, …) touches no other section:
 *  1. `sections/<name>.ts` exports a SectionRenderer `(result) => ReportSection | null`. Return
 *     null when `result.<name>` is absent, so results from before the section existed still render.
 *     Read only the result — never the store, the clock or the environment — so the same result
 *     gives the same report.
 *  2. Build the body with `html` (escapes every interpolation); use components.ts (kpiTiles,
 *     chartFigure with its data table, dataTable, emptyNote) and format.ts (thousands separators,
 *     "—" plus a reason for a null, never 0).
 *  3. Charts are `{ elementId, option }` with a JSON-only ECharts option (charts.ts has builders);
 *     prefix ids with the section id (`clv-tracking`); every chart needs its element in the html
 *     (chartFigure makes one) and a table of its numbers beneath it. The report checks ids are
 *     unique and placed, and throws if not.
 *  4. Add the renderer to SECTIONS below, in reading order, and a unit test beside it using the
 *     builders in test/fixtures/result.ts; the browser test checks every chart draws.
 */
import type { SectionRenderer } from '../section.js';
import { overviewSection } from './overview.js';
import { brandSection } from './brand.js';
import { clvSection } from './clv.js';
import { funnelSection } from './funnel.js';
import { networkSection } from './network.js';
import { experimentsSection } from './experiments.js';
import { warningsSection } from './warnings.js';
import { behavioursSection } from './behaviours.js';
import { segmentsSection } from './segments.js';
import { experiencesSection } from './experiences.js';
import { strategySection } from './strategy.js';

export const SECTIONS: readonly SectionRenderer[] = [
  overviewSection,
  // clvSection, brandSection, networkSection, funnelSection: add here, in reading order.
  clvSection,
  brandSection,
  networkSection,
  funnelSection,
  behavioursSection,
  segmentsSection,
  experiencesSection,
  strategySection,
  experimentsSection,
  warningsSection,
];
