/**
 * The fields of the analysis result the dashboard's overview reads (GET /v1/analysis?fields=…), so
 * its first render stays small on a large workspace. Shared by the dashboard (dashboard/src/pages/overview.ts)
 * and the service, which serialises this projection when it opens a workspace; no imports, so the
 * browser bundle takes nothing else from the server.
 */
export const OVERVIEW_FIELDS = 'overview,clv.equity,brand.overall.spiral';
