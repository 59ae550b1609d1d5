/**
 * Workspaces: one embedded DuckDB store per workspace, `<data-dir>/<workspace>.duckdb`, so every
 * CLI command works on it with `--db` while the service is stopped (DuckDB locks the file).
 * The store is opened once; ingest commits on one connection, queries and analyses on others, so
 * a long analysis never sits inside an ingest transaction.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analysisStoreOptions } from '../analysis/store-options.js';
import { openDuckDb, type DuckDbStore } from '../store/duckdb/index.js';
import { parseMapping, type Mapping } from '../domain/mapping.js';
import { ApiError } from './errors.js';

/**
 * The WAL size at which a workspace store checkpoints (DuckDB's default is 16MB). A checkpoint
 * rewrites the events appended since the last one and, in DuckDB 1.5, appends to `events` wait
 * while it runs: every request in flight waits with them. At 16MB that was every ~55 group
 * commits, about 2% of the requests, which put the checkpoint in the p99 latency. At 64MB the
 * stalls are about four times rarer (each about four times longer), so under a steady load they fall
 * outside the 99th percentile, and the total checkpoint work is no larger. Crash recovery replays
 * at most this much WAL. $SPIRAL_SERVER_CHECKPOINT_THRESHOLD overrides it (e.g. for the benchmark's A/B).
 */
export const SERVER_CHECKPOINT_THRESHOLD = '64MB';

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Workspace names are file names: lower-case letters, digits, `-` and `_`, at most 63, no dots or slashes. */
export function isWorkspaceName(name: string): boolean {
  return NAME.test(name);
}

export class WorkspaceNameError extends Error {
  constructor(name: string) {
    super(`workspace "${name.slice(0, 80)}" is not a valid name (lower-case letters, digits, - and _, 1-63 characters, starting with a letter or digit)`);
    this.name = 'WorkspaceNameError';
  }
}

export function checkWorkspaceName(name: string): string {
  if (!isWorkspaceName(name)) throw new WorkspaceNameError(name);
  return name;
}

export const storePath = (dataDir: string, ws: string) => join(dataDir, `${checkWorkspaceName(ws)}.duckdb`);
export const mappingPath = (dataDir: string, ws: string) => join(dataDir, `${checkWorkspaceName(ws)}.mapping.json`);
export const analysisPath = (dataDir: string, ws: string) => join(dataDir, `${checkWorkspaceName(ws)}.analysis.json`);

export interface Workspace {
  name: string;
  /** The store itself: closing it closes the database. */
  store: DuckDbStore;
  /** Connection used only by the ingest queue's transactions. */
  ingest: DuckDbStore;
  /** Connection for the query API. */
  query: DuckDbStore;
  /** The workspace's own mapping (`<workspace>.mapping.json`), if it has one. */
  mapping: Mapping | null;
}

export class Workspaces {
  private readonly open = new Map<string, Promise<Workspace>>();

  constructor(readonly dataDir: string) {}

  /** Opens (once) and returns the workspace; the name must already be valid. */
  get(name: string): Promise<Workspace> {
    checkWorkspaceName(name);
    let w = this.open.get(name);
    if (!w) {
      w = this.openWorkspace(name);
      this.open.set(name, w);
      w.catch(() => this.open.delete(name));
    }
    return w;
  }

  private async openWorkspace(name: string): Promise<Workspace> {
    const mapping = readWorkspaceMapping(this.dataDir, name);
    let store: DuckDbStore;
    try {
      store = await openDuckDb(storePath(this.dataDir, name), {
        // the memory limit of the CLI's analyses: the service runs analyses on this store too
        ...analysisStoreOptions(),
        checkpointThreshold: process.env.SPIRAL_SERVER_CHECKPOINT_THRESHOLD || SERVER_CHECKPOINT_THRESHOLD,
      });
    } catch (e) {
      throw new ApiError(503, 'unavailable', `workspace ${name}: store cannot be opened (${(e as Error).message.split('\n')[0]})`);
    }
    return { name, store, ingest: await store.connect(), query: await store.connect(), mapping };
  }

  names(): string[] {
    return [...this.open.keys()];
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    for (const p of all) {
      const w = await p.catch(() => null);
      if (!w) continue;
      await w.ingest.close();
      await w.query.close();
      await w.store.close();
    }
  }
}

/** `<data-dir>/<workspace>.mapping.json`: the same mapping format as files, read when the workspace opens. */
export function readWorkspaceMapping(dataDir: string, name: string): Mapping | null {
  const path = mappingPath(dataDir, name);
  if (!existsSync(path)) return null;
  return parseMapping(JSON.parse(readFileSync(path, 'utf8')), path);
}
