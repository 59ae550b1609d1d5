/** Paths for tests: the repo root, the shared real data beside the repo, and scratch folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** ../shared/data next to the repo (tests may read it; the product never does). */
export const SHARED_DATA = resolve(REPO_ROOT, '..', 'shared', 'data');

export function sharedData(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

/** A fresh scratch folder; call the returned cleanup in `after`. */
export function scratchDir(prefix = 'spiral-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
