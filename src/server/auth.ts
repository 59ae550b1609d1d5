/**
 * Authentication and roles. The key comes as the HTTP Basic user name with an empty password
 * (Segment's convention for write keys) or as a Bearer token. No valid key → 401. A key used
 * outside its role, or naming another workspace (header `X-Spiral-Workspace` or query
 * `workspace`), → 403. A key only ever reaches its own workspace's data.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import { allows, type Permission } from './keys.js';
import type { AppEnv } from './context.js';

export const WORKSPACE_HEADER = 'x-spiral-workspace';

/** The key from an Authorization header, or null (never logged). */
export function keyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  if (!value) return null;
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    let decoded: string;
    try {
      decoded = Buffer.from(value, 'base64').toString('utf8');
    } catch {
      return null;
    }
    const colon = decoded.indexOf(':');
    // Segment sends the write key as the user name and no password; a key as the password is accepted too.
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    return user || (colon < 0 ? null : decoded.slice(colon + 1)) || null;
  }
  return null;
}

export function requireKey(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.get('ctx');
    const key = keyFromHeader(c.req.header('authorization'));
    if (!key) throw new ApiError(401, 'unauthorized', 'an API key is required (HTTP Basic user name, or Authorization: Bearer <key>)');
    const principal = await ctx.keys.verify(key);
    if (!principal) throw new ApiError(401, 'unauthorized', 'the API key is not valid (unknown, revoked or mistyped)');
    c.set('principal', principal);
    const named = c.req.header(WORKSPACE_HEADER) ?? c.req.query('workspace');
    if (named !== undefined && named !== principal.workspace) {
      throw new ApiError(403, 'forbidden', 'this key belongs to another workspace');
    }
    if (!allows(principal.role, permission)) {
      const need = permission === 'ingest' ? 'a write or admin key' : permission === 'query' ? 'a read or admin key' : 'an admin key';
      throw new ApiError(403, 'forbidden', `this route needs ${need}; the key's role is ${principal.role}`);
    }
    await next();
  };
}
