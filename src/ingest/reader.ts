/**
 * Source readers: the SQL table function that reads a file inside DuckDB (CSV/TSV, Parquet,
 * NDJSON/JSON, gzipped too). No row of the file passes through JavaScript.
 *
 * CSV is read with the dialect the mapping states (delimiter, quote, header) and the column names of
 * the header line, never with DuckDB's sniffer, so damage can never make a whole file unreadable.
 * That fast reader is DuckDB's own; when it reports anything wrong with a file, ingest re-reads the
 * file with the exact reader (`openRepairReader`, lines.ts), which keeps damage to its line.
 * Gzipped CSV and NDJSON are inflated to a temporary file first: a truncated gzip keeps what was
 * readable, and the break is reported as a reject at the line where the data ends.
 */
import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import type { Mapping } from '../domain/mapping.js';
import type { Store } from '../store/types.js';
import { ident, lit } from '../sql/quote.js';
import { buildMappedSelect, mappedColumns } from './fields.js';
import { buildRepairTable, dropRepairTables, recordsTable, type Dialect } from './lines.js';

export type SourceFormat = 'csv' | 'parquet' | 'ndjson' | 'json-array';

export interface SourceReader {
  path: string;
  format: SourceFormat;
  /** Whether the file's first line is a header (CSV only). */
  header: boolean;
  /** A SQL FROM-clause item producing one row per record, every column readable by name. */
  from: string;
  /** How a mapped column is read: CSV and Parquet by name, JSON by path into the parsed object `j`. */
  column(name: string): string;
  /** For NDJSON: the raw line text column (for reject `raw`). */
  rawExpr: string | null;
  /** Column types when the source has them (Parquet); typed columns skip the text round trip. */
  types?: ReadonlyMap<string, string>;
  /** The file DuckDB reads: `path`, or its inflated copy for gzipped text. */
  dataPath: string;
  /** CSV: the column names (the header line's, or `source.columns`). */
  columns?: string[];
  /** The exact reader (lines.ts): each record knows its physical line (`spiral_start`) and its parse problem. */
  exact?: boolean;
  /** A reason computed before the mapping (the exact reader's parse problem), or null. */
  errorExpr?: string;
  /** Columns of `from` carried unchanged into the mapped rows (the exact reader's line numbers). */
  passthrough?: string[];
  /** NUL bytes are looked for in whole lines (ingest.ts, countRecords), not per field in the mapping. */
  nulChecked?: boolean;
  /**
   * An empty value, quoted or not, is already NULL (DuckDB's CSV reader: nullstr '' with
   * allow_quoted_nulls), so the mapping needs no NULLIF per field.
   */
  emptyIsNull?: boolean;
  /**
   * DuckDB's CSV reader: a condition over `from`'s columns that is true when a record is not one clean
   * physical line — one of its values holds a line break (a quoted field ran over lines) or a NUL byte.
   * It stands in for counting the file's lines (ingest.ts, ingestWithIds).
   */
  notOneLine?: string;
  /** Damage found outside any record (a truncated gzip): reported as rejects of their own. */
  notes: { line: number; reason: string }[];
  /** Removes the temporary files and tables of this reader. */
  dispose(store: Store): Promise<void>;
}

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

const isGzip = (path: string) => /\.(gz|gzip)$/i.test(path);

/** The file's format: from its extension (.csv/.tsv/.txt, .parquet, .json/.jsonl/.ndjson, .gz too), else the mapping's `source.format`, else CSV. */
export function detectFormat(path: string, mapping: Mapping): SourceFormat {
  const lower = path.toLowerCase().replace(/\.(gz|gzip|zst)$/, '');
  const byExtension = lower.endsWith('.parquet') ? 'parquet'
    : /\.(json|jsonl|ndjson)$/.test(lower) ? 'json'
    : /\.(csv|tsv|txt)$/.test(lower) ? 'csv'
    : undefined;
  const format = byExtension ?? mapping.source?.format ?? 'csv';
  if (format === 'json') return firstNonSpaceChar(path) === '[' ? 'json-array' : 'ndjson';
  return format;
}

