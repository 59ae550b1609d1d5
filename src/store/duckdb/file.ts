/**
 * Recognising a DuckDB database file without loading DuckDB: the CLI checks `--db` with it before
 * it knows whether the command will open the store at all (usage errors, --help).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Whether the file at `path` starts with DuckDB's header (the magic bytes "DUCK" at offset 8). */
export function isDuckDbFile(path: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(path).isFile()) return false;
    fd = openSync(path, 'r');
    const head = Buffer.alloc(12);
    return readSync(fd, head, 0, 12, 0) === 12 && head.toString('latin1', 8, 12) === 'DUCK';
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
