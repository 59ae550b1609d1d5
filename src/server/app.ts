/**
 * The HTTP app (hono + @hono/zod-openapi), testable without a socket: `createApp(ctx).request(…)`.
 * Every error is an ApiError with its status; anything else is logged (never with a key) and
 * answered 500.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { SERVER_VERSION as SPIRAL_VERSION } from './version.js';
import type { AppEnv, ServerContext } from './context.js';
import { ApiError } from './errors.js';
import { REFERENCE_HTML } from './reference.js';
import { registerIngestRoutes } from './routes/ingest.js';
import { registerQueryRoutes } from './routes/query.js';
import { HealthSchema, ErrorSchema } from './schemas.js';

export const DEFAULT_DASHBOARD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboard', 'dist');

export function createApp(ctx: ServerContext): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const issues = result.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
        throw new ApiError(400, 'bad_request', issues.join('; ').slice(0, 500));
      }
    },
  });

  app.use('*', async (c, next) => {
    c.set('ctx', ctx);
    const t0 = performance.now();
    ctx.inflight++;
    try {
      await next();
    } finally {
      ctx.inflight--;
    }
    const p = c.get('principal');
    // The path only: no query string, no headers, so no key can reach the log.
    ctx.log(`${new Date().toISOString()} ${c.req.method} ${c.req.path.slice(0, 200)} ${c.res.status} ${(performance.now() - t0).toFixed(1)}ms${p ? ` ws=${p.workspace} key=${p.keyId}` : ''}`);
  });

  app.onError((err, c) => {
    if (err instanceof ApiError) return err.getResponse();
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new ApiError(400, 'bad_request', err.message.slice(0, 200)).getResponse();
    }
    ctx.log(`error ${c.req.method} ${c.req.path.slice(0, 200)}: ${err.stack ?? err.message}`);
    return new ApiError(500, 'internal', 'internal error (logged on the server)').getResponse();
  });

  app.notFound((c) => new ApiError(404, 'not_found', `no route ${c.req.method} ${c.req.path.slice(0, 200)} (see /docs)`).getResponse());

  app.openAPIRegistry.registerComponent('securitySchemes', 'basicAuth', {
    type: 'http', scheme: 'basic', description: 'the API key as the user name, empty password (Segment convention)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'the API key' });

  app.openapi(
    createRoute({
      method: 'get', path: '/v1/health', tags: ['service'], security: [],
      summary: 'Liveness and readiness (no key needed)',
      responses: {
        200: { description: 'ready', content: { 'application/json': { schema: HealthSchema } } },
        503: { description: 'starting or shutting down', content: { 'application/json': { schema: ErrorSchema } } },
      },
    }),
    (c) => {
      if (!ctx.ready || ctx.draining) throw new ApiError(503, 'unavailable', ctx.draining ? 'shutting down' : 'starting');
      return c.json({ status: 'ok' as const, version: SPIRAL_VERSION }, 200);
    },
  );

  registerIngestRoutes(app);
  registerQueryRoutes(app);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Spiral',
      version: SPIRAL_VERSION,
      description: 'Customer-network analytics: Segment-compatible ingest, customer profiles, analyses and reports',
    },
  });
  app.get('/docs', (c) => c.html(REFERENCE_HTML));

  registerDashboard(app, ctx.options.dashboardDir === undefined ? DEFAULT_DASHBOARD_DIR : ctx.options.dashboardDir);
  return app;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
};

/** A dashboard file as served: read and gzipped once per version of the file (the bundle is ~650 KB, ~200 KB gzipped). */
interface StaticFile { mtimeMs: number; body: Uint8Array<ArrayBuffer>; gzip: Uint8Array<ArrayBuffer> | null }

/** The built dashboard at `/` (static files; paths that leave the folder are not served). */
function registerDashboard(app: OpenAPIHono<AppEnv>, dir: string | null): void {
  const files = new Map<string, StaticFile>();
  const load = (file: string): StaticFile => {
    const { mtimeMs } = statSync(file);
    let f = files.get(file);
    if (!f || f.mtimeMs !== mtimeMs) {
      const body = readFileSync(file);
      const gzip = body.length > 1024 && !/\.(png|ico|woff2)$/.test(file) ? gzipSync(body) : null;
      files.set(file, (f = { mtimeMs, body, gzip }));
    }
    return f;
  };
  // Read and compress the page and its bundle now, not on the first visit.
  if (dir && existsSync(join(dir, 'index.html'))) {
    load(join(dir, 'index.html'));
    const assets = join(dir, 'assets');
    if (existsSync(assets)) for (const name of readdirSync(assets)) load(join(assets, name));
  }
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/v1/') || !dir || !existsSync(join(dir, 'index.html'))) return next();
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(c.req.path)).replace(/^([/\\])+/, '');
    } catch {
      return next();
    }
    let file = resolve(dir, rel || 'index.html');
    if (!file.startsWith(resolve(dir) + sep) && file !== resolve(dir)) return next();
    if (!existsSync(file) || !statSync(file).isFile()) file = join(dir, 'index.html');
    const f = load(file);
    const gzip = f.gzip !== null && /\bgzip\b/i.test(c.req.header('accept-encoding') ?? '');
    return c.body(gzip ? f.gzip! : f.body, 200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
  });
  app.get('/', (c) => c.html('<!doctype html><title>Spiral</title><p>Spiral is running. The dashboard is not built here (<code>npm run build:dashboard</code>); the API reference is at <a href="/docs">/docs</a>.</p>'));
}
