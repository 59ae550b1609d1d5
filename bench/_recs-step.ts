/**
 * Child process of `npm run bench -- recs`: the baseline (one GROUP BY customer over the events),
 * then recommendations for every customer (`--model auto`, inner split included) and replenishment,
 * each timed; prints one JSON line. Peak RSS is measured by the parent (/usr/bin/time -v).
 */
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { writeRecommendations } from '../src/experiences/recommend/recommend.js';
import { writeReplenishment } from '../src/experiences/replenish/replenish.js';

const [db, model = 'auto'] = process.argv.slice(2);
const store = await DuckDbStore.open(db);
const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
};
const [base, baseSeconds] = await time(() => store.query<{ n: number }>(
  "SELECT count(*)::DOUBLE AS n FROM (SELECT customer_id, count(*) AS events, max(ts) AS last, count(*) FILTER (WHERE type = 'purchase') AS purchases FROM events GROUP BY customer_id)"));
const [recs, recsSeconds] = await time(() => writeRecommendations(store, { k: 10, model }));
const [rep, repSeconds] = await time(() => writeReplenishment(store));
const [ev] = await store.query<{ n: number; items: number }>('SELECT count(*)::DOUBLE AS n, count(DISTINCT item_id)::DOUBLE AS items FROM events');
await store.close();
process.stdout.write(`${JSON.stringify({
  events: Number(ev.n), items: Number(ev.items), baseline: { customers: Number(base[0].n), seconds: baseSeconds },
  recommend: { seconds: recsSeconds, model: recs.model, params: recs.params, customers: recs.customers, rows: recs.rows, coverage: recs.coverage, inner: recs.selection.inner, candidates: recs.selection.candidates },
  replenish: { seconds: repSeconds, pairs: rep.pairs, customers: rep.customers, level: rep.level, reason: rep.reason ?? null },
  rssMiB: process.memoryUsage().rss / 2 ** 20,
})}\n`);
