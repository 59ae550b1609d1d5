/**
 * The library surface (issue 12 item 6): the README's TypeScript example is examples/library.ts
 * verbatim, it type-checks against the public entry (`import … from 'spiral'`), it runs — ingest,
 * analyse, read a profile — on the CDNOW sample with the published counts (6,919 purchases of
 * 2,357 customers), and package.json's `exports` map points at what the build emits for src/index.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, scratchDir, sharedData } from '../helpers/paths.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'library.ts');
const scratch = scratchDir('spiral-library-');
after(() => scratch.cleanup());

test('the README example is examples/library.ts verbatim', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length > 0, 'the README has no ```ts block');
  assert.ok(blocks.includes(readFileSync(EXAMPLE, 'utf8')), 'no ```ts block of the README equals examples/library.ts');
});

test('package.json exports the built src/index.ts (with types) and nothing else; the bin is the built CLI', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>; bin: Record<string, string>; main: string; types: string;
  };
  const build = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
  const { rootDir, outDir } = build.compilerOptions;
  const emitted = (src: string, ext: string) => `./${src.replace(new RegExp(`^${rootDir}/`), `${outDir}/`).replace(/\.ts$/, ext)}`;
  assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './package.json']);
  assert.deepEqual(pkg.exports['.'], { types: emitted('src/index.ts', '.d.ts'), import: emitted('src/index.ts', '.js') });
  assert.equal(`./${pkg.main}`, emitted('src/index.ts', '.js'));
  assert.equal(`./${pkg.types}`, emitted('src/index.ts', '.d.ts'));
  assert.equal(`./${pkg.bin.spiral}`, emitted('src/cli/main.ts', '.js'));
  assert.ok(existsSync(join(REPO_ROOT, 'src', 'cli', 'main.ts')));
});

test('the example type-checks against the public entry only', { timeout: 180_000 }, () => {
  const config = join(scratch.dir, 'tsconfig.json');
  writeFileSync(config, JSON.stringify({
    extends: join(REPO_ROOT, 'tsconfig.json'),
    compilerOptions: { noEmit: true, typeRoots: [join(REPO_ROOT, 'node_modules', '@types')] },
    // the ambient declarations of untyped dependencies (src/**/*.d.ts) that the sources rely on
    include: [EXAMPLE, join(REPO_ROOT, 'src', '**', '*.d.ts')],
  }));
  // `spiral` resolves to src/index.ts (tsconfig.json paths): a deep import of an internal module would still compile, so check there is none.
  assert.doesNotMatch(readFileSync(EXAMPLE, 'utf8'), /from '(\.|\/|spiral\/)/, 'the example imports something other than the public entry');
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(r.status, 0, `tsc: ${r.stdout}${r.stderr}`);
});

test('the example runs: ingests the CDNOW sample, analyses it, reads the first customer\'s profile', { timeout: 180_000 }, () => {
  const db = join(scratch.dir, 'example.duckdb');
  const r = spawnSync(process.execPath, ['--import', 'tsx', EXAMPLE, sharedData('cdnow', 'cdnow_sample_elog.csv'), join(REPO_ROOT, 'examples', 'mappings', 'cdnow_sample.json'), db], {
    encoding: 'utf8', cwd: REPO_ROOT, env: { ...process.env, SPIRAL_DUCKDB_THREADS: '2' },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], 'accepted 6919, rejected 0, duplicates 0');
  assert.match(lines[1], /^2357 customers, \d+ segments$/);
  const profile = JSON.parse(lines[lines.length - 1]) as { customer: string; pAlive: number | null; action: { customerId: string } };
  // min(customer_id) of the sample's master ids, as strings
  const ids = readFileSync(sharedData('cdnow', 'cdnow_sample_elog.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]).sort();
  assert.equal(profile.customer, ids[0]);
  assert.equal(profile.action.customerId, ids[0]);
  assert.ok(profile.pAlive !== null && profile.pAlive > 0 && profile.pAlive <= 1, `P(alive) ${profile.pAlive}`);
});
