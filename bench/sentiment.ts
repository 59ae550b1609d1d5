/**
 * Sentiment methods side by side on human-labelled text.
 *
 *   node --import tsx bench/sentiment.ts                 # prints the table, writes bench/results/sentiment.md
 *   node --import tsx bench/sentiment.ts --write-models  # also regenerates src/listening/models/*.ts from the recipes
 *
 * Airline columns: the seeded 30 % test split of Twitter US Airline Sentiment (recipes.ts SPLIT),
 * which no method learned from; thresholds marked "tuned" were chosen on the 70 % train split by
 * macro-F1. Amazon columns (cross-domain: no method saw reviews): AMAZON_FASHION 5-core reviews with
 * a star rating; Spearman ρ between score and stars, and macro-F1 of the label against the star
 * bucket (1–2 negative, 3 neutral, 4–5 positive).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { readLabelledCsv, splitTrainTest, type LabelledText } from '../src/listening/evaluation.js';
import { evaluate, labelByThresholds, spearman, tuneThresholds, type SentimentLabel, type Thresholds } from '../src/listening/metrics.js';
import { vaderScores, winkNlpScore, winkSentimentScore } from '../src/listening/libraries.js';
import { scoreWithModel, type SentimentModel } from '../src/listening/model.js';
import { prepareTrain, RECIPES, SPLIT, trainRecipe, type ModelName } from '../src/listening/recipes.js';
import { SHIPPED_MODELS } from '../src/listening/models/index.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(REPO_ROOT, '..', 'shared', 'data');
export const TWEETS_CSV = join(DATA, 'twitter_airline', 'Tweets.csv');
export const AMAZON_JSONL = join(DATA, 'amazon_fashion', 'AMAZON_FASHION_5.jsonl');

export interface SentimentBenchRow {
  method: string;
  rule: string;
  airlineAccuracy: number;
  airlineMacroF1: number;
  amazonSpearman: number | null;
  amazonMacroF1: number;
}

interface Data {
  train: LabelledText[];
  test: LabelledText[];
  amazon: { text: string; stars: number }[];
}

export async function loadBenchData(): Promise<Data> {
  const store = await DuckDbStore.open(':memory:', { threads: 1 });
  try {
    const tweets = await readLabelledCsv(store, TWEETS_CSV, {
      id: 'tweet_id',
      text: 'text',
      label: 'airline_sentiment',
      confidence: 'airline_sentiment_confidence',
    });
    const { train, test } = splitTrainTest(tweets, SPLIT.seed, SPLIT.testShare);
    const amazon = await store.query<{ text: string; stars: number }>(
      `SELECT reviewText AS text, overall AS stars FROM read_json_auto(?)
        WHERE overall IS NOT NULL AND reviewText IS NOT NULL ORDER BY reviewerID, asin, unixReviewTime, reviewText`,
      [AMAZON_JSONL],
    );
    return { train, test, amazon };
  } finally {
    await store.close();
  }
}

function starBucket(stars: number): SentimentLabel {
  return stars <= 2 ? 'negative' : stars >= 4 ? 'positive' : 'neutral';
}

function fmtT(t: Thresholds): string {
  return `neg ≤ ${t.negativeMax.toFixed(3)}, pos ≥ ${t.positiveMin.toFixed(3)}`;
}

/** Scores memoised by text (the Amazon file repeats texts across style variants). */
function memo(f: (t: string) => number): (t: string) => number {
  const cache = new Map<string, number>();
  return (t) => {
    let v = cache.get(t);
    if (v === undefined) cache.set(t, (v = f(t)));
    return v;
  };
}

export async function benchRows(models: Record<ModelName, SentimentModel> = SHIPPED_MODELS): Promise<SentimentBenchRow[]> {
  const { train, test, amazon } = await loadBenchData();
  const truthTest = test.map((t) => t.label);
  const truthAmazon = amazon.map((a) => starBucket(a.stars));
  const stars = amazon.map((a) => a.stars);
  const rows: SentimentBenchRow[] = [];
  const scorers: [string, (t: string) => number, string][] = [
    ['VADER (baseline)', memo((t) => vaderScores(t).compound), 'compound'],
    ['wink-sentiment', memo((t) => winkSentimentScore(t)), 'normalizedScore'],
    ['winkNLP (eng-lite-web-model)', memo((t) => winkNlpScore(t)), 'its.sentiment'],
  ];
  for (const [name, score, what] of scorers) {
    const sTest = test.map((t) => score(t.text));
    const sAmazon = amazon.map((a) => score(a.text));
    const fixed: Thresholds = name.startsWith('VADER') ? { negativeMax: -0.05, positiveMin: 0.05 } : { negativeMax: -1e-9, positiveMin: 1e-9 };
    const tuned = tuneThresholds(train.map((t) => score(t.text)), train.map((t) => t.label));
    for (const [t, how] of [[fixed, name.startsWith('VADER') ? 'standard' : 'sign'], [tuned, 'tuned on train']] as const) {
      const eTest = evaluate(truthTest, sTest.map((s) => labelByThresholds(s, t)));
      const eAmazon = evaluate(truthAmazon, sAmazon.map((s) => labelByThresholds(s, t)));
      rows.push({
        method: how === 'tuned on train' ? `${name.replace(' (baseline)', '')}, tuned thresholds` : name,
        rule: `${what}: ${how === 'sign' ? 'neg < 0, pos > 0' : fmtT(t)}`,
        airlineAccuracy: eTest.accuracy,
        airlineMacroF1: eTest.macroF1,
        amazonSpearman: spearman(sAmazon, stars),
        amazonMacroF1: eAmazon.macroF1,
      });
    }
  }
  for (const name of Object.keys(models) as ModelName[]) {
    const m = models[name];
    const test1 = scoreWithModel(m, test.map((t) => t.text));
    const distinct = [...new Set(amazon.map((a) => a.text))];
    const byText = new Map(scoreWithModel(m, distinct).map((s, i) => [distinct[i], s]));
    const am = amazon.map((a) => byText.get(a.text)!);
    const eTest = evaluate(truthTest, test1.map((s) => s.label));
    const eAmazon = evaluate(truthAmazon, am.map((s) => s.label));
    rows.push({
      method: `Spiral \`${name}\`${name === 'ensemble' ? ' (default)' : ''}`,
      rule: `most probable class; score = P(pos) − P(neg)${RECIPES[name].prior === 'uniform' ? '; uniform prior' : ''}`,
      airlineAccuracy: eTest.accuracy,
      airlineMacroF1: eTest.macroF1,
      amazonSpearman: spearman(am.map((s) => s.score), stars),
      amazonMacroF1: eAmazon.macroF1,
    });
  }
  return rows;
}

