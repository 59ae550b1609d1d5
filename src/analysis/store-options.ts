/**
 * DuckDB's memory limit for an analysis when SPIRAL_DUCKDB_MEMORY_LIMIT is not set. DuckDB's own
 * default (80% of RAM) lets its buffer pool keep what the network and funnel steps touched: at 10.8M
 * events `spiral analyze` peaked at 2.5–2.9 GiB. With 1 GB DuckDB spills instead and the whole
 * process (DuckDB + the JavaScript heap of the graph steps) stays under 2 GiB; results do not change.
 */
export const ANALYZE_MEMORY_LIMIT = '1GB';

/**
 * The store options of everything that runs the analysis: the CLI's analyze and the service's
 * workspace stores (their analyses run in the service, and several workspaces must not each claim
 * 80% of RAM).
 */
export function analysisStoreOptions(): { memoryLimit: string; retainMemory?: string } {
  return withMemoryLimit(ANALYZE_MEMORY_LIMIT, false);
}

/**
 * The store options of the commands that run the next-action step alone (segments, actions, customer):
 * the analysis' memory limit, and the memory DuckDB frees kept for reuse up to it (DuckDbOptions.retainMemory,
 * src/store/duckdb/allocator.ts).
 */
export function nextActionStoreOptions(): { memoryLimit: string; retainMemory?: string } {
  return withMemoryLimit(ANALYZE_MEMORY_LIMIT, true);
}

/** $SPIRAL_DUCKDB_MEMORY_LIMIT when set, else `fallback` (the store's own option would win over the variable); with `retain`, retainMemory too. */
function withMemoryLimit(fallback: string, retain: boolean): { memoryLimit: string; retainMemory?: string } {
  const memoryLimit = process.env.SPIRAL_DUCKDB_MEMORY_LIMIT ?? fallback;
  return retain ? { memoryLimit, retainMemory: memoryLimit } : { memoryLimit };
}

/**
 * DuckDB's memory limit for `spiral ingest` when SPIRAL_DUCKDB_MEMORY_LIMIT is not set. At DuckDB's
 * default (80% of RAM) ingesting 108M events peaked at 6.1 GiB (the dedup against the stored ids and
 * the insert hold what they read); at 4 GB it peaked at 4.3 GiB and took 82 s instead of 72 s. A
 * 10.8M-event file peaks at ~0.75 GiB and never reaches the limit.
 */
export const INGEST_MEMORY_LIMIT = '4GB';

/** The store options of `spiral ingest` on the embedded store. */
export function ingestStoreOptions(): { memoryLimit: string; retainMemory?: string } {
  return withMemoryLimit(INGEST_MEMORY_LIMIT, false);
}
