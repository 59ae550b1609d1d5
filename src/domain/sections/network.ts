/**
 * The network section of the analysis result: the customer graph (degrees, PageRank, k-core,
 * communities, reach, homophily), referral cascades, referral value, the peer effect and
 * network-adjusted CLV, and the top of the network with fixed positions for drawing. The schema is
 * the network module's own result schema (src/network/result.ts), so the section and
 * `spiral network --json` are one document.
 */
import { NetworkResultSchema, type NetworkResult } from '../../network/result.js';

export const NetworkSectionSchema = NetworkResultSchema;
export type NetworkSection = NetworkResult;
