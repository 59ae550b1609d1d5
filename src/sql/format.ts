/**
 * printf-style text built in SQL the same way on every engine. DuckDB and ClickHouse have printf,
 * Postgres does not (its format() knows only %s), and the engines round ties differently; so the
 * text is concatenated from casts, and a fixed-point number is rounded half up on the double
 * (floor(x·10^N + 0.5): the same IEEE arithmetic everywhere) before its digits are printed.
 */
import type { Dialect } from './dialect.js';

/** `expr` as text with `digits` decimals (ties rounded up), as printf('%.Nf') does away from ties; NULL stays NULL. */
export function fixedText(d: Dialect, expr: string, digits: number): string {
  const text = (e: string): string => `CAST(${e} AS ${d.types.text})`;
  if (!Number.isInteger(digits) || digits < 0 || digits > 9) throw new Error(`fixedText: digits must be 0..9, got ${digits}`);
  const k = `CAST(floor(CAST(${expr} AS ${d.types.double}) * ${10 ** digits} + 0.5) AS ${d.types.bigint})`;
  if (digits === 0) return text(k);
  const p = 10 ** digits;
  const whole = `CAST(floor(abs(${k}) / ${p}.0) AS ${d.types.bigint})`;
  const frac = `CAST(abs(${k}) - ${p} * floor(abs(${k}) / ${p}.0) AS ${d.types.bigint})`;
  return `(CASE WHEN ${k} < 0 THEN '-' ELSE '' END || ${text(whole)} || '.' || lpad(${text(frac)}, ${digits}, '0'))`;
}

/**
 * A printf template with SQL arguments as one text expression: %d and %s print the argument's text
 * (CAST … AS text), %.Nf a fixed-point number (fixedText), %% a percent sign.
 */
export function sqlPrintf(d: Dialect, template: string, ...args: string[]): string {
  const parts: string[] = [];
  let lit = '';
  let a = 0;
  const flush = (): void => {
    if (lit !== '') parts.push(d.lit(lit));
    lit = '';
  };
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '%') {
      lit += c;
      continue;
    }
    const m = /^%(%|d|s|\.(\d)f)/.exec(template.slice(i));
    if (!m) throw new Error(`sqlPrintf: unsupported conversion at "${template.slice(i, i + 4)}" in "${template}"`);
    i += m[0].length - 1;
    if (m[1] === '%') {
      lit += '%';
      continue;
    }
    if (a >= args.length) throw new Error(`sqlPrintf: "${template}" needs more than ${args.length} argument(s)`);
    flush();
    const arg = args[a++];
    parts.push(m[2] !== undefined ? fixedText(d, arg, Number(m[2])) : `CAST(${arg} AS ${d.types.text})`);
  }
  flush();
  if (a !== args.length) throw new Error(`sqlPrintf: "${template}" takes ${a} argument(s), got ${args.length}`);
  return parts.length === 0 ? d.lit('') : `(${parts.join(' || ')})`;
}
