/**
 * DuckDB's client, @duckdb/node-api, loaded with `require`. It is CommonJS whose index re-exports
 * 181 files; imported from an ES module, Node scans every one of them with its CommonJS export lexer
 * to build the named exports, and required it does not: about 90 ms of CPU instead of 215 ms, paid
 * by every command that opens DuckDB. Types come from `import type`, which costs nothing at run time.
 */
import { createRequire } from 'node:module';

// DUCKDB_JE_MALLOC_CONF (./allocator.ts) must be in the environment before this require: jemalloc reads it at load.
export const { DuckDBInstance, DuckDBTypeId } = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');
export type DuckDBInstance = import('@duckdb/node-api').DuckDBInstance;
export type DuckDBTypeId = import('@duckdb/node-api').DuckDBTypeId;
