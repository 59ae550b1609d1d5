/** Flag parsing helpers: every flag value is validated here, with a message that names the flag. */
import { existsSync, readFileSync } from 'node:fs';
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
