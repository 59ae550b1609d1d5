/**
 * Runs the pipeline: store → sufficient statistics (SQL) → models → one AnalysisResult.
 */
import { AnalysisResultSchema, SCHEMA_VERSION, type AnalysisResult, type Warning } from '../domain/result.js';
import type { Store } from '../store/types.js';
import { computeOverview } from './overview.js';
import { scopeToPlausibleDates } from './scope.js';
import { runBrandSection, type BrandSectionOptions } from './brand.js';
import { runClvSection } from './clv.js';
import { runFunnelSection, type FunnelSectionOptions } from './funnel.js';
import { runNetworkSection, type NetworkSectionOptions } from './network.js';
import { runSegmentsStep, type SegmentsStepOptions } from './segments.js';
import { runExperimentsSection, type ExperimentsSectionOptions } from './experiments.js';
import { runStrategySection } from './strategy.js';

import { SPIRAL_VERSION } from '../version.js';

export { SPIRAL_VERSION };

/**
 * Everything an analysis can be told; every field is optional and defaults to what `spiral analyze`
 * does. The per-step fields are the options of the step functions (each step's DEFAULTS fill the rest):
 * - `brand`: weekly periods, adstock, VAR and diffusion settings (`BrandOptions`);
 * - `network`: which event types make edges, PageRank damping, Louvain resolution… (`AnalyzeNetworkOptions`);
 * - `funnel`: the funnel's stages and window (`FunnelOptions`);
 * - `segments`, `rules`, `experiences`, `topActions`: segmentation (k-means choice), rule segments
 *   (`parseRuleSet`, as `spiral segments --rules`), experience thresholds, how many actions to list;
 * - `windowDays`: the experiment readout window.
 */
export interface AnalyzeOptions
  extends BrandSectionOptions, NetworkSectionOptions, FunnelSectionOptions, SegmentsStepOptions, ExperimentsSectionOptions {
  /**
   * Clock for `generatedAt` and for the plausible-date window of a store without an ingest record
   * (injected so results can be reproduced).
   */
  now?: () => Date;
  /** Called with the name of each step as it starts (the CLI prints "analysing: <step>"). */
  onProgress?: (step: string) => void;
}

export async function analyze(store: Store, opts: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const warnings: Warning[] = [];
  // Events dated after the latest ingest or before 1970 stay in the store but out of every model.
  const outOfRange = await scopeToPlausibleDates(store, opts.now?.());
  if (outOfRange) warnings.push(outOfRange);
  opts.onProgress?.('overview');
  const overview = await computeOverview(store);
  if (overview.events === 0) warnings.push({ section: 'overview', message: 'the store has no events: ingest a file first' });
  if (overview.events > 0 && overview.purchasers === 0) {
    warnings.push({ section: 'overview', message: 'no purchase events: revenue, repeat rate and CLV need purchases' });
  }
  // Every section runs on DuckDB, Postgres and ClickHouse (issue 13); what stays DuckDB-only inside a section
  // (recommendations and replenishment) is null there with a warning.
  // Idea sections run here, each from src/analysis/<name>.ts, one line per section:
  //   const clv = await runClvSection(store, opts, warnings);  (undefined when it does not apply)
  opts.onProgress?.('clv');
  const clv = await runClvSection(store, opts, warnings);
  const brand = await runBrandSection(store, opts, warnings);
  const network = await runNetworkSection(store, opts, warnings);
  const funnel = await runFunnelSection(store, opts, warnings);
  const { behaviours, segments, experiences } = overview.events > 0 ? await runSegmentsStep(store, opts, warnings) : ({} as Partial<Awaited<ReturnType<typeof runSegmentsStep>>>);
  const experiments = await runExperimentsSection(store, opts, warnings);
  const result: AnalysisResult = {
    schemaVersion: SCHEMA_VERSION,
    generatedAt: (opts.now?.() ?? new Date()).toISOString(),
    spiralVersion: SPIRAL_VERSION,
    store: { dialect: store.dialect, location: store.location },
    overview,
    clv,
    brand,
    network,
    funnel,
    behaviours,
    segments,
    experiences,
    experiments,
    warnings,
  };
  result.strategy = await runStrategySection(store, result, warnings, opts);
  return AnalysisResultSchema.parse(result);
}
