/**
 * `npm run bench -- <name...>`: runs bench/<name>.ts (each exports `run(): Promise<string>`, a
 * markdown section with its measurements and the in-run baseline), writes bench/results/<name>.md,
 * and rebuilds bench/RESULTS.md from every bench/results/*.md. With no name it lists the benches.
 * Benchmarks are never part of `npm test`.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus, totalmem } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');

function available(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !['main.ts'].includes(f) && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

function rebuildResults(): void {
  const parts = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => readFileSync(join(resultsDir, f), 'utf8').trim());
  writeFileSync(
    join(here, 'RESULTS.md'),
    `# Benchmark results\n\nEach section is written by \`npm run bench -- <name>\` (bench/<name>.ts) on the machine it names, with its baseline measured in the same run. This file is rebuilt from bench/results/*.md.\n\n${parts.join('\n\n')}\n`,
  );
}

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (names.length === 0) {
  console.log(`benches: ${available().join(', ')}\nrun: npm run bench -- <name...>`);
  process.exit(0);
}
mkdirSync(resultsDir, { recursive: true });
for (const name of names) {
  if (!available().includes(name)) {
    console.error(`bench: no bench named "${name}" (have: ${available().join(', ')})`);
    process.exit(2);
  }
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run?: () => Promise<string> };
  if (typeof mod.run !== 'function') {
    console.error(`bench: bench/${name}.ts does not export run()`);
    process.exit(2);
  }
  console.error(`bench ${name}: running on ${machine()}`);
  const md = await mod.run();
  writeFileSync(join(resultsDir, `${name}.md`), `${md.trim()}\n\n_Machine: ${machine()}; measured ${new Date().toISOString().slice(0, 10)}._\n`);
  console.log(md);
}
rebuildResults();
