/**
 * How DuckDB's allocator treats freed memory, chosen per process before the library loads.
 *
 * DuckDB allocates through its own jemalloc, which gives freed pages back to the system after a short decay (and
 * after any task that peaked above allocator_flush_threshold). Every page given back costs a page fault when
 * DuckDB reuses it, and on a virtual machine a fault is dear: here (2026-12-07) 10–15 µs of CPU each, mostly
 * system time. The next-action step at 10.8M events took ~0.95M faults. Keeping what it frees — jemalloc's decay
 * at 10 s (DUCKDB_JE_MALLOC_CONF, read when the library loads) and the store's block allocator and flush threshold
 * at the memory limit (DuckDbOptions.retainMemory) — it took ~0.52M, about what its peak RSS needs touched once,
 * and in alternating runs of its customer-table, behaviour and segment phases 39 instead of 46 CPU-s, 3–5 s less
 * wall time; its peak RSS rose by ~0.16 GiB (1.6 GiB).
 *
 * Only the commands that run the next-action step alone keep freed memory (src/cli/program.ts): `spiral analyze`
 * holds the network's graph and the funnel's per-customer lists (which do not spill) beside DuckDB, and kept
 * memory took its peak RSS from ~1.95 to 2.3–2.55 GiB, over its 2 GiB budget; the service's workspaces stay open.
 */
export const DUCKDB_JEMALLOC_CONF = 'dirty_decay_ms:10000,muzzy_decay_ms:10000';

/**
 * Sets jemalloc's longer decay for this process (a user's own DUCKDB_JE_MALLOC_CONF wins). Has an effect only
 * before @duckdb/node-api is first loaded (./node-api.ts): jemalloc reads the variable once, at load.
 */
export function keepFreedMemory(): void {
  process.env.DUCKDB_JE_MALLOC_CONF ??= DUCKDB_JEMALLOC_CONF;
}
