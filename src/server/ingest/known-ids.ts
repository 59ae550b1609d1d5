/**
 * Which event ids a workspace store may already hold: a Bloom filter over DuckDB's `hash(event_id)`
 * of every stored id, kept by the ingest queue (./queue.ts) beside the store.
 *
 * Why: the exact probe for stored ids (./insert.ts) is a scan of the whole `events.event_id` column —
 * Segment's messageIds are random UUIDs, so no zone map narrows it. On 6M stored UUIDs it took
 * ~125 ms per group commit on this machine, and it grows with the store: the service's throughput
 * and latency fell as the workspace grew. With the filter, a commit whose ids are all "certainly not
 * stored" (the usual case: new events) skips the probe; only the ids the filter cannot rule out — real
 * re-sends and rare false positives — are probed, exactly as before. The filter never says "not
 * stored" of a stored id, so nothing is stored twice.
 *
 * Sizing: k = 12 bit positions per id (double hashing of the 64-bit hash), 64 bits per id when built,
 * rebuilt from the store when the ids double (then 32 bits per id: false-positive rate ≤ 8.7e-7 per
 * id, 6.2e-10 just after a build). Memory is 8 bytes per stored id just after a build (80 MB for 10M
 * ids). Past MAX_BITS (512 MB of bits, ~67M ids) the filter is off and every commit probes.
 * A false positive costs a probe, and a probe of a random id scans every stored id (0.4–0.75 s and
 * ~700 MB of blocks at 35M ids): with 48 → 24 bits per id the rate reached 1.4e-5 before a rebuild,
 * a probe every 3 s at 25,000 events/s, and the 10-minute soak's memory grew with them
 * (bench/results/server-soak.md).
 */
import type { DuckDbStore } from '../../store/duckdb/index.js';

const K = 12;
const BUILD_BITS_PER_ID = 64;
const MIN_BITS_PER_ID = 32;
const MIN_BITS = 1 << 24;
const MAX_BITS = 2 ** 32 - 64;
/** Rows read per statement while building (500,000 made the server bench's p99 218 ms instead of 65: more, smaller scans beside the commits). */
const CHUNK = 2_000_000;
/** Ids set between two turns of the event loop while building (~10 ms). */
const SLICE = 200_000;

/** The two 32-bit halves of DuckDB's 64-bit hash of an id column `expr`, as SQL select items lo, hi. */
export const hashHalves = (expr: string) => `CAST(hash(${expr}) & 4294967295 AS UINTEGER) AS lo, CAST(hash(${expr}) >> 32 AS UINTEGER) AS hi`;

export class KnownIds {
  private readonly bits: Uint32Array;
  /** The ids added since startJournal (lo, hi pairs), or null. */
  private journal: number[] | null = null;
  /** @param m the filter's size in bits. */
  private constructor(private ids: number, private readonly m: number) {
    this.bits = new Uint32Array(Math.ceil(m / 32));
  }

  /** A filter of every id `events` holds, or null when the store is too large for one (the probe then runs on every commit). */
  static async build(store: DuckDbStore, stopped: () => boolean = () => false): Promise<KnownIds | null> {
    const [{ n, top }] = await store.query<{ n: number; top: number | null }>('SELECT count(*) AS n, max(rowid) AS top FROM events');
    const bits = Math.max(MIN_BITS, Number(n) * BUILD_BITS_PER_ID);
    if (bits > MAX_BITS) return null;
    const f = new KnownIds(Number(n), bits);
    for (let from = 0; top !== null && from <= Number(top); from += CHUNK) {
      if (stopped()) return null;
      const c = await store.queryColumns(`SELECT ${hashHalves('event_id')} FROM events WHERE rowid >= ${from} AND rowid < ${from + CHUNK}`);
      const lo = c.lo as number[];
      const hi = c.hi as number[];
      // in slices, giving the event loop back in between: a rebuild runs beside the service's requests
      for (let s = 0; s < lo.length; s += SLICE) {
        for (let i = s; i < Math.min(lo.length, s + SLICE); i++) f.set(lo[i], hi[i]);
        await new Promise((r) => setImmediate(r));
      }
    }
    return f;
  }

  /**
   * From now on, every id added is also recorded, for replayInto: while a bigger filter is built from the
   * store (on another connection, commits going on), the ids committed meanwhile must reach it too.
   */
  startJournal(): void {
    this.journal = [];
  }

  /** Adds the ids recorded since startJournal to `next` (a filter built meanwhile) and stops recording. */
  replayInto(next: KnownIds): void {
    const j = this.journal ?? [];
    for (let i = 0; i < j.length; i += 2) next.add(j[i], j[i + 1]);
    this.journal = null;
  }

  /** False: the id of this hash is certainly not stored. True: it may be. */
  mayHold(lo: number, hi: number): boolean {
    const step = (hi | 1) >>> 0;
    for (let i = 0; i < K; i++) {
      const b = (lo + i * step) % this.m;
      if ((this.bits[b >>> 5] & (1 << (b & 31))) === 0) return false;
    }
    return true;
  }

  /** Records a committed id (see `full` for when the filter must be rebuilt). */
  add(lo: number, hi: number): void {
    this.set(lo, hi);
    this.ids++;
    this.journal?.push(lo, hi);
  }

  /** The filter holds more ids than its size keeps accurate: rebuild it. */
  get full(): boolean {
    return this.ids * MIN_BITS_PER_ID > this.m;
  }

  /** The same K positions as mayHold (double hashing of the two halves), set. */
  private set(lo: number, hi: number): void {
    const step = (hi | 1) >>> 0;
    for (let i = 0; i < K; i++) {
      const b = (lo + i * step) % this.m;
      this.bits[b >>> 5] |= 1 << (b & 31);
    }
  }
}
