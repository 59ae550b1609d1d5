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
const cache = new Map<string, { mtimeMs: number; size: number; result: AnalysisResult; json?: string; projections: Map<string, string> }>();
/** Projections kept per version of a result (the dashboard asks for the same few field lists). */
const MAX_PROJECTIONS = 16;

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
  cache.set(path, { mtimeMs, size, result, projections: new Map() });
  return result;
}

/** The latest result as JSON text (serialized once per version of the file), or null. */
export function readAnalysisJson(dataDir: string, workspace: string): string | null {
  const result = readAnalysis(dataDir, workspace);
  if (!result) return null;
  const hit = cache.get(analysisPath(dataDir, workspace))!;
  return (hit.json ??= JSON.stringify(result));
}

/** A field path of the result: section names and keys joined by dots, e.g. `clv.equity`. */
export const FIELD_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
/** What every projection keeps: the document's identity and its warnings. */
const ALWAYS = ['schemaVersion', 'generatedAt', 'spiralVersion', 'store', 'warnings'] as const;

/**
 * A partial result (a "fields" projection): the document's identity and warnings plus the value at
 * each path, nested as in the result; a path the result does not have is left out. The overview of
 * a 1M-customer result needs ~70 KB of its ~4 MB (the brand section's listening series is most of it).
 */
export function projectAnalysis(result: AnalysisResult, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ALWAYS) if (result[k] !== undefined) out[k] = result[k];
  for (const path of paths) {
    const keys = path.split('.');
    let from: unknown = result;
    for (const k of keys) from = from !== null && typeof from === 'object' && Object.hasOwn(from, k) ? (from as Record<string, unknown>)[k] : undefined;
    if (from === undefined) continue;
    let to = out;
    for (const k of keys.slice(0, -1)) {
      const next = to[k];
      to = (to[k] = next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
    }
    to[keys[keys.length - 1]] = from;
  }
  return out;
}

/**
 * A projection of the latest result (`fields`: comma-separated paths, see projectAnalysis) as JSON
 * text, serialised once per version of the file and field list; null without a result.
 */
export function readAnalysisFieldsJson(dataDir: string, workspace: string, fields: string): string | null {
  const result = readAnalysis(dataDir, workspace);
  if (!result) return null;
  const { projections } = cache.get(analysisPath(dataDir, workspace))!;
  let json = projections.get(fields);
  if (json === undefined) {
    json = JSON.stringify(projectAnalysis(result, fields.split(',')));
    if (projections.size >= MAX_PROJECTIONS) projections.delete(projections.keys().next().value!);
    projections.set(fields, json);
  }
  return json;
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
