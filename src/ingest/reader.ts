/**
 * Source readers: the SQL table function that reads a file inside DuckDB (CSV/TSV, Parquet,
 * NDJSON/JSON, gzipped too). No row of the file passes through JavaScript.
 */
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Mapping } from '../domain/mapping.js';
import { ident, lit } from '../sql/quote.js';

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
  /** For CSV: the name of the temp table DuckDB fills with rows it could not parse. */
  rejectsTable: string | null;
  /** For NDJSON: the raw line text column (for reject `raw`). */
  rawExpr: string | null;
  /** Column types when the source has them (Parquet); typed columns skip the text round trip. */
  types?: ReadonlyMap<string, string>;
}

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

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
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    let text: string;
    if (buf[0] === 0x1f && buf[1] === 0x8b) {
      // gzipped: inflate what we can of the head
      try {
        text = gunzipSync(readHead(path, 1 << 16), { finishFlush: 2 }).toString('utf8', 0, 4096);
      } catch {
        return null;
      }
    } else {
      text = buf.toString('utf8', 0, n);
    }
    const m = /\S/.exec(text);
    return m ? m[0] : null;
  } finally {
    closeSync(fd);
  }
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

/** The read_csv options Spiral always uses: every column as text (so bad values become reasons, not crashes). */
export function csvOptions(path: string, mapping: Mapping, rejectsTable: string | null, rejectsScan: string | null): string {
  const header = mapping.source?.header ?? true;
  const opts = [
    `header=${header}`,
    `delim=${lit(csvDelimiter(path, mapping))}`,
    `quote=${lit(mapping.source?.quote ?? '"')}`,
    `escape=${lit(mapping.source?.quote ?? '"')}`,
    'all_varchar=true',
    'strict_mode=true',
    'null_padding=false',
    'max_line_size=16777216',
  ];
  // Rows the CSV reader cannot parse are recorded (with their line) or, on a counting re-scan, skipped.
  if (rejectsTable && rejectsScan) opts.push('store_rejects=true', `rejects_table=${lit(rejectsTable)}`, `rejects_scan=${lit(rejectsScan)}`);
  else opts.push('ignore_errors=true');
  const cols = mapping.source?.columns;
  if (cols) opts.push(`names=[${cols.map(lit).join(', ')}]`);
  return opts.join(', ');
}

/**
 * `recordRejects: false` gives a reader for a second, counting scan: CSV rows DuckDB cannot parse
 * are skipped there because the first scan already recorded them.
 */
export function openReader(path: string, mapping: Mapping, tag: string, opts: { recordRejects?: boolean } = {}): SourceReader {
  const recordRejects = opts.recordRejects ?? true;
  if (!existsSync(path)) throw new SourceError(`${path}: no such file`);
  const format = detectFormat(path, mapping);
  if (format === 'parquet') {
    return {
      path, format, header: false, rejectsTable: null, rawExpr: null,
      from: `read_parquet(${lit(path)})`,
      column: (name) => ident(name),
    };
  }
  if (format === 'json-array') {
    return {
      path, format, header: false, rejectsTable: null, rawExpr: 'CAST(j AS VARCHAR)',
      from: `(SELECT json(t) AS j FROM read_json(${lit(path)}, format='array', records=false) t(t))`,
      column: (name) => jsonColumn(name),
    };
  }
  if (format === 'ndjson') {
    // One physical line per record: read lines as text, parse JSON in SQL, so a bad line is a reject with its line number.
    return {
      path, format, header: false, rejectsTable: null, rawExpr: 'spiral_line',
      from: `(SELECT spiral_line, CASE WHEN json_valid(spiral_line) THEN json(spiral_line) END AS j FROM read_csv(${lit(path)}, header=false, columns={'spiral_line':'VARCHAR'}, delim=E'\\x01', quote='', escape='', strict_mode=false, max_line_size=16777216))`,
      column: (name) => jsonColumn(name),
    };
  }
  const rejectsTable = recordRejects ? `spiral_rej_${tag}` : null;
  return {
    path, format, header: mapping.source?.header ?? true, rejectsTable, rawExpr: null,
    from: `read_csv(${lit(path)}, ${csvOptions(path, mapping, rejectsTable, rejectsTable ? `spiral_rejscan_${tag}` : null)})`,
    column: (name) => ident(name),
  };
}

function jsonColumn(name: string): string {
  const path = name.startsWith('$') ? name : `$.${JSON.stringify(name)}`;
  return `json_extract_string(j, ${lit(path)})`;
}
