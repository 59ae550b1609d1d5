/**
 * The CLV model names a user may ask for. Apart from pipeline.ts so that `spiral clv --help` (which
 * lists them) does not load the models, the SQL summaries and DuckDB.
 */
export type PurchaseModelName = 'bgnbd' | 'pnbd' | 'mbgnbd' | 'nbd';
export const PURCHASE_MODELS: readonly PurchaseModelName[] = ['bgnbd', 'pnbd', 'mbgnbd', 'nbd'];
/** What a user may ask for: a model, or `auto` (the purchase model with the smallest holdout error). */
export type ModelRequest = PurchaseModelName | 'bgbb' | 'ggamma' | 'auto';
export const MODEL_REQUESTS: readonly ModelRequest[] = ['bgnbd', 'pnbd', 'mbgnbd', 'nbd', 'bgbb', 'ggamma', 'auto'];
