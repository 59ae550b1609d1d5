/** EASE on the store: the Gram matrix from SQL, the solve in models/recommend/ease.ts, the pruned weights back into rec_nb_ease. */
import type { Store } from '../../store/types.js';
import { easeWeights, pruneRows, EASE_DEFAULTS } from '../../models/recommend/ease.js';
import { writeColumns } from '../../network/io.js';
import { easeGramSql } from './sql.js';
import { dialectOf, replaceTableAs } from '../../sql/dialect.js';

export interface EaseInfo {
  items: number;
  lambda: number | null;
  weights: number;
}

export async function buildEase(store: Store, maxItems: number, neighbours: number): Promise<EaseInfo> {
  const { items, pairs } = await easeGramSql(store, Math.min(maxItems, EASE_DEFAULTS.maxItems));
  const n = items.length;
  const d = dialectOf(store);
  if (n < 2) {
    await replaceTableAs(store, 'rec_nb_ease', `SELECT CAST(NULL AS ${d.types.text}) AS item_id, CAST(NULL AS ${d.types.text}) AS neighbour, ${d.nullDouble} AS weight WHERE 1 = 0`, { temp: true });
    return { items: n, lambda: null, weights: 0 };
  }
  const gram = new Float64Array(n * n);
  for (const p of pairs) {
    gram[p.i * n + p.j] = p.c;
    gram[p.j * n + p.i] = p.c;
  }
  const { B, lambda } = easeWeights(gram, n);
  const w = pruneRows(B, n, neighbours);
  await writeColumns(store, 'rec_ease_w', [
    { name: 'i', type: 'INTEGER', data: w.from },
    { name: 'j', type: 'INTEGER', data: w.to },
    { name: 'weight', type: 'DOUBLE', data: w.weight },
  ], { temp: true });
  await replaceTableAs(store, 'rec_nb_ease', `
    SELECT a.item_id AS item_id, b.item_id AS neighbour, w.weight AS weight FROM rec_ease_w w
    JOIN rec_ease_items a ON a.idx = w.i JOIN rec_ease_items b ON b.idx = w.j`, { temp: true });
  return { items: n, lambda, weights: w.weight.length };
}
