/**
 * Analyses of a workspace: run in-process as a job on their own connection to the store, the
 * result kept as `<data-dir>/<workspace>.analysis.json` (written atomically) for GET /v1/analysis,
 * the report and the dashboard.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { AnalysisResultSchema, type AnalysisResult } from '../domain/result.js';
import type { ServerContext } from './context.js';
import { analysisPath } from './workspaces.js';

export function readAnalysis(dataDir: string, workspace: string): AnalysisResult | null {
  const path = analysisPath(dataDir, workspace);
  if (!existsSync(path)) return null;
  return AnalysisResultSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
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
