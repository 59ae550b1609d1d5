/** The OpenAPI security requirement of every keyed route: an API key as HTTP Basic user name or as a Bearer token. */
export const SECURITY: Record<string, string[]>[] = [{ basicAuth: [] }, { bearerAuth: [] }];
