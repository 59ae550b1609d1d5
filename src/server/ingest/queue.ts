/**
 * Group commit: requests hand their rows to the workspace's queue and wait; the queue commits
 * whatever has arrived in one transaction (./insert.ts, the same atomic append as file ingest), then answers every request in it. While
 * a commit runs, new requests gather for the next one, so the commit rate adapts to the load and
 * each acknowledgement still means "committed". If a group's transaction fails, its requests are
 * retried one by one so a single poisoned batch cannot fail the others.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../store/duckdb/index.js';
import { lit } from '../../sql/quote.js';
import { insertNewEvents } from './insert.js';
import { KnownIds } from './known-ids.js';
import type { CanonicalRow } from './segment.js';

interface Pending {
  rows: CanonicalRow[];
  resolve: (inserted: number) => void;
  reject: (e: unknown) => void;
}

export interface QueueStats {
  commits: number;
  rows: number;
  /** Times the buffer pool was trimmed (trimCache). */
  trims: number;
  /** Probes of the store's ids that found none of them stored: the filter's false positives (each is followed by a trim). */
  falsePositiveProbes: number;
  /** Times a bigger filter of stored ids was swapped in (built beside the commits). */
  filterRebuilds: number;
}

export class QueueClosedError extends Error {
  constructor() {
    super('the service is shutting down');
    this.name = 'QueueClosedError';
  }
}

export class GroupCommitQueue {
  private pending: Pending[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  readonly stats: QueueStats = { commits: 0, rows: 0, trims: 0, falsePositiveProbes: 0, filterRebuilds: 0 };
  /** The provenance run of this queue: one `ingests` row (source "http") per queue, i.e. per service run and workspace. */
  readonly runId = randomUUID();

  /** The filter of the store's event ids (./known-ids.ts); null when the store is too large for one. */
  private known: Promise<KnownIds | null> | null = null;

  /**
   * A bigger filter being built from the store on a second connection while commits go on with the old
   * one (still correct, only less selective): `next` is undefined until the build ends (null: none, the
   * commits then probe), and the first commit after that swaps it in (see current()).
   */
  private rebuild: { old: KnownIds; next: KnownIds | null | undefined; stop: boolean; done: Promise<void> } | null = null;

  /**
   * Rows committed since the buffer pool was last trimmed (see trimCache). It starts full, and is filled again
   * when a rebuilt filter is swapped in: the next commit then drops the blocks the filter's scan of every
   * stored id left in the pool.
   */
  private sinceTrim = Number.POSITIVE_INFINITY;

  /**
   * @param maxRows rows per transaction at most (a larger backlog is committed in several).
   * @param trim when to drop the blocks checkpoints wrote from DuckDB's buffer pool (trimCache): every
   *   `everyRows` committed rows, if `allowed()` (the service: no analysis running on the workspace). 0: never.
   */
  constructor(
    private readonly store: DuckDbStore,
    private readonly maxRows = 50_000,
    private readonly trim: { everyRows: number; allowed: () => boolean } = { everyRows: 0, allowed: () => false },
  ) {}

  /**
   * Builds the filter of the ids the store holds (the service does this before it reports ready; the
   * first commit would otherwise). A filter that cannot be built means a probe on every commit, as
   * without one: slower, never wrong.
   */
  prepare(): Promise<KnownIds | null> {
    return (this.known ??= KnownIds.build(this.store).catch(() => null));
  }

  /**
   * The filter a commit uses: a finished rebuild is swapped in here, at the start of a commit (commits run
   * one at a time), after the ids the old filter recorded since the build began are added to it — so the
   * new filter holds every stored id: those the build read, and those committed while it ran.
   */
  private async current(): Promise<KnownIds | null> {
    const r = this.rebuild;
    if (r !== null && r.next !== undefined) {
      this.rebuild = null;
      if (r.next !== null) r.old.replayInto(r.next);
      this.known = Promise.resolve(r.next);
      this.stats.filterRebuilds++;
      this.sinceTrim = Number.POSITIVE_INFINITY;
    }
    return this.prepare();
  }

  private startRebuild(old: KnownIds): void {
    // recording starts before the build reads the store: an id committed from now on is in the journal, one
    // committed before is in what the build reads
    old.startJournal();
    const r: NonNullable<GroupCommitQueue['rebuild']> = { old, next: undefined, stop: false, done: Promise.resolve() };
    r.done = (async () => {
      let conn: DuckDbStore | null = null;
      try {
        conn = await this.store.connect();
        r.next = await KnownIds.build(conn, () => r.stop);
      } catch {
        r.next = null;
      } finally {
        await conn?.close().catch(() => undefined);
      }
    })();
    this.rebuild = r;
  }

  /** Resolves when no filter rebuild is running (tests; close() stops one). */
  async rebuilt(): Promise<void> {
    await this.rebuild?.done;
  }

  /** Commits the rows (with the rows of other requests that arrive meanwhile); resolves with how many were new. */
  submit(rows: CanonicalRow[]): Promise<number> {
    if (this.closed) return Promise.reject(new QueueClosedError());
    if (rows.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.kick();
    });
  }

