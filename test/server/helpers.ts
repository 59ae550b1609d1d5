/** Test helpers for the HTTP service: keys, a real `spiral serve` child process on a free loopback port, and a Basic auth header. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { KeyStore, type Role } from '../../src/server/keys.js';
import { after, before } from 'node:test';
import { createApp } from '../../src/server/app.js';
import { ServerContext } from '../../src/server/context.js';
import { REPO_ROOT, scratchDir } from '../helpers/paths.js';

export async function makeKey(dataDir: string, workspace: string, role: Role): Promise<string> {
  return (await new KeyStore(dataDir).create(workspace, role)).key;
}

export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far (the request log). */
  log(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

export interface GatedServer {
  /** Resolves when the process has loaded its modules (before it opens the store). */
  loaded: Promise<void>;
  /** Lets it open the store and listen; resolves once it is ready. */
  go(): Promise<ServerProcess>;
  kill(): Promise<void>;
}

function launch(args: string[], timeoutMs: number, gated: boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, CI: '1', SPIRAL_DUCKDB_THREADS: '2' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitFor = (pred: (line: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the service did not get ready in ${timeoutMs} ms: ${err}`));
      }, timeoutMs);
      const check = () => {
        const line = out.split('\n').find(pred);
        if (line === undefined) return false;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(line);
        return true;
      };
      const onData = (d: Buffer) => {
        out += d.toString();
        check();
      };
      if (check()) return;
      child.stdout!.on('data', onData);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the service exited with ${code} before it was ready: ${err}`));
      });
    });
  const kill = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  const ready = async (): Promise<ServerProcess> => {
    const line = await waitFor((l) => l.startsWith('{'));
    const { url } = JSON.parse(line) as { url: string };
    return {
      url,
      child,
      log: () => err,
      async stop() {
        child.kill('SIGTERM');
        return exited;
      },
      kill,
    };
  };
  if (!gated) child.stdin!.end();
  return { child, waitFor, ready, kill };
}

/** Starts `spiral serve --port 0 --json` from source and waits for its ready line (bounded). */
export function startServe(dataDir: string, extra: string[] = [], timeoutMs = 90_000): Promise<ServerProcess> {
  const args = [join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'serve', '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--json', ...extra];
  return launch(args, timeoutMs, false).ready();
}

/** Loads a service process now and starts it on `go()` (test/server/serve-child.ts). */
export function preloadServe(dataDir: string, timeoutMs = 90_000): GatedServer {
  const l = launch([join(REPO_ROOT, 'test', 'server', 'serve-child.ts'), dataDir, '--gate'], timeoutMs, true);
  const loaded = l.waitFor((line) => line === 'loaded').then(() => undefined);
  loaded.catch(() => undefined);
  return {
    loaded,
    async go() {
      await loaded;
      l.child.stdin!.write('go\n');
      return l.ready();
    },
    kill: l.kill,
  };
}

/** A Segment track message. */
export function track(id: string, user: string, event: string, ts: string, properties: Record<string, unknown> = {}) {
  return { type: 'track', messageId: id, userId: user, event, timestamp: ts, properties };
}

export interface AppFixture {
  /** The scratch data folder (keys, stores, analyses). */
  readonly dir: string;
  readonly ctx: ServerContext;
  readonly app: ReturnType<typeof createApp>;
}

/**
 * The service in-process (`app.request`, no socket) over a scratch data folder, for a test file:
 * `setup` fills the folder (keys, stores), then the context opens before the file's tests and
 * closes after them.
 */
export function appFixture(prefix: string, setup: (dir: string) => Promise<void> = async () => undefined): AppFixture {
  const scratch = scratchDir(prefix);
  const f = { dir: scratch.dir } as { dir: string; ctx: ServerContext; app: ReturnType<typeof createApp> };
  before(async () => {
    await setup(scratch.dir);
    f.ctx = new ServerContext({ dataDir: scratch.dir, log: () => undefined });
    await f.ctx.openAll();
    f.app = createApp(f.ctx);
  });
  after(async () => {
    await f.ctx?.close();
    scratch.cleanup();
  });
  return f;
}
