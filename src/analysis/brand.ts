/**
 * The brand section of the analysis: analyzeBrand over the store, checked against the result
 * schema, with its warnings and any model that could not be estimated listed under 'brand'.
 */
import { analyzeBrand, type BrandOptions, type BrandResult } from '../brand/index.js';
import type { Warning } from '../domain/result.js';
import { BrandSectionSchema, type BrandSection } from '../domain/sections/brand.js';
import type { Store } from '../store/types.js';

export interface BrandSectionOptions {
  onProgress?: (step: string) => void;
  brand?: Partial<Omit<BrandOptions, 'onProgress'>>;
}

/** The models whose status is not 'ok', as "what: message" lines. */
export function brandModelNotes(r: BrandResult | BrandSection): string[] {
  const notes: string[] = [];
  const add = (what: string, m: { status: string; message: string | null }): void => {
    if (m.status !== 'ok' && m.message) notes.push(`${what}: ${m.message.replace(/^[a-z]+: /, '')}`);
  };
  add('momentum', r.overall.momentum);
  add('goodwill stock', r.overall.stock.result);
  if (r.overall.spiral) add('Spiral In/Out VAR', r.overall.spiral.result);
  add('Bass diffusion', r.diffusion.result);
  add('co-creation', r.cocreation.result);
  return notes;
}

/** The brand section, or undefined when the store holds no events (nothing to measure). */
export async function runBrandSection(store: Store, opts: BrandSectionOptions, warnings: Warning[]): Promise<BrandSection | undefined> {
  const result = await analyzeBrand(store, {
    ...opts.brand,
    onProgress: opts.onProgress,
  });
  if (result.status === 'no-events') return undefined;
  // How many texts this run had to score depends on earlier runs (scores are kept in the store), so it
  // is progress output, not part of the result: the same store analysed twice gives the same section.
  let listening = result.listening;
  if (listening && listening.status === 'ok') {
    const { scoring, ...rest } = listening;
    opts.onProgress?.(`brand: listening scored ${scoring.textsScored} texts for ${scoring.eventsScored} events (${scoring.eventsAlreadyScored} already scored)`);
    listening = rest as typeof listening;
  }
  const section = BrandSectionSchema.parse({ ...result, listening });
  if (section.message) warnings.push({ section: 'brand', message: section.message });
  for (const w of section.warnings) warnings.push({ section: 'brand', message: w });
  if (section.status === 'ok') for (const n of brandModelNotes(section)) warnings.push({ section: 'brand', message: n });
  return section;
}
