/**
 * Ingest: files → mapping → the store's `events` table, all in SQL.
 *
 * Per file: one scan stages every record with its canonical values and the reason it is bad (or
 * null); good records go into `events` unless their event id is already there (idempotent); bad
 * ones go to the reject file with their physical line number. Where the source has no event id,
 * the id is md5(canonical content, occurrence number of that content within the file), so real
 * repeated rows (CDNOW has 215) are all kept and re-sending the file adds nothing.
 */
import { basename, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/types.js';
import { MappingError, type Mapping } from '../domain/mapping.js';
import { ident, lit } from '../sql/quote.js';
import { buildMappedSelect, mappedColumns } from './fields.js';
import { linesFrom, openReader, openRepairReader, SourceError, type SourceReader } from './reader.js';

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
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${REJECTS} (source VARCHAR, line BIGINT, reason VARCHAR, raw VARCHAR)`);
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
      await checkColumns(store, reader, mapping);
      const read = () => mapping.fields.event_id !== undefined
        ? ingestWithIds(store, reader, mapping, tag, progress)
        : ingestDerivingIds(store, reader, mapping, progress);
      // DuckDB's reader first; a file it reports damage in is read again, exactly (reader.ts, lines.ts)
      const [{ mark }] = await store.query<{ mark: number | null }>('SELECT max(rowid) AS mark FROM events');
      const fast = await read().catch((err: unknown) => (reader.format === 'csv' || reader.format === 'ndjson' ? null : Promise.reject(err)));
      if (fast === null || await needsExactRead(store, reader, fast, tag)) {
        await store.exec(`DELETE FROM events WHERE rowid > ${mark ?? -1}`);
        await store.exec(`DROP TABLE IF EXISTS ${STAGE}`);
        reader = await openRepairReader(store, reader, mapping, tag);
        counts = await read();
      } else counts = fast;
      progress('rejects');
      rejected = await collectRejects(store, reader, mapping, tag, counts.bad);
    } finally {
      await reader.dispose(store);
    }
    await store.exec(`DROP TABLE IF EXISTS ${STAGE}`);
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
    await store.query(
      `INSERT INTO ingests VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?)`,
      [runId, rep.source, rep.accepted, rep.rejected, rep.duplicates],
    );
    progress('done');
  }
  const [{ n: totalRejected }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${REJECTS}`);
  let rejectFile: string | null = null;
  if (totalRejected > 0) {
    rejectFile = resolve(opts.rejectFile);
    await store.exec(
      `COPY (SELECT source, line, reason, raw FROM ${REJECTS} ORDER BY source, line NULLS LAST) TO ${lit(rejectFile)} (HEADER, DELIMITER ',', QUOTE '"')`,
    );
  }
  await store.exec(`DROP TABLE ${REJECTS}`);
  const [{ n: eventsInStore }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM events`);
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

type Progress = (step: 'scan' | 'insert' | 'rejects' | 'done') => void;

const eventColumns = (source: string) =>
  `s.eid, s.customer_id, s.ts, s.type, s.item_id, s.amount, s.quantity, s.peer_id, s.channel, s.rating, s.text, s.props, ${source}`;

/**
 * The source has event ids: append every good row straight from the file (one parallel scan, no
 * staging copy), then delete the appended rows whose id was already stored or repeats within the
 * file, and count the file's records with a bare scan (Parquet: its metadata) to know how many
 * were bad. Rejects are staged, in file order, only when there are some. Anti-joining during the
 * insert and a window over the file to drop repeats each cost more than the rest of the ingest.
 */
async function ingestWithIds(store: Store, reader: SourceReader, mapping: Mapping, tag: string, progress: Progress): Promise<FileCounts> {
  const source = lit(basename(reader.path));
  progress('insert');
  const [{ n: before, maxRow }] = await store.query<{ n: number; maxRow: number | null }>(
    'SELECT count(*) AS n, max(rowid) AS "maxRow" FROM events',
  );
  // Row order in `events` does not matter, so DuckDB may write in parallel; FSST string compression
  // costs about 3x the rest of the write on 2 cores (bench/RESULTS.md, ingest), so it is off for ingest.
  await store.exec(`SET preserve_insertion_order = false; SET disabled_compression_methods = 'fsst'`);
  let good: number;
  try {
    const rows = await store.query<{ Count: number }>(`INSERT INTO events
      SELECT ${eventColumns(source)}
      FROM (SELECT event_id AS eid, * EXCLUDE (event_id) FROM (${buildMappedSelect(reader, mapping)}) WHERE reason IS NULL) s`);
    good = Number(rows[0]?.Count ?? 0);
  } catch (err) {
    throw new SourceError(`${reader.path}: ${firstLine((err as Error).message)}`);
  } finally {
    await store.exec(`SET preserve_insertion_order = true; RESET disabled_compression_methods`);
  }
  // Rows appended by this statement have rowids past the previous maximum.
  const fresh = `rowid > ${maxRow ?? -1}`;
  let removed = 0;
  if (before > 0) {
    const r = await store.query<{ Count: number }>(
      `DELETE FROM events WHERE ${fresh} AND event_id IN (SELECT event_id FROM events WHERE rowid <= ${maxRow})`,
    );
    removed += Number(r[0]?.Count ?? 0);
  }
  const [{ repeats }] = await store.query<{ repeats: number }>(
    `SELECT count(*) - count(DISTINCT event_id) AS repeats FROM events WHERE ${fresh}`,
  );
  if (repeats > 0) {
    const r = await store.query<{ Count: number }>(`DELETE FROM events WHERE rowid IN (
      SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY event_id ORDER BY rowid) AS k FROM events WHERE ${fresh}) WHERE k > 1)`);
    removed += Number(r[0]?.Count ?? 0);
  }
  progress('scan');
  const total = await countRecords(store, reader, mapping, tag);
  const bad = total - good;
  if (bad > 0 && (reader.exact || (reader.format !== 'csv' && reader.format !== 'ndjson'))) await stage(store, reader, mapping, 'reason, raw');
  return { good, bad, accepted: good - removed, counted: true };
}

/**
 * Records in the file (blank lines excluded). DuckDB's readers: the file's non-blank physical lines
 * (without the header), a bare scan; a file whose records are not one line each, or that has
 * rejects, is read again exactly, where records are counted. Parquet: from its metadata.
 */
async function countRecords(store: Store, reader: SourceReader, _mapping: Mapping, _tag: string): Promise<number> {
  let sql = `SELECT count(*) AS n FROM ${reader.from}`;
  const lines = !reader.exact && (reader.format === 'csv' || reader.format === 'ndjson');
  if (lines) {
    sql = `SELECT count(*) FILTER (WHERE spiral_line IS NOT NULL AND trim(spiral_line, ' \t\r') <> '') AS n FROM ${linesFrom(reader.dataPath)}`;
  } else if (reader.format === 'ndjson') sql += ` WHERE spiral_line IS NOT NULL AND trim(spiral_line) <> ''`;
  let n: number;
  try {
    [{ n }] = await store.query<{ n: number }>(sql);
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
async function needsExactRead(store: Store, reader: SourceReader, counts: FileCounts, tag: string): Promise<boolean> {
  if (reader.exact || (reader.format !== 'csv' && reader.format !== 'ndjson')) return false;
  if (counts.bad !== 0) return true;
  if (counts.counted) return false; // ids path: every non-blank line was a good record
  const lines = await countRecords(store, reader, {} as Mapping, tag);
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
async function ingestDerivingIds(store: Store, reader: SourceReader, mapping: Mapping, progress: Progress): Promise<FileCounts> {
  progress('scan');
  await stage(store, reader, mapping, '*');
  progress('insert');
  const source = lit(basename(reader.path));
  const content = `concat_ws(chr(31), ${CONTENT.map((c) => `coalesce(CAST(${ident(c)} AS VARCHAR), '')`).join(', ')})`;
  const [c] = await store.query<{ good: number; bad: number }>(
    `SELECT count(*) FILTER (WHERE reason IS NULL) AS good, count(*) FILTER (WHERE reason <> '(blank)') AS bad FROM ${STAGE}`,
  );
  const inserted = await store.query<{ Count: number }>(`INSERT INTO events
    SELECT ${eventColumns(source)}
    FROM (SELECT md5(content || chr(31) || CAST(row_number() OVER (PARTITION BY content) AS VARCHAR)) AS eid, * EXCLUDE (content)
          FROM (SELECT ${content} AS content, * EXCLUDE (event_id) FROM ${STAGE} WHERE reason IS NULL)) s
    WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = s.eid)`);
  return { good: c.good, bad: c.bad, accepted: Number(inserted[0]?.Count ?? 0) };
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
