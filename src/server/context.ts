/** What every route shares: the data folder, keys, open workspaces, their ingest queues, jobs, limits and the log. */
import { KeyStore, type Principal } from './keys.js';
import { Workspaces, type Workspace } from './workspaces.js';
import { GroupCommitQueue } from './ingest/queue.js';
import { readAnalysisFieldsJson } from './analysis.js';
import { OVERVIEW_FIELDS } from './overview-fields.js';
import { buildMapper, DEFAULT_LIMITS, type IngestLimits, type MessageMapper } from './ingest/segment.js';
import { Jobs } from './jobs.js';

export type Log = (line: string) => void;

export interface ServerOptions {
  dataDir: string;
  limits?: Partial<IngestLimits>;
  /** One line per request and event (default: stderr). Keys never reach it. */
  log?: Log;
  /** Folder with the built dashboard (index.html); default: dashboard/dist beside the package. */
  dashboardDir?: string | null;
}

export interface OpenWorkspace extends Workspace {
  queue: GroupCommitQueue;
  mapper: MessageMapper;
}

export class ServerContext {
  readonly keys: KeyStore;
  readonly workspaces: Workspaces;
  readonly limits: IngestLimits;
  readonly jobs = new Jobs();
  readonly log: Log;
  private readonly extras = new Map<string, { queue: GroupCommitQueue; mapper: MessageMapper }>();
  ready = false;
  draining = false;
  /** Requests being handled now (graceful shutdown waits for them). */
  inflight = 0;

  constructor(readonly options: ServerOptions) {
    this.keys = new KeyStore(options.dataDir);
    this.workspaces = new Workspaces(options.dataDir);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  async workspace(name: string): Promise<OpenWorkspace> {
    const w = await this.workspaces.get(name);
    let x = this.extras.get(name);
    if (!x) {
      // Every 1M committed events, unless an analysis runs on the workspace, drop the blocks the checkpoints wrote from DuckDB's buffer pool (queue.ts trimCache).
      x = { queue: new GroupCommitQueue(w.ingest, undefined, { everyRows: 1_000_000, allowed: () => !this.jobs.isRunning(name) }), mapper: buildMapper(w.mapping) };
      this.extras.set(name, x);
    }
    return { ...w, ...x };
  }

  /** Opens the store of every workspace that has a key, so the service is ready when it listens. */
  async openAll(): Promise<string[]> {
    const names = this.keys.workspaces();
    for (const n of names) {
      const w = await this.workspace(n);
      await w.queue.prepare();
      // Parse each latest analysis and serialise the dashboard overview's fields now, not on the first dashboard visit (0.5 s for a 1M-customer one).
      try {
        readAnalysisFieldsJson(this.options.dataDir, n, OVERVIEW_FIELDS);
      } catch (e) {
        this.log(`workspace ${n}: its analysis result cannot be read: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    this.ready = true;
    return names;
  }

  /** Graceful stop: refuse new ingest, commit what was accepted, wait for jobs, close the stores. */
  async close(drainMs = 30_000): Promise<void> {
    this.draining = true;
    const until = Date.now() + drainMs;
    while (this.inflight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    for (const x of this.extras.values()) await x.queue.close();
    await this.jobs.waitAll();
    await this.workspaces.closeAll();
  }
}

export type AppEnv = { Variables: { principal: Principal; ctx: ServerContext } };
