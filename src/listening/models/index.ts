/** The shipped sentiment models (generated from recipes.ts; see bench/sentiment.ts --write-models). */
import type { SentimentModel } from '../model.js';
import type { ModelName } from '../recipes.js';
import { model as ensemble } from './ensemble.js';
import { model as ensembleLexicon } from './ensemble-lexicon.js';

export const SHIPPED_MODELS: Record<ModelName, SentimentModel> = {
  ensemble,
  'ensemble+lexicon': ensembleLexicon,
};
