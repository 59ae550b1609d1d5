/**
 * The exact reader for a damaged text file, in SQL: physical lines as the file has them, and
 * records built from them by rules that keep damage local to its line.
 *
 * DuckDB's own CSV reader is the fast path (reader.ts). When it reports anything wrong with a
 * file — rows it could not parse, rows that fail the mapping, or fewer records than the file has
 * lines — ingest re-reads that file here:
 *
 * 1. Lines: the file's bytes (read_blob), split on LF only, so a lone CR never splits a line and
 *    physical line N is the N-th LF-terminated line. A trailing CR (CRLF files) is dropped. Lines
 *    that are not valid UTF-8 keep their bytes, with the bad ones escaped (`\xFF`).
 * 2. Records: a quote opens a quoted field only at the start of a field (RFC 4180); elsewhere it is
 *    a character of the value. A record runs over several lines only while such a quoted field is
 *    open; inside it, a quote closes the field only before a delimiter or the end of a line (a
 *    doubled quote is a quote; any other quote is kept, and the record is then reported as badly
 *    quoted).
 * 3. A record that spans lines and fails — bad quoting, the wrong number of fields, a line break in
 *    an id, or any mapping check — is re-read line by line: its first line is rejected alone and
 *    reading starts again at its second line, so intact lines a stray quote had swallowed are kept
 *    and only the damaged line is rejected.
 * 4. The lines right after its first one that are not records by themselves (they neither map nor
 *    have the file's number of fields — within two in a file with multi-line records) were part of it: with the first line they are one record,
 *    rejected once at its first line — if the file has good multi-line records (the airline tweets
 *    do) or the failed record itself was well formed (quotes as RFC 4180, the file's number of
 *    fields). In a file without good multi-line records, a quote that runs over lines into a record
 *    of the wrong shape is damage, and each of its lines is a record of its own.
 *
 * The tables are per file (suffix `tag`) and dropped by `dropRepairTables`.
 */
import type { Store } from '../store/types.js';
import { lit } from '../sql/quote.js';

/** How to split a line into fields. */
export interface Dialect {
  delimiter: string;
  quote: string;
  header: boolean;
  /** Number of columns a record must have (CSV); undefined for one-record-per-line formats. */
  columns?: number;
}

export const linesTable = (tag: string) => `spiral_plines_${tag}`;
export const recordsTable = (tag: string) => `spiral_precords_${tag}`;
const forcedTable = (tag: string) => `spiral_pforced_${tag}`;
const originsTable = (tag: string) => `spiral_porigins_${tag}`;
const mergeTable = (tag: string) => `spiral_pmerge_${tag}`;

/**
 * TEMP TABLE (pline, esc, c, ok): every physical line of an uncompressed file. `esc` is the line's
 * bytes with non-ASCII and control bytes escaped (DuckDB's BLOB text form, lossless); `c` is the
 * line as text (when it is not valid UTF-8: its escaped form with quotes and tabs unescaped, so
 * quotes and delimiters still count and the reject file shows `\xFF` for the bad bytes);
 * `ok` says whether it is valid UTF-8; `cr` whether a CR ended it.
 */
