/**
 * Where a store lives, from `--db`: a file path (DuckDB, the default), `postgres://…`,
 * `clickhouse://…` (a server over HTTP) or `chdb:<dir>` (ClickHouse embedded, in a folder).
 * Passwords never leave this module: `display` is the location with the password redacted.
 */
export type Location =
  | { engine: 'duckdb'; path: string; display: string }
  | { engine: 'postgres'; url: string; display: string }
  | { engine: 'clickhouse'; url: string; database: string; display: string }
  | { engine: 'chdb'; dir: string; display: string };

/** The URL with its password replaced by ***. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

export class LocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocationError';
  }
}

export function parseLocation(location: string): Location {
  const loc = location.trim();
  if (/^postgres(ql)?:\/\//i.test(loc)) {
    try {
      new URL(loc);
    } catch {
      throw new LocationError(`${redact(loc)}: not a valid URL (postgres://user:password@host:5432/database)`);
    }
    return { engine: 'postgres', url: loc, display: redact(loc) };
  }
  if (/^clickhouse(s)?:\/\//i.test(loc)) {
    let u: URL;
    try {
      u = new URL(loc);
    } catch {
      throw new LocationError(`${redact(loc)}: not a valid URL (clickhouse://user:password@host:8123/database)`);
    }
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'default';
    return { engine: 'clickhouse', url: loc, database, display: redact(loc) };
  }
  if (/^chdb:/i.test(loc)) {
    const dir = loc.slice(5).replace(/^\/\/(?=\/)/, '');
    if (dir.trim() === '') throw new LocationError('chdb: give a folder for the embedded ClickHouse store, e.g. chdb:./store.chdb');
    return { engine: 'chdb', dir, display: `chdb:${dir}` };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(loc)) {
    throw new LocationError(`${redact(loc)}: unknown store location (a file path for DuckDB, postgres://…, clickhouse://… or chdb:<dir>)`);
  }
  return { engine: 'duckdb', path: loc, display: loc };
}