  /**
   * Starts draining unless a drain runs. A request that arrives after a drain's last look at the queue
   * but before it has ended (a caller that submits again as soon as its answer comes, in the same turn
   * of the event loop) is picked up by the drain started when that one ends.
   */
  private kick(): void {
    if (this.running !== null || this.pending.length === 0) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Let requests that arrived in the same tick join the first group.
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const group: Pending[] = [];
      let n = 0;
      while (this.pending.length > 0 && (group.length === 0 || n + this.pending[0].rows.length <= this.maxRows)) {
        const p = this.pending.shift()!;
        group.push(p);
        n += p.rows.length;
      }
      await this.commit(group);
    }
  }

  private async commit(group: Pending[]): Promise<void> {
    try {
      const known = await this.current();
      // A probe that found none of its ids stored was the filter's false positives. Their rate grows steeply as the
      // store fills toward the next rebuild (to 8.7e-7 per id: one every ~46 s at 25,000 events/s; ./known-ids.ts),
      // and each probe's scan of every stored id leaves hundreds of MB of blocks in the pool (716 MB at 35M ids),
      // which the soak saw as growth: they are dropped at once. Probes of re-sent events keep their blocks (the next
      // re-send reads them again) until the periodic trim.
      let falsePositive = false;
      const inserted = await insertNewEvents(this.store, group.flatMap((p) => p.rows), this.runId, known, (probe) => {
        if (known !== null && probe.stored === 0) falsePositive = true;
      });
      if (falsePositive) {
        this.stats.falsePositiveProbes++;
        this.sinceTrim = Number.POSITIVE_INFINITY;
      }
      const stored = inserted.size;
      this.stats.commits++;
      this.stats.rows += stored;
      for (const p of group) {
        let k = 0;
        for (const r of p.rows) {
          // An id is credited to the first request that carried it.
          if (inserted.delete(r.event_id)) k++;
        }
        p.resolve(k);
      }
      // The ids doubled since the filter was built: build a bigger one beside the commits. (Built here,
      // between commits, it held the queue for ~35 s at 40M stored ids: bench/results/server-soak-20min.md.)
      if (known?.full && this.rebuild === null) this.startRebuild(known);
      this.sinceTrim += stored;
      // not while the filter is rebuilt: the lowered limit is the instance's, and would starve the build's scan
      if (this.trim.everyRows > 0 && this.sinceTrim >= this.trim.everyRows && this.trim.allowed() && this.rebuild === null) {
        this.sinceTrim = 0;
        await trimCache(this.store);
        this.stats.trims++;
      }
    } catch (e) {
      if (group.length === 1) {
        group[0].reject(e);
        return;
      }
      for (const p of group) await this.commit([p]);
    }
  }

  /** Refuses new requests and waits until every accepted one is committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    if (this.rebuild) {
      this.rebuild.stop = true;
      await this.rebuild.done;
    }
  }

  /** Resolves when nothing is pending or committing (requests are answered before their group's housekeeping ends). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

/** What trimCache leaves above the memory DuckDB holds for other things than cached table blocks. */
export const TRIM_HEADROOM = 32 * 2 ** 20;

/**
 * Drops the cached table blocks from DuckDB's buffer pool by lowering the store's memory limit for a
 * moment and setting it back. A checkpoint leaves the blocks it wrote in the pool (about 10 bytes per
 * appended event, bench/results/server-soak.md) until memory runs short, so an ingest-only service's
 * RSS rose with every event up to the memory limit. The blocks stay on disk; a query that needs them
 * reads them again. The lower limit is what DuckDB holds for everything but those blocks (appended
 * rows not checkpointed yet, transactions …) plus 32 MiB: a limit under that would make DuckDB
 * spill the uncheckpointed rows to temporary files or refuse the new limit, and refuse it before
 * evicting a single cached block. The limit set back is the store's own as it was given when the
 * store was opened (DuckDbStore.memoryLimit; reading it back from DuckDB rounds it to 0.1 MiB, which
 * repeated trims would compound), or DuckDB's default (RESET) when none was given. The limit is
 * instance-wide: a query running meanwhile on another connection could fail for want of memory, so
 * the service trims only when no analysis runs.
 */
export async function trimCache(store: DuckDbStore): Promise<void> {
  const [{ other }] = await store.query<{ other: number }>(
    `SELECT coalesce(sum(memory_usage_bytes) FILTER (WHERE tag <> 'BASE_TABLE'), 0)::DOUBLE AS other FROM duckdb_memory()`,
  );
  const to = Math.ceil((other + TRIM_HEADROOM) / 2 ** 20);
  try {
    await store.exec(`SET memory_limit = '${to}MiB'`);
  } catch {
    // more is pinned than the lower limit holds: nothing to trim now
  } finally {
    await store.exec(store.memoryLimit === null ? 'RESET memory_limit' : `SET memory_limit = ${lit(store.memoryLimit)}`);
  }
}
