/**
 * Runs the service on a socket: opens every workspace's store, listens, and on stop (SIGTERM in
 * `spiral serve`) stops accepting, lets in-flight batches commit, waits for jobs, closes the stores.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.js';
import { ServerContext, type ServerOptions } from './context.js';

export interface ServeOptions extends ServerOptions {
  port?: number;
  host?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  workspaces: string[];
  context: ServerContext;
  /** Graceful stop. */
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const ctx = new ServerContext(opts);
  const app = createApp(ctx);
  const workspaces = await ctx.openAll();
  const host = opts.host ?? '127.0.0.1';
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    host,
    workspaces,
    context: ctx,
    close() {
      closing ??= (async () => {
        ctx.draining = true;
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await ctx.close();
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
