/**
 * The section registry: the report renders these in order and leaves out any that return null.
 * A new section (clv, brand, network, funnel, …) is one module in this folder exporting a
 * SectionRenderer, plus one line here; no other section changes.
 */
import type { SectionRenderer } from '../section.js';
import { overviewSection } from './overview.js';
import { warningsSection } from './warnings.js';

export const SECTIONS: readonly SectionRenderer[] = [
  overviewSection,
  // clvSection, brandSection, networkSection, funnelSection: add here, in reading order.
  warningsSection,
];
