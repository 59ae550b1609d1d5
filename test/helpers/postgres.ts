/**
 * A real PostgreSQL server for tests (STYLE.md: databases are tested against a real server, never
 * a mock): Debian's `postgresql` package, initdb + pg_ctl in a temporary folder, on a free port,
 * trust for the unix socket and password (scram) for TCP so a wrong password is refused. Stopped
 * (fast shutdown) and removed by `stop()`. As root (CI containers), the server runs as the
 * `postgres` user, since PostgreSQL refuses to run as root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  port: number;
  /** postgres://spiral:<password>@127.0.0.1:<port>/<database> */
  url(database?: string, password?: string): string;
  /** Creates a fresh database (one per test, so tests do not see each other's rows). */
  createDatabase(name: string): void;
  /** Runs one statement as the superuser through psql (database postgres); its output. */
  sql(statement: string): string;
  stop(): void;
}

export const PG_PASSWORD = 'spiral-test-pw';

/** The bin folder of the newest installed PostgreSQL, or a clear failure saying what to install. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL is not installed: the conformance suite needs initdb and pg_ctl under /usr/lib/postgresql/*/bin (apt-get install -y postgresql; .ci/run installs it)');
  }
  return join(root, versions[0], 'bin');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function ids(user: string): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', user]).toString().trim()), gid: Number(execFileSync('id', ['-g', user]).toString().trim()) };
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'spiral-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? ids('postgres') : undefined;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(join(bin, cmd), args, { encoding: 'utf8', ...(owner ?? {}), cwd: dir, timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  run('initdb', ['-D', data, '-U', 'spiral', '--pwfile', pwfile, '-A', 'scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB -c max_connections=20`;
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '60', 'start']);
  let stopped = false;
  const psql = (sql: string) => run('psql', ['-h', dir, '-p', String(port), '-U', 'spiral', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  return {
    port,
    url: (database = 'postgres', password = PG_PASSWORD) => `postgres://spiral:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    createDatabase: (name) => {
      psql(`CREATE DATABASE "${name}"`);
    },
    sql: (statement) => psql(statement),
    stop: () => {
      if (stopped) return;
      stopped = true;
      spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], { ...(owner ?? {}), cwd: dir, timeout: 60_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
