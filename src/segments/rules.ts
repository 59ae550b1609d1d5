/**
 * User-defined segments as rules in JSON: conditions on the customer table (customer_facts ⋈
 * behaviours ⋈ segment, the view `customer_table`), compiled to SQL and evaluated in the store —
 * like Apache Unomi's conditions or PostHog cohorts.
 *
 *   { "segments": [
 *       { "name": "lapsing big spenders",
 *         "rule": { "all": [ { "field": "clv", "op": ">=", "value": 200 }, { "field": "p_alive", "op": "<", "value": 0.5 } ] } },
 *       { "name": "app connectors", "rule": { "any": [ { "field": "connect", "op": ">", "value": 80 }, { "not": { "field": "app_share", "op": "is_null" } } ] } } ] }
 *
 * A condition is { field, op, value? } with op one of = != < <= > >= in not_in between is_null not_null;
 * groups are { all: [...] }, { any: [...] }, { not: … }. A field not in the table or a bad operator is a
 * RuleError naming the rule.
 */
import { z } from 'zod';
import type { Store } from '../store/types.js';
import { CUSTOMER_VIEW } from './segments.js';

export class RuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleError';
  }
}

export const RULE_OPS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not_in', 'between', 'is_null', 'not_null'] as const;
type Scalar = string | number | boolean;

export type Condition =
  | { field: string; op: (typeof RULE_OPS)[number]; value?: Scalar | Scalar[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const scalar = z.union([z.string(), z.number().finite(), z.boolean()]);
export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ field: z.string().min(1), op: z.enum(RULE_OPS), value: z.union([scalar, z.array(scalar)]).optional() }).strict(),
    z.object({ all: z.array(ConditionSchema).min(1) }).strict(),
    z.object({ any: z.array(ConditionSchema).min(1) }).strict(),
    z.object({ not: ConditionSchema }).strict(),
  ]),
);

export const RuleSetSchema = z.object({
  segments: z.array(z.object({ name: z.string().min(1), description: z.string().optional(), rule: ConditionSchema }).strict()).min(1),
}).strict();
export type RuleSet = z.infer<typeof RuleSetSchema>;

/** Validates a parsed JSON document as a rule set; errors name the rule and the path. */
export function parseRuleSet(input: unknown, where = 'rules'): RuleSet {
  const r = RuleSetSchema.safeParse(input);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  const path = i.path.map(String);
  const name = path[0] === 'segments' && path[1] !== undefined ? (input as { segments?: { name?: string }[] }).segments?.[Number(path[1])]?.name : undefined;
  throw new RuleError(`${where}: ${name ? `rule "${name}": ` : ''}${path.join('.') || '(document)'}: ${i.message}${i.code === 'invalid_union' ? ' (a condition is {field, op, value} with op one of ' + RULE_OPS.join(' ') + ', or {all:[…]}, {any:[…]}, {not:…})' : ''}`);
}

const lit = (v: Scalar): string => (typeof v === 'string' ? `'${v.replace(/'/g, "''")}'` : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v));

/** Compiles a condition to a SQL boolean over the customer table; `columns` are its column names. */
export function compileCondition(c: Condition, columns: ReadonlySet<string>, rule: string): string {
  if ('all' in c) return `(${c.all.map((x) => compileCondition(x, columns, rule)).join(' AND ')})`;
  if ('any' in c) return `(${c.any.map((x) => compileCondition(x, columns, rule)).join(' OR ')})`;
  if ('not' in c) return `(NOT ${compileCondition(c.not, columns, rule)})`;
  if (!columns.has(c.field)) {
    throw new RuleError(`rule "${rule}": field "${c.field}" is not a column of the customer table (have: ${[...columns].sort().join(', ')})`);
  }
  const f = `"${c.field}"`;
  const v = c.value;
  const need = (what: string, ok: boolean): void => {
    if (!ok) throw new RuleError(`rule "${rule}": field "${c.field}" op "${c.op}" needs ${what}`);
  };
  switch (c.op) {
    case 'is_null': return `(${f} IS NULL)`;
    case 'not_null': return `(${f} IS NOT NULL)`;
    case 'in': case 'not_in':
      need('a non-empty array value', Array.isArray(v) && v.length > 0);
      return `(${f} ${c.op === 'in' ? 'IN' : 'NOT IN'} (${(v as Scalar[]).map(lit).join(', ')}))`;
    case 'between':
      need('a value [low, high]', Array.isArray(v) && v.length === 2);
      return `(${f} BETWEEN ${lit((v as Scalar[])[0])} AND ${lit((v as Scalar[])[1])})`;
    default:
      need('a single value', v !== undefined && !Array.isArray(v));
      return `(${f} ${c.op === '!=' ? '<>' : c.op} ${lit(v as Scalar)})`;
  }
}

export async function customerTableColumns(store: Store): Promise<Set<string>> {
  const rows = await store.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = '${CUSTOMER_VIEW}'`);
  return new Set(rows.map((r) => r.column_name));
}

export interface RuleSegment { name: string; description: string | null; where: string; size: number; equity: number | null; meanClv: number | null; atRisk: number | null }

/** Evaluates each rule in SQL over the customer table. Rule segments may overlap. */
export async function evaluateRules(store: Store, rules: RuleSet, hasClv: boolean): Promise<RuleSegment[]> {
  const columns = await customerTableColumns(store);
  const compiled = rules.segments.map((s) => ({ ...s, where: compileCondition(s.rule, columns, s.name) }));
  const out: RuleSegment[] = [];
  for (const s of compiled) {
    let row: Record<string, unknown>;
    try {
      [row] = await store.query(`SELECT count(*) AS size, sum(clv) AS equity, avg(clv) AS mean_clv, sum((1 - p_alive) * clv) AS at_risk FROM ${CUSTOMER_VIEW} WHERE ${s.where}`);
    } catch (e) {
      throw new RuleError(`rule "${s.name}": ${(e as Error).message.split('\n')[0]}`);
    }
    const num = (x: unknown): number | null => (x === null || x === undefined || !Number.isFinite(Number(x)) ? null : Number(x));
    out.push({
      name: s.name, description: s.description ?? null, where: s.where, size: Number(row.size),
      equity: hasClv ? num(row.equity) ?? 0 : null, meanClv: hasClv ? num(row.mean_clv) : null, atRisk: hasClv ? num(row.at_risk) ?? 0 : null,
    });
  }
  return out;
}