export function rowsToMarkdown(rows: readonly SentimentBenchRow[]): string {
  const f = (x: number | null): string => (x === null ? '–' : x.toFixed(3));
  const lines = [
    '| method | decision rule (neutral band) | airline test accuracy | airline test macro-F1 | Amazon ρ(score, stars) | Amazon macro-F1 vs star bucket |',
    '|---|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.method} | ${r.rule} | ${f(r.airlineAccuracy)} | ${f(r.airlineMacroF1)} | ${f(r.amazonSpearman)} | ${f(r.amazonMacroF1)} |`),
  ];
  return lines.join('\n');
}

/** The markdown table of every method (the lead assembles it into bench/RESULTS.md). */
export async function benchSentiment(): Promise<string> {
  return rowsToMarkdown(await benchRows());
}

/** TypeScript source of a shipped model file: one weight triple per line, so a diff shows what changed. */
export function modelSource(m: SentimentModel): string {
  const j = (x: unknown): string => JSON.stringify(x);
  return [
    `// Generated by \`node --import tsx bench/sentiment.ts --write-models\` from src/listening/recipes.ts. Do not edit.`,
    `import type { SentimentModel } from '../model.js';`,
    ``,
    `export const model: SentimentModel = {`,
    `  name: ${j(m.name)},`,
    `  provenance: ${j(m.provenance)},`,
    `  libraryFeatures: ${j(m.libraryFeatures)},`,
    `  classes: ${j(m.classes)},`,
    `  bias: ${j(m.bias)},`,
    `  libraryWeights: [`,
    ...m.libraryWeights.map((w, i) => `    ${j(w)}, // ${m.libraryFeatures[i]}`),
    `  ],`,
    `  terms: {`,
    ...Object.entries(m.terms).map(([t, w]) => `    ${j(t)}: ${j(w)},`),
    `  },`,
    `};`,
    ``,
  ].join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--write-models')) {
    const { train } = await loadBenchData();
    const prepared = prepareTrain(train);
    for (const name of Object.keys(RECIPES) as ModelName[]) {
      const file = join(REPO_ROOT, 'src', 'listening', 'models', `${name.replace('+', '-')}.ts`);
      writeFileSync(file, modelSource(trainRecipe(name, prepared)));
      console.error(`wrote ${file}`);
    }
    console.error('models written; run again without --write-models to score them (they are imported at start-up).');
    return;
  }
  const md = await run();
  mkdirSync(join(REPO_ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'bench', 'results', 'sentiment.md'), md);
  console.log(md);
}

/** The bench runner's entry (`npm run bench -- sentiment`): the notes and the table of every method. */
export async function run(): Promise<string> {
  const table = await benchSentiment();
  return [
    '# Sentiment: established libraries vs Spiral\'s ensembles',
    '',
    'Produced by `npm run bench -- sentiment` (bench/sentiment.ts exports `run()`; `benchSentiment()` gives the table alone).',
    '',
    `- Airline: Twitter US Airline Sentiment, 14,640 rows = 14,485 distinct tweet_ids (for an id with several rows the most`,
    `  confident label wins); seeded split (seed ${SPLIT.seed}) into 70 % train / 30 % test; the numbers are on the`,
    `  4,346 test tweets. "tuned" thresholds maximise macro-F1 on the train split. Spiral's models learned only from the train split.`,
    '- Amazon (cross-domain, nobody trained on it): AMAZON_FASHION 5-core, the 3,159 review rows with a star rating and text (the file',
    '  repeats a review once per style variant: 438 distinct texts); Spearman ρ of score vs stars, and macro-F1 of the label',
    '  vs the star bucket (1–2 negative, 3 neutral, 4–5 positive).',
    '- The default is `ensemble`: it beats VADER on the tweets and also agrees better with review stars. `ensemble+lexicon` is',
    '  best on the tweets but its airline lexicon does not transfer to product reviews, so it is opt-in (`method`).',
    '- Macro-F1 = unweighted mean of the three per-class F1 scores.',
    '',
    table,
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
