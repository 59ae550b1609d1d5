/** Flag parsing helpers: every flag value is validated here, with a message that names the flag. */
import { type Stats, closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

export function intFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export function rateFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${name} must be a number in [0, 1], got "${value}"`);
  return n;
}

export function dateFlag(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // A well-formed but impossible date (2024-13-45) is an Invalid Date, whose toISOString throws.
  const d = new Date(`${value}T00:00:00Z`);
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
  if (!ok) throw new UsageError(`--${name} must be a date YYYY-MM-DD, got "${value}"`);
  return value;
}

export function requireFile(flag: string, path: string): string {
  if (!existsSync(path)) throw new UsageError(`${flag}: ${path}: no such file`);
  return path;
}

export function readJsonFile(flag: string, path: string): unknown {
  requireFile(flag, path);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`${flag}: ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Checks, before any work, that the file a flag names can be written: not a directory, its folder
 * exists, and the file can be opened for writing (tried for real: a missing file is created and
 * removed again, an existing one is opened without truncating). Every command that writes a file
 * calls this first, so a bad path fails at once (exit 2, naming the flag) instead of after the
 * work, or after the rows were committed. Returns the absolute path.
 */
export function writableFile(flag: string, path: string): string {
  if (path.trim() === '') throw new UsageError(`${flag}: give a file path`);
  const abs = resolve(path);
  const st = statOrNull(abs);
  if (st?.isDirectory()) throw new UsageError(`${flag}: ${path} is a directory; give a file path inside it`);
  const dir = dirname(abs);
  const dst = statOrNull(dir);
  if (!dst) throw new UsageError(`${flag}: ${path}: the folder ${dir} does not exist`);
  if (!dst.isDirectory()) throw new UsageError(`${flag}: ${path}: ${dir} is not a folder`);
  if (st && !st.isFile()) return abs; // a device such as /dev/null or /dev/stdout
  try {
    closeSync(openSync(abs, st ? 'r+' : 'wx'));
    if (!st) rmSync(abs, { force: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag}: ${path} cannot be written (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : (e as Error).message})`);
  }
  return abs;
}

/** The file's stat, or null when there is nothing there (ENOENT, or a path through a file: ENOTDIR). */
function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
