/**
 * How HTTP events reach the store: the rows of one group commit travel as one JSON parameter that
 * DuckDB unpacks itself (`from_json`), so no row is inserted from JavaScript one by one, and go
 * through file ingest's atomic append (`insertEvents`, src/ingest/insert.ts): in one transaction,
 * the rows whose event id is not stored yet (the first of ids repeated within the rows) and the
 * service run's provenance row. Either every row of the call is committed or none is.
 */
import { insertEvents } from '../../ingest/insert.js';
import type { Store } from '../../store/types.js';
import type { CanonicalRow } from './segment.js';

const ROW_TYPE = `'[{"event_id":"VARCHAR","customer_id":"VARCHAR","ts":"TIMESTAMP","type":"VARCHAR","item_id":"VARCHAR","amount":"DOUBLE","quantity":"DOUBLE","peer_id":"VARCHAR","channel":"VARCHAR","rating":"DOUBLE","text":"VARCHAR","props":"JSON"}]'`;

/** The `source` column of events that came over HTTP, and of their provenance rows in `ingests`. */
export const HTTP_SOURCE = 'http';

/**
 * The rows of the JSON parameter in the events columns' order. Ids repeated within the rows are
 * left to `appendNewEvents` (it keeps the first appended), so they count as duplicates in provenance.
 */
const SELECT_ROWS = `SELECT x.event_id, x.customer_id, x.ts, x.type, x.item_id, x.amount, x.quantity, x.peer_id, x.channel, x.rating, x.text, x.props, '${HTTP_SOURCE}'
  FROM (SELECT unnest(from_json(?::JSON, ${ROW_TYPE}), max_depth := 2)) x`;

/**
 * Stores the rows not stored yet and returns their event ids. `runId` names the service run: its
 * one provenance row (source "http") accumulates the counts of every commit of the run.
 */
export async function insertNewEvents(store: Store, rows: readonly CanonicalRow[], runId: string): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const json = JSON.stringify(rows);
  const counts = await insertEvents(store, SELECT_ROWS, { runId, source: HTTP_SOURCE, accumulate: true }, { params: [json], returnIds: true });
  return new Set(counts.ids);
}
