/**
 * Ingest into any engine. DuckDB: the file ingest as it is (ingest.ts). Postgres and ClickHouse:
 * the files are read, mapped and validated once by the same code, into a private in-memory DuckDB
 * (so the reject file, the derived event ids and the counts are exactly DuckDB's), and the mapped
 * rows are then bulk-loaded into the engine and deduplicated there against the ids it holds:
 *
 *   Postgres    COPY … FROM STDIN (CSV written by DuckDB) into a TEMP table, then
 *               INSERT … ON CONFLICT (event_id) DO NOTHING, with the provenance rows, in one
 *               transaction (events.event_id is the primary key).
 *   ClickHouse  a Parquet file written by DuckDB; into an empty store it is inserted as it is
 *               (nothing to deduplicate against); otherwise it is loaded into a TEMPORARY table,
 *               then an INSERT … WHERE event_id NOT IN (the stored ids): the explicit dedup step,
 *               so reads need no FINAL. ClickHouse has no multi-statement transaction: a crash
 *               between the insert and the provenance row loses only that row; re-running adds
 *               nothing.
 *
 * The per-file counts: `accepted` is what the engine added from that file; `duplicates` is the
 * rest of its good rows (repeats inside the run, or ids the engine already held).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../store/duckdb/index.js';
import type { Store } from '../store/types.js';
import type { Mapping } from '../domain/mapping.js';
import { lit } from '../sql/quote.js';
import { LOAD_TABLE, TABLES } from '../sql/tables.js';
import { timestampText } from '../sql/quote.js';
import { ingestFiles, type IngestOptions, type IngestReport } from './ingest.js';
import { EVENT_COLUMNS } from './insert.js';
import { PostgresStore } from '../store/postgres/index.js';
import { ClickHouseStoreBase } from '../store/clickhouse/common.js';
import { dialectOf } from '../sql/dialect.js';

type ProvenanceRow = {
  run_id: string;
  source: string;
  started_at: Date;
  accepted: number;
  rejected: number;
  duplicates: number;
};

/** Ingests `files` into the store, whatever its engine (see the header). */
export async function ingestToStore(store: Store, files: string[], mapping: Mapping, opts: IngestOptions): Promise<IngestReport> {
  if (store.dialect === 'duckdb') return ingestFiles(store, files, mapping, opts);
  const t0 = performance.now();
  const mem = await DuckDbStore.open(':memory:');
  const dir = mkdtempSync(join(tmpdir(), 'spiral-load-'));
  try {
    const local = await ingestFiles(mem, files, mapping, opts);
    const provenance = await mem.query<ProvenanceRow>(`SELECT * FROM ${TABLES.ingests} ORDER BY started_at, source`);
    const added = await loadInto(store, mem, dir, (fresh) => provenance.map((p) => {
      const accepted = fresh.get(p.source) ?? 0;
      return { ...p, accepted, duplicates: p.duplicates + (p.accepted - accepted) };
    }));
    const reports = local.files.map((f) => {
      const accepted = added.get(f.source) ?? 0;
      return { ...f, accepted, duplicates: f.duplicates + (f.accepted - accepted) };
    });
    const [{ n }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${TABLES.events}`);
    const total = (k: 'accepted' | 'duplicates') => reports.reduce((s, r) => s + r[k], 0);
    return {
      ...local,
      files: reports,
      accepted: total('accepted'),
      duplicates: total('duplicates'),
      eventsInStore: Number(n),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await mem.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The events columns as text-safe values for the transfer file (props as JSON text). */
const TRANSFER_SELECT = `SELECT ${EVENT_COLUMNS.map((c) => (c === 'props' ? 'CAST(props AS VARCHAR) AS props' : c)).join(', ')} FROM ${TABLES.events}`;

/**
 * Moves the mapped events of `mem` into `store`, keeping only ids it does not hold, and writes the
 * provenance rows `provenance(added per source)`; returns the rows added per source.
 */
async function loadInto(
  store: Store, mem: DuckDbStore, dir: string, provenance: (added: Map<string, number>) => ProvenanceRow[],
): Promise<Map<string, number>> {
  if (store instanceof PostgresStore) return loadIntoPostgres(store, mem, dir, provenance);
  if (store instanceof ClickHouseStoreBase) return loadIntoClickHouse(store, mem, dir, provenance);
  throw new Error(`ingest: no bulk load for the ${store.dialect} store ${store.location}`);
}

const bySource = (rows: { source: string | null; n: number }[]): Map<string, number> =>
  new Map(rows.map((r) => [r.source ?? '', Number(r.n)]));

const provenanceValues = (rows: ProvenanceRow[], quote: (s: string) => string): string =>
  rows.map((p) => `(${quote(p.run_id)}, ${quote(p.source)}, ${quote(timestampText(p.started_at))}, ${p.accepted}, ${p.rejected}, ${p.duplicates})`).join(', ');

async function loadIntoPostgres(
  store: PostgresStore, mem: DuckDbStore, dir: string, provenance: (added: Map<string, number>) => ProvenanceRow[],
): Promise<Map<string, number>> {
  const file = join(dir, 'events.csv');
  await mem.exec(`COPY (${TRANSFER_SELECT}) TO ${lit(file)} (FORMAT csv, HEADER false)`);
  await store.exec('BEGIN');
  try {
    await store.exec(`CREATE TEMP TABLE ${LOAD_TABLE} (LIKE ${TABLES.events}) ON COMMIT DROP`);
    await store.copyFromFile(`COPY ${LOAD_TABLE} (${EVENT_COLUMNS.join(', ')}) FROM STDIN (FORMAT csv)`, file);
    const added = bySource(await store.query<{ source: string | null; n: number }>(
      `WITH ins AS (INSERT INTO ${TABLES.events} (${EVENT_COLUMNS.join(', ')}) SELECT ${EVENT_COLUMNS.join(', ')} FROM ${LOAD_TABLE}
         ON CONFLICT (event_id) DO NOTHING RETURNING source)
       SELECT source, count(*) AS n FROM ins GROUP BY source`,
    ));
    const rows = provenance(added);
    if (rows.length) await store.exec(`INSERT INTO ${TABLES.ingests} VALUES ${provenanceValues(rows, lit)}`);
    await store.exec('COMMIT');
    // the next step reads events at once; autovacuum's analyse of the new rows may come minutes later
    for (const s of dialectOf(store).refreshStatistics(TABLES.events)) await store.exec(s);
    return added;
  } catch (e) {
    await store.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

async function loadIntoClickHouse(
  store: ClickHouseStoreBase, mem: DuckDbStore, dir: string, provenance: (added: Map<string, number>) => ProvenanceRow[],
): Promise<Map<string, number>> {
  const file = join(dir, 'events.parquet');
  await mem.exec(`COPY (${TRANSFER_SELECT}) TO ${lit(file)} (FORMAT parquet)`);
  const [{ held }] = await store.query<{ held: number }>(`SELECT count() > 0 AS held FROM ${TABLES.events}`);
  let added: Map<string, number>;
  if (!Number(held)) {
    // an empty store holds none of the ids (and the run's own repeats are already gone): the file
    // goes straight into events, streamed in blocks, without a copy in memory
    added = bySource(await mem.query<{ source: string | null; n: number }>(`SELECT source, count(*) AS n FROM ${TABLES.events} GROUP BY source`));
    await store.insertParquet(TABLES.events, file);
  } else {
    await store.exec(`DROP TEMPORARY TABLE IF EXISTS ${LOAD_TABLE}; CREATE TEMPORARY TABLE ${LOAD_TABLE} AS ${TABLES.events} ENGINE = Memory`);
    try {
      await store.insertParquet(LOAD_TABLE, file);
      const fresh = `FROM ${LOAD_TABLE} WHERE event_id NOT IN (SELECT event_id FROM ${TABLES.events})`;
      added = bySource(await store.query<{ source: string | null; n: number }>(`SELECT source, count() AS n ${fresh} GROUP BY source`));
      await store.exec(`INSERT INTO ${TABLES.events} SELECT * ${fresh}`);
    } finally {
      await store.exec(`DROP TEMPORARY TABLE IF EXISTS ${LOAD_TABLE}`);
    }
  }
  const rows = provenance(added);
  if (rows.length) await store.exec(`INSERT INTO ${TABLES.ingests} VALUES ${provenanceValues(rows, (s) => store.lit(s))}`);
  return added;
}