export async function readPhysicalLines(store: Store, file: string, tag: string): Promise<void> {
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${linesTable(tag)} AS
    WITH parts AS (
      SELECT string_split(CAST(content AS VARCHAR), '\\x0A') AS p FROM read_blob(${lit(file)})
    ), numbered AS (
      SELECT unnest(p) AS e, unnest(range(1, len(p) + 1)) AS pline, len(p) AS n FROM parts
    ), trimmed AS (
      SELECT pline, suffix(e, '\\x0D') AS cr, CASE WHEN suffix(e, '\\x0D') THEN e[1:-5] ELSE e END AS esc
      FROM numbered WHERE NOT (pline = n AND e = '')
    ), decoded AS (
      SELECT pline, cr, esc, TRY(decode(CAST(esc AS BLOB))) AS t FROM trimmed
    )
    SELECT pline, cr, esc, coalesce(t, replace(replace(replace(esc, '\\x22', '"'), '\\x27', ''''), '\\x09', chr(9))) AS c,
      t IS NOT NULL AS ok
    FROM decoded`);
}

/** Escapes one character for use inside an RE2 pattern (inside or outside a class). */
function re(ch: string): string {
  return /[\\^$.|?*+()[\]{}-]/.test(ch) ? `\\${ch}` : ch;
}

/** The regular expressions of the quoting rules (module header, rule 2), for one-character D and Q. */
export function quotingPatterns(delimiter: string, quote: string) {
  const D = re(delimiter);
  const Q = re(quote);
  // inside a quoted field, read leniently: a doubled quote, or a quote before anything but a delimiter, stays inside
  const lenientInside = `(?:[^${Q}]|${Q}${Q}|${Q}[^${D}${Q}])*`;
  const strictInside = `(?:[^${Q}]|${Q}${Q})*`;
  const unquoted = `(?:[^${Q}${D}][^${D}]*)?`;
  const lenientField = `(?:${Q}${lenientInside}${Q}|${unquoted})`;
  const strictField = `(?:${Q}${strictInside}${Q}|${unquoted})`;
  return {
    /** A line that, starting outside any field, ends inside an open quoted field. */
    opensFromStart: `(?:${lenientField}${D})*${Q}${lenientInside}`,
    /** A line that, starting inside an open quoted field, ends still inside it. */
    staysOpen: lenientInside,
    /** A whole record that follows RFC 4180 (line breaks allowed inside quoted fields). */
    strictRecord: `${strictField}(?:${D}${strictField})*`,
    /** One field of a well-formed record, preceded by its delimiter (prepend one to the record). */
    field: `${D}(${Q}${strictInside}${Q}|[^${D}]*)`,
  };
}

/**
 * Builds `recordsTable(tag)` from the lines with the record starts forced at `forcedTable(tag)`:
 * (spiral_start, spiral_last, spiral_lines, spiral_raw, spiral_f (fields), spiral_perr (a parse reason or NULL)).
 * Blank lines outside a record are not records.
 */
async function buildRecords(store: Store, tag: string, d: Dialect, merged: boolean): Promise<void> {
  const delim = d.delimiter.length === 1 ? d.delimiter : '\x1f';
  const text = d.delimiter.length === 1 ? 'c' : `replace(c, ${lit(d.delimiter)}, chr(31))`;
  const p = quotingPatterns(delim, d.quote);
  const q = lit(d.quote);
  const oneLine = d.columns === undefined;
  // a: open after the line when it starts outside a field; b: open after it when it starts inside one
  const transitions = oneLine
    ? 'false AS a, false AS b'
    : `CASE WHEN NOT contains(x, ${q}) THEN false ELSE regexp_full_match(x, ${lit(p.opensFromStart)}) END AS a,
       CASE WHEN NOT contains(x, ${q}) THEN true ELSE regexp_full_match(x, ${lit(p.staysOpen)}) END AS b`;
  const first = d.header ? 2 : 1;
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${recordsTable(tag)} AS
    WITH l AS (
      SELECT pline, cr, esc, c, ok, ${text} AS x, pline IN (SELECT pline FROM ${forcedTable(tag)}) OR pline = ${first} AS forced
      FROM ${linesTable(tag)} WHERE pline >= ${first}
    ), t AS (
      SELECT *, ${transitions} FROM l
    ), anchored AS (
      SELECT *, forced OR a = b AS anchor,
        sum(CASE WHEN NOT (forced OR a = b) AND a THEN 1 ELSE 0 END) OVER (ORDER BY pline ROWS UNBOUNDED PRECEDING) AS swaps
      FROM t
    ), state AS (
      SELECT *,
        coalesce(last_value(CASE WHEN anchor THEN a END IGNORE NULLS) OVER w, false)
          <> ((swaps - coalesce(last_value(CASE WHEN anchor THEN swaps END IGNORE NULLS) OVER w, 0)) % 2 = 1) AS open_after
      FROM anchored WINDOW w AS (ORDER BY pline ROWS UNBOUNDED PRECEDING)
    ), starts AS (
      SELECT *, forced OR NOT coalesce(lag(open_after) OVER (ORDER BY pline), false) AS starts FROM state
    ), grouped AS (
      SELECT *, max(CASE WHEN starts THEN pline END) OVER (ORDER BY pline ROWS UNBOUNDED PRECEDING) AS rec FROM starts
    ), keyed AS (
      SELECT g.*, ${merged ? 'coalesce(m.s, g.rec)' : 'g.rec'} AS k, ${merged ? 'm.reason' : 'CAST(NULL AS VARCHAR)'} AS merged_reason
      FROM grouped g ${merged ? `LEFT JOIN (SELECT rec, s, reason FROM ${mergeTable(tag)}) m ON m.rec = g.rec` : ''}
    ), rec AS (
      SELECT k AS spiral_start, max(pline) AS spiral_last, count(*) AS spiral_lines,
        string_agg(x || CASE WHEN cr THEN chr(13) ELSE '' END, chr(10) ORDER BY pline) AS body,
        string_agg(c, chr(10) ORDER BY pline) AS spiral_raw,
        bool_and(ok) AS ok,
        arg_max(open_after, pline) AS unterminated, any_value(merged_reason) AS merged_reason
      FROM keyed GROUP BY k
    ), rec2 AS (
      SELECT *, CASE WHEN suffix(body, chr(13)) THEN body[1:-2] ELSE body END AS val FROM rec
    )
    SELECT spiral_start, spiral_last, spiral_lines, spiral_raw,
      ${oneLine ? 'val AS spiral_value' : `CASE WHEN regexp_full_match(val, ${lit(p.strictRecord)})
        THEN list_transform(regexp_extract_all(${lit(delim)} || val, ${lit(p.field)}, 1),
               f -> CASE WHEN f[1] = ${q} THEN replace(f[2:-2], ${lit(d.quote + d.quote)}, ${q}) ELSE NULLIF(f, '') END) END AS spiral_f`},
      CASE
        WHEN merged_reason IS NOT NULL THEN merged_reason
        WHEN NOT ok THEN 'bad encoding: not valid UTF-8'
        ${oneLine ? '' : `WHEN unterminated THEN 'bad quoting: a quoted field is not closed before the end of the file'
        WHEN spiral_f IS NULL AND regexp_full_match(val, ${lit(p.opensFromStart)}) THEN 'bad quoting: a quoted field is not closed'
        WHEN spiral_f IS NULL THEN 'bad quoting: a quote inside a quoted field must be doubled, and a closing quote must end the field'
        WHEN len(spiral_f) <> ${d.columns} THEN 'wrong number of columns: Expected Number of Columns: ${d.columns} Found: ' || len(spiral_f)`}
      END AS spiral_perr
    FROM rec2
    WHERE NOT (spiral_lines = 1 AND val = '')`);
}

/**
 * Builds the record table of a damaged file (module header): lines, then records, re-reading line by
 * line every multi-line record that fails. `mappedSql` is a SELECT over `recordsTable(tag)` giving
 * (spiral_start, spiral_last, reason) for every record: its parse or mapping reason, or NULL.
 */
export async function buildRepairTable(store: Store, file: string, tag: string, d: Dialect, mappedSql: string): Promise<void> {
  await readPhysicalLines(store, file, tag);
  const fails = `spiral_pfails_${tag}`;
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${forcedTable(tag)} (pline BIGINT);
    CREATE OR REPLACE TEMP TABLE ${originsTable(tag)} (s BIGINT, e BIGINT, reason VARCHAR, well_formed BOOLEAN)`);
  let multilineFile = false;
  for (let round = 0; ; round++) {
    await buildRecords(store, tag, d, false);
    if (d.columns === undefined) return; // one record per line: nothing spans lines
    await store.exec(`CREATE OR REPLACE TEMP TABLE ${fails} AS
      SELECT spiral_start AS s, spiral_last AS e, reason FROM (${mappedSql}) WHERE reason IS NOT NULL`);
    if (round === 0) {
      const [{ good }] = await store.query<{ good: number }>(`SELECT count(*) AS good FROM ${recordsTable(tag)}
        WHERE spiral_last > spiral_start AND spiral_start NOT IN (SELECT s FROM ${fails})`);
      multilineFile = good > 0;
    }
    const [{ n }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${fails}
      WHERE e > s AND s NOT IN (SELECT s FROM ${originsTable(tag)})`);
    if (n === 0 || round === 50) break;
    await store.exec(`INSERT INTO ${originsTable(tag)}
      SELECT f.s, f.e, f.reason, coalesce(len(r.spiral_f) = ${d.columns}, false)
      FROM ${fails} f JOIN ${recordsTable(tag)} r ON r.spiral_start = f.s
      WHERE f.e > f.s AND f.s NOT IN (SELECT s FROM ${originsTable(tag)})`);
    // read on from the line after the failed record's first one; the rules find the records from there
    await store.exec(`INSERT INTO ${forcedTable(tag)}
      SELECT DISTINCT s + 1 AS pline FROM ${originsTable(tag)} EXCEPT SELECT pline FROM ${forcedTable(tag)}`);
  }
  // A failed block none of whose later lines is a good record alone was one record: reject it once.
  const [{ n }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${originsTable(tag)}`);
  if (n === 0) return;
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${mergeTable(tag)} AS
    WITH recs AS (
      -- a record by itself: it maps, or it has the file's number of fields (in a file with multi-line
      -- records, give or take the two a stray delimiter or quote can add or take away)
      SELECT spiral_start AS rec, spiral_start NOT IN (SELECT s FROM ${fails})
        OR coalesce(abs(len(spiral_f) - ${d.columns}) <= ${multilineFile ? 2 : 0}, false) AS whole
      FROM ${recordsTable(tag)}
    ), mergeable AS (
      SELECT o.s, o.e, o.reason,
        coalesce((SELECT min(r.rec) FROM recs r WHERE r.whole AND r.rec > o.s), o.e + 1) AS k
      FROM ${originsTable(tag)} o WHERE ${multilineFile ? 'true' : 'o.well_formed'}
    ), candidates AS (
      SELECT r.rec, m.s, m.reason FROM recs r JOIN mergeable m ON r.rec >= m.s AND r.rec < m.k AND r.rec <= m.e
    )
    SELECT rec, min(s) AS s, arg_min(reason, s) AS reason FROM candidates GROUP BY rec`);
  // a merged record that started a merge of its own brings that one along
  for (let i = 0; i < 50; i++) {
    const [{ n: moved }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${mergeTable(tag)} a
      JOIN ${mergeTable(tag)} b ON a.s = b.rec AND b.s <> a.s`);
    if (moved === 0) break;
    await store.exec(`UPDATE ${mergeTable(tag)} SET s = b.s, reason = b.reason FROM ${mergeTable(tag)} b
      WHERE ${mergeTable(tag)}.s = b.rec AND b.s <> ${mergeTable(tag)}.s`);
  }
  await buildRecords(store, tag, d, true);
}

export async function dropRepairTables(store: Store, tag: string): Promise<void> {
  for (const t of [linesTable(tag), recordsTable(tag), forcedTable(tag), originsTable(tag), mergeTable(tag), `spiral_pfails_${tag}`]) {
    await store.exec(`DROP TABLE IF EXISTS ${t}`);
  }
}
