/**
 * How HTTP events reach the store. One group commit is one transaction: a probe finds which of the
 * rows' event ids the store already holds, DuckDB's Appender writes the others straight into
 * `events`, and the service run's provenance row (source "http") is updated in the statement that
 * commits. Either every row of the call is committed or none is, and no event id is ever stored
 * twice — the invariant `appendNewEvents` keeps for files (`duplicateEventIds` checks it in the
 * crash tests).
 *
 * Why a probe, then an append, rather than one INSERT … SELECT … WHERE id NOT IN (…): the anti-join
 * with NOT IN's NULL semantics, the staging table it read from and its RETURNING cost about twice
 * the probe (a semi-join whose hash table is the few thousand staged ids, probed by one scan of the
 * store's event_id column; DuckDB's join filter pushdown skips row groups whose id range misses the
 * batch's) plus the Appender (scratch A/B, bench/results/server.md). Probe-then-append is exact
 * because one connection writes events per workspace and the queue (./queue.ts) never overlaps its
 * calls: nothing can store an id between the probe and the COMMIT.
 *
 * Why not `appendNewEvents` itself: it appends first and then deletes the appended rows whose id
 * the store already holds, a join whose hash table is the whole events table. That suits a file
 * (large append); for 500–50,000 rows into a store of millions it cost 1–2 s per commit.
 */
import { accumulateIngestSql, recordIngest } from '../../ingest/insert.js';
import type { DuckDbStore } from '../../store/duckdb/index.js';
import { hashHalves, type KnownIds } from './known-ids.js';
import type { CanonicalRow } from './segment.js';

/** The `source` column of events that came over HTTP, and of their provenance rows in `ingests`. */
export const HTTP_SOURCE = 'http';

/** The stored ones among a JSON array of event ids. */
const PROBE = `SELECT event_id FROM events WHERE event_id IN (SELECT unnest(from_json(?, '["VARCHAR"]')))`;
/** The hash halves of each id of a JSON array (the filter's keys, ./known-ids.ts). */
const HASHES = `SELECT id, ${hashHalves('id')} FROM (SELECT unnest(from_json(?, '["VARCHAR"]')) AS id)`;

/** Per connection, the runs whose provenance row is committed: their commits update it in the COMMIT's own statement. */
const recordedRuns = new WeakMap<DuckDbStore, Set<string>>();

/**
 * Stores the rows not stored yet and returns their event ids (an id repeated within the rows keeps
 * its first row). `runId` names the service run: its one provenance row (source "http")
 * accumulates the counts of every commit of the run. Calls on one connection must not overlap.
 * `known`, the filter of the store's ids (./known-ids.ts), narrows the probe to the ids it cannot
 * rule out (none, for new events: then there is no probe) and gets the committed ids. `onProbe`
 * hears of each probe: how many ids it looked for and how many the store held.
 */
export async function insertNewEvents(
  store: DuckDbStore, rows: readonly CanonicalRow[], runId: string, known: KnownIds | null = null,
  onProbe?: (probe: { candidates: number; stored: number }) => void,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const first = new Map<string, CanonicalRow>();
  for (const r of rows) if (!first.has(r.event_id)) first.set(r.event_id, r);
  let runs = recordedRuns.get(store);
  if (!runs) recordedRuns.set(store, (runs = new Set()));
  const hashes = known ? await store.query<{ id: string; lo: number; hi: number }>(HASHES, [JSON.stringify([...first.keys()])]) : [];
  const candidates = known ? hashes.filter((h) => known.mayHold(h.lo, h.hi)).map((h) => h.id) : [...first.keys()];
  await store.exec('BEGIN TRANSACTION');
  try {
    if (candidates.length > 0) {
      const stored = await store.query<{ event_id: string }>(PROBE, [JSON.stringify(candidates)]);
      for (const r of stored) first.delete(r.event_id);
      onProbe?.({ candidates: candidates.length, stored: stored.length });
    }
    const fresh = [...first.values()];
    if (fresh.length > 0) {
      await store.append('events', fresh.map((r) => [
        r.event_id, r.customer_id, r.ts, r.type, r.item_id, r.amount, r.quantity, r.peer_id, r.channel, r.rating, r.text,
        r.props === null ? null : JSON.stringify(r.props), HTTP_SOURCE,
      ]));
    }
    const counts = { rows: rows.length, accepted: fresh.length, duplicates: rows.length - fresh.length };
    if (runs.has(runId)) {
      // One round trip for the provenance update and the COMMIT.
      await store.exec(`${accumulateIngestSql({ runId, source: HTTP_SOURCE, rejected: 0 }, counts)}; COMMIT`);
    } else {
      await recordIngest(store, { runId, source: HTTP_SOURCE, rejected: 0, accumulate: true }, counts);
      await store.exec('COMMIT');
    }
    runs.add(runId);
    if (known) for (const h of hashes) if (first.has(h.id)) known.add(h.lo, h.hi);
    return new Set(first.keys());
  } catch (e) {
    try {
      await store.exec('ROLLBACK');
    } catch {
      // the connection already aborted the transaction (a failed COMMIT does); the original error is the one to report
    }
    throw e;
  }
}
