/**
 * The one statement that stores HTTP events: in one transaction, insert the rows whose event_id
 * is not stored yet (the first of repeated ids within the rows), and return the ids inserted. The
 * rows travel as one JSON parameter that DuckDB unpacks itself (`from_json`), so no row is
 * inserted from JavaScript one by one. Either every row of the call is committed or none is.
 *
 * When file ingest gets its shared "insert the rows not yet stored" helper (branch ingest-atomic,
 * unique event ids in `events`), this function is the one place to switch to it.
 */
import type { Store } from '../../store/types.js';
import type { CanonicalRow } from './segment.js';

const ROW_TYPE = `'[{"ord":"INTEGER","event_id":"VARCHAR","customer_id":"VARCHAR","ts":"TIMESTAMP","type":"VARCHAR","item_id":"VARCHAR","amount":"DOUBLE","quantity":"DOUBLE","peer_id":"VARCHAR","channel":"VARCHAR","rating":"DOUBLE","text":"VARCHAR","props":"JSON"}]'`;

/** The `source` column of events that came over HTTP. */
export const HTTP_SOURCE = 'http';

export async function insertNewEvents(store: Store, rows: readonly CanonicalRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const json = JSON.stringify(rows.map((r, ord) => ({ ord, ...r })));
  await store.exec('BEGIN TRANSACTION');
  try {
    const inserted = await store.query<{ event_id: string }>(
      `INSERT INTO events
       SELECT x.event_id, x.customer_id, x.ts, x.type, x.item_id, x.amount, x.quantity, x.peer_id, x.channel, x.rating, x.text, x.props, '${HTTP_SOURCE}'
       FROM (SELECT unnest(from_json(?::JSON, ${ROW_TYPE}), max_depth := 2)) x
       WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = x.event_id)
       QUALIFY row_number() OVER (PARTITION BY x.event_id ORDER BY x.ord) = 1
       RETURNING event_id`,
      [json],
    );
    await store.exec('COMMIT');
    return new Set(inserted.map((r) => r.event_id));
  } catch (e) {
    await store.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
