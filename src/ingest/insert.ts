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
import { lit, num } from '../sql/quote.js';

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
  /** The event ids added, when asked for with `returnIds` (small appends such as one HTTP group commit). */
  ids?: string[];
}

export interface AppendOptions {
  /** Values of the `?` placeholders in the select (e.g. the HTTP rows as one JSON parameter). */
  params?: readonly unknown[];
  /** Also return the event ids added (`InsertCounts.ids`): one more scan of the appended rows only. */
  returnIds?: boolean;
}

/** One row of the `ingests` provenance table, written in the same transaction as its events. */
export interface Provenance {
  runId?: string;
  source: string;
  rejected?: number;
  /**
   * Add the counts to this run's row for this source instead of writing a new row: for a producer
   * that commits many times in one run (the HTTP service commits once per group of requests). The
   * row's `started_at` then moves to the latest commit, so it stays "the latest ingest" that the
   * analysis' plausible-date window starts from (src/analysis/scope.ts).
   */
  accumulate?: boolean;
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
export async function appendNewEvents(store: Store, selectSql: string, opts: AppendOptions = {}): Promise<InsertCounts> {
  const [{ n: before, maxRow }] = await store.query<{ n: number; maxRow: number | null }>(
    'SELECT count(*) AS n, max(rowid) AS "maxRow" FROM events',
  );
  // Row order in `events` does not matter, so DuckDB may write in parallel; FSST string compression
  // costs about 3x the rest of the write on 2 cores (bench/RESULTS.md, ingest), so it is off for ingest.
  await store.exec(`SET preserve_insertion_order = false; SET disabled_compression_methods = 'fsst'`);
  let rows: number;
  try {
    const r = await store.query<{ Count: number }>(`INSERT INTO events ${selectSql}`, opts.params);
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
    // 64-bit hashes, not strings (cheaper to hash and compare), sorted and compared with their neighbour:
    // a sort of 10.8M hashes costs half the CPU of count(DISTINCT …)'s hash table (bench/results/ingest.md).
    // A hash collision can only make this count too high, which runs the exact window below (it finds no
    // repeat); never too low.
    const [{ repeats }] = await store.query<{ repeats: number }>(
      `SELECT count(*) FILTER (WHERE h = prev) AS repeats
       FROM (SELECT h, lag(h) OVER (ORDER BY h) AS prev FROM (SELECT hash(event_id) AS h FROM events WHERE ${fresh}))`,
    );
    if (repeats > 0) {
      const r = await store.query<{ Count: number }>(`DELETE FROM events WHERE rowid IN (
        SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY event_id ORDER BY rowid) AS k FROM events WHERE ${fresh}) WHERE k > 1)`);
      removed += Number(r[0]?.Count ?? 0);
    }
  }
  const counts: InsertCounts = { rows, accepted: rows - removed, duplicates: removed };
  if (opts.returnIds) {
    counts.ids = rows === 0 ? [] : (await store.query<{ event_id: string }>(`SELECT event_id FROM events WHERE ${fresh}`)).map((r) => r.event_id);
  }
  return counts;
}

/** The UPDATE that adds a commit's counts to an existing provenance row (recordIngest's accumulate; the HTTP group commit sends it with its COMMIT). */
export function accumulateIngestSql(p: { runId: string; source: string; rejected: number }, counts: InsertCounts): string {
  return `UPDATE ingests SET started_at = now()::TIMESTAMP, accepted = accepted + ${num(counts.accepted)}, rejected = rejected + ${num(p.rejected)},
    duplicates = duplicates + ${num(counts.duplicates)} WHERE run_id = ${lit(p.runId)} AND source = ${lit(p.source)}`;
}

/** Writes the provenance row of one source (call inside the transaction that inserted its events). */
export async function recordIngest(store: Store, p: Required<Omit<Provenance, 'accumulate'>> & Pick<Provenance, 'accumulate'>, counts: InsertCounts): Promise<void> {
  if (p.accumulate) {
    const [r] = await store.query<{ Count: number }>(accumulateIngestSql(p, counts));
    if (Number(r?.Count ?? 0) > 0) return;
  }
  await store.query(`INSERT INTO ingests VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?)`, [p.runId, p.source, counts.accepted, p.rejected, counts.duplicates]);
}

/**
 * The idempotent, atomic insert for any producer of events (file ingest, the HTTP API): the rows of
 * `selectSql` not stored yet, and their provenance row, in one transaction. Calls on one connection
 * must not overlap (DuckDB has one transaction per connection).
 */
export async function insertEvents(store: Store, selectSql: string, provenance: Provenance, opts: AppendOptions = {}): Promise<InsertCounts> {
  return inTransaction(store, async () => {
    const counts = await appendNewEvents(store, selectSql, opts);
    await recordIngest(store, { runId: provenance.runId ?? randomUUID(), source: provenance.source, rejected: provenance.rejected ?? 0, accumulate: provenance.accumulate }, counts);
    return counts;
  });
}

/** How many event ids the store holds more than once (0 always: the invariant `appendNewEvents` keeps). */
export async function duplicateEventIds(store: Store): Promise<number> {
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) - count(DISTINCT event_id) AS n FROM events');
  return n;
}
