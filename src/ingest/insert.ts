/**
 * The one way events enter the store: append the rows whose event id is not stored yet, inside a
 * transaction, so a crash (kill -9, power loss) leaves the store as it was before the call or as
 * it is after it, never in between, and never with two rows of one event id.
 *
 * Why no PRIMARY KEY on events.event_id: DuckDB's ART index made a 2M-row append 5-6× slower
 * (bench/RESULTS.md, ingest), against issue 14's ingest budget. Uniqueness is kept by construction
 * instead: every insert goes through `appendNewEvents`, whose append and duplicate removal commit
 * together, and `duplicateEventIds` checks the invariant (test/ingest/crash.test.ts after every
 * injected crash).
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types.js';

/** The columns of `events`, in table order: a select given to `insertEvents` yields these. */
export const EVENT_COLUMNS = [
  'event_id', 'customer_id', 'ts', 'type', 'item_id', 'amount', 'quantity', 'peer_id', 'channel', 'rating', 'text', 'props', 'source',
] as const;

export interface InsertCounts {
  /** Rows the select produced. */
  rows: number;
  /** Rows added to the store. */
  accepted: number;
  /** Rows whose event id was already stored, or repeated an earlier row of the same select. */
  duplicates: number;
}

/** One row of the `ingests` provenance table, written in the same transaction as its events. */
export interface Provenance {
  runId?: string;
  source: string;
  rejected?: number;
}

/**
 * Runs `work` in one transaction on the store's connection: COMMIT when it resolves, ROLLBACK when
 * it throws. The caller must not already be in a transaction.
 */
export async function inTransaction<T>(store: Store, work: () => Promise<T>): Promise<T> {
  await store.exec('BEGIN TRANSACTION');
  let result: T;
  try {
    result = await work();
  } catch (e) {
    try {
      await store.exec('ROLLBACK');
    } catch {
      // the connection already aborted the transaction; the original error is the one to report
    }
    throw e;
  }
  await store.exec('COMMIT');
  return result;
}

/**
 * Appends the rows of `selectSql` (the events columns in table order, see EVENT_COLUMNS) whose
 * event id is not stored yet; a repeat within the select keeps its first row. Must run inside a
 * transaction (see `inTransaction`): the append and the duplicate removal are two statements.
 *
 * Appending everything and then deleting the appended duplicates is faster than an anti-join
 * during the insert and a window over the select to drop repeats (bench/RESULTS.md, ingest).
 */
export async function appendNewEvents(store: Store, selectSql: string): Promise<InsertCounts> {
  const [{ n: before, maxRow }] = await store.query<{ n: number; maxRow: number | null }>(
    'SELECT count(*) AS n, max(rowid) AS "maxRow" FROM events',
  );
  // Row order in `events` does not matter, so DuckDB may write in parallel; FSST string compression
  // costs about 3x the rest of the write on 2 cores (bench/RESULTS.md, ingest), so it is off for ingest.
  await store.exec(`SET preserve_insertion_order = false; SET disabled_compression_methods = 'fsst'`);
  let rows: number;
  try {
    const r = await store.query<{ Count: number }>(`INSERT INTO events ${selectSql}`);
    rows = Number(r[0]?.Count ?? 0);
  } finally {
    await store.exec(`SET preserve_insertion_order = true; RESET disabled_compression_methods`);
  }
  // Rows appended by this statement have rowids past the previous maximum (inside the transaction
  // they are transaction-local, numbered from 2^55 up).
  const fresh = `rowid > ${maxRow ?? -1}`;
  let removed = 0;
  if (before > 0 && rows > 0) {
    const r = await store.query<{ Count: number }>(
      `DELETE FROM events WHERE ${fresh} AND event_id IN (SELECT event_id FROM events WHERE rowid <= ${maxRow})`,
    );
    removed += Number(r[0]?.Count ?? 0);
  }
  if (rows > 1) {
    // Distinct 64-bit hashes, not strings (cheaper to hash and compare). A hash collision can only make this
    // count too high, which runs the exact window below (it finds no repeat); never too low.
    const [{ repeats }] = await store.query<{ repeats: number }>(
      `SELECT count(*) - count(DISTINCT hash(event_id)) AS repeats FROM events WHERE ${fresh}`,
    );
    if (repeats > 0) {
      const r = await store.query<{ Count: number }>(`DELETE FROM events WHERE rowid IN (
        SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY event_id ORDER BY rowid) AS k FROM events WHERE ${fresh}) WHERE k > 1)`);
      removed += Number(r[0]?.Count ?? 0);
    }
  }
  return { rows, accepted: rows - removed, duplicates: removed };
}

/** Writes the provenance row of one source (call inside the transaction that inserted its events). */
export async function recordIngest(store: Store, p: Required<Provenance>, counts: InsertCounts): Promise<void> {
  await store.query(`INSERT INTO ingests VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?)`, [p.runId, p.source, counts.accepted, p.rejected, counts.duplicates]);
}

/**
 * The idempotent, atomic insert for any producer of events (file ingest, the HTTP API): the rows of
 * `selectSql` not stored yet, and their provenance row, in one transaction. Calls on one connection
 * must not overlap (DuckDB has one transaction per connection).
 */
export async function insertEvents(store: Store, selectSql: string, provenance: Provenance): Promise<InsertCounts> {
  return inTransaction(store, async () => {
    const counts = await appendNewEvents(store, selectSql);
    await recordIngest(store, { runId: provenance.runId ?? randomUUID(), source: provenance.source, rejected: provenance.rejected ?? 0 }, counts);
    return counts;
  });
}

/** How many event ids the store holds more than once (0 always: the invariant `appendNewEvents` keeps). */
export async function duplicateEventIds(store: Store): Promise<number> {
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) - count(DISTINCT event_id) AS n FROM events');
  return n;
}
