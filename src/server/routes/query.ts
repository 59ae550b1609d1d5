/** The query API: profile, analysis (read and run), jobs, report, segments, actions, recommendations. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { AnalysisResultSchema } from '../../domain/result.js';
import { requireKey } from '../auth.js';
import type { AppEnv } from '../context.js';
import { ApiError, notComputed, notFound } from '../errors.js';
import { customerProfile } from '../profile.js';
import { FIELD_PATH, readAnalysis, readAnalysisFieldsJson, readAnalysisJson, segmentNames, startAnalysis } from '../analysis.js';
import { CUSTOMER_ACTIONS, CUSTOMER_SEGMENTS, RECOMMENDATIONS, REPLENISHMENT, jsonRow, tableColumns } from '../tables.js';
import {
  ActionsSchema, CustomerIdParam, ErrorSchema, JobSchema, ProfileSchema, RecommendationsSchema, SegmentsSchema,
} from '../schemas.js';
import { SECURITY } from './security.js';

const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
const refusals = {
  401: json(ErrorSchema, 'no valid key'),
  403: json(ErrorSchema, 'the key may not query (a write key) or names another workspace'),
};
const notComputedResponse = { 409: json(ErrorSchema, 'not computed yet: the reason says which analysis step to run') };

export function registerQueryRoutes(app: OpenAPIHono<AppEnv>): void {
  const query = requireKey('query');

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/customers/{id}', tags: ['query'], security: SECURITY, middleware: [query] as const,
      summary: "One customer's profile: facts, behaviours, segment, CLV and P(alive), network scores, experience, next action, recommendations",
      request: { params: z.object({ id: CustomerIdParam }) },
      responses: { 200: json(ProfileSchema, 'the profile'), 404: json(ErrorSchema, 'no such customer'), ...refusals },
    }),
    async (c) => {
      const ctx = c.get('ctx');
      const { workspace } = c.get('principal');
      const w = await ctx.workspace(workspace);
      return c.json(await customerProfile(w.query, c.req.valid('param').id, segmentNames(ctx.options.dataDir, workspace)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/analysis', tags: ['query'], security: SECURITY, middleware: [query] as const,
      summary: 'The latest analysis result (the versioned document spiral analyze writes), whole or only some fields',
      request: {
        query: z.object({
          fields: z.string().max(1000)
            .refine((v) => v.split(',').length <= 50 && v.split(',').every((p) => FIELD_PATH.test(p)), 'fields: comma-separated paths of the result such as overview,clv.equity (letters and digits joined by dots; at most 50)')
            .optional()
            .openapi({ param: { name: 'fields', in: 'query' }, example: 'overview,clv.equity,brand.overall.spiral', description: 'a partial result: only these paths (section names and keys joined by dots), plus schemaVersion, generatedAt, spiralVersion, store and warnings' }),
        }),
      },
      responses: { 200: json(AnalysisResultSchema, 'the analysis result (with `fields`, only the paths asked for)'), 400: json(ErrorSchema, 'bad fields'), 404: json(ErrorSchema, 'no analysis yet'), ...refusals },
    }),
    async (c) => {
      const { dataDir } = c.get('ctx').options;
      const { workspace } = c.get('principal');
      const { fields } = c.req.valid('query');
      // The whole result, or the fields asked for, as serialized once per version of the file (~4 MB for 1M customers, ~70 KB for the overview).
      const text = fields === undefined ? readAnalysisJson(dataDir, workspace) : readAnalysisFieldsJson(dataDir, workspace, fields);
      if (text === null) throw new ApiError(404, 'not_computed', 'no analysis yet: POST /v1/analysis with an admin key (or run spiral analyze on the store)');
      return c.body(text, 200, { 'content-type': 'application/json; charset=UTF-8' }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post', path: '/v1/analysis', tags: ['analysis'], security: SECURITY, middleware: [requireKey('analyze')] as const,
      summary: 'Run an analysis as a job (admin); follow it at /v1/jobs/{id}',
      responses: {
        202: json(JobSchema, 'the job (the one already running, if any)'),
        401: refusals[401], 403: json(ErrorSchema, 'not an admin key, or another workspace'),
      },
    }),
    async (c) => {
      const { job } = await startAnalysis(c.get('ctx'), c.get('principal').workspace);
      c.header('location', `/v1/jobs/${job.id}`);
      return c.json(job, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/jobs/{id}', tags: ['analysis'], security: SECURITY, middleware: [query] as const,
      summary: "A job's progress",
      request: { params: z.object({ id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 200: json(JobSchema, 'the job'), 404: json(ErrorSchema, 'no such job in this workspace'), ...refusals },
    }),
    (c) => {
      const job = c.get('ctx').jobs.get(c.req.valid('param').id);
      if (!job || job.workspace !== c.get('principal').workspace) throw notFound('no such job in this workspace');
      return c.json(job, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/report', tags: ['query'], security: SECURITY, middleware: [query] as const,
      summary: 'The self-contained HTML report of the latest analysis',
      responses: { 200: { description: 'the report', content: { 'text/html': { schema: z.string() } } }, 404: json(ErrorSchema, 'no analysis yet'), ...refusals },
    }),
    async (c) => {
      const { renderReport } = await import('../../report/index.js');
      const { workspace } = c.get('principal');
      const r = readAnalysis(c.get('ctx').options.dataDir, workspace);
      if (!r) throw new ApiError(404, 'not_computed', 'no analysis yet: POST /v1/analysis with an admin key');
      return c.html(renderReport(r, { title: workspace }), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/segments', tags: ['query'], security: SECURITY, middleware: [query] as const,
      summary: 'Customer segments with their sizes and generated names',
      responses: { 200: json(SegmentsSchema, 'the segments'), ...notComputedResponse, ...refusals },
    }),
    async (c) => {
      const ctx = c.get('ctx');
      const { workspace } = c.get('principal');
      const w = await ctx.workspace(workspace);
      const cols = await tableColumns(w.query, CUSTOMER_SEGMENTS);
      if (!cols || !cols.includes('segment')) {
        throw notComputed(`segments not computed yet: the store has no ${CUSTOMER_SEGMENTS} table with a segment column (needs an analysis with the segments step)`);
      }
      const rows = await w.query.query<{ segment: string; customers: number }>(
        `SELECT CAST(segment AS VARCHAR) AS segment, count(*) AS customers FROM ${CUSTOMER_SEGMENTS} GROUP BY 1 ORDER BY customers DESC, segment`,
      );
      const analysis = readAnalysis(ctx.options.dataDir, workspace);
      const names = segmentNames(ctx.options.dataDir, workspace);
      return c.json({
        customers: rows.reduce((s, r) => s + r.customers, 0),
        segments: rows.map((r) => ({ ...r, name: names.get(r.segment) ?? null })),
        fromAnalysis: analysis?.segments ?? null,
      }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/actions', tags: ['query'], security: SECURITY, middleware: [query] as const,
      summary: "Each customer's experience and next action, paged",
      request: {
        query: z.object({
          experience: z.string().max(40).optional().openapi({ param: { name: 'experience', in: 'query' }, example: 'automate' }),
          limit: z.coerce.number().int().min(1).max(1000).default(100).openapi({ param: { name: 'limit', in: 'query' } }),
          offset: z.coerce.number().int().min(0).default(0).openapi({ param: { name: 'offset', in: 'query' } }),
          workspace: z.string().optional(),
        }),
      },
      responses: { 200: json(ActionsSchema, 'a page of actions'), 400: json(ErrorSchema, 'bad paging'), ...notComputedResponse, ...refusals },
    }),
    async (c) => {
      const w = await c.get('ctx').workspace(c.get('principal').workspace);
      const { experience, limit, offset } = c.req.valid('query');
      // The experiences step writes customer_actions (src/experiences/actions.ts); older stores may
      // carry the experience on customer_segments instead.
      const table = (await tableColumns(w.query, CUSTOMER_ACTIONS))?.includes('experience') ? CUSTOMER_ACTIONS : CUSTOMER_SEGMENTS;
      const cols = await tableColumns(w.query, table);
      if (!cols || !cols.includes('experience')) {
        throw notComputed(`actions not computed yet: the store has no ${CUSTOMER_ACTIONS} table (needs an analysis with the experiences step)`);
      }
      const where = experience === undefined ? '' : 'WHERE experience = ?';
      const params = experience === undefined ? [] : [experience];
      const [{ n }] = await w.query.query<{ n: number }>(`SELECT count(*) AS n FROM ${table} ${where}`, params);
      const rows = await w.query.query(`SELECT * FROM ${table} ${where} ORDER BY customer_id LIMIT ${limit} OFFSET ${offset}`, params);
      const nextOffset = offset + rows.length;
      const q = new URLSearchParams({ ...(experience ? { experience } : {}), limit: String(limit), offset: String(nextOffset) });
      return c.json({ total: n, offset, limit, next: nextOffset < n ? `/v1/actions?${q}` : null, actions: rows.map(jsonRow) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/recommendations/{customer}', tags: ['query'], security: SECURITY, middleware: [query] as const,
      summary: "A customer's top recommendations (and predicted replenishments)",
      request: { params: z.object({ customer: CustomerIdParam.openapi({ param: { name: 'customer', in: 'path' } }) }) },
      responses: { 200: json(RecommendationsSchema, 'the recommendations, best first'), ...notComputedResponse, ...refusals },
    }),
    async (c) => {
      const w = await c.get('ctx').workspace(c.get('principal').workspace);
      const id = c.req.valid('param').customer;
      const cols = await tableColumns(w.query, RECOMMENDATIONS);
      if (!cols) throw notComputed(`recommendations not computed yet: the store has no ${RECOMMENDATIONS} table (run spiral recommend)`);
      const recs = await w.query.query(`SELECT * FROM ${RECOMMENDATIONS} WHERE customer_id = ? ORDER BY rank`, [id]);
      const rep = (await tableColumns(w.query, REPLENISHMENT))
        ? await w.query.query(`SELECT * FROM ${REPLENISHMENT} WHERE customer_id = ? ORDER BY due`, [id])
        : null;
      return c.json({ customerId: id, recommendations: recs.map(jsonRow), replenishment: rep?.map(jsonRow) ?? null }, 200);
    },
  );
}
