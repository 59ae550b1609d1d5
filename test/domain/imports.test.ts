import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// src/domain holds the contracts (event schema, mapping, analysis-result schemas); dependencies point
// into it, never out of it: a domain file may import other domain files and external packages only.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const domain = join(root, 'src', 'domain');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []);
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
export function importSpecifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  for (const re of [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of code.matchAll(re)) out.push(m[1]);
  }
  return out;
}

test('the import scanner sees static, type-only, re-export, side-effect and dynamic imports', () => {
  const text = `import { z } from 'zod';\nimport type { A } from '../network/a.js';\nexport { B } from "./b.js";\nimport './c.js';\nconst d = await import('../../store/d.js');\n// import { e } from '../e.js';\n/* import { f } from '../f.js'; */`;
  assert.deepEqual(importSpecifiers(text).sort(), ['../../store/d.js', '../network/a.js', './b.js', './c.js', 'zod']);
});

test('src/domain imports nothing outside src/domain except external packages', () => {
  const files = sourceFiles(domain);
  assert.ok(files.length >= 5, `expected the domain's files, found ${files.length}`);
  const bad: string[] = [];
  for (const file of files) {
    for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.') && !spec.startsWith('/')) continue; // an external package or a node: builtin
      const target = resolve(dirname(file), spec);
      if (target !== domain && !target.startsWith(`${domain}/`)) bad.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(bad, []);
});
