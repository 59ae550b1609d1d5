/**
 * PostgreSQL as the store: one client connection (TEMP tables and transactions belong to it), the
 * events table keyed by event_id (ingest appends with ON CONFLICT DO NOTHING, src/ingest/engines.ts).
 * Values come back as DuckDB gives them: BIGINT and NUMERIC as numbers, TIMESTAMP as a UTC Date.
 */
import pg from 'pg';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { StoreError, type Row, type Store } from '../types.js';
import { replacePlaceholders } from '../../sql/statements.js';
import { redact } from '../location.js';

const { Client, types } = pg;

/** Timestamps are stored without zone and mean UTC (as in DuckDB). */
const utc = (s: string): Date => new Date(`${s.replace(' ', 'T')}Z`);
const asNumber = (s: string): number | string => {
  const n = Number(s);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(s) ? n : s;
};

const TYPE_PARSERS: Record<number, (s: string) => unknown> = {
  20: asNumber, // int8
  1700: asNumber, // numeric (sum of integers)
  1114: utc, // timestamp
  1184: (s) => new Date(s), // timestamptz
  1082: (s) => new Date(`${s}T00:00:00Z`), // date
};

export const POSTGRES_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS events (
  event_id    TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  ts          TIMESTAMP NOT NULL,
  type        TEXT NOT NULL,
  item_id     TEXT,
  amount      DOUBLE PRECISION,
  quantity    DOUBLE PRECISION,
  peer_id     TEXT,
  channel     TEXT,
  rating      DOUBLE PRECISION,
  text        TEXT,
  props       JSON,
  source      TEXT
)`,
  'CREATE INDEX IF NOT EXISTS events_customer_ts ON events (customer_id, ts)',
  `CREATE TABLE IF NOT EXISTS ingests (
  run_id      TEXT NOT NULL,
  source      TEXT NOT NULL,
  started_at  TIMESTAMP NOT NULL,
  accepted    BIGINT NOT NULL,
  rejected    BIGINT NOT NULL,
  duplicates  BIGINT NOT NULL
)`,
];

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  private constructor(readonly location: string, readonly client: pg.Client) {}

  /** Connects (a failure names the location, password redacted) and creates the tables unless read-only. */
  static async open(url: string, opts: { readOnly?: boolean } = {}): Promise<PostgresStore> {
    const location = redact(url);
    const client = new Client({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      types: { getTypeParser: ((oid: number, format?: string) => TYPE_PARSERS[oid] ?? types.getTypeParser(oid, format as 'text')) as typeof types.getTypeParser },
    });
    client.on('error', () => {
      // a dropped connection surfaces on the next query as a StoreError
    });
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw new StoreError(`cannot connect to Postgres at ${location}: ${connectionReason(e)}`);
    }
    const store = new PostgresStore(location, client);
    await store.exec("SET TIME ZONE 'UTC'; SET client_min_messages = warning");
    if (!opts.readOnly) for (const ddl of POSTGRES_SCHEMA) await store.exec(ddl);
    return store;
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const text = params.length ? replacePlaceholders(sql, params.length, (i) => `$${i + 1}`) : sql;
    try {
      const r = await this.client.query(text, params.length ? (params as unknown[]) : undefined);
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return (last?.rows ?? []) as T[];
    } catch (e) {
      throw new StoreError(`Postgres (${this.location}): ${(e as Error).message}`, sql);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.client.query(sql);
    } catch (e) {
      throw new StoreError(`Postgres (${this.location}): ${(e as Error).message}`, sql);
    }
  }

  /** Streams a file into `COPY … FROM STDIN` (the bulk load; the file is the caller's, e.g. CSV). */
  async copyFromFile(copySql: string, path: string): Promise<void> {
    try {
      await pipeline(createReadStream(path), this.client.query(copyFrom(copySql)));
    } catch (e) {
      throw new StoreError(`Postgres (${this.location}): ${(e as Error).message}`, copySql);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** The driver's reason, in words a user can act on (never the password, never a stack). */
export function connectionReason(e: unknown): string {
  const err = e as { code?: string; message?: string };
  switch (err.code) {
    case 'ECONNREFUSED': return 'connection refused (is the server running, and on that port?)';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'unknown host';
    case 'ETIMEDOUT': return 'the connection timed out';
    case '28P01': return 'password authentication failed (wrong user or password)';
    case '28000': return 'the server refused the user (pg_hba.conf or unknown role)';
    case '3D000': return `${err.message ?? 'the database does not exist'}`;
    default: return (err.message ?? String(e)).split('\n')[0];
  }
}
