/**
 * Statement text helpers every engine needs: splitting a script into statements (ClickHouse runs
 * one statement per request) and binding `?` parameters for engines whose driver does not.
 */
import { lit, litFor, num, timestampText } from './quote.js';

/**
 * Splits a script on `;` outside quotes and comments; empty statements are dropped. Quoted text
 * ('…', "…") and comments (-- …, /* … *\/) are kept as they are.
 */
export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i];
    if (c === "'" || c === '"') {
      i++;
      while (i < n) {
        if (script[i] === '\\' && c === "'") { i += 2; continue; }
        if (script[i] === c) {
          if (script[i + 1] === c) { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
    } else if (c === '-' && script[i + 1] === '-') {
      while (i < n && script[i] !== '\n') i++;
    } else if (c === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === ';') {
      out.push(script.slice(start, i));
      start = ++i;
    } else i++;
  }
  out.push(script.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '' && !/^(--[^\n]*\n?\s*)+$/.test(s));
}

/** Rewrites `?` placeholders (outside quotes) with `render(index)`; counts must match. */
export function replacePlaceholders(sql: string, count: number, render: (index: number) => string): string {
  let out = '';
  let k = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j;
    } else if (c === '?') {
      if (k >= count) throw new Error(`the statement has more ? placeholders than the ${count} parameter(s) given`);
      out += render(k++);
    } else out += c;
  }
  if (k !== count) throw new Error(`the statement has ${k} ? placeholder(s) for ${count} parameter(s)`);
  return out;
}

/** A JS value as a SQL literal of the engine (for engines whose client binds no `?`). */
export function valueLiteral(engine: 'duckdb' | 'postgres' | 'clickhouse', v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return num(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return lit(timestampText(v));
  return engine === 'clickhouse' ? litFor(engine, String(v)) : lit(String(v));
}
