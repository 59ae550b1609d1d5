/**
 * A ClickHouse server over HTTP (`--db clickhouse://user:password@host:8123/database`, or
 * clickhouses:// for HTTPS), through the official @clickhouse/client. A thin Store: the SQL is the
 * same as on chdb (src/sql/clickhouse.ts), which is what the conformance suite runs; no server is
 * available on the build machine, so this class itself is not exercised by the tests.
 * One session id per store, so TEMPORARY tables live as long as the store is open. A ClickHouse session
 * takes one query at a time ("Session is locked by a concurrent client"), so the store sends its requests
 * one after another even when callers overlap them (as the next-action step does).
 */
import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { StoreError } from '../types.js';
import { redact } from '../location.js';
import { CLICKHOUSE_SETTINGS, ClickHouseStoreBase, firstLine } from './common.js';

export class ClickHouseServerStore extends ClickHouseStoreBase {
  /** The last request sent: the next one waits for it (one query at a time per session). */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(readonly location: string, private readonly client: ClickHouseClient) {
    super();
  }

  /** Runs `f` after every request sent before it has ended (settled either way). */
  private inTurn<T>(f: () => Promise<T>): Promise<T> {
    const run = this.tail.then(f, f);
    this.tail = run.catch(() => undefined);
    return run;
  }

  static async open(url: string, database: string, opts: { readOnly?: boolean; cluster?: string } = {}): Promise<ClickHouseServerStore> {
    const location = redact(url);
    const u = new URL(url);
    const client = createClient({
      url: `${u.protocol === 'clickhouses:' ? 'https' : 'http'}://${u.hostname}:${u.port || (u.protocol === 'clickhouses:' ? '8443' : '8123')}`,
      username: decodeURIComponent(u.username) || 'default',
      password: decodeURIComponent(u.password),
      database,
      session_id: randomUUID(),
      request_timeout: 600_000,
      clickhouse_settings: CLICKHOUSE_SETTINGS as Record<string, never>,
    });
    try {
      const ping = await client.ping();
      if (!ping.success) throw ping.error;
      await client.query({ query: 'SELECT 1', format: 'JSONCompact' }).then((r) => r.text());
    } catch (e) {
      await client.close().catch(() => undefined);
      throw new StoreError(`cannot connect to ClickHouse at ${location}: ${firstLine(e)}`);
    }
    const store = new ClickHouseServerStore(location, client);
    if (!opts.readOnly) await store.ensureSchema(opts.cluster);
    return store;
  }

  protected runQuery(sql: string): Promise<string> {
    return this.inTurn(async () => (await this.client.query({ query: sql, format: 'JSONCompact' })).text());
  }

  protected async runCommand(sql: string): Promise<void> {
    await this.inTurn(() => this.client.command({ query: sql }));
  }

  async insertParquet(table: string, path: string): Promise<void> {
    try {
      await this.inTurn(() => this.client.insert({ table, values: createReadStream(path), format: 'Parquet' }));
    } catch (e) {
      throw new StoreError(`ClickHouse (${this.location}): ${firstLine(e)}`);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
