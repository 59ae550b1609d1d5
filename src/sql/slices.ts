/**
 * Customer slices for the per-customer statements whose aggregate states DuckDB cannot spill.
 *
 * A GROUP BY customer_id whose states are lists, structs or strings (a customer's steps as a sorted
 * list, arg_max over a struct, a top-N) keeps every state in memory: it needs memory in proportion to
 * the events it reads, and at 108M events (10M customers) it failed under the analysis' 1 GB limit
 * ("Out of Memory Error: failed to allocate data of size 16.0 MiB"). On a store that large such a
 * statement runs once per slice of the customers (hash(customer_id) % n = i), each slice's rows
 * appended to one table; the rows are the same as one statement's, only their order in the table
 * differs (readers sort or aggregate). The number of slices follows DuckDB's memory limit: one per
 * EVENTS_PER_GIB events per GiB of limit, so at 10.8M events and 1 GB the statement runs once, as
 * before, and at 108M in ten slices. Other engines spill these aggregates themselves: one slice.
 */
import type { Store } from '../store/types.js';
import { dialectOf, replaceTableAs } from './dialect.js';

/**
 * Events per GiB of DuckDB memory limit one slice may read. The funnel's journeys (every customer's
 * steps as a list) ran at 1 GB on 10.8M events in one statement and on 108M in 12 slices (9M events
 * each), and failed in 8 (13.5M each).
 */
export const EVENTS_PER_GIB = 12_000_000;

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 };

/** Bytes of a DuckDB size setting ('953.6 MiB', '4GB'); null when it is not one. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?I?B)\s*$/i.exec(text);
  if (!m) return null;
  const unit = UNITS[m[2].toUpperCase()];
  return unit === undefined ? null : Number(m[1]) * unit;
}

/**
 * How many slices the per-customer statements over `events` events take on this store (≥ 1).
 * $SPIRAL_CUSTOMER_SLICES (a whole number ≥ 1) sets it on DuckDB, e.g. for a tighter machine.
 */
export async function customerSlices(store: Store, events: number): Promise<number> {
  if (store.dialect !== 'duckdb' || !(events > 0)) return 1;
  const forced = process.env.SPIRAL_CUSTOMER_SLICES;
  if (forced !== undefined && forced !== '') {
    const n = Number(forced);
    if (!Number.isInteger(n) || n < 1 || n > 4096) throw new Error(`SPIRAL_CUSTOMER_SLICES must be a whole number from 1 to 4096, got "${forced}"`);
    return n;
  }
  const [row] = await store.query<{ memory_limit: string }>(`SELECT current_setting('memory_limit') AS memory_limit`);
  const bytes = parseByteSize(String(row?.memory_limit ?? ''));
  if (bytes === null || bytes <= 0) return 1;
  return Math.max(1, Math.ceil(events / (EVENTS_PER_GIB * (bytes / 2 ** 30))));
}

/**
 * The condition "this row's customer is in the slice", to put where a statement reads the customers'
 * rows: TRUE with a comment naming the column, valid SQL that holds for every row (one slice: the statement runs
 * as written, on every engine); forSlice puts slice i's condition in its place.
 */
export const inSlice = (customerId: string): string => `(TRUE /*slice ${customerId}*/)`;

const MARK = /\(TRUE \/\*slice ([^*]+)\*\/\)/g;

/** Whether the statement marks where its customers are read (it may run in slices). */
export const isSliced = (sql: string): boolean => sql.search(MARK) >= 0;

/** The statement for slice i of n: each inSlice mark becomes hash(column) % n = i (unchanged for one slice). */
export function forSlice(store: Store, sql: string, i: number, n: number): string {
  if (n <= 1) return sql;
  return sql.replace(MARK, (_, col: string) => `(${dialectOf(store).hash64(col)} % ${n} = ${i})`);
}

/**
 * Replaces table `name` with the rows of `select` (marked with inSlice) over every slice: the first
 * slice creates the table, the others are inserted.
 */
export async function replaceTableSliced(store: Store, name: string, slices: number, select: string, o: { temp?: boolean } = {}): Promise<void> {
  await replaceTableAs(store, name, forSlice(store, select, 0, slices), o);
  for (let i = 1; i < slices; i++) await store.exec(`INSERT INTO ${name} ${forSlice(store, select, i, slices)}`);
}
