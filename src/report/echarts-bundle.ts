/**
 * The ECharts browser bundle, read from the installed package so the report inlines the exact
 * version Spiral depends on (no CDN: the report must open offline from file://).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface EChartsBundle {
  readonly version: string;
  readonly source: string;
}

let cached: EChartsBundle | undefined;

export function echartsBundle(): EChartsBundle {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const file = require.resolve('echarts/dist/echarts.min.js');
  const source = readFileSync(file, 'utf8');
  // Inside <script>, only "</script" (and "<!--" opening an escaped-text state) can end the element early.
  if (/<\/script|<!--/i.test(source)) {
    throw new Error(`report: ${file} contains "</script" or "<!--" and cannot be inlined as is`);
  }
  const pkg: unknown = JSON.parse(readFileSync(join(dirname(file), '..', 'package.json'), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : 'unknown';
  cached = { version, source };
  return cached;
}
