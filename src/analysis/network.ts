/**
 * The network section of the analysis: analyzeNetwork over the store, checked against the result
 * schema, with its warnings listed under 'network'. A store without referral, share or follow events
 * that name a peer has no network: the section is left out with a warning saying so.
 */
import type { Warning } from '../domain/result.js';
import { NetworkSectionSchema, type NetworkSection } from '../domain/sections/network.js';
import { analyzeNetwork, NETWORK_EDGE_TYPES, type AnalyzeNetworkOptions } from '../network/index.js';
import { edgeEventFilter } from '../network/edges.js';
import type { Store } from '../store/types.js';

export interface NetworkSectionOptions {
  onProgress?: (step: string) => void;
  network?: Partial<AnalyzeNetworkOptions>;
}

export const NO_NETWORK_MESSAGE = 'skipped: no referral, share or follow events with a peer_id (the customer network needs them)';

/** Events that would make an edge, counted in SQL. */
export async function networkEventCount(store: Store, types: readonly string[] = NETWORK_EDGE_TYPES): Promise<number> {
  const [row] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM events WHERE ${edgeEventFilter(types, null, null)}`);
  return Number(row.n);
}

/** The network section, or undefined (with a warning) when the store has no network events. */
export async function runNetworkSection(store: Store, opts: NetworkSectionOptions, warnings: Warning[]): Promise<NetworkSection | undefined> {
  const types = opts.network?.edgeTypes ?? NETWORK_EDGE_TYPES;
  if ((await networkEventCount(store, types)) === 0) {
    warnings.push({ section: 'network', message: NO_NETWORK_MESSAGE });
    return undefined;
  }
  opts.onProgress?.('network');
  const result = await analyzeNetwork(store, opts.network ?? {});
  const section = NetworkSectionSchema.parse(result);
  for (const w of section.warnings) warnings.push({ section: 'network', message: w.replace(/^network: /, '') });
  return section;
}
