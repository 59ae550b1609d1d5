/**
 * The mapping config: how a user's file becomes canonical events (DESIGN.md, "Canonical event schema").
 *
 * {
 *   "name": "taobao",
 *   "source": { "format": "csv", "delimiter": ",", "header": true },
 *   "fields": {
 *     "customer_id": "user_id",                                   // a column
 *     "ts": { "column": "timestamp", "format": "epoch_s" },        // a column with a date format
 *     "type": { "column": "behavior", "values": { "pv": "view", "fav": "save", "buy": "purchase" } },
 *     "channel": { "const": "web" }                                // the same value on every row
 *   },
 *   "props": ["category_id"],                                      // columns kept in the props JSON
 *   "limits": { "id": 256, "string": 4096, "text": 32768 }       // max bytes per field (these are the defaults)
 * }
 */
import { z } from 'zod';
import { EVENT_FIELDS, EVENT_TYPES } from './events.js';

export const TS_FORMATS = ['iso', 'yyyymmdd', 'epoch_s', 'epoch_ms'] as const;

const TsFormatSchema = z.union([
  z.enum(TS_FORMATS),
  z.string().regex(/%/, 'a date format is iso, yyyymmdd, epoch_s, epoch_ms or a strptime pattern such as "%d/%m/%Y %H:%M"'),
]);
export type TsFormat = z.infer<typeof TsFormatSchema>;

const FieldObjectSchema = z
  .object({
    /** The source column (for JSON: a top-level key, or a JSONPath starting with `$`). */
    column: z.string().min(1).optional(),
    /** A constant for every row. */
    const: z.union([z.string(), z.number()]).optional(),
    /** Value map applied to the column's text (e.g. pv → view). Unmapped values pass through unchanged. */
    values: z.record(z.string(), z.string()).optional(),
    /** Date format of `ts`. */
    format: TsFormatSchema.optional(),
    /** Text put before every value (e.g. to keep two sources' ids apart). */
    prefix: z.string().optional(),
  })
  .strict()
  .refine((f) => (f.column === undefined) !== (f.const === undefined), {
    message: 'a field needs exactly one of "column" or "const"',
  });

export const FieldSpecSchema = z.union([z.string().min(1), FieldObjectSchema]);
export type FieldSpec = z.infer<typeof FieldSpecSchema>;
export type FieldObject = z.infer<typeof FieldObjectSchema>;

const MappedFields = EVENT_FIELDS.filter((f) => f !== 'props');
type MappedField = Exclude<(typeof EVENT_FIELDS)[number], 'props'>;

export const SourceSchema = z
  .object({
    format: z.enum(['csv', 'parquet', 'json']).optional(),
    delimiter: z.string().min(1).max(4).optional(),
    quote: z.string().length(1).optional(),
    header: z.boolean().optional(),
    /** Column names for a file without a header line. */
    columns: z.array(z.string().min(1)).optional(),
  })
  .strict();

/** Longest value, in bytes (UTF-8), a field may hold; a row with a longer one is rejected with the reason. */
export const DEFAULT_LIMITS = {
  /** event_id, customer_id, item_id, peer_id. */
  id: 256,
  /** type, channel, and each value kept in props. */
  string: 4096,
  /** text (Segment caps a whole event at 32 KB). */
  text: 32768,
} as const;

export const LimitsSchema = z
  .object({
    id: z.number().int().positive().optional(),
    string: z.number().int().positive().optional(),
    text: z.number().int().positive().optional(),
  })
  .strict();
export type Limits = { [K in keyof typeof DEFAULT_LIMITS]: number };

export const MappingSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    source: SourceSchema.optional(),
    fields: z
      .object(
        Object.fromEntries(MappedFields.map((f) => [f, FieldSpecSchema.optional()])) as Record<
          MappedField,
          z.ZodOptional<typeof FieldSpecSchema>
        >,
      )
      .strict(),
    props: z.array(z.string().min(1)).optional(),
    /** Maximum field lengths in bytes (DEFAULT_LIMITS where not given). */
    limits: LimitsSchema.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const req of ['customer_id', 'ts', 'type'] as const) {
      if (m.fields[req] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['fields', req], message: `fields.${req} is required` });
      }
    }
    const type = m.fields.type;
    if (type !== undefined && typeof type === 'object') {
      const targets = type.const !== undefined ? [String(type.const)] : Object.values(type.values ?? {});
      for (const t of targets) {
        if (!(EVENT_TYPES as readonly string[]).includes(t)) {
          ctx.addIssue({
            code: 'custom',
            path: ['fields', 'type'],
            message: `"${t}" is not an event type (one of ${EVENT_TYPES.join(', ')})`,
          });
        }
      }
    }
    for (const f of MappedFields) {
      const spec = m.fields[f];
      if (spec !== undefined && typeof spec === 'object' && spec.format !== undefined && f !== 'ts') {
        ctx.addIssue({ code: 'custom', path: ['fields', f, 'format'], message: 'only fields.ts takes a format' });
      }
    }
  });
export type Mapping = z.infer<typeof MappingSchema>;

export class MappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MappingError';
  }
}

/** Parses a mapping, throwing a MappingError whose message names the field at fault. */
export function parseMapping(json: unknown, origin = 'mapping'): Mapping {
  const r = MappingSchema.safeParse(json);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => {
    const path = i.path.length ? i.path.join('.') : '(root)';
    return `${origin}: ${path}: ${i.message}`;
  });
  throw new MappingError(lines.join('\n'));
}

/** The mapping's field length limits, defaults filled in. */
export function mappingLimits(m: Mapping): Limits {
  return { ...DEFAULT_LIMITS, ...m.limits };
}

/** Normalises a field spec to its object form. */
export function fieldObject(spec: FieldSpec): FieldObject {
  return typeof spec === 'string' ? { column: spec } : spec;
}
