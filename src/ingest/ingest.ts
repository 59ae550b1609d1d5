/**
 * Ingest: files → mapping → the store's `events` table, all in SQL.
 *
 * Per file: one scan stages every record with its canonical values and the reason it is bad (or
 * null); good records go into `events` unless their event id is already there (idempotent); bad
 * ones go to the reject file with their physical line number. Where the source has no event id,
 * the id is md5(canonical content, occurrence number of that content within the file), so real
 * repeated rows (CDNOW has 215) are all kept and re-sending the file adds nothing.
 */
import { basename, join, resolve } from 'node:path';
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types.js';
import { MappingError, type Mapping } from '../domain/mapping.js';
import { ident, lit } from '../sql/quote.js';
import { buildMappedSelect, mappedColumns } from './fields.js';
import { linesFrom, openReader, openRepairReader, SourceError, type SourceReader } from './reader.js';
import { withCrashHook } from '../store/crash-hook.js';
import { appendNewEvents, inTransaction, recordIngest, type InsertCounts } from './insert.js';

export interface IngestOptions {
  /** Where rejected rows go (CSV: source,line,reason,raw). Written only when there are rejects. */
  rejectFile: string;
  /** Called as each file moves through its steps. */
  onProgress?: (p: { file: string; index: number; files: number; step: 'scan' | 'insert' | 'rejects' | 'done' }) => void;
}

export interface FileReport {
  source: string;
  format: string;
  /** Records read (good + bad), blank lines excluded. */
  rows: number;
  accepted: number;
  rejected: number;
  duplicates: number;
}

export interface IngestReport {
  files: FileReport[];
  accepted: number;
  rejected: number;
  duplicates: number;
  rejectFile: string | null;
  seconds: number;
  eventsInStore: number;
}

const REJECTS = 'spiral_rejects';
const STAGE = 'spiral_stage';

export async function ingestFiles(store: Store, files: string[], mapping: Mapping, opts: IngestOptions): Promise<IngestReport> {
  const t0 = performance.now();
  const db = withCrashHook(store);
  for (const f of files) checkInputFile(f);
  await db.exec(`CREATE OR REPLACE TEMP TABLE ${REJECTS} (source VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR)`);
  const reports: FileReport[] = [];
  const runId = randomUUID();
  for (let i = 0; i < files.length; i++) {
    const path = resolve(files[i]);
    const progress = (step: 'scan' | 'insert' | 'rejects' | 'done') =>
      opts.onProgress?.({ file: path, index: i, files: files.length, step });
    const tag = `${process.pid}_${i}`;
    let reader = await openReader(path, mapping, tag);
    let counts: FileCounts;
    let rejected: number;
    try {
      await checkColumns(db, reader, mapping);
      // One transaction per file holds its events and its provenance row (see commitFile).
      const provenance = { runId, source: basename(path) };
      const read = () => mapping.fields.event_id !== undefined
        ? ingestWithIds(db, reader, mapping, tag, progress, provenance)
        : ingestDerivingIds(db, reader, mapping, progress, provenance);
      // DuckDB's reader first; a file it reports damage in is rolled back and read again, exactly
      // (reader.ts, lines.ts), so the store never sees the first attempt.
      const fast = await read().catch((err: unknown) => {
        if (err instanceof ExactReadNeeded) return null;
        return reader.format === 'csv' || reader.format === 'ndjson' ? null : Promise.reject(err);
      });
      if (fast === null) {
        await db.exec(`DROP TABLE IF EXISTS ${STAGE}`);
        reader = await openRepairReader(db, reader, mapping, tag);
        counts = await read();
      } else counts = fast;
      progress('rejects');
      rejected = await collectRejects(db, reader, mapping, tag, counts.bad);
    } finally {
      await reader.dispose(db);
    }
    await db.exec(`DROP TABLE IF EXISTS ${STAGE}`);
    const { good, accepted } = counts;
    const rep: FileReport = {
      source: basename(path),
      format: reader.format,
      rows: good + rejected,
      accepted,
      rejected,
      duplicates: good - accepted,
    };
    reports.push(rep);
    progress('done');
  }
  const [{ n: totalRejected }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${REJECTS}`);
  let rejectFile: string | null = null;
  if (totalRejected > 0) {
    rejectFile = resolve(opts.rejectFile);
    await db.exec(
      `COPY (SELECT source, line, reason, raw FROM ${REJECTS} ORDER BY source, line NULLS LAST) TO ${lit(rejectFile)} (HEADER, DELIMITER ',', QUOTE '"')`,
    );
  } else {
    removeStaleRejectFile(opts.rejectFile);
  }
  await db.exec(`DROP TABLE ${REJECTS}`);
  const [{ n: eventsInStore }] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM events`);
  return {
    files: reports,
    accepted: sum(reports, 'accepted'),
    rejected: sum(reports, 'rejected'),
    duplicates: sum(reports, 'duplicates'),
    rejectFile,
    seconds: (performance.now() - t0) / 1000,
    eventsInStore,
  };
}

