/**
 * The strategy plan for an objective: the analysis result of the store, then the generator
 * (src/strategy/generate.ts) on that result and the store's segments (when the segments step has
 * written them).
 */
import type { AnalysisResult } from '../domain/result.js';
import type { Store } from '../store/types.js';
import { buildPlan, readSegments } from '../strategy/generate.js';
import type { ObjectiveName, StrategyPlan } from '../strategy/plan.js';
import { analyze } from './analyze.js';

export async function planFromStore(store: Store, objective: ObjectiveName, onProgress?: (step: string) => void): Promise<{ plan: StrategyPlan; result: AnalysisResult }> {
  const result = await analyze(store, { onProgress });
  const segments = await readSegments(store, objective);
  return { plan: buildPlan(result, objective, segments), result };
}
