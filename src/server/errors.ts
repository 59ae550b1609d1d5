/**
 * The service's one error type (hono style): an HTTPException that carries its status and a JSON
 * body `{ "error": { "status", "code", "message", … } }`, so every refusal has the same shape.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'bad_request'
  | 'bad_json'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'not_computed'
  | 'conflict'
  | 'too_large'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  error: { status: number; code: ErrorCode; message: string; [k: string]: unknown };
}

export class ApiError extends HTTPException {
  constructor(
    readonly statusCode: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(statusCode, { message });
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return { error: { status: this.statusCode, code: this.code, message: this.message, ...this.details } };
  }

  override getResponse(): Response {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (this.statusCode === 401) headers['www-authenticate'] = 'Basic realm="spiral", Bearer';
    return new Response(JSON.stringify(this.body()), { status: this.statusCode, headers });
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) => new ApiError(400, 'bad_request', message, details);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const notComputed = (message: string) => new ApiError(409, 'not_computed', message);
