/**
 * The funnel section of the analysis: analyzeFunnel over the store (the networked funnel with
 * peer/firm credit and the paths to value), checked against the result schema, its warnings
 * listed under 'funnel'.
 */
import type { Warning } from '../domain/result.js';
import { FunnelSectionSchema, type FunnelSection } from '../domain/sections/funnel.js';
import { analyzeFunnel, type FunnelOptions } from '../funnel/index.js';
import type { Store } from '../store/types.js';

export interface FunnelSectionOptions {
  onProgress?: (step: string) => void;
  funnel?: Partial<Omit<FunnelOptions, 'onProgress'>>;
}

/** The funnel section, or undefined when the store holds no events. */
export async function runFunnelSection(store: Store, opts: FunnelSectionOptions, warnings: Warning[]): Promise<FunnelSection | undefined> {
  const result = await analyzeFunnel(store, { ...opts.funnel, onProgress: opts.onProgress });
  if (!('stages' in result)) return undefined;
  const section = FunnelSectionSchema.parse(result);
  for (const w of section.warnings) warnings.push({ section: 'funnel', message: w });
  for (const e of [section.peerEffect, section.firmEffect]) {
    if (e.status !== 'ok' && e.message && section.status === 'ok') warnings.push({ section: 'funnel', message: e.message });
  }
  return section;
}
