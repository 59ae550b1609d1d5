/** What the A/B scripts share (bench/_facts-stmts.ts, bench/_actions-phases.ts, bench/_actions-recs-phases.ts). */
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { analysisStoreOptions, nextActionStoreOptions } from '../src/analysis/store-options.js';
import { usageSince } from './_process.js';

/**
 * Opens the store as `spiral actions` does (memory_limit $SPIRAL_DUCKDB_MEMORY_LIMIT, else 1GB, and the memory it
 * frees kept for reuse; NO_RETAIN=1 gives it back, as analyze does). `spiral actions` also sets jemalloc's decay
 * before DuckDB loads, which a script importing the store cannot: run it with
 * DUCKDB_JE_MALLOC_CONF=dirty_decay_ms:10000,muzzy_decay_ms:10000 (src/store/duckdb/allocator.ts) to measure that.
 * TRACE=1 prints every statement over TRACE_MIN CPU-µs (default 0.2 CPU-s; wall, CPU and page faults);
 * PRE='SET …' runs a statement first.
 */
export async function openTracedStore(db: string): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(db, process.env.NO_RETAIN === '1' ? analysisStoreOptions() : nextActionStoreOptions());
  if (process.env.TRACE) {
    for (const m of ['query', 'exec'] as const) {
      const f = (store[m] as (...a: unknown[]) => Promise<unknown>).bind(store);
      (store as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
        const u0 = process.resourceUsage(); const t0 = performance.now();
        const r = await f(...a);
        const { cpuUs, faults } = usageSince(u0);
        if (cpuUs > Number(process.env.TRACE_MIN ?? 2e5)) {
          console.error(`  ${(cpuUs / 1e6).toFixed(2)} CPU-s ${((performance.now() - t0) / 1000).toFixed(2)} s ${String(faults).padStart(7)} faults  ${String(a[0]).replace(/\s+/g, ' ').slice(0, 130)}`);
        }
        return r;
      };
    }
  }
  if (process.env.PRE) await store.exec(process.env.PRE);
  return store;
}

/**
 * Prints, per table, the rows of `<a>_<table>` missing from `<b>_<table>` and back (EXCEPT ALL both ways),
 * both row counts, and whether the two have the same columns with the same types in the same order.
 */

export async function compareTables(store: DuckDbStore, a: string, b: string, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    const [x] = await store.query<{ ab: number; ba: number; n: number; m: number }>(`SELECT
      (SELECT count(*) FROM (SELECT * FROM ${a}_${t} EXCEPT ALL SELECT * FROM ${b}_${t})) AS ab,
      (SELECT count(*) FROM (SELECT * FROM ${b}_${t} EXCEPT ALL SELECT * FROM ${a}_${t})) AS ba,
      (SELECT count(*) FROM ${a}_${t}) AS n, (SELECT count(*) FROM ${b}_${t}) AS m`);
    const columns = (name: string) => store.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${name}' ORDER BY ordinal_position`);
    const same = JSON.stringify(await columns(`${a}_${t}`)) === JSON.stringify(await columns(`${b}_${t}`));
    console.log(t, JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)), 'same columns+types:', same);
  }
}

/** Runs `f` and records its wall and CPU seconds (user + system of this process, DuckDB's threads included) as out[name]. */
export function cpuPhase(out: Record<string, unknown>): <T>(name: string, f: () => Promise<T>) => Promise<T> {
  return async (name, f) => {
    const u0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await f();
    const u = process.cpuUsage(u0);
    out[name] = { wall: +((performance.now() - t0) / 1000).toFixed(2), cpu: +((u.user + u.system) / 1e6).toFixed(2) };
    return r;
  };
}
