/**
 * The actions step's inputs from the models: the `recommendations` table (top k for every customer,
 * `--model auto`) and the `replenishment` table, written in one call before the actions are built,
 * so `spiral analyze` and `spiral actions` use them instead of their fallbacks. A store the models
 * cannot serve (no items, no repeat purchases) gets a warning with the reason, never an error: the
 * actions then fall back and say so in each reason.
 */
import type { Warning } from '../../domain/result.js';
import type { Store } from '../../store/types.js';
import { InvalidArgumentsError } from '../../models/numeric/errors.js';
import { writeRecommendations, type RecommendOptions, type RecommendSummary } from './recommend.js';
import { writeReplenishment, type ReplenishSummary } from '../replenish/replenish.js';

export interface ActionInputs {
  recommendations: RecommendSummary | null;
  replenishment: ReplenishSummary;
}

/** Writes `recommendations` and `replenishment` (on every engine); warnings go to the experiences section. */
export async function writeActionInputs(store: Store, warnings: Warning[], opts: RecommendOptions = {}): Promise<ActionInputs> {
  let recommendations: RecommendSummary | null = null;
  try {
    recommendations = await writeRecommendations(store, opts);
    for (const w of recommendations.warnings) warnings.push({ section: 'experiences', message: w });
  } catch (e) {
    if (!(e instanceof InvalidArgumentsError)) throw e;
    warnings.push({ section: 'experiences', message: `no recommendations table written: ${e.message}` });
  }
  const replenishment = await writeReplenishment(store);
  if (replenishment.reason) warnings.push({ section: 'experiences', message: `no replenishment table written: ${replenishment.reason}` });
  return { recommendations, replenishment };
}
