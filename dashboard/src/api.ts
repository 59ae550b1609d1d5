/**
 * The dashboard's only data source: Spiral's HTTP API on the same origin, with the read key the
 * user signed in with (Bearer) and the workspace named in X-Spiral-Workspace, so a key of another
 * workspace is refused (403) rather than silently showing that workspace.
 * The session lives in sessionStorage: closing the tab forgets the key.
 */
import type { AnalysisResult } from '../../src/domain/result.js';

export type { AnalysisResult };
export type Row = Record<string, unknown>;

export interface Session {
  readonly workspace: string;
  readonly key: string;
}

const SESSION_KEY = 'spiral.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (raw === null) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    return typeof s.workspace === 'string' && typeof s.key === 'string' ? { workspace: s.workspace, key: s.key } : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
  forgetAnalysis();
}

/** Drops the analysis kept for this tab (a new sign-in, a new analysis): the next page fetches it again. */
export function forgetAnalysis(): void {
  cachedAnalysis = null;
  cachedParts.clear();
}

/** An answer other than 2xx, with the API's error code and message (`{error:{status,code,message}}`). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(s: Session, method: 'GET' | 'POST', path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${s.key}`, 'x-spiral-workspace': s.workspace, accept: 'application/json' },
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the Spiral service (${(e as Error).message})`);
  }
  if (res.ok) return (await res.json()) as T;
  let code = 'http_error';
  let message = `${method} ${path} answered ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(res.status, code, message);
}

export const getJson = <T>(s: Session, path: string) => call<T>(s, 'GET', path);
export const postJson = <T>(s: Session, path: string) => call<T>(s, 'POST', path);

let cachedAnalysis: { workspace: string; result: AnalysisResult | null } | null = null;
const cachedParts = new Map<string, AnalysisResult | null>();

/** The latest analysis (fetched once per session and kept; null when the workspace has none yet). */
export async function analysis(s: Session, refresh = false): Promise<AnalysisResult | null> {
  if (!refresh && cachedAnalysis?.workspace === s.workspace) return cachedAnalysis.result;
  if (refresh) cachedParts.clear();
  let result: AnalysisResult | null;
  try {
    result = await getJson<AnalysisResult>(s, '/v1/analysis');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) result = null;
    else throw e;
  }
  cachedAnalysis = { workspace: s.workspace, result };
  return result;
}

/**
 * Only the fields a page needs of the latest analysis (GET /v1/analysis?fields=…, e.g.
 * `overview,clv.equity`), or the whole result when this tab already has it. The overview of a
 * 1M-customer workspace needs ~70 KB of a ~4 MB result. Null when the workspace has no analysis.
 */
export async function analysisFields(s: Session, fields: string): Promise<AnalysisResult | null> {
  if (cachedAnalysis?.workspace === s.workspace) return cachedAnalysis.result;
  const key = `${s.workspace}|${fields}`;
  if (cachedParts.has(key)) return cachedParts.get(key)!;
  let result: AnalysisResult | null;
  try {
    result = await getJson<AnalysisResult>(s, `/v1/analysis?fields=${encodeURIComponent(fields)}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) result = null;
    else throw e;
  }
  cachedParts.set(key, result);
  return result;
}

export interface Job {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  step: string | null;
  stepsDone: string[];
  error: string | null;
}

export interface Segments {
  customers: number;
  segments: { segment: string; customers: number }[];
  fromAnalysis: unknown;
}

export interface ActionsPage {
  total: number;
  offset: number;
  limit: number;
  next: string | null;
  actions: Row[];
}

export interface Profile {
  customerId: string;
  facts: {
    firstSeen: string | null;
    lastSeen: string | null;
    events: number;
    eventsByType: Record<string, number>;
    purchases: number;
    purchaseDays: number;
    revenue: number | null;
    returns: number | null;
    items: number;
    lastPurchase: string | null;
    peers: number;
  };
  clv: Row | null;
  network: Row | null;
  customerFacts: Row | null;
  segment: Row | null;
  recommendations: Row[] | null;
  replenishment: Row[] | null;
  behaviours: Row | null;
  experience: Row | null;
  nextAction: Row | null;
  needsAnalysis: { field: string; reason: string }[];
}