function firstNonSpaceChar(path: string): string | null {
  const m = /\S/.exec(headText(path).toString('utf8'));
  return m ? m[0] : null;
}

/** Up to 1 MiB of the file's text (inflated when gzipped; as much as can be inflated when damaged). */
function headText(path: string): Buffer {
  const raw = readHead(path, 1 << 20);
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return Buffer.alloc(0);
    }
  }
  return raw;
}

function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = Math.min(bytes, statSync(path).size);
    const buf = Buffer.alloc(size);
    readSync(fd, buf, 0, size, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

export function csvDelimiter(path: string, mapping: Mapping): string {
  if (mapping.source?.delimiter) return mapping.source.delimiter;
  return /\.tsv(\.gz)?$/i.test(path) ? '\t' : ',';
}

/** The header line's fields (quotes as RFC 4180), and whether lines end in CRLF. */
export function readHeader(dataPath: string, delimiter: string, quote: string): { names: string[]; crlf: boolean } {
  const head = headText(dataPath);
  const end = head.indexOf(0x0a);
  let line = head.toString('utf8', 0, end < 0 ? head.length : end);
  const crlf = line.endsWith('\r');
  if (crlf) line = line.slice(0, -1);
  if (line.length === 0) return { names: [], crlf };
  const names: string[] = [];
  let i = 0;
  for (;;) {
    let value = '';
    if (line[i] === quote) {
      i++;
      for (; i < line.length; i++) {
        if (line[i] === quote) {
          if (line[i + 1] === quote) { value += quote; i++; } else { i++; break; }
        } else value += line[i];
      }
    }
    const next = line.indexOf(delimiter, i);
    value += line.slice(i, next < 0 ? line.length : next);
    names.push(value.trim() === '' ? `column${names.length}` : value);
    if (next < 0) break;
    i = next + delimiter.length;
  }
  // repeated names get a suffix, as DuckDB's sniffer does
  const seen = new Map<string, number>();
  return {
    names: names.map((n) => {
      const k = seen.get(n) ?? 0;
      seen.set(n, k + 1);
      return k === 0 ? n : `${n}_${k}`;
    }),
    crlf,
  };
}

/**
 * Lines of up to 16 MiB, read in 32 MiB buffers. DuckDB's buffers are 16 times max_line_size unless
 * told otherwise: 256 MiB each here, which cost the 10.8M-event bench file's scan ~400 MiB of peak RSS
 * and a quarter of its CPU time (page faults); 32 MiB is DuckDB's own buffer size for its default
 * 2 MiB lines (it must be at least max_line_size).
 */
const LINE_BUFFERS = 'max_line_size=16777216, buffer_size=33554432';

/**
 * The read_csv options Spiral always uses: the stated dialect, the known columns, every column as
 * text (so bad values become reasons, not crashes), no sniffing, and no error tolerance: DuckDB's
 * own error handling (ignore_errors, store_rejects) loses rows or fails internally on damaged files
 * (DuckDB 1.5), so a file DuckDB cannot read in full is read by the exact reader instead.
 */
export function csvOptions(reader: { dataPath: string; columns: string[]; header: boolean; crlf: boolean }, mapping: Mapping): string {
  const quote = mapping.source?.quote ?? '"';
  return [
    `header=${reader.header}`,
    'auto_detect=false',
    `columns={${reader.columns.map((c) => `${lit(c)}: 'VARCHAR'`).join(', ')}}`,
    `delim=${lit(csvDelimiter(reader.dataPath, mapping))}`,
    `quote=${lit(quote)}`,
    `escape=${lit(quote)}`,
    `new_line=${reader.crlf ? "'\\r\\n'" : "'\\n'"}`,
    'null_padding=false',
    // an empty value, quoted ("") or not, is NULL (SourceReader.emptyIsNull)
    "nullstr=''",
    'allow_quoted_nulls=true',
    LINE_BUFFERS,
  ].join(', ');
}

/** Every physical line as one text column (no quoting): for counting lines and reading NDJSON. Fails on bytes that are not UTF-8. */
export function linesFrom(dataPath: string): string {
  return `read_csv(${lit(dataPath)}, header=false, auto_detect=false, columns={'spiral_line':'VARCHAR'}, delim=E'\\x01', quote='', escape='', strict_mode=false, ${LINE_BUFFERS})`;
}

/** Opens a file with the fast reader (DuckDB's own CSV and JSON readers). */
export async function openReader(path: string, mapping: Mapping, tag: string): Promise<SourceReader> {
  if (!existsSync(path)) throw new SourceError(`${path}: no such file`);
  const format = detectFormat(path, mapping);
  const base = { path, dataPath: path, notes: [] as { line: number; reason: string }[], dispose: async () => {} };
  if (format === 'parquet') {
    return {
      ...base, format, header: false, rawExpr: null,
      from: `read_parquet(${lit(path)})`,
      column: (name) => ident(name),
    };
  }
  if (format === 'json-array') {
    return {
      ...base, format, header: false, rawExpr: 'CAST(j AS VARCHAR)',
      from: `(SELECT json(t) AS j FROM read_json(${lit(path)}, format='array', records=false) t(t))`,
      column: (name) => jsonColumn(name),
    };
  }
  const inflated = isGzip(path) ? await inflateToTemp(path) : null;
  const dataPath = inflated?.file ?? path;
  const notes = inflated?.note ? [inflated.note] : [];
  const dispose = async (store: Store) => {
    await dropRepairTables(store, tag);
    if (inflated) rmSync(inflated.dir, { recursive: true, force: true });
  };
  if (format === 'ndjson') {
    // One physical line per record: read lines as text, parse JSON in SQL, so a bad line is a reject with its line number.
    return {
      ...base, dataPath, notes, dispose, format, header: false, rawExpr: 'spiral_line',
      from: `(SELECT spiral_line, CASE WHEN json_valid(spiral_line) THEN json(spiral_line) END AS j FROM ${linesFrom(dataPath)})`,
      column: (name) => jsonColumn(name),
    };
  }
  const delimiter = csvDelimiter(path, mapping);
  const quote = mapping.source?.quote ?? '"';
  const header = mapping.source?.header ?? true;
  const found = readHeader(dataPath, delimiter, quote);
  const columns = mapping.source?.columns ?? found.names;
  const spec = { dataPath, columns, header, crlf: found.crlf };
  // Every column is read: on a damaged file DuckDB 1.5 then fails with an ordinary error; with
  // columns pruned it can fail with an INTERNAL error that invalidates the whole database. The
  // mapped columns are read by the mapping anyway; an always-true filter over the others keeps
  // DuckDB from pruning them (over every column it cost ~15% of the read, bench/results/ingest.md).
  const mapped = new Set(mappedColumns(mapping));
  const unread = columns.filter((c) => !mapped.has(c));
  const csv = `read_csv(${lit(dataPath)}, ${csvOptions(spec, mapping)})`;
  // every value of the record at once: one concat and two byte searches cost less than a search per value
  const all = `concat(${columns.map(ident).join(', ')})`;
  return {
    ...base, dataPath, notes, dispose, format, header, rawExpr: null, columns, nulChecked: true, emptyIsNull: true,
    notOneLine: `(contains(${all}, chr(10)) OR contains(${all}, chr(0)))`,
    from: unread.length === 0 ? csv
      : `(SELECT * FROM ${csv} WHERE ${unread.map((c) => `coalesce(strlen(${ident(c)}), 0)`).join(' + ')} >= 0)`,
    column: (name) => ident(name),
  };
}

/**
 * The exact reader of a CSV or NDJSON file (lines.ts): builds its record table and returns a reader
 * over it whose rows carry their physical line, raw text and parse problem.
 */
export async function openRepairReader(store: Store, fast: SourceReader, mapping: Mapping, tag: string): Promise<SourceReader> {
  const records = recordsTable(tag);
  const passthrough = ['spiral_start', 'spiral_last'];
  if (fast.format === 'ndjson') {
    const reader: SourceReader = {
      ...fast, exact: true, nulChecked: false, rawExpr: 'spiral_raw', errorExpr: 'spiral_perr', passthrough,
      from: `(SELECT spiral_start, spiral_last, spiral_raw, spiral_perr, spiral_value AS spiral_line,
        CASE WHEN spiral_perr IS NULL AND json_valid(spiral_value) THEN json(spiral_value) END AS j FROM ${records})`,
    };
    await buildRepairTable(store, fast.dataPath, tag, { delimiter: '\x01', quote: '"', header: false }, '');
    return reader;
  }
  if (fast.format !== 'csv') throw new SourceError(`${fast.path}: only CSV and NDJSON files are re-read line by line`);
  const columns = fast.columns ?? [];
  const index = new Map(columns.map((c, i) => [c, i + 1]));
  const dialect: Dialect = {
    delimiter: csvDelimiter(fast.path, mapping),
    quote: mapping.source?.quote ?? '"',
    header: fast.header,
    columns: columns.length,
  };
  const reader: SourceReader = {
    ...fast, exact: true, nulChecked: false, emptyIsNull: false, rawExpr: 'spiral_raw', errorExpr: 'spiral_perr', passthrough,
    from: `(SELECT spiral_start, spiral_last, spiral_raw, spiral_perr, spiral_f FROM ${records})`,
    column: (name) => `spiral_f[${index.get(name) ?? 0}]`,
  };
  const mapped = `SELECT spiral_start, spiral_last, reason FROM (${buildMappedSelect(reader, mapping)})`;
  await buildRepairTable(store, fast.dataPath, tag, dialect, mapped);
  return reader;
}

/**
 * Inflates a gzipped file to a temporary one. A damaged or truncated stream keeps every byte that
 * could be inflated; the note says where it broke (the line after the last whole one).
 */
async function inflateToTemp(path: string): Promise<{ dir: string; file: string; note: { line: number; reason: string } | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'spiral-gunzip-'));
  const file = join(dir, basename(path).replace(/\.(gz|gzip)$/i, ''));
  const size = statSync(path).size;
  let consumed = 0;
  let lines = 0;
  let lastByte = 0x0a;
  const error = await new Promise<Error | null>((resolve) => {
    const src = createReadStream(path);
    const gunzip = createGunzip(); // Z_FINISH: a truncated stream emits what it could inflate, then fails
    // each inflated chunk is written as it comes (no pipe to a write stream): with a pipe, the write stream's
    // backpressure paused the gunzip stream, and the chunks it held then were dropped when it failed — a
    // truncated file lost ~16 KB of readable lines now and then (test/ingest/damage.test.ts)
    const fd = openSync(file, 'w');
    let settled = false;
    const finish = (e: Error | null) => {
      if (settled) return;
      settled = true;
      // nothing is written after the file is closed: a read error stops the inflater too
      src.unpipe(gunzip);
      src.destroy();
      gunzip.destroy();
      closeSync(fd);
      resolve(e);
    };
    src.on('data', (chunk) => { consumed += chunk.length; });
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      writeSync(fd, chunk);
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++;
      if (chunk.length) lastByte = chunk[chunk.length - 1];
    });
    src.on('error', finish);
    gunzip.on('error', finish);
    gunzip.on('end', () => finish(null));
    src.pipe(gunzip);
  });
  if (!error) return { dir, file, note: null };
  const line = lines + 1; // the line after the last whole one
  const cut = lastByte === 0x0a ? `after line ${lines}` : `in line ${lines + 1}`;
  return {
    dir, file,
    note: {
      line,
      reason: `gzip data ends early (${error.message}; ${consumed.toLocaleString('en-US')} of ${size.toLocaleString('en-US')} compressed bytes read): the file breaks ${cut}, nothing after it can be read`,
    },
  };
}

function jsonColumn(name: string): string {
  const path = name.startsWith('$') ? name : `$.${JSON.stringify(name)}`;
  return `json_extract_string(j, ${lit(path)})`;
}
