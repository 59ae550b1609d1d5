/**
 * Analyses of a workspace: run in-process as a job on their own connection to the store, the
 * result kept as `<data-dir>/<workspace>.analysis.json` (written atomically) for GET /v1/analysis,
 * the report and the dashboard.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { AnalysisResultSchema, type AnalysisResult } from '../domain/result.js';
import type { ServerContext } from './context.js';
import { analysisPath } from './workspaces.js';

/** The last result read per file, with the file's identity when read: a 1M-customer result is ~7 MB to parse and check. */
const cache = new Map<string, { mtimeMs: number; size: number; result: AnalysisResult }>();

/** The workspace's latest analysis result, or null; parsed once per version of the file. */
export function readAnalysis(dataDir: string, workspace: string): AnalysisResult | null {
  const path = analysisPath(dataDir, workspace);
  if (!existsSync(path)) {
    cache.delete(path);
    return null;
  }
  const { mtimeMs, size } = statSync(path);
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.result;
  const result = AnalysisResultSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  cache.set(path, { mtimeMs, size, result });
  return result;
}

/** Segment id → generated name, from the latest analysis (empty without one or without a segments section). */
export function segmentNames(dataDir: string, workspace: string): Map<string, string> {
  return new Map((readAnalysis(dataDir, workspace)?.segments?.segments ?? []).map((x) => [String(x.id), x.name]));
}

export function writeAnalysis(dataDir: string, workspace: string, result: AnalysisResult): void {
  const path = analysisPath(dataDir, workspace);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(result));
  renameSync(tmp, path);
}

/** Starts an analysis of the workspace (or returns the one already running). */
export async function startAnalysis(ctx: ServerContext, workspace: string) {
  const w = await ctx.workspace(workspace);
  return ctx.jobs.start(workspace, async (progress) => {
    const conn = await w.store.connect();
    try {
      // Loaded on first use: the service starts without the analysis pipeline in memory.
      const { analyze } = await import('../analysis/analyze.js');
      const result = await analyze(conn, { onProgress: progress });
      // The result names the workspace, not the server's file path.
      writeAnalysis(ctx.options.dataDir, workspace, { ...result, store: { dialect: result.store.dialect, location: `workspace:${workspace}` } });
    } finally {
      await conn.close();
    }
  });
}
