/**
 * DuckDB's client, @duckdb/node-api, loaded with `require`. It is CommonJS whose index re-exports
 * 181 files; imported from an ES module, Node scans every one of them with its CommonJS export lexer
 * to build the named exports, and required it does not: about 90 ms of CPU instead of 215 ms, paid
 * by every command that opens DuckDB. Types come from `import type`, which costs nothing at run time.
 */
import { createRequire } from 'node:module';

/**
 * DuckDB allocates through its own jemalloc, which gives freed pages back to the system after a short decay.
 * Every page given back costs a page fault when DuckDB reuses it, and on a virtual machine a fault is dear: here
 * (2026-12-07) 10–15 µs of CPU each, mostly system time. The next-action step at 10.8M events took ~0.95M faults.
 * With a 10 s decay (read by jemalloc when the library loads, so set before the require below) and the stores of
 * one-shot commands keeping what they free (DuckDbOptions.retainMemory), it took ~0.52M — about what its peak RSS
 * needs touched once — and, in alternating runs of its customer-table, behaviour and segment phases, 39 instead of
 * 46 CPU-s and 3–5 s less wall time; peak RSS rose by ~0.16 GiB. A user's own DUCKDB_JE_MALLOC_CONF wins.
 */
export const DUCKDB_JEMALLOC_CONF = 'dirty_decay_ms:10000,muzzy_decay_ms:10000';
process.env.DUCKDB_JE_MALLOC_CONF ??= DUCKDB_JEMALLOC_CONF;

export const { DuckDBInstance, DuckDBTypeId } = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
export type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;
export type DuckDBTypeId = import('@duckdb/node-api').DuckDBTypeId;