/** An input that is not a readable, non-empty regular file is refused before anything is read. */
export function checkInputFile(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new SourceError(`${file}: no such file`);
  }
  if (st.isDirectory()) {
    throw new SourceError(`${file}: is a directory; give its files one by one (e.g. ${join(file, '*.csv')}), each is then its own source`);
  }
  if (st.isFile() && st.size === 0) throw new SourceError(`${file}: the file is empty (0 bytes): nothing to ingest`);
}

/**
 * A run without rejects removes the reject file an earlier run left at the same path, so the file
 * on disk always belongs to the last run (whose summary says `rejectFile: null`). Only a regular
 * file that starts with the reject header is removed: never a device, never someone else's file.
 */
function removeStaleRejectFile(path: string): void {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return;
    fd = openSync(path, 'r');
    const head = Buffer.alloc(REJECT_HEADER.length);
    readSync(fd, head, 0, head.length, 0);
    if (head.toString('utf8') === REJECT_HEADER) rmSync(path);
  } catch {
    // no file there (or unreadable): nothing stale to remove
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const REJECT_HEADER = 'source,line,reason,raw\n';

function sum(rs: FileReport[], k: 'accepted' | 'rejected' | 'duplicates'): number {
  return rs.reduce((s, r) => s + r[k], 0);
}

/** Fails early, naming the field, when the mapping reads a column the file does not have. */
async function checkColumns(store: Store, reader: SourceReader, mapping: Mapping): Promise<void> {
  if (reader.format !== 'csv' && reader.format !== 'parquet') return;
  let cols: string[];
  if (reader.columns) {
    // CSV: the header line's names (read with the mapping's dialect, no sniffing)
    if (reader.columns.length === 0) throw new SourceError(`${reader.path}: the file is empty (no header line)`);
    cols = reader.columns;
  } else {
    try {
      const rows = await store.query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${reader.from}`);
      cols = rows.map((r) => r.column_name);
      reader.types = new Map(rows.map((r) => [r.column_name, r.column_type]));
    } catch (e) {
      throw new SourceError(`${reader.path}: cannot be read as ${reader.format}: ${firstLine((e as Error).message)}`);
    }
  }
  const missing = mappedColumns(mapping).filter((c) => !cols.includes(c));
  if (missing.length) {
    const where = Object.entries(mapping.fields)
      .filter(([, s]) => s !== undefined && missing.includes(typeof s === 'string' ? s : s.column ?? ''))
      .map(([f]) => `fields.${f}`);
    const props = (mapping.props ?? []).filter((p) => missing.includes(p)).map(() => 'props');
    throw new MappingError(
      `${[...where, ...props].join(', ')}: column ${missing.map((m) => `"${m}"`).join(', ')} is not in ${basename(reader.path)} (its columns: ${cols.join(', ')})`,
    );
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

interface FileCounts {
  /** Rows that passed every check. */
  good: number;
  /** Rows that failed a mapping check (DuckDB's own CSV rejects are counted separately). */
  bad: number;
  /** Good rows inserted (the rest were duplicates). */
  accepted: number;
  /** Whether `good + bad` came from counting the file's lines (so no separate check is needed). */
  counted?: boolean;
}

/** Thrown inside a file's transaction when DuckDB's reader may have misread the file: it rolls back. */
class ExactReadNeeded extends Error {}

type Progress = (step: 'scan' | 'insert' | 'rejects' | 'done') => void;

const eventColumns = (source: string) =>
  `s.eid, s.customer_id, s.ts, s.type, s.item_id, s.amount, s.quantity, s.peer_id, s.channel, s.rating, s.text, s.props, ${source}`;

/**
 * Appends the good rows of `select`, counts the file (`count`), and writes the provenance row, all
 * in one transaction: a crash anywhere before COMMIT leaves the store as it was. Rejects are
 * collected after the commit: a table created inside a transaction numbers its rows from 2^55, and
 * the reject lines come from row numbers (a crash there loses only the reject file, which the
 * re-run writes again).
 */
async function commitFile(
  store: Store, reader: SourceReader, select: string, provenance: FileProvenance,
  count: (inserted: number) => Promise<{ bad: number; counted: boolean }>,
): Promise<FileCounts> {
  return inTransaction(store, async () => {
    let ins: InsertCounts;
    try {
      ins = await appendNewEvents(store, select);
    } catch (err) {
      if ((err as Error).message.includes(EXACT_READ)) throw new ExactReadNeeded();
      throw new SourceError(`${reader.path}: ${firstLine((err as Error).message)}`);
    }
    const { bad, counted } = await count(ins.rows);
    const counts: FileCounts = { good: ins.rows, bad, accepted: ins.accepted, counted };
    if (await needsExactRead(store, reader, counts)) throw new ExactReadNeeded();
    await recordIngest(store, { ...provenance, rejected: bad + reader.notes.length }, ins);
    return counts;
  });
}

interface FileProvenance {
  runId: string;
  source: string;
}

/** The message of the SQL error that stops DuckDB's CSV reader at the first record it may have misread. */
const EXACT_READ = 'spiral: this file is read again by the exact reader';

/**
 * The source has event ids: append every good row straight from the file (one parallel scan, no
 * staging copy) and drop the appended duplicates (appendNewEvents), then count the file's records
 * with a bare scan (Parquet: its metadata) to know how many were bad. Rejects are staged, in file
 * order, only when there are some.
 *
 * A CSV file DuckDB reads needs no count: any record it may have misread stops the append with an
 * SQL error (EXACT_READ) and the file is read exactly. Such a record fails the mapping, or one of its
 * values holds a line break or a NUL byte (reader.ts, notOneLine): DuckDB's reader either stops at a
 * line that is not one record of the file's columns or reads a record that ran over lines, whose
 * line break is then in a value, so a file that passes has one record per non-blank physical line,
 * which is what counting its lines checked (at about three times this check's CPU time).
 */
async function ingestWithIds(
  store: Store, reader: SourceReader, mapping: Mapping, tag: string, progress: Progress, provenance: FileProvenance,
): Promise<FileCounts> {
  const source = lit(basename(reader.path));
  progress('insert');
  const oneLine = reader.format === 'csv' && !reader.exact && reader.notOneLine !== undefined;
  // Both conditions call error(), which DuckDB never pushes below a projection: a plain `reason IS NULL`
  // was pushed down into the scan with every check inlined, then the checked values were computed
  // again for the insert (Parquet: the mapping's CPU time 0.59 s vs 0.50 s per 3M events). The second
  // one never calls it (`reason IS NULL` is never null).
  const keep = oneLine
    ? `CASE WHEN reason IS NULL AND NOT spiral_not_one_line THEN true ELSE error(${lit(EXACT_READ)}) END`
    : `coalesce(reason IS NULL, error('unreachable'))`;
  const select = `SELECT ${eventColumns(source)}
      FROM (SELECT event_id AS eid, * EXCLUDE (event_id) FROM (${buildMappedSelect(reader, mapping, { notOneLine: oneLine })}) WHERE ${keep}) s`;
  const counts = await commitFile(store, reader, select, provenance, async (good) => {
    progress('scan');
    if (oneLine) return { bad: 0, counted: true };
    return { bad: (await countRecords(store, reader)) - good, counted: true };
  });
  // CSV and NDJSON with bad rows were read exactly (needsExactRead), so their reasons are staged then
  if (counts.bad > 0 && (reader.exact || (reader.format !== 'csv' && reader.format !== 'ndjson'))) await stage(store, reader, mapping, 'reason, raw');
  return counts;
}

/**
 * Records in the file (blank lines excluded). DuckDB's readers: the file's non-blank physical lines
 * (without the header), a bare scan; a file whose records are not one line each, or that has
 * rejects, is read again exactly, where records are counted. Parquet: from its metadata.
 */
async function countRecords(store: Store, reader: SourceReader): Promise<number> {
  let sql = `SELECT count(*) AS n FROM ${reader.from}`;
  const lines = !reader.exact && (reader.format === 'csv' || reader.format === 'ndjson');
  // A reader that leaves NUL bytes to this scan (reader.ts, nulChecked): one in any line sends the file to the exact reader.
  const nul = lines && reader.nulChecked ? `count(*) FILTER (WHERE contains(spiral_line, chr(0)))` : '0';
  if (lines) {
    // count(spiral_line): the non-empty lines (DuckDB's line reader gives an empty line as NULL), without
    // looking into them — a test on every line's content (trim, even a first-byte check) doubled this
    // scan's CPU time on the 10.8M-event bench file. A line of only spaces or tabs is a record here; when
    // the data reader disagrees, the counts differ and the file is read exactly, which rejects it as before.
    sql = `SELECT count(spiral_line) AS n, ${nul} AS nul FROM ${linesFrom(reader.dataPath)}`;
  } else if (reader.format === 'ndjson') sql += ` WHERE spiral_line IS NOT NULL AND trim(spiral_line) <> ''`;
  let n: number;
  try {
    let nuls: number | undefined;
    [{ n, nul: nuls }] = await store.query<{ n: number; nul?: number }>(sql);
    if (nuls) return -1; // NUL bytes: the counts can never match, so the file is read exactly
  } catch (err) {
    if (!lines) throw err;
    return -1; // bytes that are not UTF-8: the counts can never match, so the file is read exactly
  }
  return reader.format === 'csv' && reader.header && !reader.exact ? Math.max(0, n - 1) : n;
}

/**
 * Whether DuckDB's reader may have misread the file, so it must be read again exactly: some rows
 * failed the mapping (their physical lines are needed), or the file's physical lines are not its
 * records plus the line breaks inside their text. (A file DuckDB could not parse threw already.)
 */
async function needsExactRead(store: Store, reader: SourceReader, counts: FileCounts): Promise<boolean> {
  if (reader.exact || (reader.format !== 'csv' && reader.format !== 'ndjson')) return false;
  if (counts.bad !== 0) return true;
  if (counts.counted) return false; // ids path: every non-blank line was a good record
  const lines = await countRecords(store, reader);
  if (lines === counts.good) return false;
  // line breaks inside quoted text values (the derived-id path staged them)
  const [{ breaks }] = await store.query<{ breaks: number | null }>(
    `SELECT sum(length(text) - length(replace(text, chr(10), ''))) AS breaks FROM ${STAGE} WHERE reason IS NULL`,
  );
  return lines !== counts.good + (breaks ?? 0);
}

/**
 * No event ids in the source: stage every row (order kept), derive ids from content and the
 * occurrence number of that content, insert the good rows not stored yet.
 */
async function ingestDerivingIds(
  store: Store, reader: SourceReader, mapping: Mapping, progress: Progress, provenance: FileProvenance,
): Promise<FileCounts> {
  progress('scan');
  await stage(store, reader, mapping, '*');
  progress('insert');
  const source = lit(basename(reader.path));
  const content = `concat_ws(chr(31), ${CONTENT.map((c) => `coalesce(CAST(${ident(c)} AS VARCHAR), '')`).join(', ')})`;
  const select = `SELECT ${eventColumns(source)}
    FROM (SELECT md5(content || chr(31) || CAST(row_number() OVER (PARTITION BY content) AS VARCHAR)) AS eid, * EXCLUDE (content)
          FROM (SELECT ${content} AS content, * EXCLUDE (event_id) FROM ${STAGE} WHERE reason IS NULL)) s`;
  return commitFile(store, reader, select, provenance, async () => {
    const [{ bad }] = await store.query<{ bad: number }>(`SELECT count(*) FILTER (WHERE reason <> '(blank)') AS bad FROM ${STAGE}`);
    return { bad, counted: false };
  });
}

/** Materialises the mapped rows in source order (rowid = record index) for id derivation and reject lines. */
async function stage(store: Store, reader: SourceReader, mapping: Mapping, columns: string): Promise<void> {
  let cols = columns === 'reason, raw' && !reader.rawExpr ? 'reason' : columns;
  if (cols === 'reason, raw' && reader.exact) cols = 'reason, raw, spiral_start';
  const sql = `CREATE OR REPLACE TEMP TABLE ${STAGE} AS SELECT ${cols} FROM (${buildMappedSelect(reader, mapping)})`;
  try {
    await store.exec(sql);
  } catch (err) {
    throw new SourceError(`${reader.path}: ${firstLine((err as Error).message)}`);
  }
}

const CONTENT = ['customer_id', 'ts', 'type', 'item_id', 'amount', 'quantity', 'peer_id', 'channel', 'rating', 'text', 'props'];

/** Collects this file's rejects into the run's reject table; returns how many. */
async function collectRejects(store: Store, reader: SourceReader, _mapping: Mapping, _tag: string, staged: number): Promise<number> {
  const source = lit(basename(reader.path));
  for (const note of reader.notes) {
    await store.exec(`INSERT INTO ${REJECTS} VALUES (${source}, ${note.line}, ${lit(note.reason)}, '')`);
  }
  if (staged === 0) return reader.notes.length;
  if (reader.exact) {
    // CSV and NDJSON read exactly (lines.ts): each record knows its first physical line
    await store.exec(`INSERT INTO ${REJECTS}
      SELECT ${source}, spiral_start, reason, raw FROM ${STAGE} WHERE reason IS NOT NULL AND reason <> '(blank)'`);
  } else if (reader.format === 'parquet') {
    await store.exec(`INSERT INTO ${REJECTS}
      SELECT ${source}, s.k + 1, s.reason, CAST(to_json(t) AS VARCHAR)
      FROM (SELECT rowid AS k, reason FROM ${STAGE} WHERE reason IS NOT NULL) s
      JOIN read_parquet(${lit(reader.path)}, file_row_number=true) t ON t.file_row_number = s.k`);
  } else {
    // JSON array: the element's position.
    await store.exec(`INSERT INTO ${REJECTS}
      SELECT ${source}, rowid + 1, reason, raw FROM ${STAGE} WHERE reason IS NOT NULL AND reason <> '(blank)'`);
  }
  return staged + reader.notes.length;
}
