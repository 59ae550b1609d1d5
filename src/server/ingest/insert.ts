/**
 * How HTTP events reach the store. One group commit is one transaction (file ingest's
 * `inTransaction`, src/ingest/insert.ts): the rows go through DuckDB's Appender into a temp staging
 * table on the ingest connection, one INSERT … SELECT appends those whose event id is not stored
 * yet, and the service run's provenance row (`recordIngest`, source "http") is updated. Either
 * every row of the call is committed or none is, and no event id is ever stored twice — the
 * invariant `appendNewEvents` keeps for files (`duplicateEventIds` checks it in the crash tests).
 *
 * Why not `appendNewEvents` itself: it appends first and then deletes the appended rows whose id
 * the store already holds, a join whose hash table is the whole events table. That suits a file
 * (large append); for 500–50,000 rows into a store of millions it cost 1–2 s per commit
 * (bench/results/server.md). Here the join is built on the small staged side and probes the store's
 * event ids, so a commit costs one scan of one column.
 */
import { inTransaction, recordIngest } from '../../ingest/insert.js';
import type { DuckDbStore } from '../../store/duckdb/index.js';
import type { CanonicalRow } from './segment.js';

/** The `source` column of events that came over HTTP, and of their provenance rows in `ingests`. */
export const HTTP_SOURCE = 'http';

/**
 * The staging table: temp tables are private to their connection and never written to the file;
 * replaced by each commit, so its storage does not grow over a long run.
 */
const STAGED = 'http_staged';
const STAGED_DDL = `CREATE OR REPLACE TEMP TABLE ${STAGED} (event_id VARCHAR, customer_id VARCHAR, ts VARCHAR, type VARCHAR,
  item_id VARCHAR, amount DOUBLE, quantity DOUBLE, peer_id VARCHAR, channel VARCHAR, rating DOUBLE, text VARCHAR, props VARCHAR)`;

/** The staged rows whose id the store does not hold, in the events columns' order (see EVENT_COLUMNS). */
const INSERT_NEW = `INSERT INTO events
  SELECT s.event_id, s.customer_id, CAST(s.ts AS TIMESTAMP), s.type, s.item_id, s.amount, s.quantity, s.peer_id, s.channel,
         s.rating, s.text, CAST(s.props AS JSON), '${HTTP_SOURCE}'
  FROM temp.main.${STAGED} s
  WHERE s.event_id NOT IN (SELECT e.event_id FROM events e WHERE e.event_id IN (SELECT event_id FROM temp.main.${STAGED}))
  RETURNING event_id`;

/**
 * Stores the rows not stored yet and returns their event ids (an id repeated within the rows keeps
 * its first row). `runId` names the service run: its one provenance row (source "http")
 * accumulates the counts of every commit of the run. Calls on one connection must not overlap.
 */
export async function insertNewEvents(store: DuckDbStore, rows: readonly CanonicalRow[], runId: string): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const first = new Map<string, CanonicalRow>();
  for (const r of rows) if (!first.has(r.event_id)) first.set(r.event_id, r);
  return inTransaction(store, async () => {
    await store.exec(STAGED_DDL);
    await store.append(STAGED, [...first.values()].map((r) => [
      r.event_id, r.customer_id, r.ts, r.type, r.item_id, r.amount, r.quantity, r.peer_id, r.channel, r.rating, r.text,
      r.props === null ? null : JSON.stringify(r.props),
    ]), { catalog: 'temp' });
    const added = await store.query<{ event_id: string }>(INSERT_NEW);
    const ids = new Set(added.map((r) => r.event_id));
    await recordIngest(store, { runId, source: HTTP_SOURCE, rejected: 0, accumulate: true }, { rows: rows.length, accepted: ids.size, duplicates: rows.length - ids.size });
    return ids;
  });
}
